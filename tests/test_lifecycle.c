/* Start-up and release: lazy and thread-safe without xsock_init, ref-counted
 * with it. Each CTest case is its own process, so every test here really is
 * the first thing its program does with the network. */
#include "testutil.h"

/* A socketpair and a loopback TCP connection each carry a few bytes. */
static void sockets_work(void)
{
    xsock_t pair[2], c, s;
    char buf[8];
    CHECK_OK(xsock_socketpair(pair));
    CHECK_EQ(xsock_send_all(pair[0], "ping", 4), 4);
    CHECK_EQ(xsock_recv_all(pair[1], buf, 4), 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));

    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_EQ(xsock_send_all(c, "pong", 4), 4);
    CHECK_EQ(xsock_recv_all(s, buf, 4), 4);
    CHECK(memcmp(buf, "pong", 4) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(without_init)
{
    sockets_work();
}

TEST(init_refcount)
{
    xsock_t s;
    CHECK_OK(xsock_init());
    CHECK_OK(xsock_init());
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_close(s));
    xsock_cleanup();
    /* Still one reference: sockets keep working. */
    sockets_work();
    xsock_cleanup();
    /* All released (WSACleanup on Windows): the next call starts up again. */
    sockets_work();
}

TEST(extra_cleanup)
{
    xsock_t pair[2];
    char c;
    /* Before anything: nothing to release, nothing breaks. */
    xsock_cleanup();
    /* A socket made by the lazy start-up survives unmatched cleanups. */
    CHECK_OK(xsock_socketpair(pair));
    xsock_cleanup();
    xsock_cleanup();
    CHECK_EQ(xsock_send(pair[0], "x", 1), 1);
    CHECK_EQ(xsock_recv(pair[1], &c, 1), 1);
    CHECK(c == 'x');
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
    /* And a balanced pair after that changes nothing either. */
    CHECK_OK(xsock_init());
    xsock_cleanup();
    sockets_work();
}

TEST(version)
{
    char expect[32];
    CHECK_EQ(xsock_version(), XSOCK_VERSION_HEX);
    CHECK_EQ(xsock_version(), ((unsigned long)XSOCK_VERSION_MAJOR << 16) |
                                  ((unsigned long)XSOCK_VERSION_MINOR << 8) |
                                  (unsigned long)XSOCK_VERSION_PATCH);
    snprintf(expect, sizeof expect, "%d.%d.%d", XSOCK_VERSION_MAJOR, XSOCK_VERSION_MINOR,
             XSOCK_VERSION_PATCH);
    CHECK_STR(xsock_version_string(), expect);
}

#define NTHREADS 8

struct starter {
    int failed; /* 0, or the first negative code seen */
};

/* Every thread's first xsock call races the others' into the lazy start-up. */
static void first_use(void *arg)
{
    struct starter *st = (struct starter *)arg;
    xsock_t s, d, pair[2];
    char c = 0;
    int r;
    if ((r = xsock_open(&s, XSOCK_INET, XSOCK_STREAM)) < 0) { st->failed = r; return; }
    if ((r = xsock_open(&d, XSOCK_INET, XSOCK_DGRAM)) < 0) { st->failed = r; return; }
    if ((r = xsock_socketpair(pair)) < 0) { st->failed = r; return; }
    if ((r = (int)xsock_send(pair[0], "k", 1)) != 1 || (r = (int)xsock_recv(pair[1], &c, 1)) != 1 ||
        c != 'k') {
        st->failed = r < 0 ? r : XSOCK_EUNKNOWN;
        return;
    }
    xsock_close(pair[0]);
    xsock_close(pair[1]);
    xsock_close(d);
    xsock_close(s);
}

TEST(lazy_threads)
{
    xthread t[NTHREADS];
    struct starter st[NTHREADS];
    int i;
    for (i = 0; i < NTHREADS; i++) {
        st[i].failed = 0;
        CHECK_EQ(xthread_start(&t[i], first_use, &st[i]), 0);
    }
    for (i = 0; i < NTHREADS; i++) xthread_join(t[i]);
    for (i = 0; i < NTHREADS; i++) {
        if (st[i].failed != 0)
            XTEST_FAIL("thread %d: %s", i, xsock_err_name(st[i].failed));
    }
    sockets_work();
}

XTEST_MAIN(XTEST(without_init) XTEST(init_refcount) XTEST(extra_cleanup) XTEST(version)
               XTEST(lazy_threads))
