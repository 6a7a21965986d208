/* The kqueue poller (macOS, the BSDs): level-triggered (no EV_CLEAR), woken
 * through a self-pipe (EVFILT_USER is missing on older OpenBSD and NetBSD).
 *
 * kqueue keeps a filter per direction, not a socket: EVFILT_READ for
 * XSOCK_POLLIN, EVFILT_WRITE for XSOCK_POLLOUT, one kevent each, which a
 * wait merges back into one event per socket. Whether a socket is added is
 * kept in a table indexed by fd (with its udata), as kqueue cannot say.
 * The kernel drops a closed socket's filters without telling ("Calling
 * close() on a file descriptor will remove any kevents that reference the
 * descriptor", kqueue(2) on FreeBSD and macOS; knote_fdclose() in FreeBSD's
 * sys/kern/kern_event.c and XNU's bsd/kern/kern_event.c). xsock_close takes
 * the socket out first anyway (kq_forget), so the table never outlives it;
 * after a close by other means the table learns it on the next add or
 * modify of that fd (see is_stale). Filters belong to the number in this
 * process: a kqueue is not inherited by a forked child (kqueue(2)), and a
 * child's copy of a socket keeps nothing reported here, so a generation in
 * udata, which epoll needs, would add nothing. A kevent for a number the
 * table does not hold (left by a race or by a close by other means) is
 * deleted when a wait meets it, not skipped on every wait.
 *
 * Checked here only as far as it compiles (tests/compat/sys/event.h, the
 * compat.darwin_syntax test); the behaviour above is from the sources. */
#include "posix/posix.h"
#ifndef _WIN32
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)

#include <stdlib.h>
#include <string.h>
#include <sys/event.h>
#include <sys/time.h>

#define BATCH_MAX 1024 /* kevents taken from the kernel per wait, at most */

typedef struct kq_watch {
    void *udata;
    int events; /* the filters the kernel holds, as XSOCK_POLLIN/OUT; 0: not added */
    int out;    /* during a wait: its index in evs + 1, 0 for none yet */
} kq_watch;

typedef struct kqpoller {
    xsock_poller base;
    int kq;
    int wake[2]; /* the self-pipe, EVFILT_READ on wake[0] */
    kq_watch *tab;  /* by fd */
    size_t cap;
    struct kevent *buf;
    int bufcap;
} kqpoller;

static int filter_set(kqpoller *kq, int fd, int filter, int on)
{
    struct kevent ch;
    int r;
    EV_SET(&ch, fd, filter, on ? EV_ADD : EV_DELETE, 0, 0, 0);
    while ((r = XSOCK__OS(kevent)(kq->kq, &ch, 1, NULL, 0, NULL)) < 0 && errno == EINTR) {}
    return r;
}

/* Moves fd's filters in the kernel from w->events to want, one change at a
 * time, so that w->events always says what the kernel holds even when a
 * change fails half way. -1 with errno on failure. */
static int sync_filters(kqpoller *kq, int fd, kq_watch *w, int want)
{
    if ((want ^ w->events) & XSOCK_POLLIN) {
        if (filter_set(kq, fd, EVFILT_READ, want & XSOCK_POLLIN) != 0) return -1;
        w->events ^= XSOCK_POLLIN;
    }
    if ((want ^ w->events) & XSOCK_POLLOUT) {
        if (filter_set(kq, fd, EVFILT_WRITE, want & XSOCK_POLLOUT) != 0) return -1;
        w->events ^= XSOCK_POLLOUT;
    }
    return 0;
}

/* Whether the table's entry for fd outlived its socket: a close removed its
 * filters, so deleting one finds nothing (ENOENT). If it was alive, the
 * filter is put back. */
static int is_stale(kqpoller *kq, int fd, const kq_watch *w)
{
    int filter = (w->events & XSOCK_POLLIN) ? EVFILT_READ : EVFILT_WRITE;
    if (filter_set(kq, fd, filter, 0) != 0) return errno == ENOENT || errno == EBADF;
    filter_set(kq, fd, filter, 1);
    return 0;
}

static int kq_add(xsock_poller *p, int fd, int events, void *udata)
{
    kqpoller *kq = (kqpoller *)p;
    void *t = kq->tab;
    kq_watch *w;
    int r;
    if (fd == kq->wake[0] || fd == kq->wake[1] || fd == kq->kq) return xsock__fail(XSOCK_EINVAL, EINVAL); /* ours */
    r = xsock__poller_table_fit(&t, &kq->cap, sizeof *kq->tab, fd);
    kq->tab = (kq_watch *)t;
    if (r < 0) return r;
    w = &kq->tab[fd];
    if (w->events != 0) {
        if (!is_stale(kq, fd, w)) return xsock__fail(XSOCK_EINVAL, EEXIST);
        w->events = 0;
    }
    if (sync_filters(kq, fd, w, events) != 0) {
        r = xsock__sys_error();
        sync_filters(kq, fd, w, 0);
        w->events = 0;
        return r;
    }
    w->udata = udata;
    w->out = 0;
    return 0;
}

static int kq_modify(xsock_poller *p, int fd, int events, void *udata)
{
    kqpoller *kq = (kqpoller *)p;
    kq_watch *w = (size_t)fd < kq->cap ? &kq->tab[fd] : NULL;
    int old, r;
    if (w == NULL || w->events == 0) return xsock__fail(XSOCK_EINVAL, ENOENT);
    old = w->events;
    if (sync_filters(kq, fd, w, events) != 0) {
        if (errno == ENOENT) { /* its socket was closed: is_stale's case */
            w->events = 0;
            return xsock__fail(XSOCK_EINVAL, ENOENT);
        }
        r = xsock__sys_error();
        sync_filters(kq, fd, w, old);
        return r;
    }
    w->udata = udata;
    return 0;
}

static int kq_remove(xsock_poller *p, int fd)
{
    kqpoller *kq = (kqpoller *)p;
    kq_watch *w = (size_t)fd < kq->cap ? &kq->tab[fd] : NULL;
    int r = 0;
    if (w == NULL || w->events == 0) return xsock__fail(XSOCK_EINVAL, ENOENT);
    if (sync_filters(kq, fd, w, 0) != 0)
        r = errno == ENOENT ? xsock__fail(XSOCK_EINVAL, ENOENT) : xsock__sys_error();
    w->events = 0; /* whatever the kernel said, it holds nothing for fd now */
    w->udata = NULL;
    return r;
}

static void kq_forget(xsock_poller *p, int fd)
{
    kqpoller *kq = (kqpoller *)p;
    kq_watch *w = (size_t)fd < kq->cap ? &kq->tab[fd] : NULL;
    if (w == NULL || w->events == 0) return;
    sync_filters(kq, fd, w, 0);
    w->events = 0;
    w->udata = NULL;
}

static short from_native(const struct kevent *k)
{
    short r = k->filter == EVFILT_READ ? XSOCK_POLLIN : XSOCK_POLLOUT;
    if (k->flags & EV_EOF) {
        r |= XSOCK_POLLHUP;
        if (k->fflags != 0) r |= XSOCK_POLLERR; /* the socket's error, e.g. ECONNREFUSED */
    }
    if (k->flags & EV_ERROR) r |= XSOCK_POLLERR;
    return r;
}

static int kq_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    kqpoller *kq = (kqpoller *)p;
    long long start = timeout_ms > 0 ? xsock__posix_now_ms() : 0;
    int want = max < BATCH_MAX ? max : BATCH_MAX;
    int n, i, out = 0, left, woken = 0;
    struct timespec ts;
    /* At most max kevents, never more: a level-triggered knote the kernel
     * hands out goes back to the tail of its queue (kqueue_scan() in
     * FreeBSD's sys/kern/kern_event.c, XNU's bsd/kern/kern_event.c), so one
     * taken and dropped would lose its turn on every wait. A socket may
     * bring two kevents (read, write): fewer sockets, never one too many. */
    if (want > kq->bufcap) {
        struct kevent *b = (struct kevent *)XSOCK__OS(realloc)(kq->buf, (size_t)want * sizeof *b);
        if (b == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
        kq->buf = b;
        kq->bufcap = want;
    }
    /* Again for the time left when all it met were deleted: a wait without
     * timeout never returns 0 for nothing. */
    do {
        do {
            left = xsock__posix_left_ms(timeout_ms, start);
            ts.tv_sec = left / 1000;
            ts.tv_nsec = (long)(left % 1000) * 1000000L;
        } while ((n = XSOCK__OS(kevent)(kq->kq, NULL, 0, kq->buf, want, left < 0 ? NULL : &ts)) < 0 &&
                 errno == EINTR);
        if (n < 0) return xsock__sys_error();
        for (i = 0; i < n; i++) {
            const struct kevent *k = &kq->buf[i];
            int fd = (int)k->ident;
            kq_watch *w;
            if (fd == kq->wake[0]) {
                xsock__poller_pipe_drain(kq->wake[0]);
                woken = 1;
                continue;
            }
            if (k->filter != EVFILT_READ && k->filter != EVFILT_WRITE) continue;
            if ((size_t)fd >= kq->cap || kq->tab[fd].events == 0) {
                filter_set(kq, fd, k->filter, 0); /* else it comes back on every wait */
                continue;
            }
            w = &kq->tab[fd];
            if (w->out == 0) { /* the socket's first kevent in this batch */
                evs[out].sock = fd;
                evs[out].events = 0;
                evs[out].udata = w->udata;
                w->out = ++out;
            }
            evs[w->out - 1].events |= from_native(k);
        }
    } while (out == 0 && !woken && n > 0 && left != 0);
    for (i = 0; i < out; i++) {
        kq_watch *w = &kq->tab[evs[i].sock];
        short e = evs[i].events;
        if (e & XSOCK_POLLERR) e |= (short)w->events;
        if (e & XSOCK_POLLHUP) e |= (short)(w->events & XSOCK_POLLIN);
        evs[i].events = e;
        w->out = 0;
    }
    return out;
}

static int kq_wake(xsock_poller *p)
{
    return xsock__poller_pipe_wake(((kqpoller *)p)->wake[1]);
}

static void kq_destroy(xsock_poller *p)
{
    kqpoller *kq = (kqpoller *)p;
    if (kq->wake[0] >= 0) XSOCK__OS(close)(kq->wake[0]);
    if (kq->wake[1] >= 0) XSOCK__OS(close)(kq->wake[1]);
    if (kq->kq >= 0) XSOCK__OS(close)(kq->kq);
    XSOCK__OS(free)(kq->tab);
    XSOCK__OS(free)(kq->buf);
    XSOCK__OS(free)(kq);
}

static const struct xsock__poller_ops kqueue_ops = {"kqueue", kq_add, kq_modify, kq_remove,
                                             kq_forget, kq_wait, kq_wake, kq_destroy};

int xsock__kqueue_create(xsock_poller **out)
{
    kqpoller *kq = (kqpoller *)XSOCK__OS(calloc)(1, sizeof *kq);
    int r = 0;
    if (kq == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    kq->base.ops = &kqueue_ops;
    kq->wake[0] = kq->wake[1] = -1;
    if ((kq->kq = XSOCK__OS(kqueue)()) < 0 || XSOCK__OS(fcntl)(kq->kq, F_SETFD, FD_CLOEXEC) != 0)
        r = xsock__sys_error();
    else if ((r = xsock__poller_pipe(kq->wake)) == 0 && filter_set(kq, kq->wake[0], EVFILT_READ, 1) != 0)
        r = xsock__sys_error();
    if (r < 0) {
        kq_destroy(&kq->base);
        return r;
    }
    *out = &kq->base;
    return 0;
}

#else /* no kqueue */

int xsock__kqueue_create(xsock_poller **out)
{
    (void)out;
    return XSOCK_ENOTSUP;
}

#endif /* kqueue */
#endif /* _WIN32 */
