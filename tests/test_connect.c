/* Connecting: refused, timed out, in progress, the blocking mode kept; and
 * a peer that resets the connection (no SIGPIPE: this program does not
 * ignore it, so a signal would kill the test). */
#include "testutil.h"
#ifndef _WIN32
#  include <fcntl.h>
#endif

static void refused(int family)
{
    xsock_t holder, c;
    xsock_addr a;
    tu_refused_addr(&holder, family, &a);
    CHECK_OK(xsock_open(&c, family, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, 5000), XSOCK_ECONNREFUSED);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(holder));
}

TEST(refused_v4)
{
    refused(XSOCK_INET);
}

TEST(refused_v6)
{
    refused(XSOCK_INET6);
}

/* A port whose listener has just closed refuses too, with or without a
 * bound on the wait. */
TEST(refused_closed_listener)
{
    xsock_t l, c;
    xsock_addr a;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_close(l));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, 5000), XSOCK_ECONNREFUSED);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, -1), XSOCK_ECONNREFUSED);
    CHECK_OK(xsock_close(c));
}

#define MAX_FILL 64

/* The only loopback way to have a SYN go unanswered: a listener whose
 * backlog is full and that never accepts. Connects succeed (into the
 * backlog) until one waits in vain and reports XSOCK_ETIMEDOUT. */
TEST(timed_out)
{
    xsock_t l, filled[MAX_FILL], c = XSOCK_INVALID;
    xsock_addr a, la;
    int n = 0, r = 0, i, windows_refused = 0;
    long long t0 = 0, took = 0;
    CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&la, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(l, &la));
    CHECK_OK(xsock_listen(l, 1));
    CHECK_OK(xsock_local_addr(l, &a));
    while (n < MAX_FILL) {
        CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
        t0 = tu_now_ms();
        r = xsock_connect(c, &a, 300);
        took = tu_now_ms() - t0;
        if (r != 0) break;
        filled[n++] = c;
    }
#ifdef _WIN32
    /* Windows' own stack answers a SYN to a full backlog with RST (its
     * listen() documentation: WSAECONNREFUSED), though its client retries
     * a refused SYN for about a second, so the 300 ms bound usually ends
     * first anyway. Under Wine the Linux stack drops the SYN. */
    windows_refused = r == XSOCK_ECONNREFUSED && !tu_under_wine();
    if (windows_refused) printf("Windows refused a connect to a full backlog (documented)\n");
#endif
    if (!windows_refused) {
        if (r != XSOCK_ETIMEDOUT)
            XTEST_FAIL("after %d connects: %s, expected ETIMEDOUT", n, r ? xsock_err_name(r) : "ok");
        printf("timed out after %d queued connects\n", n);
        if (tu_can_time()) CHECK(took >= 250 && took < 5000);
    }
#ifndef _WIN32
    /* The socket is as blocking as it was before the call. */
    CHECK((fcntl(c, F_GETFL) & O_NONBLOCK) == 0);
#endif
    CHECK_OK(xsock_close(c));
    for (i = 0; i < n; i++) CHECK_OK(xsock_close(filled[i]));
    CHECK_OK(xsock_close(l));
}

/* A bounded connect leaves the blocking mode as it found it: a receive
 * timeout then shows as ETIMEDOUT (blocking) or EAGAIN (non-blocking). */
TEST(keeps_blocking_mode)
{
    xsock_t l, c, s;
    xsock_addr a;
    char b;
    tu_listen(&l, XSOCK_INET, &a);

    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_ERR(xsock_recv(c, &b, 1), XSOCK_ETIMEDOUT);
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(c));

    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_nonblocking(c, 1));
    CHECK_OK(xsock_connect(c, &a, 5000)); /* waits although non-blocking */
    CHECK_ERR(xsock_recv(c, &b, 1), XSOCK_EAGAIN);
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
}

TEST(nonblocking_connect)
{
    xsock_t l, c, s;
    xsock_addr a;
    char buf[4];
    int r;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_nonblocking(c, 1));
    r = xsock_connect(c, &a, -1);
    /* Loopback may finish at once; elsewhere it is in progress. */
    CHECK(r == 0 || r == XSOCK_EINPROGRESS);
    CHECK(tu_wait(c, XSOCK_POLLOUT, 5000) & XSOCK_POLLOUT);
    CHECK_EQ(xsock_connect_result(c), 0);

    /* The listener is non-blocking, the socket it accepts is not. */
    CHECK_OK(xsock_set_nonblocking(l, 1));
    CHECK(tu_wait(l, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_ERR(xsock_recv(s, buf, 1), XSOCK_ETIMEDOUT);
    CHECK_EQ(xsock_send(c, "abc", 3), 3);
    CHECK_EQ(xsock_recv_all(s, buf, 3), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(l));
}

/* The peer aborts: LINGER 0 makes its close send RST instead of FIN. */
static void reset_pair(xsock_t *c)
{
    xsock_t s;
    tu_tcp_pair(XSOCK_INET, c, &s);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_LINGER, 0));
    CHECK_OK(xsock_close(s));
    /* The RST has arrived once the socket reads as ready. */
    CHECK(tu_wait(*c, XSOCK_POLLIN, 5000) != 0);
}

TEST(reset_send)
{
    xsock_t c;
    char buf[1024];
    xsock_ssize_t r = 0;
    int i;
    reset_pair(&c);
    memset(buf, 'r', sizeof buf);
    for (i = 0; i < 100; i++) {
        r = xsock_send(c, buf, sizeof buf);
        if (r < 0) break;
    }
    if (r != XSOCK_EPIPE && r != XSOCK_ECONNRESET)
        XTEST_FAIL("send to a reset peer gave %lld (%s)", (long long)r,
                   r < 0 ? xsock_err_name((int)r) : "ok");
    /* Still alive, and it stays an error. */
    r = xsock_send(c, buf, sizeof buf);
    CHECK(r == XSOCK_EPIPE || r == XSOCK_ECONNRESET);
    r = xsock_send_all(c, buf, sizeof buf);
    CHECK(r == XSOCK_EPIPE || r == XSOCK_ECONNRESET);
    CHECK_OK(xsock_close(c));
}

TEST(reset_recv)
{
    xsock_t c;
    char buf[16];
    xsock_ssize_t r;
    reset_pair(&c);
    r = xsock_recv(c, buf, sizeof buf);
#ifdef _WIN32
    /* Windows says WSAECONNRESET; Wine 8 returns 0 (an orderly end) for a
     * reset peer, as libuv's tests allow too. Both end the stream. */
    if (r == 0) printf("recv after RST gave 0 (Wine's behaviour)\n");
    CHECK(r == XSOCK_ECONNRESET || r == 0);
#else
    CHECK_ERR(r, XSOCK_ECONNRESET);
#endif
    CHECK_OK(xsock_close(c));
}

XTEST_MAIN(XTEST(refused_v4) XTEST(refused_v6) XTEST(refused_closed_listener) XTEST(timed_out)
               XTEST(keeps_blocking_mode) XTEST(nonblocking_connect)
                   XTEST(reset_send) XTEST(reset_recv))
