/* A stand-in for the kqueue header of macOS and the BSDs, so that this
 * Linux machine can compile src/posix's kqueue paths (the compat.* tests in
 * tests/compat/CMakeLists.txt). Declarations only: nothing links or runs.
 *
 * The layout and values are those of FreeBSD's sys/sys/event.h and XNU's
 * bsd/sys/event.h (struct kevent, not kevent64_s), as documented in
 * kqueue(2): ident, filter, flags, fflags, data, udata. */
#ifndef XSOCK_COMPAT_SYS_EVENT_H
#define XSOCK_COMPAT_SYS_EVENT_H

#include <stdint.h>
#include <time.h>

struct kevent {
    uintptr_t ident; /* the descriptor */
    int16_t filter;  /* EVFILT_* */
    uint16_t flags;  /* EV_* */
    uint32_t fflags;
    intptr_t data;
    void *udata;
};

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

#define EV_SET(kevp, a, b, c, d, e, f)          \
    do {                                        \
        struct kevent *ev_set_ = (kevp);        \
        ev_set_->ident = (uintptr_t)(a);        \
        ev_set_->filter = (int16_t)(b);         \
        ev_set_->flags = (uint16_t)(c);         \
        ev_set_->fflags = (uint32_t)(d);        \
        ev_set_->data = (intptr_t)(e);          \
        ev_set_->udata = (void *)(f);           \
    } while (0)

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
           int nevents, const struct timespec *timeout);

#endif
