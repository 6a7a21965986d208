/* POSIX keepalive timing. */
#include "posix/posix.h"
#ifndef _WIN32

/* macOS names the idle time TCP_KEEPALIVE (netinet/tcp.h). */
#if !defined(TCP_KEEPIDLE) && defined(TCP_KEEPALIVE)
#  define TCP_KEEPIDLE TCP_KEEPALIVE
#endif

static int set_tcp(xsock_t s, int name, int value)
{
    return XSOCK__OS(setsockopt)(s, IPPROTO_TCP, name, &value, sizeof value) == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_set_keepalive(xsock_t s, int on, int idle_s, int interval_s, int count)
{
    int r;
    if (XSOCK__OS(setsockopt)(s, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0) return xsock__sys_error();
    if (!on) return 0;
    /* An OS without one of these cannot honour a value for it: say so
     * rather than drop it. */
    if (idle_s > 0) {
#ifdef TCP_KEEPIDLE
        if ((r = set_tcp(s, TCP_KEEPIDLE, idle_s)) < 0) return r;
#else
        return xsock__fail(XSOCK_ENOTSUP, 0);
#endif
    }
    if (interval_s > 0) {
#ifdef TCP_KEEPINTVL
        if ((r = set_tcp(s, TCP_KEEPINTVL, interval_s)) < 0) return r;
#else
        return xsock__fail(XSOCK_ENOTSUP, 0);
#endif
    }
    if (count > 0) {
#ifdef TCP_KEEPCNT
        if ((r = set_tcp(s, TCP_KEEPCNT, count)) < 0) return r;
#else
        return xsock__fail(XSOCK_ENOTSUP, 0);
#endif
    }
    (void)r;
    return 0;
}

#endif /* _WIN32 */
