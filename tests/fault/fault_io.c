/* Transfers under faked faults: partial sends and receives, interrupted
 * calls (POSIX), and every error coming back as the right XSOCK_E* code
 * with the right native code. */
#include "testutil.h"
#include "fi.h"

#define BIG 20000

typedef struct receiver {
    xsock_t s;
    unsigned char *buf;
    size_t n;
    xsock_ssize_t got;
} receiver;

static void receive_all(void *arg)
{
    receiver *r = (receiver *)arg;
    r->got = xsock_recv_all(r->s, r->buf, r->n);
}

/* The native code of this thread's last failure is the one faked. */
#define CHECK_NATIVE(code) CHECK_EQ(xsock_last_native_error(), (code))

/* Both ends still carry bytes both ways, in order. */
static void check_stream_alive(xsock_t c, xsock_t s)
{
    char b[2];
    CHECK_EQ(xsock_send_all(c, "ok", 2), 2);
    CHECK_EQ(xsock_recv_all(s, b, 2), 2);
    CHECK(memcmp(b, "ok", 2) == 0);
    CHECK_EQ(xsock_send_all(s, "ko", 2), 2);
    CHECK_EQ(xsock_recv_all(c, b, 2), 2);
    CHECK(memcmp(b, "ko", 2) == 0);
}

/* Every send moves at most 7 bytes and every recv 5, and on POSIX every
 * third call of each is interrupted by a signal: send_all and recv_all
 * still move every byte, once, in order. */
TEST(short_and_interrupted_transfers)
{
    unsigned char *out = (unsigned char *)malloc(BIG), *in = (unsigned char *)malloc(BIG);
    xsock_t c, s;
    receiver r;
    xthread t;
    CHECK(out != NULL && in != NULL);
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    tu_fill(out, BIG, 0);
    memset(in, 0, BIG);
    fi_cap(FI_SEND, 7);
    fi_cap(FI_RECV, 5);
#ifndef _WIN32
    fi_fail_every(FI_SEND, 3, EINTR);
    fi_fail_every(FI_RECV, 3, EINTR);
#endif
    r.s = s;
    r.buf = in;
    r.n = BIG;
    r.got = -100;
    CHECK(xthread_start(&t, receive_all, &r) == 0);
    CHECK_EQ(xsock_send_all(c, out, BIG), BIG);
    xthread_join(t);
    CHECK_EQ(r.got, BIG);
    CHECK(tu_check_fill(in, BIG, 0));
    CHECK(fi_calls(FI_SEND) >= BIG / 7);
    CHECK(fi_calls(FI_RECV) >= BIG / 5);
    /* A single call returns what one transfer moved. */
    CHECK_EQ(xsock_send(c, out, 100), 7);
    CHECK_EQ(xsock_recv_all(s, in, 7), 7);
    CHECK(tu_check_fill(in, 7, 0));
    fi_clear();
    check_stream_alive(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    free(out);
    free(in);
}

/* An error part way through: send_all and recv_all return the bytes that
 * moved (as fwrite does), and the next call meets the error. */
TEST(errors_part_way)
{
    xsock_t c, s;
    char buf[64];
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    fi_cap(FI_SEND, 10);
    fi_fail(FI_SEND, 3, 1, FI_E(ECONNRESET, WSAECONNRESET));
    CHECK_EQ(xsock_send_all(c, "0123456789abcdefghijklmnopqrstuvwxyz", 36), 20);
    CHECK_NATIVE(FI_E(ECONNRESET, WSAECONNRESET));
    CHECK_EQ(xsock_recv_all(s, buf, 20), 20);
    CHECK(memcmp(buf, "0123456789abcdefghij", 20) == 0);

    fi_cap(FI_SEND, 0);
    fi_cap(FI_RECV, 4);
    CHECK_EQ(xsock_send_all(s, "0123456789", 10), 10);
    fi_fail(FI_RECV, 3, 1, FI_E(ECONNRESET, WSAECONNRESET));
    CHECK_EQ(xsock_recv_all(c, buf, 10), 8);
    CHECK_NATIVE(FI_E(ECONNRESET, WSAECONNRESET));
    CHECK(memcmp(buf, "01234567", 8) == 0);
    fi_fail(FI_RECV, 1, 1, FI_E(ECONNRESET, WSAECONNRESET));
    CHECK_ERR(xsock_recv_all(c, buf, 2), XSOCK_ECONNRESET); /* nothing moved: the error */
    CHECK_EQ(xsock_recv_all(c, buf, 2), 2); /* what was not read is still there */
    CHECK(memcmp(buf, "89", 2) == 0);
    fi_clear();
    check_stream_alive(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* "Would block" means XSOCK_EAGAIN on a non-blocking socket and
 * XSOCK_ETIMEDOUT on a blocking one whose timeout expired. POSIX says
 * EAGAIN for both; Winsock says WSAEWOULDBLOCK and WSAETIMEDOUT (never
 * WSAEWOULDBLOCK on a blocking socket), so each OS gets its own fault. */
TEST(would_block_and_timeouts)
{
    const int timed_out = FI_E(EAGAIN, WSAETIMEDOUT), would_block = FI_E(EAGAIN, WSAEWOULDBLOCK);
    xsock_t c, s;
    char buf[8];
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 5000));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 5000));
    fi_fail(FI_RECV, 1, 1, timed_out);
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_ETIMEDOUT);
    CHECK_NATIVE(timed_out);
    fi_fail(FI_SEND, 1, 1, timed_out);
    CHECK_ERR(xsock_send(c, "x", 1), XSOCK_ETIMEDOUT);
    CHECK_NATIVE(timed_out);
    /* recv_all: a timeout after some bytes gives the bytes. */
    CHECK_EQ(xsock_send_all(s, "abc", 3), 3);
    fi_cap(FI_RECV, 1);
    fi_fail(FI_RECV, 3, 1, timed_out);
    CHECK_EQ(xsock_recv_all(c, buf, 4), 2);
    CHECK_NATIVE(timed_out);
    fi_cap(FI_RECV, 0);
    CHECK_EQ(xsock_recv(c, buf, 1), 1);
    CHECK_EQ(buf[0], 'c');

    CHECK_OK(xsock_set_nonblocking(c, 1));
    fi_fail(FI_RECV, 1, 1, would_block);
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_EAGAIN);
    CHECK_NATIVE(would_block);
    fi_fail(FI_SEND, 1, 1, would_block);
    CHECK_ERR(xsock_send_all(c, "xy", 2), XSOCK_EAGAIN);
    CHECK_NATIVE(would_block);
    CHECK_OK(xsock_set_nonblocking(c, 0));
    fi_clear();
    check_stream_alive(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Each call's errors reach the caller as the header's code, with the OS's
 * own code kept for xsock_last_native_error. */
TEST(error_codes)
{
    xsock_t c, s, l, u, x = 0;
    xsock_addr a, ua;
    char buf[8];
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);

    fi_fail(FI_RECV, 1, 1, FI_E(ECONNRESET, WSAECONNRESET));
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_ECONNRESET);
    CHECK_NATIVE(FI_E(ECONNRESET, WSAECONNRESET));
    /* The peer gone: POSIX says EPIPE; Windows' local stack says
     * WSAECONNABORTED, which the header promises as XSOCK_ECONNRESET. */
    fi_fail(FI_SEND, 1, 1, FI_E(EPIPE, WSAECONNABORTED));
    CHECK_ERR(xsock_send(c, "x", 1), FI_E(XSOCK_EPIPE, XSOCK_ECONNRESET));
    CHECK_NATIVE(FI_E(EPIPE, WSAECONNABORTED));
    fi_fail(FI_SHUTDOWN, 1, 1, FI_E(ENOTCONN, WSAENOTCONN));
    CHECK_ERR(xsock_shutdown(c, XSOCK_SHUT_WR), XSOCK_ENOTCONN);
    CHECK_NATIVE(FI_E(ENOTCONN, WSAENOTCONN));
    fi_fail(FI_SETSOCKOPT, 1, 1, FI_E(ENOBUFS, WSAENOBUFS));
    CHECK_ERR(xsock_set_option(c, XSOCK_OPT_NODELAY, 1), XSOCK_ENOBUFS);
    CHECK_NATIVE(FI_E(ENOBUFS, WSAENOBUFS));
    fi_fail(FI_GETPEERNAME, 1, 1, FI_E(ENOBUFS, WSAENOBUFS));
    CHECK_ERR(xsock_peer_addr(c, &a), XSOCK_ENOBUFS);
    fi_clear();
    check_stream_alive(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));

    /* Out of descriptors: nothing is handed out, the handle stays invalid. */
    fi_fail(FI_SOCKET, 1, 1, FI_E(EMFILE, WSAEMFILE));
    CHECK_ERR(xsock_open(&x, XSOCK_INET, XSOCK_STREAM), XSOCK_EMFILE);
    CHECK_NATIVE(FI_E(EMFILE, WSAEMFILE));
    CHECK(x == XSOCK_INVALID);
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    x = 0;
    fi_fail(FI_ACCEPT, 1, 1, FI_E(EMFILE, WSAEMFILE));
    CHECK_ERR(xsock_accept(l, &x, NULL), XSOCK_EMFILE);
    CHECK_NATIVE(FI_E(EMFILE, WSAEMFILE));
    CHECK(x == XSOCK_INVALID);
    /* A connection reset in the backlog: BSD's ECONNABORTED, which Windows
     * says as WSAECONNRESET; servers know to skip it. */
    fi_fail(FI_ACCEPT, 1, 1, FI_E(ECONNABORTED, WSAECONNRESET));
    CHECK_ERR(xsock_accept(l, &x, NULL), XSOCK_ECONNABORTED);
    CHECK_NATIVE(FI_E(ECONNABORTED, WSAECONNRESET));
    /* The connection that waited is still there to take. */
    CHECK_OK(xsock_accept(l, &s, NULL));
    check_stream_alive(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));

    /* A refused connect, bounded and not: the reason survives the restore
     * of blocking mode after the bounded one. */
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    fi_fail(FI_CONNECT, 1, 1, FI_E(ECONNREFUSED, WSAECONNREFUSED));
    CHECK_ERR(xsock_connect(c, &a, 5000), XSOCK_ECONNREFUSED);
    CHECK_NATIVE(FI_E(ECONNREFUSED, WSAECONNREFUSED));
    fi_fail(FI_CONNECT, 1, 1, FI_E(ENETUNREACH, WSAENETUNREACH));
    CHECK_ERR(xsock_connect(c, &a, -1), XSOCK_ENETUNREACH);
    CHECK_NATIVE(FI_E(ENETUNREACH, WSAENETUNREACH));
    CHECK_OK(xsock_connect(c, &a, 5000)); /* and still blocking: recv waits for the byte */
    CHECK_OK(xsock_accept(l, &s, NULL));
    check_stream_alive(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(l));

    /* Datagrams. */
    CHECK_OK(xsock_udp_bind(&u, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(u, &ua));
    fi_fail(FI_SENDTO, 1, 1, FI_E(ENOBUFS, WSAENOBUFS));
    CHECK_ERR(xsock_sendto(u, "d", 1, &ua), XSOCK_ENOBUFS);
    CHECK_NATIVE(FI_E(ENOBUFS, WSAENOBUFS));
    /* A datagram socket's port unreachable: one code on both (issue 11). */
    fi_fail(FI_RECVFROM, 1, 1, FI_E(ECONNREFUSED, WSAECONNRESET));
    CHECK_ERR(xsock_recvfrom(u, buf, sizeof buf, NULL), XSOCK_ECONNREFUSED);
    CHECK_NATIVE(FI_E(ECONNREFUSED, WSAECONNRESET));
    CHECK_EQ(xsock_sendto(u, "d", 1, &ua), 1);
    CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, NULL), 1);
    CHECK_OK(xsock_close(u));

    /* Name lookups: not found, and out of memory. */
    fi_fail(FI_RESOLVE, 1, 1, FI_E(EAI_NONAME, WSAHOST_NOT_FOUND));
    CHECK_ERR(xsock_tcp_connect(&x, "localhost", 9, 1000), XSOCK_ENOTFOUND);
    CHECK_NATIVE(FI_E(EAI_NONAME, WSAHOST_NOT_FOUND));
    fi_fail(FI_RESOLVE, 1, 1, EAI_MEMORY);
    CHECK_ERR(xsock_addr_resolve("localhost", 9, 0, &a, 1), XSOCK_ENOMEM);
    CHECK_NATIVE(EAI_MEMORY);
}

/* The EAGAIN of a non-blocking socket xsock made costs no system call:
 * its mode is remembered, not asked with fcntl(F_GETFL) every time
 * (Windows cannot ask, and always remembered it). */
TEST(eagain_asks_nothing)
{
#ifdef _WIN32
    printf("Windows has no fcntl: the mode was always remembered\n");
#else
    xsock_t c, s;
    char buf[8];
    long before;
    int i;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    before = fi_calls(FI_FCNTL);
    for (i = 0; i < 100; i++) CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_EAGAIN);
    CHECK_EQ(fi_calls(FI_FCNTL) - before, 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
#endif
}

#ifndef _WIN32
/* A signal interrupts every kind of call: each is retried (or, for
 * connect and close, finished) inside, and the caller never sees EINTR. */
TEST(interrupted_calls)
{
    xsock_t c, s, l, u;
    xsock_addr a, ua;
    char buf[8];
    long before;
    fi_install();
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    /* The connect goes on in the background after a signal: waited for. */
    fi_fail(FI_CONNECT, 1, 1, EINTR);
    CHECK_OK(xsock_connect(c, &a, -1));
    fi_fail(FI_ACCEPT, 1, 2, EINTR);
    before = fi_calls(FI_ACCEPT);
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_EQ(fi_calls(FI_ACCEPT) - before, 3);
    fi_fail(FI_SEND, 1, 3, EINTR);
    CHECK_EQ(xsock_send(c, "abc", 3), 3);
    fi_fail(FI_RECV, 1, 3, EINTR);
    CHECK_EQ(xsock_recv_all(s, buf, 3), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    check_stream_alive(c, s);
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(l));

    /* A bounded connect interrupted in its wait still gets its answer. */
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    fi_fail(FI_POLL, 1, 2, EINTR);
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_accept(l, &s, NULL));
    check_stream_alive(c, s);

    /* close: the descriptor is gone after EINTR; it is never closed twice,
     * where another thread's new descriptor might already sit. */
    fi_fail(FI_CLOSE, 1, 1, EINTR);
    before = fi_calls(FI_CLOSE);
    CHECK_OK(xsock_close(s));
    CHECK_EQ(fi_calls(FI_CLOSE) - before, 1);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));

    CHECK_OK(xsock_udp_bind(&u, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(u, &ua));
    fi_fail(FI_SENDTO, 1, 2, EINTR);
    CHECK_EQ(xsock_sendto(u, "dg", 2, &ua), 2);
    fi_fail(FI_RECVFROM, 1, 2, EINTR);
    CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, &a), 2);
    CHECK(xsock_addr_equal(&a, &ua));
    CHECK_OK(xsock_close(u));
}

/* Signals do not cut a poll short, nor stretch it: the wait goes on for
 * the time that is left. */
TEST(interrupted_poll_keeps_its_timeout)
{
    xsock_t c, s;
    xsock_pollfd p;
    long long t0, spent;
    long before;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p.sock = c;
    p.events = XSOCK_POLLIN; /* nothing comes */
    fi_fail(FI_POLL, 1, 5, EINTR);
    before = fi_calls(FI_POLL);
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poll(&p, 1, 300), 0);
    spent = tu_now_ms() - t0;
    CHECK_EQ(fi_calls(FI_POLL) - before, 6);
    if (spent < 290 || spent > 3000) XTEST_FAIL("a 300 ms poll took %lld ms", spent);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}
#else
/* Winsock has no signals: WSAEINTR means a blocking call was cancelled
 * because another thread closed its socket, which xsock reports as
 * XSOCK_EBADF; the wait's own failures are passed on. */
TEST(interrupted_calls)
{
    xsock_t c, s, x;
    char buf[4];
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    fi_fail(FI_RECV, 1, 1, WSAEINTR);
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_EBADF);
    CHECK_NATIVE(WSAEINTR);
    fi_fail(FI_ACCEPT, 1, 1, WSA_OPERATION_ABORTED); /* Wine's word for it */
    CHECK_ERR(xsock_accept(c, &x, NULL), XSOCK_EBADF);
    CHECK_NATIVE(WSA_OPERATION_ABORTED);
    CHECK(x == XSOCK_INVALID);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(interrupted_poll_keeps_its_timeout)
{
    xsock_t c, s;
    xsock_pollfd p;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p.sock = c;
    p.events = XSOCK_POLLIN;
    fi_fail(FI_POLL, 1, 1, WSAENOBUFS);
    CHECK_ERR(xsock_poll(&p, 1, 300), XSOCK_ENOBUFS);
    CHECK_NATIVE(WSAENOBUFS);
    CHECK_EQ(xsock_poll(&p, 1, 0), 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}
#endif

XTEST_MAIN(XTEST(short_and_interrupted_transfers) XTEST(errors_part_way)
               XTEST(would_block_and_timeouts) XTEST(error_codes) XTEST(interrupted_calls)
                   XTEST(interrupted_poll_keeps_its_timeout) XTEST(eagain_asks_nothing))
