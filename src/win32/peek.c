/* Winsock peek and available, and the socket type the day-one calls ask. */
#include "win32/win32.h"
#ifdef _WIN32

#include <stdlib.h>

int xsock__sys_socket_type(xsock_t s)
{
    int t = 0, len = (int)sizeof t;
    if (XSOCK__OS(getsockopt)(XSOCK__S(s), SOL_SOCKET, SO_TYPE, (char *)&t, &len) != 0)
        return xsock__sys_error();
    return t == SOCK_DGRAM ? XSOCK_DGRAM : XSOCK_STREAM;
}

/* A datagram larger than len: Windows fails with WSAEMSGSIZE and, with
 * MSG_PEEK, leaves it queued ("recv function", Microsoft docs). */
static xsock_ssize_t peek(xsock_t s, char *buf, int len)
{
    ULONGLONG start = 0;
    int n, r;
    for (;;) {
        if ((n = XSOCK__OS(recv)(XSOCK__S(s), buf, len, MSG_PEEK)) >= 0) return n;
        /* After shutdown(SD_RECEIVE) Linux reads end of stream; Windows errs. */
        if (WSAGetLastError() == WSAESHUTDOWN) return 0;
        /* A receive timeout is a wait, then the call (socket.c). */
        if ((r = xsock__win_wait_again(XSOCK__S(s), 0, &start)) <= 0) break;
        if (r == 2) return 0;
    }
    return r < 0 ? r : xsock__sys_transfer_error(s);
}

xsock_ssize_t xsock__sys_peek(xsock_t s, void *buf, size_t len)
{
    return peek(s, (char *)buf, (int)len);
}

xsock_ssize_t xsock__sys_available(xsock_t s)
{
    u_long n = 0;
    int type = xsock__sys_socket_type(s);
    char *buf;
    xsock_ssize_t r;
    if (type < 0) return type;
    if (type == XSOCK_STREAM) {
        /* A listener has no bytes to give: XSOCK_EINVAL, as Linux says. */
        BOOL on = FALSE;
        int len = (int)sizeof on;
        if (XSOCK__OS(getsockopt)(XSOCK__S(s), SOL_SOCKET, SO_ACCEPTCONN, (char *)&on, &len) == 0 && on)
            return xsock__fail(XSOCK_EINVAL, WSAEINVAL);
    }
    if (XSOCK__OS(ioctlsocket)(XSOCK__S(s), (long)FIONREAD, &n) != 0) return xsock__sys_error();
    if (type == XSOCK_STREAM || n == 0) return (xsock_ssize_t)n;
    /* On a datagram socket FIONREAD is "the total number of bytes
     * available to read, not the message size of the first datagram"
     * ("ioctlsocket function", Microsoft docs). Peek the first into a
     * buffer that holds any datagram; data is queued, so it cannot block. */
    if ((buf = (char *)XSOCK__OS(malloc)(65536)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
    r = peek(s, buf, 65536);
    XSOCK__OS(free)(buf);
    return r;
}

#endif /* _WIN32 */
