/* POSIX datagram batches: Linux's recvmmsg/sendmmsg (recvmmsg(2),
 * sendmmsg(2)), a loop elsewhere (src/common/dgram.c): macOS has no public
 * batch call, and the BSDs' differ in what they promise. */
#include "posix/posix.h"
#ifndef _WIN32

#if defined(__linux__)
#  include <string.h>
#  include <sys/uio.h>

#  define XSOCK__BATCH 64 /* datagrams per call: the arrays live on the stack */

/* Points mm[0..k) at msgs[0..k). */
static void recv_setup(struct mmsghdr *mm, struct iovec *iov, xsock_dgram *msgs, size_t k)
{
    size_t i;
    memset(mm, 0, sizeof mm[0] * k);
    for (i = 0; i < k; i++) {
        iov[i].iov_base = msgs[i].buf.base;
        iov[i].iov_len = msgs[i].buf.len;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = msgs[i].addr.storage.bytes;
        mm[i].msg_hdr.msg_namelen = (socklen_t)sizeof msgs[i].addr.storage;
    }
}

/* The rare path of the first call, as xsock_recvfrom's (src/posix/socket.c,
 * call_failed): errno says why recvmmsg got nothing. EINTR: XSOCK_EINTR
 * when asked for, else made again; on a blocking socket with SO_RCVTIMEO a
 * deadline starts at the first EINTR (Linux returns EINTR from a call with
 * a timeout even under SA_RESTART, signal(7)), poll waits for the time left
 * and the call is made without blocking, so the timeout holds within twice
 * its length. EAGAIN: "would block" on a non-blocking socket, "timed out"
 * on a blocking one. ENOSYS (a kernel before 2.6.33, or a seccomp filter
 * without recvmmsg): XSOCK_ENOTSUP, and the caller takes the loop.
 * Returns how many datagrams came (> 0) or a negative code. */
static XSOCK__NOINLINE int first_failed(xsock_t s, struct mmsghdr *mm, unsigned k)
{
    long long deadline = -1; /* -1: not known yet; 0: none */
    int r;
    for (;;) {
        int e = errno;
        if (e == EINTR) {
            if (xsock__interruptible()) return xsock__fail(XSOCK_EINTR, EINTR);
            if (deadline < 0) {
                int ms = 0;
                deadline = 0;
                if (xsock_get_option(s, XSOCK_OPT_RCVTIMEO, &ms) == 0 && ms > 0 &&
                    xsock__sys_get_nonblocking(s) == 0)
                    deadline = xsock__posix_now_ms() + ms;
            }
        } else if (e == EAGAIN || e == EWOULDBLOCK) {
            if (deadline <= 0) {
                r = xsock__sys_get_nonblocking(s);
                if (r < 0) return r;
                return r ? xsock__fail(XSOCK_EAGAIN, e) : xsock__fail(XSOCK_ETIMEDOUT, e);
            }
        } else if (e == ENOSYS) {
            return xsock__fail(XSOCK_ENOTSUP, e);
        } else {
            return xsock__sys_error();
        }
        if (deadline > 0) {
            long long left = deadline - xsock__posix_now_ms();
            if (left <= 0) return xsock__fail(XSOCK_ETIMEDOUT, EAGAIN);
            if ((r = xsock__sys_wait(s, XSOCK_POLLIN, left > INT_MAX ? INT_MAX : (int)left)) < 0) return r;
        }
        if ((r = recvmmsg(s, mm, k, deadline > 0 ? MSG_DONTWAIT : MSG_WAITFORONE, NULL)) > 0) return r;
    }
}

/* One recvmmsg on the common path: MSG_WAITFORONE blocks for the first
 * datagram only (with the socket's SO_RCVTIMEO, as recvmsg would) and then
 * takes what is queued (recvmmsg(2)). Batches above 64 go on without
 * waiting. A truncated datagram has msg_len the bytes stored and MSG_TRUNC
 * in msg_flags, as from recvmsg. */
int xsock__sys_recv_batch(xsock_t s, xsock_dgram *msgs, size_t n)
{
    struct mmsghdr mm[XSOCK__BATCH];
    struct iovec iov[XSOCK__BATCH];
    size_t done = 0, i, k;
    int r, flags = MSG_WAITFORONE;
    while (done < n) {
        k = n - done < XSOCK__BATCH ? n - done : XSOCK__BATCH;
        recv_setup(mm, iov, msgs + done, k);
        r = recvmmsg(s, mm, (unsigned)k, flags, NULL);
        if (r <= 0) {
            if (done > 0) { /* the batch has its first: the rest is whatever is queued */
                if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) (void)xsock__sys_error();
                break;
            }
            if ((r = first_failed(s, mm, (unsigned)k)) == XSOCK_ENOTSUP) return xsock__recv_batch_loop(s, msgs, n);
            if (r < 0) return r;
        }
        for (i = 0; i < (size_t)r; i++) {
            xsock_dgram *m = &msgs[done + i];
            m->addr.len = (int)mm[i].msg_hdr.msg_namelen;
            m->len = mm[i].msg_len; /* the bytes stored, also when cut */
            m->flags = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) ? XSOCK_DGRAM_TRUNC : 0;
        }
        done += (size_t)r;
        if ((size_t)r < k) break;
        flags = MSG_DONTWAIT;
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

int xsock__sys_recv_batch(xsock_t s, xsock_dgram *msgs, size_t n)
{
    return xsock__recv_batch_loop(s, msgs, n);
}

int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    return xsock__send_loop(s, msgs, n);
}

#endif
#endif /* !_WIN32 */
