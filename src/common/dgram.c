/* Datagram batches: argument checks once for every OS, then the backend's
 * whole batch (Linux: one recvmmsg or sendmmsg; elsewhere the loops here,
 * whose first call is xsock_recvfrom / xsock_sendto). */
#include "xsock_internal.h"

#define CHECK_SOCK(s) \
    if ((s) == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0)

static int check_bufs(const xsock_dgram *msgs, size_t n)
{
    size_t i;
    if (msgs == NULL && n > 0) return xsock__fail(XSOCK_EINVAL, 0);
    for (i = 0; i < n; i++)
        if (msgs[i].buf.base == NULL && msgs[i].buf.len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    return 0;
}

/* One datagram into m: a truncated one is XSOCK_DGRAM_TRUNC, not an error. */
int xsock__recv_one(xsock_t s, xsock_dgram *m)
{
    xsock_ssize_t r = xsock_recvfrom(s, m->buf.base, (size_t)m->buf.len, &m->addr);
    m->flags = 0;
    if (r == XSOCK_EMSGSIZE) { /* the buffer was filled and the sender set (both backends) */
        m->len = (size_t)m->buf.len;
        m->flags = XSOCK_DGRAM_TRUNC;
        return 0;
    }
    if (r < 0) return (int)r;
    m->len = (size_t)r;
    return 0;
}

/* The loop the backends without a batch call use: the first datagram as
 * xsock_recvfrom (blocking, timeouts and errors exactly as that), then
 * whatever is queued now. */
int xsock__recv_batch_loop(xsock_t s, xsock_dgram *msgs, size_t n)
{
    size_t i;
    int r;
    if ((r = xsock__recv_one(s, &msgs[0])) < 0) return r;
    for (i = 1; i < n; i++) {
        int ev = xsock__sys_wait(s, XSOCK_POLLIN, 0);
        if (ev <= 0 || !(ev & XSOCK_POLLIN) || xsock__recv_one(s, &msgs[i]) < 0) break;
    }
    return (int)i;
}

/* Each through xsock_sendto: the first one's error is the batch's, a later
 * one ends it. */
int xsock__send_batch_loop(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    size_t i;
    xsock_ssize_t r;
    for (i = 0; i < n; i++)
        if ((r = xsock_sendto(s, msgs[i].buf.base, (size_t)msgs[i].buf.len, &msgs[i].addr)) < 0)
            return i > 0 ? (int)i : (int)r;
    return (int)i;
}

int xsock_recvfrom_batch(xsock_t s, xsock_dgram *msgs, size_t n)
{
    int r;
    CHECK_SOCK(s);
    if ((r = check_bufs(msgs, n)) < 0) return r;
    if (n == 0) return 0;
    if (n > (size_t)INT_MAX) n = (size_t)INT_MAX;
    return xsock__sys_recv_batch(s, msgs, n);
}

int xsock_sendto_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    size_t i;
    xsock_ssize_t r;
    CHECK_SOCK(s);
    if ((r = check_bufs(msgs, n)) < 0) return (int)r;
    if (n == 0) return 0;
    if (n > (size_t)INT_MAX) n = (size_t)INT_MAX;
    for (i = 0; i < n; i++)
        if ((r = xsock__addr_check(&msgs[i].addr)) < 0) return (int)r;
    return xsock__sys_send_batch(s, msgs, n);
}
