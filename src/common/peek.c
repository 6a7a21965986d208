/* xsock_peek and xsock_available: checks once for every OS. */
#include "xsock_internal.h"

xsock_ssize_t xsock_peek(xsock_t s, void *buf, size_t len)
{
    if (buf == NULL && len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    if (s == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0);
    /* As xsock_recv: a stream peek of 0 bytes would wait; 0 at once. */
    if (len == 0) return 0;
    return xsock__sys_peek(s, buf, len > (size_t)INT_MAX ? (size_t)INT_MAX : len);
}

xsock_ssize_t xsock_available(xsock_t s)
{
    if (s == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0);
    return xsock__sys_available(s);
}
