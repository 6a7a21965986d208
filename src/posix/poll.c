/* Readiness with poll(2): one socket (the timed connect) or many. */
#include "posix/posix.h"
#ifndef _WIN32

#include <stdlib.h>

static short to_native(short ev)
{
    return (short)(((ev & XSOCK_POLLIN) ? POLLIN : 0) | ((ev & XSOCK_POLLOUT) ? POLLOUT : 0));
}

/* A hang-up or error on a socket someone reads shows as readable too, so
 * the reader calls recv and learns 0 or the error: Windows' select only has
 * "readable" for those, and the two must agree. */
static short from_native(short rev, short wanted)
{
    short r = 0;
    if (rev & POLLIN) r |= XSOCK_POLLIN;
    if (rev & POLLOUT) r |= XSOCK_POLLOUT;
    if (rev & POLLERR) r |= XSOCK_POLLERR;
    if (rev & POLLHUP) r |= XSOCK_POLLHUP;
    if ((rev & (POLLERR | POLLHUP)) && (wanted & XSOCK_POLLIN)) r |= XSOCK_POLLIN;
    return r;
}

static int poll_retry(struct pollfd *p, nfds_t n, int timeout_ms)
{
    long long start = timeout_ms > 0 ? xsock__posix_now_ms() : 0;
    int r;
    while ((r = XSOCK__OS(poll)(p, n, xsock__posix_left_ms(timeout_ms, start))) < 0 && errno == EINTR)
        if (xsock__interruptible()) return xsock__fail(XSOCK_EINTR, EINTR);
    return r < 0 ? xsock__sys_error() : r;
}

int xsock__sys_wait(xsock_t s, int events, int timeout_ms)
{
    struct pollfd p;
    int r;
    p.fd = s;
    p.events = to_native((short)events);
    p.revents = 0;
    if ((r = poll_retry(&p, 1, timeout_ms)) <= 0) return r;
    if (p.revents & POLLNVAL) return xsock__fail(XSOCK_EBADF, EBADF);
    return from_native(p.revents, (short)events);
}

int xsock__sys_poll(xsock_pollfd *fds, size_t n, int timeout_ms)
{
    struct pollfd stack[64], *p = stack;
    size_t i;
    int r, ready = 0;
    if (n > sizeof stack / sizeof stack[0] && (p = XSOCK__OS(malloc)(n * sizeof *p)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    for (i = 0; i < n; i++) {
        p[i].fd = fds[i].sock; /* XSOCK_INVALID is -1: poll skips it */
        p[i].events = to_native(fds[i].events);
        p[i].revents = 0;
        fds[i].revents = 0;
    }
    r = poll_retry(p, (nfds_t)n, timeout_ms);
    for (i = 0; r > 0 && i < n; i++) {
        if (p[i].revents & POLLNVAL) {
            r = xsock__fail(XSOCK_EBADF, EBADF);
            break;
        }
        fds[i].revents = from_native(p[i].revents, fds[i].events);
        ready += fds[i].revents != 0;
    }
    if (p != stack) XSOCK__OS(free)(p);
    return r < 0 ? r : ready;
}

#endif /* _WIN32 */
