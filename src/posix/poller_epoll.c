/* The epoll poller (Linux): level-triggered, woken through an eventfd.
 *
 * epoll watches the open file, not the number (epoll(7), Q6): a socket
 * closed while a forked child or a dup() still holds its file stays in the
 * set, is reported on every wait, and epoll_ctl cannot take it out any more
 * (EBADF). So xsock_close removes a socket before closing it (ep_forget,
 * through src/common/poller.c), and every registration carries an id in
 * data.u64, the fd and a generation, as nng's epoll poller does: an event
 * whose generation is not the table's current one belongs to a socket
 * closed behind the library's back, and is never reported, above all not
 * with the udata of a new socket that got the same number.
 *
 * The table, indexed by fd, holds what epoll cannot hand back with an
 * event (udata, the watched events, the generation) and says what is added:
 * modify and remove look there first, so they never reach the kernel for a
 * number that was never added (such as the wake eventfd). Whether an add is
 * a double add the kernel decides (EEXIST), as only it knows whether the
 * number still names the same file. */
#include "posix/posix.h"
#ifndef _WIN32
#ifdef __linux__

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#define BATCH_MAX 1024 /* events taken from the kernel per wait, at most */

#define WAKE_ID UINT64_MAX /* the eventfd's data.u64: no generation << 32 | fd is */

typedef struct ep_watch {
    void *udata;
    uint64_t id; /* the registration's data.u64: generation << 32 | fd; 0: not added */
    int events;
} ep_watch;

typedef struct epoller {
    xsock_poller base;
    int ep;                   /* the epoll instance */
    int wake;                 /* eventfd, in the set like a socket */
    pid_t pid;                /* the process that made the set (see ep_forget) */
    uint32_t gen;             /* the last generation given out */
    ep_watch *tab;            /* by fd */
    size_t cap;
    struct epoll_event *buf;  /* what epoll_wait fills */
    int bufcap;
} epoller;

/* EPOLLRDHUP: the peer's end of stream shows as XSOCK_POLLHUP, as kqueue's
 * EV_EOF does, and not only once both directions are shut. */
static uint32_t to_native(int events)
{
    return ((events & XSOCK_POLLIN) ? EPOLLIN | EPOLLRDHUP : 0u) |
           ((events & XSOCK_POLLOUT) ? EPOLLOUT : 0u);
}

/* The kernel's bits are xsock's (checked below), so an event with no error
 * or hang-up needs no translation: the common case costs one test. */
typedef char xsock__same_bits[(EPOLLIN == XSOCK_POLLIN && EPOLLOUT == XSOCK_POLLOUT &&
                               EPOLLERR == XSOCK_POLLERR && EPOLLHUP == XSOCK_POLLHUP) ? 1 : -1];
#define SLOW_BITS ((uint32_t)(EPOLLERR | EPOLLHUP | EPOLLRDHUP))

static XSOCK__NOINLINE short from_native(uint32_t e, int watched)
{
    short r = 0;
    if (e & EPOLLIN) r |= XSOCK_POLLIN;
    if (e & EPOLLOUT) r |= XSOCK_POLLOUT;
    if (e & EPOLLERR) r |= (short)(XSOCK_POLLERR | watched);
    if (e & (EPOLLHUP | EPOLLRDHUP)) r |= (short)(XSOCK_POLLHUP | (watched & XSOCK_POLLIN));
    return r;
}

static int ctl(epoller *ep, int op, int fd, int events, uint64_t id)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = to_native(events);
    ev.data.u64 = id;
    return XSOCK__OS(epoll_ctl)(ep->ep, op, fd, &ev);
}

/* fd's entry if fd is added, else NULL: any number is safe here. */
static ep_watch *added(const epoller *ep, int fd)
{
    return (size_t)fd < ep->cap && ep->tab[fd].id != 0 ? &ep->tab[fd] : NULL;
}

/* EEXIST and ENOENT are the caller's mix-ups, XSOCK_EINVAL on every backend. */
static int ctl_error(void)
{
    if (errno == EEXIST || errno == ENOENT) return xsock__fail(XSOCK_EINVAL, errno);
    return xsock__sys_error();
}

static int ep_add(xsock_poller *p, int fd, int events, void *udata)
{
    epoller *ep = (epoller *)p;
    void *t = ep->tab;
    uint32_t gen = ep->gen == UINT32_MAX ? 1 : ep->gen + 1; /* never 0: id 0 is "not added" */
    uint64_t id = (uint64_t)gen << 32 | (uint32_t)fd;
    int r;
    if (fd == ep->wake || fd == ep->ep) return xsock__fail(XSOCK_EINVAL, EINVAL); /* ours */
    r = xsock__poller_table_fit(&t, &ep->cap, sizeof *ep->tab, fd);
    ep->tab = (ep_watch *)t;
    if (r < 0) return r;
    if (ctl(ep, EPOLL_CTL_ADD, fd, events, id) != 0) return ctl_error();
    ep->gen = gen;
    ep->tab[fd].udata = udata;
    ep->tab[fd].events = events;
    ep->tab[fd].id = id;
    return 0;
}

static int ep_modify(xsock_poller *p, int fd, int events, void *udata)
{
    epoller *ep = (epoller *)p;
    ep_watch *w = added(ep, fd);
    if (w == NULL) return xsock__fail(XSOCK_EINVAL, ENOENT);
    if (ctl(ep, EPOLL_CTL_MOD, fd, events, w->id) != 0) {
        int e = errno;
        if (e == EBADF || e == ENOENT) w->id = 0; /* closed behind our back */
        errno = e;
        return ctl_error();
    }
    w->udata = udata;
    w->events = events;
    return 0;
}

static int ep_remove(xsock_poller *p, int fd)
{
    epoller *ep = (epoller *)p;
    ep_watch *w = added(ep, fd);
    int r = 0;
    if (w == NULL) return xsock__fail(XSOCK_EINVAL, ENOENT);
    if (ctl(ep, EPOLL_CTL_DEL, fd, 0, 0) != 0) r = ctl_error();
    w->udata = NULL; /* whatever the kernel said, fd is not ours now */
    w->id = 0;
    return r;
}

/* Before xsock_close. A forked child shares the parent's epoll set (a
 * kernel object, not a copy): its closes must not take sockets out of the
 * parent's set, so there only the child's own table forgets. */
static void ep_forget(xsock_poller *p, int fd)
{
    epoller *ep = (epoller *)p;
    ep_watch *w = added(ep, fd);
    if (w == NULL) return;
    if (ep->pid == getpid()) ctl(ep, EPOLL_CTL_DEL, fd, 0, 0);
    w->udata = NULL;
    w->id = 0;
}

/* Asks the kernel for at most max events, never more: level-triggered, it
 * moves every socket it reports to the back of its ready list, so one
 * taken and then dropped would lose its turn on every wait.
 * An event of a closed socket (the generation check) is skipped; if a wait
 * had only those, it waits again for the time left, so that a wait without
 * timeout never returns 0 for nothing. */
static int ep_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    epoller *ep = (epoller *)p;
    long long start = timeout_ms > 0 ? xsock__posix_now_ms() : 0;
    int want = max < BATCH_MAX ? max : BATCH_MAX;
    int n, i, left, out = 0, woken = 0;
    if (want > ep->bufcap) {
        struct epoll_event *b = (struct epoll_event *)XSOCK__OS(realloc)(ep->buf, (size_t)want * sizeof *b);
        if (b == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
        ep->buf = b;
        ep->bufcap = want;
    }
    do {
        left = xsock__posix_left_ms(timeout_ms, start);
        while ((n = XSOCK__OS(epoll_wait)(ep->ep, ep->buf, want, left)) < 0 && errno == EINTR)
            left = xsock__posix_left_ms(timeout_ms, start);
        if (n < 0) return xsock__sys_error();
        /* Locals, so that the stores to evs need not reload them. */
        const struct epoll_event *b = ep->buf;
        const ep_watch *tab = ep->tab;
        size_t cap = ep->cap;
        xsock_event *ev = evs;
        for (i = 0; i < n; i++) {
            uint64_t id = b[i].data.u64, count;
            uint32_t e = b[i].events;
            const ep_watch *w;
            /* One test for the common case, a socket's event. Out of bounds:
             * the wake id (its low half, all ones, is beyond any table of
             * descriptors), or in a forked child, whose table is a copy
             * while the set is the parent's; another id there: a socket
             * closed by other means that a child still holds (or its
             * number reused). */
            if ((uint32_t)id >= cap || (w = &tab[(uint32_t)id])->id != id) {
                if (id == WAKE_ID) {
                    if (XSOCK__OS(read)(ep->wake, &count, sizeof count) < 0) {} /* resets it; EAGAIN: a racing wait took it */
                    woken = 1;
                }
                continue;
            }
            ev->sock = (xsock_t)(uint32_t)id;
            ev->events = (e & SLOW_BITS) ? from_native(e, w->events) : (short)(e & (EPOLLIN | EPOLLOUT));
            ev->udata = w->udata;
            ev++;
        }
        out = (int)(ev - evs);
    } while (out == 0 && !woken && n > 0 && left != 0);
    return out;
}

static int ep_wake(xsock_poller *p)
{
    epoller *ep = (epoller *)p;
    uint64_t one = 1;
    ssize_t r;
    while ((r = XSOCK__OS(write)(ep->wake, &one, sizeof one)) < 0 && errno == EINTR) {}
    /* EAGAIN only when the counter is full: wakes are pending anyway. */
    if (r < 0 && errno != EAGAIN) return xsock__sys_error();
    return 0;
}

static void ep_destroy(xsock_poller *p)
{
    epoller *ep = (epoller *)p;
    if (ep->wake >= 0) XSOCK__OS(close)(ep->wake);
    if (ep->ep >= 0) XSOCK__OS(close)(ep->ep);
    XSOCK__OS(free)(ep->tab);
    XSOCK__OS(free)(ep->buf);
    XSOCK__OS(free)(ep);
}

static const struct xsock__poller_ops epoll_ops = {"epoll", ep_add, ep_modify, ep_remove,
                                             ep_forget, ep_wait, ep_wake, ep_destroy};

int xsock__epoll_create(xsock_poller **out)
{
    epoller *ep = (epoller *)XSOCK__OS(calloc)(1, sizeof *ep);
    struct epoll_event ev;
    int r;
    if (ep == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    ep->base.ops = &epoll_ops;
    ep->wake = -1;
    ep->pid = getpid();
    if ((ep->ep = XSOCK__OS(epoll_create1)(EPOLL_CLOEXEC)) < 0 ||
        (ep->wake = XSOCK__OS(eventfd)(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        goto fail;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.u64 = WAKE_ID;
    if (XSOCK__OS(epoll_ctl)(ep->ep, EPOLL_CTL_ADD, ep->wake, &ev) != 0) goto fail;
    *out = &ep->base;
    return 0;
fail:
    r = xsock__sys_error();
    ep_destroy(&ep->base);
    return r;
}

#else /* not Linux */

int xsock__epoll_create(xsock_poller **out)
{
    (void)out;
    return XSOCK_ENOTSUP;
}

#endif /* __linux__ */
#endif /* _WIN32 */
