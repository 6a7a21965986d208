/* xsock_close_graceful: shutdown(SEND), drain to the peer's end of stream,
 * close. Built on the public calls and the backend's one-socket wait. */
#include "xsock_internal.h"

/* What is left of timeout_ms begun at start; -1 for "no bound". */
static int left_ms(int timeout_ms, long long start)
{
    long long left;
    if (timeout_ms < 0) return -1;
    left = (long long)timeout_ms - (xsock__sys_now_ms() - start);
    return left > 0 ? (int)left : 0;
}

/* Reads and drops until end of stream (0), an error, or the time is up. */
static int drain(xsock_t s, int timeout_ms)
{
    char sink[4096];
    long long start = xsock__sys_now_ms();
    for (;;) {
        int left = left_ms(timeout_ms, start), ready;
        xsock_ssize_t n;
        if (left == 0) return xsock__fail(XSOCK_ETIMEDOUT, 0);
        if ((ready = xsock__sys_wait(s, XSOCK_POLLIN, left)) < 0) return ready;
        if (ready == 0) return xsock__fail(XSOCK_ETIMEDOUT, 0);
        n = xsock__sys_recv(s, sink, sizeof sink);
        if (n == 0) return 0;
        /* A readiness that went stale (non-blocking, or a receive timeout
         * set by option): wait again. */
        if (n == XSOCK_EAGAIN || n == XSOCK_ETIMEDOUT) continue;
        if (n < 0) return (int)n;
    }
}

int xsock_close_graceful(xsock_t s, int timeout_ms)
{
    int r, type, native, rc;
    if (s == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0);
    if ((type = xsock__sys_socket_type(s)) == XSOCK_EBADF) return type;
    if (type == XSOCK_DGRAM) {
        xsock__sys_close(s);
        return xsock__fail(XSOCK_ENOTSUP, 0);
    }
    r = type < 0 ? type : xsock__sys_shutdown(s, XSOCK_SHUT_WR);
    if (r == 0) r = drain(s, timeout_ms);
    native = xsock_last_native_error();
    rc = xsock__sys_close(s);
    if (r < 0) {
        xsock__set_native_error(native);
        return r;
    }
    return rc;
}
