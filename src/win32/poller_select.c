/* The select poller: the fallback of the AFD one (poller_afd.c, picked in
 * poller.c), when AFD cannot start or XSOCK_POLLER=select says so.
 * select() over a set of any size, for the reasons in poll.c (no 64 limit,
 * failed connects seen). Each wait hands select every socket, so its cost
 * grows with the sockets watched, like POSIX's poll fallback; AFD's grows
 * with what is ready. The sockets are kept sorted by handle, so add, modify
 * and remove find theirs by binary search. A wait is woken through a
 * socketpair: select watches only sockets.
 *
 * Not WSAPoll: before Windows 10 2004 it never reports a refused connect. */
#include "win32/win32.h"
#ifdef _WIN32

#include <stdlib.h>
#include <string.h>

struct entry {
    SOCKET s;
    short events; /* XSOCK_POLLIN | XSOCK_POLLOUT */
    void *udata;
};

typedef struct sel_poller {
    xsock_poller base;
    struct entry *e; /* sorted by s */
    size_t n, cap;   /* entries, room for */
    xsock__win_set *set[3]; /* read, write, except: each for setcap sockets */
    size_t setcap;
    xsock_t wake[2]; /* xsock_poller_wake writes wake[1]; select reads wake[0] */
    size_t next;     /* the entry a wait looks at first (see pw_collect) */
} sel_poller;

/* Index of s, or where it would go; *found says which. */
static size_t find(const sel_poller *p, SOCKET s, int *found)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->e[mid].s < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < p->n && p->e[lo].s == s;
    return lo;
}

/* 0 if s is an open socket, else XSOCK_EBADF (WSAENOTSOCK) or so. */
static int check_open(SOCKET s)
{
    int type, len = (int)sizeof type;
    return XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0 ? 0 : xsock__sys_error();
}

static void drop(sel_poller *p, size_t i)
{
    memmove(p->e + i, p->e + i + 1, (p->n - i - 1) * sizeof *p->e);
    p->n--;
}

static const struct xsock__win_poller_ops sel_ops;

int xsock__win_select_create(xsock_poller **out)
{
    sel_poller *p = (sel_poller *)XSOCK__OS(calloc)(1, sizeof *p);
    int r;
    if (p == NULL) return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
    p->base.ops = &sel_ops;
    if ((r = xsock__sys_socketpair(p->wake)) < 0) {
        XSOCK__OS(free)(p);
        return r;
    }
    /* A wake never blocks (a full buffer already holds one), nor a drain. */
    if ((r = xsock__sys_set_nonblocking(p->wake[0], 1)) < 0 ||
        (r = xsock__sys_set_nonblocking(p->wake[1], 1)) < 0) {
        p->base.ops->destroy(&p->base);
        return r;
    }
    *out = &p->base;
    return 0;
}

static int sel_add(xsock_poller *bp, xsock_t s, int events, void *udata)
{
    sel_poller *p = (sel_poller *)bp;
    int found, r;
    size_t i = find(p, XSOCK__S(s), &found);
    if (found || s == p->wake[0] || s == p->wake[1]) return xsock__fail(XSOCK_EINVAL, WSAEINVAL); /* the wake: ours */
    if ((r = check_open(XSOCK__S(s))) < 0) return r;
    if (p->n == p->cap) {
        size_t n = p->cap ? p->cap * 2 : 16;
        struct entry *e;
        if (n > (size_t)-1 / sizeof *e || (e = (struct entry *)XSOCK__OS(realloc)(p->e, n * sizeof *e)) == NULL)
            return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
        p->e = e;
        p->cap = n;
    }
    memmove(p->e + i + 1, p->e + i, (p->n - i) * sizeof *p->e);
    p->e[i].s = XSOCK__S(s);
    p->e[i].events = (short)events;
    p->e[i].udata = udata;
    p->n++;
    return 0;
}

static int sel_modify(xsock_poller *bp, xsock_t s, int events, void *udata)
{
    sel_poller *p = (sel_poller *)bp;
    int found, r;
    size_t i = find(p, XSOCK__S(s), &found);
    if (!found) return xsock__fail(XSOCK_EINVAL, WSAEINVAL);
    if ((r = check_open(XSOCK__S(s))) < 0) return r;
    p->e[i].events = (short)events;
    p->e[i].udata = udata;
    return 0;
}

static int sel_remove(xsock_poller *bp, xsock_t s)
{
    sel_poller *p = (sel_poller *)bp;
    int found;
    size_t i = find(p, XSOCK__S(s), &found);
    if (!found) return xsock__fail(XSOCK_EINVAL, WSAEINVAL);
    drop(p, i);
    return 0;
}

/* Before xsock_close: a closed handle can be given to a new socket at
 * once, which select would then take for the old one. */
static void sel_forget(xsock_poller *bp, xsock_t s)
{
    sel_poller *p = (sel_poller *)bp;
    int found;
    size_t i = find(p, XSOCK__S(s), &found);
    if (found) drop(p, i);
}

/* Room in each set for every socket and the wake socket. */
static int fit_sets(sel_poller *p)
{
    size_t want = p->n + 1, k;
    xsock__win_set *s[3];
    if (want <= p->setcap) return 0;
    want = want < 64 ? 64 : want * 2;
    for (k = 0; k < 3; k++) {
        if ((s[k] = xsock__win_set_alloc(want)) == NULL) {
            while (k-- > 0) XSOCK__OS(free)(s[k]);
            return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
        }
    }
    for (k = 0; k < 3; k++) {
        XSOCK__OS(free)(p->set[k]);
        p->set[k] = s[k];
    }
    p->setcap = want;
    return 0;
}

/* One select over everything; its count of hits across the sets, or an error. */
static int pw_select(sel_poller *p, int timeout_ms)
{
    struct timeval tv;
    size_t i;
    int r;
    if ((r = fit_sets(p)) < 0) return r;
    XSOCK__WIN_SET_COUNT(p->set[0]) = XSOCK__WIN_SET_COUNT(p->set[1]) = XSOCK__WIN_SET_COUNT(p->set[2]) = 0;
    XSOCK__WIN_SET_ADD(p->set[0], XSOCK__S(p->wake[0]));
    for (i = 0; i < p->n; i++) {
        if (p->e[i].events & XSOCK_POLLIN) XSOCK__WIN_SET_ADD(p->set[0], p->e[i].s);
        if (p->e[i].events & XSOCK_POLLOUT) XSOCK__WIN_SET_ADD(p->set[1], p->e[i].s);
        XSOCK__WIN_SET_ADD(p->set[2], p->e[i].s); /* errors, asked or not */
    }
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    r = XSOCK__OS(select)(0, XSOCK__WIN_SET_FDS(p->set[0]), XSOCK__WIN_SET_FDS(p->set[1]),
                          XSOCK__WIN_SET_FDS(p->set[2]), timeout_ms < 0 ? NULL : &tv);
    return r == SOCKET_ERROR ? xsock__sys_error() : r;
}

/* After WSAENOTSOCK: sockets closed without remove leave the set, as the
 * header promises (epoll forgets them too). 1 if any did. */
static int drop_closed(sel_poller *p)
{
    size_t i;
    int dropped = 0, native = xsock_last_native_error();
    for (i = p->n; i-- > 0;) {
        if (check_open(p->e[i].s) == XSOCK_EBADF) {
            drop(p, i);
            dropped = 1;
        }
    }
    xsock__set_native_error(native);
    return dropped;
}

static void drain(xsock_t s)
{
    char buf[64];
    while (xsock__sys_recv(s, buf, sizeof buf) == (xsock_ssize_t)sizeof buf) {}
}

/* Turns select's answer into events, starting where the last entry that
 * did not fit in max stood, so that each ready socket gets its turn. */
static int pw_collect(sel_poller *p, int hits, xsock_event *evs, int max)
{
    size_t k, i;
    int out = 0, k3;
    for (k3 = 0; k3 < 3; k3++) xsock__win_set_sort(p->set[k3]); /* select keeps no order */
    if (xsock__win_set_has(p->set[0], XSOCK__S(p->wake[0]))) {
        drain(p->wake[0]);
        hits--;
    }
    for (k = 0; k < p->n && hits > 0; k++) {
        const struct entry *e;
        short ev = 0;
        int seen = 0;
        i = (p->next + k) % p->n;
        e = &p->e[i];
        if (xsock__win_set_has(p->set[0], e->s)) {
            ev |= XSOCK_POLLIN;
            seen++;
        }
        if (xsock__win_set_has(p->set[1], e->s)) {
            ev |= XSOCK_POLLOUT;
            seen++;
        }
        /* A failed connect (or, rarely, TCP urgent data). An error also
         * sets the watched events, so the next call meets it; a hang-up
         * Windows cannot tell from data: it reads as XSOCK_POLLIN. */
        if (xsock__win_set_has(p->set[2], e->s)) {
            ev |= (short)(XSOCK_POLLERR | e->events);
            seen++;
        }
        if (seen == 0) continue;
        if (out == max) {
            p->next = i;
            break;
        }
        hits -= seen;
        evs[out].sock = (xsock_t)e->s;
        evs[out].events = ev;
        evs[out].udata = e->udata;
        out++;
    }
    return out;
}

static int sel_wait(xsock_poller *bp, xsock_event *evs, int max, int timeout_ms)
{
    sel_poller *p = (sel_poller *)bp;
    ULONGLONG start = GetTickCount64();
    int left = timeout_ms, r;
    for (;;) {
        r = pw_select(p, left);
        if (r != XSOCK_EBADF || !drop_closed(p)) break;
        if (timeout_ms >= 0) {
            ULONGLONG spent = GetTickCount64() - start;
            left = spent >= (ULONGLONG)timeout_ms ? 0 : timeout_ms - (int)spent;
        }
    }
    return r <= 0 ? r : pw_collect(p, r, evs, max);
}

static int sel_wake(xsock_poller *bp)
{
    sel_poller *p = (sel_poller *)bp;
    xsock_ssize_t r = xsock__sys_send(p->wake[1], "w", 1);
    return r >= 0 || r == XSOCK_EAGAIN ? 0 : (int)r;
}

static void sel_destroy(xsock_poller *bp)
{
    sel_poller *p = (sel_poller *)bp;
    int k;
    xsock__sys_close(p->wake[0]);
    xsock__sys_close(p->wake[1]);
    for (k = 0; k < 3; k++) XSOCK__OS(free)(p->set[k]);
    XSOCK__OS(free)(p->e);
    XSOCK__OS(free)(p);
}

static const struct xsock__win_poller_ops sel_ops = {
    "win32-select", sel_add, sel_modify, sel_remove, sel_forget, sel_wait, sel_wake, sel_destroy,
};

#endif /* _WIN32 */
