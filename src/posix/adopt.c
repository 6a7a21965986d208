/* POSIX xsock_adopt: what socket.c gives every socket at birth. */
#include "posix/posix.h"
#ifndef _WIN32

int xsock__sys_adopt(xsock_t s)
{
    int r, fl;
    /* A descriptor that is no socket (a file, a pipe): ENOTSOCK, EBADF. */
    if ((r = xsock__sys_socket_type(s)) < 0) return r;
    if (XSOCK__OS(fcntl)(s, F_SETFD, FD_CLOEXEC) != 0) return xsock__sys_error();
#if defined(SO_NOSIGPIPE) && !defined(MSG_NOSIGNAL)
    {
        int on = 1;
        if (XSOCK__OS(setsockopt)(s, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) != 0)
            return xsock__sys_error();
    }
#endif
    if ((fl = XSOCK__OS(fcntl)(s, F_GETFL)) < 0) return xsock__sys_error();
    if ((fl & O_NONBLOCK) && XSOCK__OS(fcntl)(s, F_SETFL, fl & ~O_NONBLOCK) != 0) return xsock__sys_error();
    return 0;
}

#endif /* _WIN32 */
