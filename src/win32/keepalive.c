/* Winsock keepalive timing: the TCP_KEEP* options where Windows has them,
 * else SIO_KEEPALIVE_VALS. */
#include "win32/win32.h"
#ifdef _WIN32

#include <mstcpip.h>

/* ws2ipdef.h of newer SDKs; MinGW lacks them ("IPPROTO_TCP socket
 * options", Microsoft docs: TCP_KEEPIDLE 1709+, TCP_KEEPCNT 1703+,
 * TCP_KEEPINTVL 1709+). */
#ifndef TCP_KEEPIDLE
#  define TCP_KEEPIDLE 3
#endif
#ifndef TCP_KEEPCNT
#  define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#  define TCP_KEEPINTVL 17
#endif

static int set_tcp(SOCKET s, int name, int value)
{
    DWORD v = (DWORD)value;
    return XSOCK__OS(setsockopt)(s, IPPROTO_TCP, name, (const char *)&v, (int)sizeof v) == 0 ? 0 : xsock__sys_error();
}

/* Windows before 10 1709, and Wine 8, refuse TCP_KEEPIDLE: the one call
 * they take sets idle and interval at once (0 cannot mean "leave it", so
 * it means the documented defaults: "SIO_KEEPALIVE_VALS control code",
 * Microsoft docs: 2 hours, 1 second), and there is no count: "the number
 * of keep-alive probes is set to 10 and cannot be changed" (same page). */
static int keepalive_vals(SOCKET s, int idle_s, int interval_s)
{
    struct tcp_keepalive ka;
    DWORD got = 0;
    ka.onoff = 1;
    ka.keepalivetime = (u_long)(idle_s > 0 ? idle_s : 7200) * 1000u;
    ka.keepaliveinterval = (u_long)(interval_s > 0 ? interval_s : 1) * 1000u;
    if (XSOCK__OS(WSAIoctl)(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, &got, NULL, NULL) != 0)
        return xsock__sys_error();
    return 0;
}

int xsock__sys_set_keepalive(xsock_t s, int on, int idle_s, int interval_s, int count)
{
    SOCKET h = XSOCK__S(s);
    DWORD v = on ? 1u : 0u;
    int r;
    if (XSOCK__OS(setsockopt)(h, SOL_SOCKET, SO_KEEPALIVE, (const char *)&v, (int)sizeof v) != 0)
        return xsock__sys_error();
    if (!on || (idle_s == 0 && interval_s == 0 && count == 0)) return 0;
    if (idle_s > 0 && (r = set_tcp(h, TCP_KEEPIDLE, idle_s)) < 0) {
        if (r != XSOCK_EINVAL && r != XSOCK_ENOTSUP) return r;
        return keepalive_vals(h, idle_s, interval_s);
    }
    if (interval_s > 0 && (r = set_tcp(h, TCP_KEEPINTVL, interval_s)) < 0) {
        if (r != XSOCK_EINVAL && r != XSOCK_ENOTSUP) return r;
        return keepalive_vals(h, idle_s, interval_s);
    }
    /* Where TCP_KEEPCNT is refused the count is Windows' fixed 10 (header). */
    if (count > 0 && (r = set_tcp(h, TCP_KEEPCNT, count)) < 0 && r != XSOCK_EINVAL && r != XSOCK_ENOTSUP)
        return r;
    return 0;
}

#endif /* _WIN32 */
