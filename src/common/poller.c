/* The poller's public calls: the argument checks every backend shares, so
 * each behaves the same on bad input, then the backend. */
#include "xsock_internal.h"

#define EVENT_BITS (XSOCK_POLLIN | XSOCK_POLLOUT)

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
    int r;
    if ((r = check(p, s)) < 0 || (r = check_events(events)) < 0) return r;
    return xsock__sys_poller_add(p, s, events, udata);
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
    return xsock__sys_poller_remove(p, s);
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
    if (p != NULL) xsock__sys_poller_destroy(p);
}

const char *xsock_poller_backend(const xsock_poller *p)
{
    return p == NULL ? "" : xsock__sys_poller_backend(p);
}
