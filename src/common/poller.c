/* The poller's public calls: the argument checks every backend shares, so
 * each behaves the same on bad input, then the backend.
 *
 * Also the registry of which poller holds which socket, so that xsock_close
 * can take a socket out of every poller it is in before the OS closes it
 * (xsock__poller_forget). Removing it first is the one way that works on
 * every backend: epoll watches the open file, not the number, so after a
 * fork() or dup() a closed number stays in the set, reported on every wait
 * with its old udata, and can no longer be removed (epoll_ctl says EBADF,
 * see epoll(7), "Will closing a file descriptor cause it to be removed from
 * all epoll interest lists?"); poll() and select() would take a new socket
 * given the same number for the old one. libuv asks the same of its users
 * (uv_close before close) and nng keeps the removal inside its close.
 *
 * Threads: the registry has its own lock (xsock__sys_poller_lock), so
 * pollers in different threads and closes of sockets in no poller never
 * disturb each other. Closing a socket that is added to a poller touches
 * that poller: it counts as a call on it, under the header's rule for
 * pollers (not while another thread is inside a call on that poller, wake
 * excepted). */
#include <stdlib.h>
#include "xsock_internal.h"

#define EVENT_BITS (XSOCK_POLLIN | XSOCK_POLLOUT)

/* One (poller, socket) pair; chained by a hash of the socket. */
typedef struct reg_node {
    xsock_t s;
    xsock_poller *p;
    struct reg_node *next;
} reg_node;

#define REG_BUCKETS 256u
static reg_node *reg[REG_BUCKETS];

/* File descriptors count up from 0; Winsock handles are multiples of 4. */
static reg_node **bucket(xsock_t s)
{
    size_t h = (size_t)s;
    return &reg[(h ^ (h >> 2)) % REG_BUCKETS];
}

/* The link that points at (p, s)'s node, or at the NULL ending its chain.
 * Under the lock. */
static reg_node **reg_find(xsock_poller *p, xsock_t s)
{
    reg_node **at = bucket(s);
    while (*at != NULL && ((*at)->s != s || (*at)->p != p)) at = &(*at)->next;
    return at;
}

static void reg_drop(xsock_poller *p, xsock_t s)
{
    reg_node **at, *n;
    xsock__sys_poller_lock(1);
    if ((n = *(at = reg_find(p, s))) != NULL) {
        *at = n->next;
        free(n);
    }
    xsock__sys_poller_lock(0);
}

void xsock__poller_forget(xsock_t s)
{
    reg_node **at, *n;
    xsock__sys_poller_lock(1);
    for (at = bucket(s); (n = *at) != NULL;) {
        if (n->s != s) {
            at = &n->next;
            continue;
        }
        xsock__sys_poller_forget(n->p, s);
        *at = n->next;
        free(n);
    }
    xsock__sys_poller_lock(0);
}

static int check(const xsock_poller *p, xsock_t s)
{
    if (p == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    if (s == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0);
    return 0;
}

/* Watching for nothing is what remove is for; POLLERR/POLLHUP are output
 * only. A wrong bit is a caller's bug: say so rather than guess. */
static int check_events(int events)
{
    if (events == 0 || (events & ~EVENT_BITS) != 0) return xsock__fail(XSOCK_EINVAL, 0);
    return 0;
}

int xsock_poller_create(xsock_poller **out)
{
    int r;
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    *out = NULL;
    if ((r = xsock__sys_startup()) < 0) return r;
    return xsock__sys_poller_create(out);
}

int xsock_poller_add(xsock_poller *p, xsock_t s, int events, void *udata)
{
    reg_node **at, *n;
    int r;
    if ((r = check(p, s)) < 0 || (r = check_events(events)) < 0) return r;
    /* Allocated first, so that a socket the backend took is always known. */
    if ((n = (reg_node *)malloc(sizeof *n)) == NULL) return xsock__fail(XSOCK_ENOMEM, 0);
    if ((r = xsock__sys_poller_add(p, s, events, udata)) < 0) {
        free(n);
        return r;
    }
    n->s = s;
    n->p = p;
    xsock__sys_poller_lock(1);
    if (*(at = reg_find(p, s)) == NULL) { /* else left by a close the library never saw */
        n->next = NULL;
        *at = n;
        n = NULL;
    }
    xsock__sys_poller_lock(0);
    free(n);
    return 0;
}

int xsock_poller_modify(xsock_poller *p, xsock_t s, int events, void *udata)
{
    int r;
    if ((r = check(p, s)) < 0 || (r = check_events(events)) < 0) return r;
    return xsock__sys_poller_modify(p, s, events, udata);
}

int xsock_poller_remove(xsock_poller *p, xsock_t s)
{
    int r;
    if ((r = check(p, s)) < 0) return r;
    r = xsock__sys_poller_remove(p, s);
    reg_drop(p, s); /* whatever the backend said, s is not in p now */
    return r;
}

int xsock_poller_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    if (p == NULL || evs == NULL || max <= 0) return xsock__fail(XSOCK_EINVAL, 0);
    return xsock__sys_poller_wait(p, evs, max, timeout_ms);
}

int xsock_poller_wake(xsock_poller *p)
{
    if (p == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    return xsock__sys_poller_wake(p);
}

void xsock_poller_destroy(xsock_poller *p)
{
    size_t b;
    if (p == NULL) return;
    xsock__sys_poller_lock(1);
    for (b = 0; b < REG_BUCKETS; b++) {
        reg_node **at = &reg[b], *n;
        while ((n = *at) != NULL) {
            if (n->p == p) {
                *at = n->next;
                free(n);
            } else {
                at = &n->next;
            }
        }
    }
    xsock__sys_poller_lock(0);
    xsock__sys_poller_destroy(p);
}

const char *xsock_poller_backend(const xsock_poller *p)
{
    return p == NULL ? "" : xsock__sys_poller_backend(p);
}
