/* Calls that would block: non-blocking sockets give XSOCK_EAGAIN, blocking
 * ones with a timeout give XSOCK_ETIMEDOUT, on every OS. */
#include "testutil.h"
#ifndef _WIN32
#  include <pthread.h>
#  include <signal.h>
#endif

TEST(recv_would_block)
{
    xsock_t c, s, pair[2];
    char buf[8];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_EAGAIN);
    CHECK_ERR(xsock_recv_all(c, buf, sizeof buf), XSOCK_EAGAIN);
    /* Data, then nothing again. */
    CHECK_EQ(xsock_send(s, "ab", 2), 2);
    CHECK(tu_wait(c, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_EQ(xsock_recv(c, buf, sizeof buf), 2);
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_EAGAIN);
    /* Blocking again: waits for the data. */
    CHECK_OK(xsock_set_nonblocking(c, 0));
    CHECK_EQ(xsock_send(s, "cd", 2), 2);
    CHECK_EQ(xsock_recv_all(c, buf, 2), 2);
    CHECK(memcmp(buf, "cd", 2) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));

    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_set_nonblocking(pair[1], 1));
    CHECK_ERR(xsock_recv(pair[1], buf, sizeof buf), XSOCK_EAGAIN);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

TEST(recvfrom_would_block)
{
    xsock_t u;
    xsock_addr a, from;
    char buf[8];
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(u, &a));
    CHECK_OK(xsock_set_nonblocking(u, 1));
    CHECK_ERR(xsock_recvfrom(u, buf, sizeof buf, &from), XSOCK_EAGAIN);
    CHECK_ERR(xsock_recvfrom(u, buf, sizeof buf, NULL), XSOCK_EAGAIN);
    CHECK_OK(xsock_close(u));
}

TEST(accept_would_block)
{
    xsock_t l, s = 0;
    xsock_addr a;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_set_nonblocking(l, 1));
    CHECK_ERR(xsock_accept(l, &s, NULL), XSOCK_EAGAIN);
    CHECK(s == XSOCK_INVALID);
    CHECK_OK(xsock_close(l));
}

/* With nobody reading, a non-blocking sender fills the buffers and then
 * gets XSOCK_EAGAIN (send_all too). */
TEST(send_would_block)
{
    xsock_t c, s;
    static char buf[65536];
    xsock_ssize_t r = 0;
    int i;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    for (i = 0; i < 4096; i++) { /* 256 MB at most: far beyond any buffer */
        r = xsock_send(c, buf, sizeof buf);
        if (r < 0) break;
    }
    CHECK_ERR(r, XSOCK_EAGAIN);
    CHECK_ERR(xsock_send_all(c, buf, sizeof buf), XSOCK_EAGAIN);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(recv_timeout)
{
    xsock_t c, s;
    char buf[8];
    int v = 0;
    long long t0, took;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 200));
    CHECK_OK(xsock_get_option(c, XSOCK_OPT_RCVTIMEO, &v));
    CHECK_EQ(v, 200);
    t0 = tu_now_ms();
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_ETIMEDOUT);
    took = tu_now_ms() - t0;
    if (tu_can_time()) {
        if (took < 150 || took >= 5000) XTEST_FAIL("a 200 ms receive timeout took %lld ms", took);
    }
    CHECK_ERR(xsock_recv_all(c, buf, sizeof buf), XSOCK_ETIMEDOUT);
    /* The connection is still good after a timeout. */
    CHECK_EQ(xsock_send(s, "late", 4), 4);
    CHECK_EQ(xsock_recv_all(c, buf, 4), 4);
    CHECK(memcmp(buf, "late", 4) == 0);
    /* 0 turns the timeout off. */
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 0));
    CHECK_OK(xsock_get_option(c, XSOCK_OPT_RCVTIMEO, &v));
    CHECK_EQ(v, 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(recvfrom_timeout)
{
    xsock_t u;
    xsock_addr a;
    char buf[8];
    long long t0, took;
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(u, &a));
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, 200));
    t0 = tu_now_ms();
    CHECK_ERR(xsock_recvfrom(u, buf, sizeof buf, NULL), XSOCK_ETIMEDOUT);
    took = tu_now_ms() - t0;
    if (tu_can_time()) {
        if (took < 150 || took >= 5000) XTEST_FAIL("a 200 ms receive timeout took %lld ms", took);
    }
    CHECK_OK(xsock_close(u));
}

/* A blocking sender whose peer never reads: SNDTIMEO ends the wait with
 * XSOCK_ETIMEDOUT (the data already queued is the caller's loss). */
TEST(send_timeout)
{
    xsock_t c, s;
    static char buf[65536];
    xsock_ssize_t r = 0;
    int v = 0, i;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 200));
    CHECK_OK(xsock_get_option(c, XSOCK_OPT_SNDTIMEO, &v));
    CHECK_EQ(v, 200);
    for (i = 0; i < 4096; i++) {
        r = xsock_send(c, buf, sizeof buf);
        if (r < 0) break;
    }
    CHECK_ERR(r, XSOCK_ETIMEDOUT);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 0));
    CHECK_OK(xsock_get_option(c, XSOCK_OPT_SNDTIMEO, &v));
    CHECK_EQ(v, 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* EINTR: a signal (with a handler, no SA_RESTART) landing in a blocking
 * call is retried inside xsock, and a poll still waits its whole timeout.
 * Windows has no such signals: there the same calls simply run. */
#ifndef _WIN32
static volatile sig_atomic_t signals_seen;
static void on_signal(int sig)
{
    (void)sig;
    signals_seen++;
}
#endif

struct nagger {
#ifndef _WIN32
    pthread_t target;
#endif
    xsock_t send_to;        /* gets one byte after the signals, or XSOCK_INVALID */
    const xsock_addr *dial; /* connected to after the signals, or NULL */
    xsock_t dialed;
};

static void nag(void *arg)
{
    struct nagger *n = (struct nagger *)arg;
    int i;
    for (i = 0; i < 40; i++) {
#ifndef _WIN32
        pthread_kill(n->target, SIGUSR1);
#endif
        xthread_sleep_ms(5);
    }
    if (n->send_to != XSOCK_INVALID) xsock_send(n->send_to, "!", 1);
    if (n->dial != NULL && xsock_open(&n->dialed, XSOCK_INET, XSOCK_STREAM) == 0)
        xsock_connect(n->dialed, n->dial, 5000);
}

static void start_nagger(xthread *t, struct nagger *n, xsock_t send_to, const xsock_addr *dial)
{
#ifndef _WIN32
    n->target = pthread_self();
#endif
    n->send_to = send_to;
    n->dial = dial;
    n->dialed = XSOCK_INVALID;
    CHECK_EQ(xthread_start(t, nag, n), 0);
}

TEST(interrupted_calls)
{
    xsock_t c, s, l, a;
    xsock_addr la;
    xsock_pollfd p;
    struct nagger n;
    xthread t;
    char b;
    long long t0, took;
#ifndef _WIN32
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: the kernel returns EINTR */
    CHECK(sigaction(SIGUSR1, &sa, &old) == 0);
#endif
    tu_tcp_pair(XSOCK_INET, &c, &s);

    start_nagger(&t, &n, s, NULL);
    CHECK_EQ(xsock_recv(c, &b, 1), 1);
    xthread_join(t);

    start_nagger(&t, &n, s, NULL);
    CHECK_EQ(xsock_recv_all(c, &b, 1), 1);
    xthread_join(t);

    tu_listen(&l, XSOCK_INET, &la);
    start_nagger(&t, &n, XSOCK_INVALID, &la);
    CHECK_OK(xsock_accept(l, &a, NULL));
    xthread_join(t);
    CHECK(n.dialed != XSOCK_INVALID);
    CHECK_OK(xsock_close(n.dialed));
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(l));

    p.sock = c;
    p.events = XSOCK_POLLIN;
    start_nagger(&t, &n, XSOCK_INVALID, NULL);
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poll(&p, 1, 400), 0);
    took = tu_now_ms() - t0;
    xthread_join(t);
    if (tu_can_time() && took < 350) XTEST_FAIL("a 400 ms poll ended after %lld ms", took);

#ifndef _WIN32
    CHECK(signals_seen > 0);
    printf("%d signals delivered\n", (int)signals_seen);
    CHECK(sigaction(SIGUSR1, &old, NULL) == 0);
#endif
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

XTEST_MAIN(XTEST(recv_would_block) XTEST(recvfrom_would_block) XTEST(accept_would_block)
               XTEST(send_would_block) XTEST(recv_timeout) XTEST(recvfrom_timeout)
                   XTEST(send_timeout) XTEST(interrupted_calls))
