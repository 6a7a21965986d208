/* Scatter/gather: xsock_sendv / xsock_recvv checks once for every OS; the
 * backends hand the caller's array to the OS as it is (xsock_buf has the
 * OS's layout, which each backend asserts). */
#include "xsock_internal.h"

#define CHECK_SOCK(s) \
    if ((s) == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0)

xsock_buf xsock_buf_init(void *base, size_t len)
{
    xsock_buf b;
    b.base = (char *)base;
#ifdef _WIN32
    /* WSABUF's length is a ULONG: cut there, a partial transfer. */
    b.len = len > 0xFFFFFFFFu ? 0xFFFFFFFFul : (unsigned long)len;
#else
    b.len = len;
#endif
    return b;
}

/* Everything but the common case: bad arguments, nothing to move, and a
 * total beyond INT_MAX, which moves only the leading buffers that fit (or,
 * when the first alone is larger, INT_MAX bytes of it), as xsock_send caps
 * its length: the same partial transfer on every OS, never a copy. */
static XSOCK__NOINLINE xsock_ssize_t vector_rare(xsock_t s, xsock_buf *bufs, size_t count, int send)
{
    size_t i, fit = 0, total = 0;
    if (bufs == NULL && count != 0) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    if (count > XSOCK_IOV_MAX) return xsock__fail(XSOCK_EINVAL, 0);
    for (i = 0; i < count; i++)
        if (bufs[i].base == NULL && bufs[i].len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    for (i = 0; i < count; i++) {
        if ((size_t)bufs[i].len > (size_t)INT_MAX - total) break;
        total += (size_t)bufs[i].len;
        fit = i + 1;
    }
    if (fit == count && total == 0 && !send) return 0; /* as xsock_recv of 0 bytes */
    if (count == 0) return 0;
    if (fit == 0) /* the first buffer alone is over INT_MAX */
        return send ? xsock__sys_send(s, bufs[0].base, (size_t)INT_MAX)
                    : xsock__sys_recv(s, bufs[0].base, (size_t)INT_MAX);
    return send ? xsock__sys_sendv(s, bufs, fit) : xsock__sys_recvv(s, bufs, fit);
}

size_t xsock__vector_fit(const xsock_buf *bufs, size_t count, int *null_base)
{
    size_t i, fit = 0, total = 0;
    *null_base = 0;
    for (i = 0; i < count; i++)
        if (bufs[i].base == NULL && bufs[i].len != 0) *null_base = 1;
    for (i = 0; i < count; i++) {
        if ((size_t)bufs[i].len > (size_t)INT_MAX - total) break;
        total += (size_t)bufs[i].len;
        fit = i + 1;
    }
    return fit;
}

/* No pass over the buffers here: the send is the hot path (bench/sendv.c
 * holds it within 30 instructions of raw writev), so a NULL base or a
 * total past INT_MAX is found by the backend once the OS refuses the
 * call (EFAULT, EINVAL), or checked beside the system call where that is
 * cheap next to it (Windows). */
xsock_ssize_t xsock_sendv(xsock_t s, const xsock_buf *bufs, size_t count)
{
    if (bufs == NULL || count - 1 >= XSOCK_IOV_MAX)
        return vector_rare(s, (xsock_buf *)bufs, count, 1);
    return xsock__sys_sendv(s, bufs, count);
}

xsock_ssize_t xsock_recvv(xsock_t s, xsock_buf *bufs, size_t count)
{
    size_t i, total = 0;
    if (bufs == NULL || count - 1 >= XSOCK_IOV_MAX) return vector_rare(s, bufs, count, 0);
    for (i = 0; i < count; i++) {
        if (bufs[i].base == NULL) return vector_rare(s, bufs, count, 0);
        if ((size_t)bufs[i].len > (size_t)INT_MAX - total) return vector_rare(s, bufs, count, 0);
        total += (size_t)bufs[i].len;
    }
    /* A stream recv of 0 bytes would wait: 0 at once, as xsock_recv. */
    if (total == 0) return vector_rare(s, bufs, count, 0);
    return xsock__sys_recvv(s, bufs, count);
}
