/* The poll() poller: every POSIX system has it, so it is the fallback (and
 * what XSOCK_POLLER=poll asks for). Each wait hands the kernel the whole
 * array: its cost grows with the sockets watched, not the sockets ready.
 *
 * The array is kept between waits, the wake pipe first; a table indexed by
 * fd finds a socket's place in it, so add and remove cost O(1) (remove moves
 * the last entry into the hole). xsock_close takes a socket out before
 * closing it (pf_forget); one closed by other means comes back as POLLNVAL
 * and is dropped then, unreported. poll() knows numbers only: a number
 * closed by other means and given to a new socket before the next wait
 * cannot be told from the old socket (use xsock_close). */
#include "posix/posix.h"
#ifndef _WIN32

#include <stdlib.h>
#include <string.h>

typedef struct pollfb {
    xsock_poller base;
    int wake[2];          /* the self-pipe: fds[0] watches wake[0] */
    struct pollfd *fds;   /* fds[0] the wake pipe, then the sockets */
    void **udata;         /* beside fds */
    size_t n, cap;        /* entries in fds (the pipe too), room for */
    size_t *slot;         /* by fd: its index in fds + 1; 0: not added */
    size_t slotcap;
    size_t next;          /* the socket a wait looks at first (see pf_wait) */
} pollfb;

/* POLLRDHUP (Linux): the peer's end of stream shows as XSOCK_POLLHUP, as
 * on epoll and kqueue. */
static short to_native(int events)
{
    short e = 0;
    if (events & XSOCK_POLLIN) {
        e |= POLLIN;
#ifdef POLLRDHUP
        e |= POLLRDHUP;
#endif
    }
    if (events & XSOCK_POLLOUT) e |= POLLOUT;
    return e;
}

static short from_native(short re, short asked)
{
    int watched = ((asked & POLLIN) ? XSOCK_POLLIN : 0) | ((asked & POLLOUT) ? XSOCK_POLLOUT : 0);
    short r = 0, hup = POLLHUP;
#ifdef POLLRDHUP
    hup |= POLLRDHUP;
#endif
    if (re & POLLIN) r |= XSOCK_POLLIN;
    if (re & POLLOUT) r |= XSOCK_POLLOUT;
    if (re & POLLERR) r |= (short)(XSOCK_POLLERR | watched);
    if (re & hup) r |= (short)(XSOCK_POLLHUP | (watched & XSOCK_POLLIN));
    return r;
}

static size_t find(const pollfb *pf, int fd)
{
    return (size_t)fd < pf->slotcap ? pf->slot[fd] : 0;
}

static int grow(pollfb *pf)
{
    size_t n = pf->cap * 2;
    struct pollfd *f;
    void **u;
    if (n > (size_t)-1 / sizeof *f) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    if ((f = (struct pollfd *)XSOCK__OS(realloc)(pf->fds, n * sizeof *f)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    pf->fds = f;
    if ((u = (void **)XSOCK__OS(realloc)(pf->udata, n * sizeof *u)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    pf->udata = u;
    pf->cap = n;
    return 0;
}

/* Takes entry i (>= 1) out, moving the last one into its place. */
static void drop(pollfb *pf, size_t i)
{
    int fd = pf->fds[i].fd;
    size_t last = pf->n - 1;
    pf->fds[i] = pf->fds[last];
    pf->udata[i] = pf->udata[last];
    pf->slot[pf->fds[i].fd] = i + 1;
    pf->slot[fd] = 0;
    pf->n--;
}

static int pf_add(xsock_poller *p, int fd, int events, void *udata)
{
    pollfb *pf = (pollfb *)p;
    void *t = pf->slot;
    int r;
    if (fd == pf->wake[0] || fd == pf->wake[1]) return xsock__fail(XSOCK_EINVAL, EINVAL); /* ours */
    r = xsock__poller_table_fit(&t, &pf->slotcap, sizeof *pf->slot, fd);
    pf->slot = (size_t *)t;
    if (r < 0) return r;
    if (pf->slot[fd] != 0) return xsock__fail(XSOCK_EINVAL, EEXIST);
    if (pf->n == pf->cap && (r = grow(pf)) < 0) return r;
    pf->fds[pf->n].fd = fd;
    pf->fds[pf->n].events = to_native(events);
    pf->fds[pf->n].revents = 0;
    pf->udata[pf->n] = udata;
    pf->slot[fd] = ++pf->n;
    return 0;
}

static int pf_modify(xsock_poller *p, int fd, int events, void *udata)
{
    pollfb *pf = (pollfb *)p;
    size_t i = find(pf, fd);
    if (i == 0) return xsock__fail(XSOCK_EINVAL, ENOENT);
    if (XSOCK__OS(fcntl)(fd, F_GETFD) < 0) { /* closed by other means */
        int r = xsock__sys_error();
        drop(pf, i - 1);
        return r;
    }
    pf->fds[i - 1].events = to_native(events);
    pf->udata[i - 1] = udata;
    return 0;
}

static int pf_remove(xsock_poller *p, int fd)
{
    pollfb *pf = (pollfb *)p;
    size_t i = find(pf, fd);
    if (i == 0) return xsock__fail(XSOCK_EINVAL, ENOENT);
    drop(pf, i - 1);
    return 0;
}

static void pf_forget(xsock_poller *p, int fd)
{
    pollfb *pf = (pollfb *)p;
    size_t i = find(pf, fd);
    if (i != 0) drop(pf, i - 1);
}

/* poll says how many entries have news, not which: the scan stops once it
 * has seen them all. It starts where the last one that did not fit in max
 * stood, so that with more sockets ready than max each gets its turn.
 * A wait that found only closed sockets (dropped here) waits again for the
 * time left: a wait without timeout never returns 0 for nothing. */
static int pf_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    pollfb *pf = (pollfb *)p;
    long long start = timeout_ms > 0 ? xsock__posix_now_ms() : 0;
    size_t users, k, i, news;
    int r, left, out = 0, closed, woken = 0;
    do {
        left = xsock__posix_left_ms(timeout_ms, start);
        while ((r = XSOCK__OS(poll)(pf->fds, (nfds_t)pf->n, left)) < 0 && errno == EINTR)
            left = xsock__posix_left_ms(timeout_ms, start);
        if (r <= 0) return r < 0 ? xsock__sys_error() : 0;
        news = (size_t)r;
        closed = 0;
        if (pf->fds[0].revents != 0) {
            xsock__poller_pipe_drain(pf->wake[0]);
            woken = 1;
            news--;
        }
        users = pf->n - 1;
        for (k = 0; k < users && news > 0; k++) {
            short re;
            i = 1 + (pf->next + k) % users;
            if ((re = pf->fds[i].revents) == 0) continue;
            if (re & POLLNVAL) { /* closed by other means */
                closed = 1;
                news--;
                continue;
            }
            if (out == max) {
                pf->next = i - 1;
                break;
            }
            news--;
            evs[out].sock = pf->fds[i].fd;
            evs[out].events = from_native(re, pf->fds[i].events);
            evs[out].udata = pf->udata[i];
            out++;
        }
        /* Backwards, so that each entry moved into a hole was looked at. */
        for (i = pf->n; closed && i-- > 1;)
            if (pf->fds[i].revents & POLLNVAL) drop(pf, i);
    } while (out == 0 && !woken && left != 0);
    return out;
}

static int pf_wake(xsock_poller *p)
{
    return xsock__poller_pipe_wake(((pollfb *)p)->wake[1]);
}

static void pf_destroy(xsock_poller *p)
{
    pollfb *pf = (pollfb *)p;
    if (pf->wake[0] >= 0) XSOCK__OS(close)(pf->wake[0]);
    if (pf->wake[1] >= 0) XSOCK__OS(close)(pf->wake[1]);
    XSOCK__OS(free)(pf->fds);
    XSOCK__OS(free)(pf->udata);
    XSOCK__OS(free)(pf->slot);
    XSOCK__OS(free)(pf);
}

static const struct xsock__poller_ops pollfb_ops = {"poll", pf_add, pf_modify, pf_remove,
                                             pf_forget, pf_wait, pf_wake, pf_destroy};

int xsock__pollfb_create(xsock_poller **out)
{
    pollfb *pf = (pollfb *)XSOCK__OS(calloc)(1, sizeof *pf);
    int r;
    if (pf == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    pf->base.ops = &pollfb_ops;
    pf->wake[0] = pf->wake[1] = -1;
    pf->cap = 8;
    pf->fds = (struct pollfd *)XSOCK__OS(malloc)(pf->cap * sizeof *pf->fds);
    pf->udata = (void **)XSOCK__OS(malloc)(pf->cap * sizeof *pf->udata);
    if (pf->fds == NULL || pf->udata == NULL) {
        pf_destroy(&pf->base);
        return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    }
    if ((r = xsock__poller_pipe(pf->wake)) < 0) {
        pf_destroy(&pf->base);
        return r;
    }
    pf->fds[0].fd = pf->wake[0];
    pf->fds[0].events = POLLIN;
    pf->fds[0].revents = 0;
    pf->udata[0] = NULL;
    pf->n = 1;
    *out = &pf->base;
    return 0;
}

#endif /* _WIN32 */
