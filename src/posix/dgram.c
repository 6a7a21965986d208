/* POSIX datagram batches: Linux's recvmmsg/sendmmsg (recvmmsg(2),
 * sendmmsg(2)), a loop elsewhere (src/common/dgram.c): macOS has no public
 * batch call, and the BSDs' differ in what they promise. */
#include "posix/posix.h"
#ifndef _WIN32

#if defined(__linux__)
#  include <sys/uio.h>

#  define XSOCK__BATCH 64 /* datagrams per call: the arrays live on the stack */

/* Points mm[0..k) at msgs[0..k): where each goes to (send) or lands
 * (receive). */
static void setup(struct mmsghdr *mm, const xsock_dgram *msgs, size_t k, int send)
{
    static const struct mmsghdr zero; /* also the padding some libcs have (musl) */
    size_t i;
    for (i = 0; i < k; i++) {
        mm[i] = zero; /* a few wide stores, where memset of k entries is a rep stos */
        /* xsock_buf is a struct iovec, field for field (src/posix/vector.c
         * checks it at compile time): no copy. */
        mm[i].msg_hdr.msg_iov = (struct iovec *)(void *)&msgs[i].buf;
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = (void *)msgs[i].addr.storage.bytes;
        mm[i].msg_hdr.msg_namelen = (socklen_t)(send ? (size_t)msgs[i].addr.len : sizeof msgs[i].addr.storage);
    }
}

/* The batch call. Receive: the first call of a batch MSG_WAITFORONE, a
 * later one MSG_DONTWAIT (only what is queued). Send: a blocking socket
 * may wait in any, as sendto would. */
static int mmsg(xsock_t s, int send, struct mmsghdr *mm, unsigned k, int flags)
{
    if (send) return sendmmsg(s, mm, k, MSG_NOSIGNAL | flags);
    return recvmmsg(s, mm, k, flags, NULL);
}

#  define FIRST_FLAGS(send) ((send) ? 0 : MSG_WAITFORONE)

/* The rare path of a batch's first call, as that of xsock_recvfrom and
 * xsock_sendto (src/posix/socket.c, call_failed): errno says why nothing
 * moved. EINTR: XSOCK_EINTR when asked for, else the call is made again;
 * on a blocking socket with a timeout (SO_RCVTIMEO / SO_SNDTIMEO) a
 * deadline starts at the first EINTR (Linux returns EINTR from a call with
 * a timeout even under SA_RESTART, signal(7)), poll waits for the time left
 * and the call is made without waiting, so the timeout holds within twice
 * its length. EAGAIN: "would block" on a non-blocking socket, "timed out"
 * on a blocking one. ENOSYS (a kernel before 2.6.33 / 3.0, or a seccomp
 * filter without the call): XSOCK_ENOTSUP, and the caller takes the loop.
 * Returns how many datagrams moved (> 0) or a negative code. */
static XSOCK__NOINLINE int first_failed(xsock_t s, int send, struct mmsghdr *mm, unsigned k)
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
                if (xsock_get_option(s, send ? XSOCK_OPT_SNDTIMEO : XSOCK_OPT_RCVTIMEO, &ms) == 0 && ms > 0 &&
                    xsock__sys_get_nonblocking(s) == 0)
                    deadline = xsock__posix_now_ms() + ms;
            }
        } else if (e == EAGAIN || e == EWOULDBLOCK) {
            if (deadline <= 0) {
                if ((r = xsock__sys_get_nonblocking(s)) < 0) return r;
                return xsock__fail(r ? XSOCK_EAGAIN : XSOCK_ETIMEDOUT, e);
            }
        } else if (e == ENOSYS) {
            return xsock__fail(XSOCK_ENOTSUP, e);
        } else {
            return xsock__sys_error();
        }
        if (deadline > 0) {
            long long left = deadline - xsock__posix_now_ms();
            if (left <= 0) return xsock__fail(XSOCK_ETIMEDOUT, EAGAIN);
            r = xsock__sys_wait(s, send ? XSOCK_POLLOUT : XSOCK_POLLIN, left > INT_MAX ? INT_MAX : (int)left);
            if (r < 0) return r;
        }
        /* With a deadline the call must not wait: poll did. */
        if ((r = mmsg(s, send, mm, k, deadline > 0 ? MSG_DONTWAIT : FIRST_FLAGS(send))) > 0) return r;
    }
}

/* One recvmmsg / sendmmsg per 64 datagrams. Receive: MSG_WAITFORONE
 * blocks for the first datagram only (with SO_RCVTIMEO, as recvmsg would)
 * and then takes what is queued (recvmmsg(2)); a truncated datagram has
 * msg_len the bytes stored and MSG_TRUNC in msg_flags, as from recvmsg.
 * Send: a blocking socket may wait, as sendto would. Receive batches
 * above 64 go on without waiting. */
static int batch(xsock_t s, int send, xsock_dgram *msgs, size_t n)
{
    struct mmsghdr mm[XSOCK__BATCH];
    size_t done = 0, i, k;
    int r;
    while (done < n) {
        k = n - done < XSOCK__BATCH ? n - done : XSOCK__BATCH;
        setup(mm, msgs + done, k, send);
        if ((r = mmsg(s, send, mm, (unsigned)k, (done == 0 || send) ? FIRST_FLAGS(send) : MSG_DONTWAIT)) <= 0) {
            if (done > 0) { /* the batch has its first: a failure only ends it */
                if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) (void)xsock__sys_error();
                break;
            }
            if ((r = first_failed(s, send, mm, (unsigned)k)) == XSOCK_ENOTSUP)
                return send ? xsock__send_batch_loop(s, msgs, n) : xsock__recv_batch_loop(s, msgs, n);
            if (r < 0) return r;
        }
        for (i = 0; !send && i < (size_t)r; i++) {
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

int xsock__sys_recv_batch(xsock_t s, xsock_dgram *msgs, size_t n)
{
    return batch(s, 0, msgs, n);
}

int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    /* Only read: batch() writes to msgs only when receiving. */
    return batch(s, 1, (xsock_dgram *)(void *)msgs, n);
}

#else

int xsock__sys_recv_batch(xsock_t s, xsock_dgram *msgs, size_t n)
{
    return xsock__recv_batch_loop(s, msgs, n);
}

int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    return xsock__send_batch_loop(s, msgs, n);
}

#endif
#endif /* !_WIN32 */
