/* POSIX scatter/gather: sendmsg / recvmsg straight over the caller's array
 * (xsock_buf is laid out as struct iovec); a failure takes socket.c's path
 * (signals, the deadline, the error). */
#include "posix/posix.h"
#ifndef _WIN32

#include <string.h>
#include <sys/uio.h>

/* sendmsg, not writev: only sendmsg takes MSG_NOSIGNAL (writev to a reset
 * peer raises SIGPIPE on Linux). Where MSG_NOSIGNAL does not exist the
 * socket has SO_NOSIGPIPE from birth (socket.c). */
#ifdef MSG_NOSIGNAL
#  define SEND_FLAGS MSG_NOSIGNAL
#else
#  define SEND_FLAGS 0
#endif

/* xsock_buf must be a struct iovec, field for field: the header cannot
 * include <sys/uio.h>, so it declares its own and this checks it (a
 * negative array size stops the build). */
typedef char xsock__buf_is_iovec[(sizeof(xsock_buf) == sizeof(struct iovec) &&
                                  offsetof(xsock_buf, base) == offsetof(struct iovec, iov_base) &&
                                  offsetof(xsock_buf, len) == offsetof(struct iovec, iov_len) &&
                                  sizeof(((xsock_buf *)0)->len) == sizeof(((struct iovec *)0)->iov_len))
                                     ? 1
                                     : -1];
#ifdef IOV_MAX
typedef char xsock__iov_max_fits[IOV_MAX >= XSOCK_IOV_MAX ? 1 : -1];
#endif

/* The message and the socket, kept in the caller's frame so that the hot
 * path saves no registers for the rare one (as socket.c's transfers). */
typedef struct vmsg {
    struct msghdr m;
    xsock_t s;
} vmsg;

static XSOCK__NOINLINE xsock_ssize_t sendv_failed(vmsg *v)
{
    const xsock_buf *bufs = (const xsock_buf *)(const void *)v->m.msg_iov;
    size_t count = (size_t)v->m.msg_iovlen, fit;
    int null_base, e = errno;
    /* A signal, a timeout, "would block": as send does (socket.c). */
    if (e != EFAULT && e != EINVAL) return (xsock_ssize_t)xsock__posix_msg_failed(v->s, &v->m, 1);
    /* Bad buffers: a NULL base (the kernel's EFAULT), or a total the OS
     * will not take (macOS: above INT_MAX; Linux: above SSIZE_MAX). */
    fit = xsock__vector_fit(bufs, count, &null_base);
    if (null_base) return xsock__fail(XSOCK_EINVAL, e);
    if (fit == count) return xsock__fail(xsock__sys_map_error(e), e);
    if (fit == 0) return xsock__sys_send(v->s, bufs[0].base, (size_t)INT_MAX);
    return xsock__sys_sendv(v->s, bufs, fit);
}

xsock_ssize_t xsock__sys_sendv(xsock_t s, const xsock_buf *bufs, size_t count)
{
    vmsg v;
    ssize_t n;
    memset(&v.m, 0, sizeof v.m);
    v.m.msg_iov = (struct iovec *)(void *)bufs;
    v.m.msg_iovlen = count; /* an int on macOS: count <= XSOCK_IOV_MAX fits */
    v.s = s;
    n = XSOCK__OS(sendmsg)(s, &v.m, SEND_FLAGS);
    return n >= 0 ? (xsock_ssize_t)n : sendv_failed(&v);
}

xsock_ssize_t xsock__sys_recvv(xsock_t s, xsock_buf *bufs, size_t count)
{
    struct msghdr msg;
    ssize_t n;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = (struct iovec *)(void *)bufs;
    msg.msg_iovlen = count;
    n = XSOCK__OS(recvmsg)(s, &msg, 0);
    if (n < 0 && (n = xsock__posix_msg_failed(s, &msg, 0)) < 0) return (xsock_ssize_t)n;
    /* Windows says WSAEMSGSIZE for a datagram larger than the buffers;
     * POSIX only flags it (recvmsg(2)): give the same code. */
    if (msg.msg_flags & MSG_TRUNC) return xsock__fail(XSOCK_EMSGSIZE, EMSGSIZE);
    return (xsock_ssize_t)n;
}

#endif /* _WIN32 */
