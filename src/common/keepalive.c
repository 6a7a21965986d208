/* xsock_set_keepalive: checks once for every OS. */
#include "xsock_internal.h"

int xsock_set_keepalive(xsock_t s, int on, int idle_s, int interval_s, int count)
{
    int type;
    if (s == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0);
    /* Linux's MAX_TCP_KEEPIDLE / MAX_TCP_KEEPINTVL / MAX_TCP_KEEPCNT
     * (include/net/tcp.h): the same range on every OS. */
    if (idle_s < 0 || idle_s > 32767 || interval_s < 0 || interval_s > 32767 || count < 0 ||
        count > 127)
        return xsock__fail(XSOCK_EINVAL, 0);
    if ((type = xsock__sys_socket_type(s)) < 0) return type;
    if (type != XSOCK_STREAM) return xsock__fail(XSOCK_EINVAL, 0);
    return xsock__sys_set_keepalive(s, on != 0, idle_s, interval_s, count);
}
