/* Datagram batches (issue 14): xsock_recvfrom_batch / xsock_sendto_batch,
 * with truncation and datagrams from several sources. */
#include "testutil.h"
#ifndef _WIN32
#  include <errno.h>
#  include <signal.h>
#  include <sys/time.h>
#  include "alarms.h"
#endif

static xsock_t udp_on_loopback(int *port)
{
    xsock_t s;
    xsock_addr a;
    CHECK_OK(xsock_udp_bind(&s, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(s, &a));
    if (port) *port = xsock_addr_port(&a);
    return s;
}

static void to_port(xsock_addr *a, int port)
{
    CHECK_OK(xsock_addr_parse(a, "127.0.0.1"));
    CHECK_OK(xsock_addr_set_port(a, port));
}

/* Receives until want datagrams are in (2 s at most); returns the count
 * and how many calls it took. */
static int receive_all(xsock_t r, xsock_dgram *m, int want, int *calls)
{
    int got = 0;
    *calls = 0;
    while (got < want) {
        int n;
        if (!(tu_wait(r, XSOCK_POLLIN, 2000) & XSOCK_POLLIN)) break;
        n = (int)CHECK_OK(xsock_recvfrom_batch(r, m + got, (size_t)(want - got)));
        CHECK(n >= 1 && n <= want - got);
        got += n;
        (*calls)++;
    }
    return got;
}

/* Five datagrams from two senders, interleaved: each arrives once, in the
 * order sent, with its own sender's address. */
TEST(mixed_sources)
{
    int port, pa, pb, i, calls;
    xsock_t r = udp_on_loopback(&port), a = udp_on_loopback(&pa), b = udp_on_loopback(&pb);
    xsock_addr to;
    const char *texts[5] = {"a0", "b0", "a1", "b1", "a2"};
    char bufs[8][16];
    xsock_dgram m[8];
    to_port(&to, port);
    for (i = 0; i < 5; i++)
        CHECK_EQ(xsock_sendto(texts[i][0] == 'a' ? a : b, texts[i], 2, &to), 2);
    memset(m, 0, sizeof m);
    for (i = 0; i < 8; i++) m[i].buf = xsock_buf_init(bufs[i], sizeof bufs[i]);
    CHECK_EQ(receive_all(r, m, 5, &calls), 5);
    /* Linux and macOS queue a loopback datagram before sendto returns: all
     * five are there for the first call. Wine and Windows need not be so
     * quick; there any number of calls will do. */
    if (!tu_under_wine()) CHECK_EQ(calls, 1);
    for (i = 0; i < 5; i++) {
        CHECK_EQ(m[i].len, 2);
        CHECK_EQ(m[i].flags, 0);
        CHECK(memcmp(bufs[i], texts[i], 2) == 0);
        CHECK_EQ(xsock_addr_port(&m[i].addr), texts[i][0] == 'a' ? pa : pb);
    }
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));
    CHECK_OK(xsock_close(r));
}

/* A datagram longer than its buffer: the buffer full, XSOCK_DGRAM_TRUNC,
 * and the next datagram untouched by it. */
TEST(truncation)
{
    int port, calls;
    xsock_t r = udp_on_loopback(&port), s = udp_on_loopback(NULL);
    xsock_addr to;
    unsigned char big[100], b0[32], b1[32];
    xsock_dgram m[2];
    tu_fill(big, sizeof big, 0);
    to_port(&to, port);
    CHECK_EQ(xsock_sendto(s, big, sizeof big, &to), 100);
    CHECK_EQ(xsock_sendto(s, "short", 5, &to), 5);
    memset(m, 0, sizeof m);
    m[0].buf = xsock_buf_init(b0, sizeof b0);
    m[1].buf = xsock_buf_init(b1, sizeof b1);
    CHECK_EQ(receive_all(r, m, 2, &calls), 2);
    CHECK_EQ(m[0].len, 32);
    CHECK_EQ(m[0].flags, XSOCK_DGRAM_TRUNC);
    CHECK(tu_check_fill(b0, 32, 0));
    CHECK_EQ(m[1].len, 5);
    CHECK_EQ(m[1].flags, 0);
    CHECK(memcmp(b1, "short", 5) == 0);
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r));
}

/* One batch to two receivers, alternating: all four sent, each receiver
 * gets its two in order; then the receivers answer into one batch. */
TEST(send_batch_two_destinations)
{
    int p1, p2, i, calls;
    xsock_t r1 = udp_on_loopback(&p1), r2 = udp_on_loopback(&p2), s = udp_on_loopback(NULL);
    xsock_dgram out[4], in[2];
    char texts[4][4] = {"m0", "m1", "m2", "m3"}, bufs[2][8];
    memset(out, 0, sizeof out);
    for (i = 0; i < 4; i++) {
        out[i].buf = xsock_buf_init(texts[i], 2);
        to_port(&out[i].addr, i % 2 ? p2 : p1);
    }
    CHECK_EQ(xsock_sendto_batch(s, out, 4), 4);
    memset(in, 0, sizeof in);
    for (i = 0; i < 2; i++) in[i].buf = xsock_buf_init(bufs[i], sizeof bufs[i]);
    CHECK_EQ(receive_all(r1, in, 2, &calls), 2);
    CHECK(memcmp(bufs[0], "m0", 2) == 0 && memcmp(bufs[1], "m2", 2) == 0);
    CHECK_EQ(receive_all(r2, in, 2, &calls), 2);
    CHECK(memcmp(bufs[0], "m1", 2) == 0 && memcmp(bufs[1], "m3", 2) == 0);
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r1));
    CHECK_OK(xsock_close(r2));
}

/* Nothing queued: a non-blocking socket says XSOCK_EAGAIN, a blocking one
 * with a receive timeout XSOCK_ETIMEDOUT, as xsock_recvfrom. */
TEST(empty)
{
    xsock_t r = udp_on_loopback(NULL);
    char b[8];
    xsock_dgram m;
    memset(&m, 0, sizeof m);
    m.buf = xsock_buf_init(b, sizeof b);
    CHECK_EQ(xsock_recvfrom_batch(r, &m, 0), 0);
    CHECK_OK(xsock_set_option(r, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_ERR(xsock_recvfrom_batch(r, &m, 1), XSOCK_ETIMEDOUT);
    CHECK_OK(xsock_set_nonblocking(r, 1));
    CHECK_ERR(xsock_recvfrom_batch(r, &m, 1), XSOCK_EAGAIN);
    CHECK_OK(xsock_close(r));
}

/* A blocking socket waits for the first datagram (sent 150 ms later by
 * another thread), then returns it with whatever else is queued: at least
 * one, never a wait for the batch to fill. */
typedef struct late_send {
    xsock_t s;
    int port;
} late_send;

static void send_late(void *arg)
{
    late_send *l = (late_send *)arg;
    xsock_addr to;
    int i;
    xthread_sleep_ms(150);
    to_port(&to, l->port);
    for (i = 0; i < 3; i++) CHECK_EQ(xsock_sendto(l->s, "late", 4, &to), 4);
}

TEST(blocking_waits_for_first)
{
    late_send l;
    xthread t;
    xsock_dgram m[32];
    char bufs[32][8];
    long long t0;
    int i, got, calls;
    xsock_t r = udp_on_loopback(&l.port);
    l.s = udp_on_loopback(NULL);
    memset(m, 0, sizeof m);
    for (i = 0; i < 32; i++) m[i].buf = xsock_buf_init(bufs[i], sizeof bufs[i]);
    CHECK_OK(xsock_set_option(r, XSOCK_OPT_RCVTIMEO, 10000)); /* bounded if it never comes */
    t0 = tu_now_ms();
    CHECK_EQ(xthread_start(&t, send_late, &l), 0);
    got = (int)CHECK_OK(xsock_recvfrom_batch(r, m, 32));
    /* Not before the first was sent; the 10 s timeout did not run out. */
    if (tu_can_time()) CHECK(tu_now_ms() - t0 >= 100);
    CHECK(got >= 1 && got <= 3);
    xthread_join(t);
    if (got < 3) CHECK_EQ(got + receive_all(r, m + got, 3 - got, &calls), 3);
    for (i = 0; i < 3; i++) {
        CHECK_EQ(m[i].len, 4);
        CHECK(memcmp(bufs[i], "late", 4) == 0);
    }
    CHECK_OK(xsock_close(l.s));
    CHECK_OK(xsock_close(r));
}

/* More than one system call's worth (Linux takes 64 per recvmmsg): 100
 * queued datagrams come in order, all in one xsock call where the OS has
 * queued them all before sendto returned (Linux, macOS), and nothing is
 * taken beyond n. */
TEST(more_than_64)
{
    int port, i, calls, got;
    xsock_t r = udp_on_loopback(&port), s = udp_on_loopback(NULL);
    xsock_addr to;
    static xsock_dgram m[101];
    static unsigned char bufs[101][4];
    unsigned char one[4];
    to_port(&to, port);
    for (i = 0; i < 101; i++) {
        one[0] = (unsigned char)i;
        CHECK_EQ(xsock_sendto(s, one, 1, &to), 1);
    }
    memset(m, 0, sizeof m);
    for (i = 0; i < 101; i++) m[i].buf = xsock_buf_init(bufs[i], sizeof bufs[i]);
    got = receive_all(r, m, 100, &calls);
    CHECK_EQ(got, 100);
    if (!tu_under_wine()) CHECK_EQ(calls, 1);
    for (i = 0; i < 100; i++) {
        CHECK_EQ(m[i].len, 1);
        CHECK_EQ(bufs[i][0], i);
    }
    /* The 101st is still queued for the next call. */
    CHECK_EQ(receive_all(r, m + 100, 1, &calls), 1);
    CHECK_EQ(bufs[100][0], 100);
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r));
}

/* Signals (POSIX): a receive timeout holds under a SIGALRM every 50 ms
 * (Linux returns EINTR from a call with a timeout even under SA_RESTART,
 * signal(7); a plain retry would start the timeout again and never end),
 * and xsock_set_interruptible(1) makes one signal end the wait with
 * XSOCK_EINTR, as for xsock_recvfrom (tests/test_signals.c). */
#ifndef _WIN32
static void signals_posix(void)
{
    xsock_t r = udp_on_loopback(NULL);
    xsock_dgram m[4];
    char b[4][8];
    long long t0, took;
    int i;
    memset(m, 0, sizeof m);
    for (i = 0; i < 4; i++) m[i].buf = xsock_buf_init(b[i], sizeof b[i]);
    CHECK_OK(xsock_set_option(r, XSOCK_OPT_RCVTIMEO, 300));
    alarms_start(50, 100, 1); /* 5 s of signals at most */
    t0 = tu_now_ms();
    CHECK_ERR(xsock_recvfrom_batch(r, m, 4), XSOCK_ETIMEDOUT);
    took = tu_now_ms() - t0;
    alarms_stop();
    CHECK(alarms >= 1);
    /* Within twice the timeout (the header's promise), with slack for a
     * loaded machine; without the deadline it ran until the signals stopped. */
    if (took < 250 || took > 2000) XTEST_FAIL("the 300 ms timeout took %lld ms under signals", took);

    CHECK_EQ(xsock_set_interruptible(1), 0);
    one_alarm(100);
    t0 = tu_now_ms();
    CHECK_ERR(xsock_recvfrom_batch(r, m, 4), XSOCK_EINTR);
    alarms_stop();
    CHECK_EQ(xsock_last_native_error(), EINTR);
    CHECK_EQ(alarms, 1);
    CHECK(tu_now_ms() - t0 < 250); /* the signal, not the 300 ms timeout */
    CHECK_EQ(xsock_set_interruptible(0), 1);
    CHECK_OK(xsock_close(r));
}
#endif

TEST(signals)
{
#ifdef _WIN32
    printf("no POSIX signals on Windows: nothing to interrupt\n");
#else
    signals_posix();
#endif
}

/* A send batch fails only when its first datagram does, with the code
 * xsock_sendto gives for it (a datagram above 64 KiB: too long for UDP);
 * a later failure ends the batch, counting what went before it. */
TEST(send_batch_first_fails)
{
    int port, calls;
    xsock_t r = udp_on_loopback(&port), s = udp_on_loopback(NULL);
    static char big[70000];
    char in[2][16];
    xsock_dgram m[3], got[2];
    xsock_ssize_t single;
    int i;
    memset(m, 0, sizeof m);
    for (i = 0; i < 3; i++) to_port(&m[i].addr, port);
    m[0].buf = xsock_buf_init("one", 3);
    m[1].buf = xsock_buf_init(big, sizeof big);
    m[2].buf = xsock_buf_init("three", 5);
    single = xsock_sendto(s, big, sizeof big, &m[1].addr);
    CHECK(single < 0);
    CHECK_EQ(xsock_sendto_batch(s, m, 3), 1);
    CHECK_EQ(xsock_sendto_batch(s, m + 1, 2), (int)single);
    memset(got, 0, sizeof got);
    for (i = 0; i < 2; i++) got[i].buf = xsock_buf_init(in[i], sizeof in[i]);
    CHECK_EQ(receive_all(r, got, 1, &calls), 1);
    CHECK_EQ(got[0].len, 3);
    CHECK(memcmp(in[0], "one", 3) == 0);
    CHECK(!(tu_wait(r, XSOCK_POLLIN, 200) & XSOCK_POLLIN)); /* "three" was not sent */
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r));
}

TEST(bad_input)
{
    int port;
    xsock_t r = udp_on_loopback(&port), s = udp_on_loopback(NULL);
    xsock_dgram m[2];
    char b[8];
    memset(m, 0, sizeof m);
    m[0].buf = xsock_buf_init(b, 2);
    to_port(&m[0].addr, port);
    m[1] = m[0];
    CHECK_ERR(xsock_recvfrom_batch(XSOCK_INVALID, m, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_sendto_batch(XSOCK_INVALID, m, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_recvfrom_batch(r, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_sendto_batch(s, NULL, 1), XSOCK_EINVAL);
    CHECK_EQ(xsock_sendto_batch(s, NULL, 0), 0);
    /* The second entry bad: refused before the first is sent. */
    m[1].buf = xsock_buf_init(NULL, 2);
    CHECK_ERR(xsock_sendto_batch(s, m, 2), XSOCK_EINVAL);
    CHECK_ERR(xsock_recvfrom_batch(r, m, 2), XSOCK_EINVAL);
    m[1].buf = xsock_buf_init(b, 2);
    memset(&m[1].addr, 0, sizeof m[1].addr);
    CHECK_ERR(xsock_sendto_batch(s, m, 2), XSOCK_EINVAL);
    CHECK(!(tu_wait(r, XSOCK_POLLIN, 200) & XSOCK_POLLIN)); /* nothing was sent */
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r));
}

XTEST_MAIN(XTEST(mixed_sources) XTEST(truncation) XTEST(send_batch_two_destinations) XTEST(empty)
               XTEST(blocking_waits_for_first) XTEST(more_than_64) XTEST(signals) XTEST(send_batch_first_fails)
                   XTEST(bad_input))
