/* POSIX datagram batches: Linux's recvmmsg/sendmmsg (recvmmsg(2),
 * sendmmsg(2)), a loop elsewhere (src/common/dgram.c): macOS has no public
 * batch call, and the BSDs' differ in what they promise. */
#include "posix/posix.h"
#ifndef _WIN32

#if defined(__linux__)
#  include <string.h>
#  include <sys/uio.h>

#  define XSOCK__BATCH 64 /* datagrams per call: the arrays live on the stack */

int xsock__sys_recv_queued(xsock_t s, xsock_dgram *msgs, size_t n)
{
    struct mmsghdr mm[XSOCK__BATCH];
    struct iovec iov[XSOCK__BATCH];
    size_t done = 0, i, k;
    int r;
    while (done < n) {
        k = n - done < XSOCK__BATCH ? n - done : XSOCK__BATCH;
        memset(mm, 0, sizeof mm[0] * k);
        for (i = 0; i < k; i++) {
            xsock_dgram *m = &msgs[done + i];
            iov[i].iov_base = m->buf.base;
            iov[i].iov_len = m->buf.len;
            mm[i].msg_hdr.msg_iov = &iov[i];
            mm[i].msg_hdr.msg_iovlen = 1;
            mm[i].msg_hdr.msg_name = m->addr.storage.bytes;
            mm[i].msg_hdr.msg_namelen = (socklen_t)sizeof m->addr.storage;
        }
        /* Only what is queued: the caller has its first datagram. */
        r = recvmmsg(s, mm, (unsigned)k, MSG_DONTWAIT, NULL);
        if (r <= 0) {
            if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) (void)xsock__sys_error();
            break;
        }
        for (i = 0; i < (size_t)r; i++) {
            xsock_dgram *m = &msgs[done + i];
            m->addr.len = (int)mm[i].msg_hdr.msg_namelen;
            m->len = mm[i].msg_len; /* the bytes stored, also when cut */
            m->flags = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) ? XSOCK_DGRAM_TRUNC : 0;
        }
        done += (size_t)r;
        if ((size_t)r < k) break;
    }
    return (int)done;
}

int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    struct mmsghdr mm[XSOCK__BATCH];
    struct iovec iov[XSOCK__BATCH];
    size_t done = 0, i, k;
    int r;
    while (done < n) {
        k = n - done < XSOCK__BATCH ? n - done : XSOCK__BATCH;
        memset(mm, 0, sizeof mm[0] * k);
        for (i = 0; i < k; i++) {
            const xsock_dgram *m = &msgs[done + i];
            iov[i].iov_base = m->buf.base;
            iov[i].iov_len = m->buf.len;
            mm[i].msg_hdr.msg_iov = &iov[i];
            mm[i].msg_hdr.msg_iovlen = 1;
            mm[i].msg_hdr.msg_name = (void *)m->addr.storage.bytes;
            mm[i].msg_hdr.msg_namelen = (socklen_t)m->addr.len;
        }
        r = sendmmsg(s, mm, (unsigned)k, MSG_NOSIGNAL);
        if (r <= 0) {
            if (r < 0) (void)xsock__sys_error();
            break;
        }
        done += (size_t)r;
        if ((size_t)r < k) break;
    }
    return (int)done;
}

#else

int xsock__sys_recv_queued(xsock_t s, xsock_dgram *msgs, size_t n)
{
    return xsock__recv_queued_loop(s, msgs, n);
}

int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    return xsock__send_loop(s, msgs, n);
}

#endif
#endif /* !_WIN32 */
