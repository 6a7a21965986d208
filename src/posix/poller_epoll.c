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

/* The table, by fd, is three arrays of cap entries: the wait's loop reads
 * ids and udata only, each at a scaled index, and a registration's id is
 * all it compares. cap is a power of two (64, doubled as needed), so the
 * low half of any id, masked with cap - 1, indexes the table: an id that
 * is not the table's (the wake id, a closed socket's) fails the one
 * compare, without a bounds test. */
typedef struct epoller {
    xsock_poller base;
    int ep;                   /* the epoll instance */
    int wake;                 /* eventfd, in the set like a socket */
    pid_t pid;                /* the process that made the set (see ep_forget) */
    uint32_t gen;             /* the last generation given out */
    uint64_t *ids;            /* the registration's data.u64: generation << 32 | fd; 0: not added */
    void **udata;
    unsigned char *watched;   /* the events asked for, for from_native */
    size_t cap;
    struct epoll_event *buf;  /* what epoll_wait fills */
    int bufcap;
} epoller;

#define TABLE_MIN 64

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

/* Whether fd is added: any number is safe here. */
static int added(const epoller *ep, int fd)
{
    return (size_t)fd < ep->cap && ep->ids[fd] != 0;
}

/* Grows the three arrays to n entries (a power of two). cap moves only
 * once all three have grown, so a failure leaves a table that works at its
 * old size; the next add reallocates again. */
static int table_grow(epoller *ep, size_t n)
{
    void *t;
    if (n > (size_t)-1 / sizeof *ep->ids) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    if ((t = XSOCK__OS(realloc)(ep->ids, n * sizeof *ep->ids)) == NULL) goto nomem;
    ep->ids = (uint64_t *)t;
    if ((t = XSOCK__OS(realloc)(ep->udata, n * sizeof *ep->udata)) == NULL) goto nomem;
    ep->udata = (void **)t;
    if ((t = XSOCK__OS(realloc)(ep->watched, n)) == NULL) goto nomem;
    ep->watched = (unsigned char *)t;
    memset(ep->ids + ep->cap, 0, (n - ep->cap) * sizeof *ep->ids);
    ep->cap = n;
    return 0;
nomem:
    return xsock__fail(XSOCK_ENOMEM, ENOMEM);
}

/* Makes room for fd, once the OS says it is open. */
static int fit(epoller *ep, int fd)
{
    size_t want = (size_t)fd + 1, n;
    if (XSOCK__OS(fcntl)(fd, F_GETFD) < 0) return xsock__sys_error();
    if (want <= ep->cap) return 0;
    for (n = ep->cap; n < want; n *= 2) {}
    return table_grow(ep, n);
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
    uint32_t gen = ep->gen == UINT32_MAX ? 1 : ep->gen + 1; /* never 0: id 0 is "not added" */
    uint64_t id = (uint64_t)gen << 32 | (uint32_t)fd;
    int r;
    if (fd == ep->wake || fd == ep->ep) return xsock__fail(XSOCK_EINVAL, EINVAL); /* ours */
    if ((r = fit(ep, fd)) < 0) return r;
    if (ctl(ep, EPOLL_CTL_ADD, fd, events, id) != 0) return ctl_error();
    ep->gen = gen;
    ep->udata[fd] = udata;
    ep->watched[fd] = (unsigned char)events;
    ep->ids[fd] = id;
    return 0;
}

static int ep_modify(xsock_poller *p, int fd, int events, void *udata)
{
    epoller *ep = (epoller *)p;
    if (!added(ep, fd)) return xsock__fail(XSOCK_EINVAL, ENOENT);
    if (ctl(ep, EPOLL_CTL_MOD, fd, events, ep->ids[fd]) != 0) {
        int e = errno;
        if (e == EBADF || e == ENOENT) ep->ids[fd] = 0; /* closed behind our back */
        errno = e;
        return ctl_error();
    }
    ep->udata[fd] = udata;
    ep->watched[fd] = (unsigned char)events;
    return 0;
}

static int ep_remove(xsock_poller *p, int fd)
{
    epoller *ep = (epoller *)p;
    int r = 0;
    if (!added(ep, fd)) return xsock__fail(XSOCK_EINVAL, ENOENT);
    if (ctl(ep, EPOLL_CTL_DEL, fd, 0, 0) != 0) r = ctl_error();
    ep->udata[fd] = NULL; /* whatever the kernel said, fd is not ours now */
    ep->ids[fd] = 0;
    return r;
}

/* Before xsock_close. A forked child shares the parent's epoll set (a
 * kernel object, not a copy): its closes must not take sockets out of the
 * parent's set, so there only the child's own table forgets. */
static void ep_forget(xsock_poller *p, int fd)
{
    epoller *ep = (epoller *)p;
    if (!added(ep, fd)) return;
    if (ep->pid == getpid()) ctl(ep, EPOLL_CTL_DEL, fd, 0, 0);
    ep->udata[fd] = NULL;
    ep->ids[fd] = 0;
}

/* The buffer epoll_wait fills, grown to want events; out of ep_wait's way. */
static XSOCK__NOINLINE int grow_buf(epoller *ep, int want)
{
    struct epoll_event *b = (struct epoll_event *)XSOCK__OS(realloc)(ep->buf, (size_t)want * sizeof *b);
    if (b == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    ep->buf = b;
    ep->bufcap = want;
    return 0;
}

/* The events with error or hang-up bits, translated once the batch is
 * in: take() stores the kernel's bits, which fit a short, as they are. */
static XSOCK__NOINLINE void take_slow(const epoller *ep, xsock_event *ev, const xsock_event *end)
{
    for (; ev != end; ev++)
        if ((uint16_t)ev->events & ~(EPOLLIN | EPOLLOUT))
            ev->events = from_native((uint16_t)ev->events, ep->watched[ev->sock]);
}

/* Moves the n events epoll_wait gave into the caller's evs and returns how
 * many, or -1 when they were only closed sockets' events (no wake among
 * them: the wait is to go on). Inlined in both waits, so that ep_wait
 * keeps one frame (gcc and clang: this file is Linux's). */
static inline __attribute__((always_inline)) int take(epoller *ep, xsock_event *evs, int n)
{
    /* Locals, so that the stores to evs need not reload them. */
    const struct epoll_event *b = ep->buf, *end = b + n;
    const uint64_t *ids = ep->ids;
    void *const *udata = ep->udata;
    size_t mask = ep->cap - 1; /* below 2^32: cap is at most INT_MAX + 1 */
    xsock_event *ev = evs;
    uint32_t seen = 0;
    int wake = 0;
    for (; b != end; b++) {
        uint64_t id = b->data.u64;
        size_t fd = (size_t)(id & mask); /* the low half: mask < 2^32 */
        /* One compare for the common case, a socket's event. Another id:
         * the wake eventfd's (its slot, mask, never holds it: no fd has a
         * low half of all ones), or a socket closed by other means that a
         * forked child still holds (or its number reused), or in a forked
         * child, whose table is a copy while the set is the parent's. */
        if (ids[fd] != id) {
            wake |= id == WAKE_ID;
            continue;
        }
        ev->sock = (xsock_t)fd;
        /* Only the bits asked for come back besides EPOLLERR and EPOLLHUP
         * (epoll_ctl(2)), so plain IN/OUT are xsock's bits already. */
        ev->events = (short)b->events;
        seen |= b->events;
        ev->udata = udata[fd];
        ev++;
    }
    if (wake) {
        uint64_t count;
        if (XSOCK__OS(read)(ep->wake, &count, sizeof count) < 0) {} /* resets it; EAGAIN: a racing wait took it */
    }
    if (seen & ~(uint32_t)(EPOLLIN | EPOLLOUT)) take_slow(ep, evs, ev);
    return ev != evs || wake ? (int)(ev - evs) : -1;
}

/* ep_wait with all it may have to do: a timeout to keep across signals and
 * waits that had only closed sockets' events, a buffer to grow. */
static XSOCK__NOINLINE int wait_long(epoller *ep, xsock_event *evs, int want, int timeout_ms)
{
    long long start = timeout_ms > 0 ? xsock__posix_now_ms() : 0;
    int n, out, left = timeout_ms < 0 ? -1 : timeout_ms;
    if (want > ep->bufcap && grow_buf(ep, want) < 0) return XSOCK_ENOMEM;
    for (;;) {
        if ((n = XSOCK__OS(epoll_wait)(ep->ep, ep->buf, want, left)) < 0) {
            if (errno != EINTR) return xsock__sys_error();
            left = xsock__posix_left_ms(timeout_ms, start);
            continue;
        }
        if (n == 0) return 0;
        if ((out = take(ep, evs, n)) >= 0) return out;
        if (timeout_ms >= 0 && (left = xsock__posix_left_ms(timeout_ms, start)) == 0) return 0;
    }
}

/* Asks the kernel for at most max events, never more: level-triggered, it
 * moves every socket it reports to the back of its ready list, so one
 * taken and then dropped would lose its turn on every wait.
 * An event of a closed socket (the id check) is skipped; if a wait had
 * only those, it waits again for the time left, so that a wait without
 * timeout never returns 0 for nothing. The common waits (no timeout, or
 * 0, and a buffer big enough) go through once here, with nothing kept for
 * a second round; anything else is wait_long's. */
static int ep_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    epoller *ep = (epoller *)p;
    int want = max < BATCH_MAX ? max : BATCH_MAX;
    int n, out;
    if (timeout_ms > 0 || want > ep->bufcap) return wait_long(ep, evs, want, timeout_ms);
    if ((n = XSOCK__OS(epoll_wait)(ep->ep, ep->buf, want, timeout_ms < 0 ? -1 : 0)) <= 0) {
        if (n == 0) return 0;
        if (errno != EINTR) return xsock__sys_error();
        return wait_long(ep, evs, want, timeout_ms);
    }
    if ((out = take(ep, evs, n)) >= 0) return out;
    if (timeout_ms == 0) return 0;
    return wait_long(ep, evs, want, timeout_ms); /* only closed sockets' events: again */
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
    XSOCK__OS(free)(ep->ids);
    XSOCK__OS(free)(ep->udata);
    XSOCK__OS(free)(ep->watched);
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
    ep->ep = ep->wake = -1;
    ep->pid = getpid();
    if (table_grow(ep, TABLE_MIN) < 0) {
        ep_destroy(&ep->base);
        return XSOCK_ENOMEM;
    }
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
