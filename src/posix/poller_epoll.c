/* The epoll poller (Linux): level-triggered, woken through an eventfd.
 *
 * The kernel is the one record of what is added (EEXIST, ENOENT), so a
 * socket closed without remove, which epoll drops by itself, leaves nothing
 * stale behind. The table beside it, indexed by fd, only keeps what epoll
 * cannot hand back with an event: the caller's udata and watched events. */
#include "posix/posix.h"
#ifndef _WIN32
#ifdef __linux__

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#define BATCH_MAX 1024 /* events taken from the kernel per wait, at most */

typedef struct ep_watch {
    void *udata;
    int events;
} ep_watch;

typedef struct epoller {
    xsock_poller base;
    int ep;                   /* the epoll instance */
    int wake;                 /* eventfd, in the set like a socket */
    ep_watch *tab;               /* by fd */
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

static short from_native(uint32_t e, int watched)
{
    short r = 0;
    if (e & EPOLLIN) r |= XSOCK_POLLIN;
    if (e & EPOLLOUT) r |= XSOCK_POLLOUT;
    if (e & EPOLLERR) r |= (short)(XSOCK_POLLERR | watched);
    if (e & (EPOLLHUP | EPOLLRDHUP)) r |= (short)(XSOCK_POLLHUP | (watched & XSOCK_POLLIN));
    return r;
}

static int ctl(epoller *ep, int op, int fd, int events)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = to_native(events);
    ev.data.fd = fd;
    return XSOCK__OS(epoll_ctl)(ep->ep, op, fd, &ev);
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
    int r = xsock__poller_table_fit(&t, &ep->cap, sizeof *ep->tab, fd);
    ep->tab = (ep_watch *)t;
    if (r < 0) return r;
    if (ctl(ep, EPOLL_CTL_ADD, fd, events) != 0) return ctl_error();
    ep->tab[fd].udata = udata;
    ep->tab[fd].events = events;
    return 0;
}

static int ep_modify(xsock_poller *p, int fd, int events, void *udata)
{
    epoller *ep = (epoller *)p;
    if (ctl(ep, EPOLL_CTL_MOD, fd, events) != 0) return ctl_error();
    ep->tab[fd].udata = udata; /* in the table: epoll knew it */
    ep->tab[fd].events = events;
    return 0;
}

static int ep_remove(xsock_poller *p, int fd)
{
    epoller *ep = (epoller *)p;
    if (ctl(ep, EPOLL_CTL_DEL, fd, 0) != 0) return ctl_error();
    ep->tab[fd].udata = NULL;
    ep->tab[fd].events = 0;
    return 0;
}

static int ep_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    epoller *ep = (epoller *)p;
    long long start = timeout_ms > 0 ? xsock__posix_now_ms() : 0;
    int want = (max < BATCH_MAX ? max : BATCH_MAX) + 1; /* + the wake */
    int n, i, out = 0;
    if (want > ep->bufcap) {
        struct epoll_event *b = (struct epoll_event *)XSOCK__OS(realloc)(ep->buf, (size_t)want * sizeof *b);
        if (b == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
        ep->buf = b;
        ep->bufcap = want;
    }
    while ((n = XSOCK__OS(epoll_wait)(ep->ep, ep->buf, want, xsock__posix_left_ms(timeout_ms, start))) < 0 &&
           errno == EINTR) {}
    if (n < 0) return xsock__sys_error();
    for (i = 0; i < n; i++) {
        int fd = ep->buf[i].data.fd;
        uint64_t count;
        if (fd == ep->wake) {
            if (XSOCK__OS(read)(ep->wake, &count, sizeof count) < 0) {} /* resets it; EAGAIN: a racing wait took it */
            continue;
        }
        if (out == max) continue; /* still ready next time: level-triggered */
        evs[out].sock = fd;
        evs[out].events = from_native(ep->buf[i].events, ep->tab[fd].events);
        evs[out].udata = ep->tab[fd].udata;
        out++;
    }
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
                                             ep_wait, ep_wake, ep_destroy};

int xsock__epoll_create(xsock_poller **out)
{
    epoller *ep = (epoller *)XSOCK__OS(calloc)(1, sizeof *ep);
    struct epoll_event ev;
    int r;
    if (ep == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    ep->base.ops = &epoll_ops;
    ep->wake = -1;
    if ((ep->ep = XSOCK__OS(epoll_create1)(EPOLL_CLOEXEC)) < 0 ||
        (ep->wake = XSOCK__OS(eventfd)(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        goto fail;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.fd = ep->wake;
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
