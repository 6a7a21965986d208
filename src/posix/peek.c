/* POSIX peek and available, and the socket type the day-one calls ask. */
#include "posix/posix.h"
#ifndef _WIN32

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#if defined(__sun)
#  include <sys/filio.h> /* FIONREAD */
#endif

int xsock__sys_socket_type(xsock_t s)
{
    int t = 0;
    socklen_t len = sizeof t;
    if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_TYPE, &t, &len) != 0) return xsock__sys_error();
    return t == SOCK_DGRAM ? XSOCK_DGRAM : XSOCK_STREAM;
}

/* recvmsg, not recv: only msg_flags tells a truncated datagram. */
static xsock_ssize_t peek_flags(xsock_t s, void *buf, size_t len, int flags)
{
    struct iovec iov;
    struct msghdr msg;
    ssize_t n;
    iov.iov_base = buf;
    iov.iov_len = len;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    do n = XSOCK__OS(recvmsg)(s, &msg, MSG_PEEK | flags);
    while (n < 0 && errno == EINTR);
    if (n < 0) return xsock__sys_transfer_error(s);
    if (msg.msg_flags & MSG_TRUNC) return xsock__fail(XSOCK_EMSGSIZE, EMSGSIZE);
    return (xsock_ssize_t)n;
}

xsock_ssize_t xsock__sys_peek(xsock_t s, void *buf, size_t len)
{
    return peek_flags(s, buf, len, 0);
}

xsock_ssize_t xsock__sys_available(xsock_t s)
{
    int n = 0, type = xsock__sys_socket_type(s);
    if (type < 0) return type;
#if defined(__APPLE__) && defined(SO_NREAD)
    /* macOS's FIONREAD counts every queued datagram; SO_NREAD gives "the
     * size of the first packet" of a datagram socket (getsockopt(2)). */
    if (type == XSOCK_DGRAM) {
        socklen_t len = sizeof n;
        if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_NREAD, &n, &len) != 0) return xsock__sys_error();
        return n;
    }
#endif
    if (type == XSOCK_STREAM) {
        /* A listener has no bytes to give: Linux's FIONREAD says EINVAL,
         * others 0. Say XSOCK_EINVAL everywhere. */
        int on = 0;
        socklen_t len = sizeof on;
        if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on)
            return xsock__fail(XSOCK_EINVAL, EINVAL);
    }
    if (ioctl(s, FIONREAD, &n) != 0) return xsock__sys_error();
#if !defined(__linux__) && !defined(__APPLE__)
    /* Linux's FIONREAD on a datagram socket is the size of the next
     * datagram (udp(7)); the BSDs give the whole queue: peek the next one
     * into a buffer that holds any datagram. */
    if (type == XSOCK_DGRAM && n > 0) {
        char *buf = (char *)XSOCK__OS(malloc)(65536);
        xsock_ssize_t r;
        if (buf == NULL) return xsock__fail(XSOCK_ENOMEM, ENOMEM);
        r = peek_flags(s, buf, 65536, MSG_DONTWAIT);
        XSOCK__OS(free)(buf);
        return r;
    }
#endif
    return n;
}

#endif /* _WIN32 */
