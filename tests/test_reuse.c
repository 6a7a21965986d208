/* Port reuse: XSOCK_OPT_REUSEADDR, XSOCK_OPT_EXCLUSIVE, XSOCK_OPT_SHAREPORT
 * and XSOCK_OPT_REUSEPORT_LB each mean one thing on every OS (the table is
 * in xsock.h), and a bind to a taken port says XSOCK_EADDRINUSE on every OS,
 * also where Windows answers WSAEACCES. */
#include <limits.h>
#include "testutil.h"

static int get(xsock_t s, int opt)
{
    int v = -12345;
    CHECK_OK(xsock_get_option(s, opt, &v));
    return v;
}

/* Whether this build has kernel load balancing (XSOCK_OPT_REUSEPORT_LB). */
static int have_lb(void)
{
#if defined(__linux__) || defined(__FreeBSD__) || defined(__DragonFly__)
    return 1;
#else
    return 0;
#endif
}

/* What a new socket starts with, and that each option belongs to its type. */
TEST(defaults)
{
    xsock_t t, u;
    int v;
    CHECK_OK(xsock_open(&t, XSOCK_INET, XSOCK_STREAM));
    CHECK_EQ(get(t, XSOCK_OPT_REUSEADDR), 1);
    CHECK_EQ(get(t, XSOCK_OPT_EXCLUSIVE), 0);
    CHECK_ERR(xsock_set_option(t, XSOCK_OPT_SHAREPORT, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_get_option(t, XSOCK_OPT_SHAREPORT, &v), XSOCK_EINVAL);
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_EQ(get(u, XSOCK_OPT_EXCLUSIVE), 1);
    CHECK_EQ(get(u, XSOCK_OPT_SHAREPORT), 0);
    /* A datagram socket has no TIME_WAIT to get past: REUSEADDR is not its
     * option (on POSIX it would share the port, on Windows take it). */
    CHECK_ERR(xsock_set_option(u, XSOCK_OPT_REUSEADDR, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_get_option(u, XSOCK_OPT_REUSEADDR, &v), XSOCK_EINVAL);
    if (have_lb()) {
        CHECK_EQ(get(t, XSOCK_OPT_REUSEPORT_LB), 0);
        CHECK_EQ(get(u, XSOCK_OPT_REUSEPORT_LB), 0);
    } else {
        CHECK_ERR(xsock_set_option(t, XSOCK_OPT_REUSEPORT_LB, 1), XSOCK_ENOTSUP);
        CHECK_ERR(xsock_get_option(u, XSOCK_OPT_REUSEPORT_LB, &v), XSOCK_ENOTSUP);
    }
    CHECK_OK(xsock_close(t));
    CHECK_OK(xsock_close(u));
}

/* EXCLUSIVE is the opposite of the type's sharing, read back either way. */
TEST(exclusive_switches)
{
    xsock_t t, u;
    CHECK_OK(xsock_open(&t, XSOCK_INET6, XSOCK_STREAM));
    CHECK_OK(xsock_set_option(t, XSOCK_OPT_EXCLUSIVE, 1));
    CHECK_EQ(get(t, XSOCK_OPT_EXCLUSIVE), 1);
    CHECK_EQ(get(t, XSOCK_OPT_REUSEADDR), 0);
    CHECK_OK(xsock_set_option(t, XSOCK_OPT_EXCLUSIVE, 0));
    CHECK_EQ(get(t, XSOCK_OPT_REUSEADDR), 1);
    CHECK_OK(xsock_set_option(t, XSOCK_OPT_REUSEADDR, 0));
    CHECK_EQ(get(t, XSOCK_OPT_EXCLUSIVE), 1);
    CHECK_OK(xsock_set_option(t, XSOCK_OPT_REUSEADDR, 1));
    CHECK_EQ(get(t, XSOCK_OPT_EXCLUSIVE), 0);
    CHECK_OK(xsock_close(t));

    CHECK_OK(xsock_open(&u, XSOCK_INET6, XSOCK_DGRAM));
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_SHAREPORT, 1));
    CHECK_EQ(get(u, XSOCK_OPT_SHAREPORT), 1);
    CHECK_EQ(get(u, XSOCK_OPT_EXCLUSIVE), 0);
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_EXCLUSIVE, 1));
    CHECK_EQ(get(u, XSOCK_OPT_SHAREPORT), 0);
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_EXCLUSIVE, 0));
    CHECK_EQ(get(u, XSOCK_OPT_SHAREPORT), 1);
    CHECK_OK(xsock_close(u));
}

/* Two datagram sockets that both ask share one port, and a datagram sent
 * to it arrives (at one of them: unicast goes to one; multicast and
 * broadcast to each). A socket that did not ask is refused, and so is a
 * sharer once an exclusive socket holds the port. */
static void share(int family)
{
    xsock_t a, b, c, tx;
    xsock_addr addr;
    xsock_pollfd p[2];
    char buf[8];
    int i, got = 0;
    CHECK_OK(xsock_open(&a, family, XSOCK_DGRAM));
    CHECK_OK(xsock_open(&b, family, XSOCK_DGRAM));
    CHECK_OK(xsock_set_option(a, XSOCK_OPT_SHAREPORT, 1));
    CHECK_OK(xsock_set_option(b, XSOCK_OPT_SHAREPORT, 1));
    CHECK_OK(xsock_addr_loopback(&addr, family, 0));
    CHECK_OK(xsock_bind(a, &addr));
    CHECK_OK(xsock_local_addr(a, &addr));
    CHECK_OK(xsock_bind(b, &addr));
    CHECK_OK(xsock_open(&c, family, XSOCK_DGRAM));
    CHECK_ERR(xsock_bind(c, &addr), XSOCK_EADDRINUSE);
    CHECK_OK(xsock_close(c));

    CHECK_OK(xsock_open(&tx, family, XSOCK_DGRAM));
    CHECK_EQ(xsock_sendto(tx, "share", 5, &addr), 5);
    p[0].sock = a;
    p[1].sock = b;
    p[0].events = p[1].events = XSOCK_POLLIN;
    CHECK(xsock_poll(p, 2, 5000) >= 1);
    for (i = 0; i < 2; i++) {
        if (p[i].revents & XSOCK_POLLIN) {
            CHECK_EQ(xsock_recv(p[i].sock, buf, sizeof buf), 5);
            CHECK(memcmp(buf, "share", 5) == 0);
            got++;
        }
    }
    CHECK_EQ(got, 1);
    CHECK_OK(xsock_close(tx));
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));

    /* An exclusive holder: nobody joins, even asking to share (Windows
     * answers WSAEACCES there). */
    CHECK_OK(xsock_open(&a, family, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(&addr, family, 0));
    CHECK_OK(xsock_bind(a, &addr));
    CHECK_OK(xsock_local_addr(a, &addr));
    CHECK_OK(xsock_open(&b, family, XSOCK_DGRAM));
    CHECK_OK(xsock_set_option(b, XSOCK_OPT_SHAREPORT, 1));
    CHECK_ERR(xsock_bind(b, &addr), XSOCK_EADDRINUSE);
    CHECK_OK(xsock_close(b));
    CHECK_OK(xsock_close(a));
}

TEST(share_port_udp)
{
    share(XSOCK_INET);
    share(XSOCK_INET6);
}

/* A server's restart while its old connections live on: the accepted one
 * still open, and one the server closed first (server side in TIME_WAIT).
 * XSOCK_OPT_REUSEADDR, the stream default, rebinds at once in both cases
 * (on Windows because xsock sets neither SO_REUSEADDR nor
 * SO_EXCLUSIVEADDRUSE; with the latter, real Windows refuses both, see
 * "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"). A second live listener
 * is still refused. */
TEST(restart_after_server_closed_first)
{
    xsock_t l, c1, s1, c2, s2, l2;
    xsock_addr a;
    char ch;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c1, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c1, &a, 5000));
    CHECK_OK(xsock_accept(l, &s1, NULL));
    CHECK_OK(xsock_close(s1)); /* the server closes first: TIME_WAIT on its side */
    CHECK_EQ(xsock_recv(c1, &ch, 1), 0);
    CHECK_OK(xsock_close(c1));
    CHECK_OK(xsock_open(&c2, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c2, &a, 5000));
    CHECK_OK(xsock_accept(l, &s2, NULL)); /* this one stays open */
    CHECK_OK(xsock_close(l));

    CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_bind(l, &a));
    CHECK_OK(xsock_listen(l, 16));
    CHECK_OK(xsock_open(&l2, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_bind(l2, &a), XSOCK_EADDRINUSE);
    CHECK_OK(xsock_close(l2));
    CHECK_OK(xsock_close(l));
    CHECK_OK(xsock_close(s2));
    CHECK_OK(xsock_close(c2));
}

/* XSOCK_OPT_EXCLUSIVE: the restart waits for the old connection, on Linux
 * (no SO_REUSEADDR: TIME_WAIT holds the port, socket(7)) and on Windows
 * (SO_EXCLUSIVEADDRUSE: "until the accepted connection is no longer
 * active", Microsoft's page). Wine keeps no such state for Windows sockets
 * and lets the bind through: there either outcome is accepted, and the
 * GitHub Windows jobs run this test against the real rule. */
TEST(exclusive_restart_waits)
{
    xsock_t l, c, s;
    xsock_addr a, any;
    int r;
    CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_option(l, XSOCK_OPT_EXCLUSIVE, 1));
    CHECK_OK(xsock_addr_loopback(&any, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(l, &any));
    CHECK_OK(xsock_listen(l, 4));
    CHECK_OK(xsock_local_addr(l, &a));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_OK(xsock_close(l));

    CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_option(l, XSOCK_OPT_EXCLUSIVE, 1));
    r = xsock_bind(l, &a);
    if (tu_under_wine())
        CHECK(r == 0 || r == XSOCK_EADDRINUSE);
    else
        CHECK_ERR(r, XSOCK_EADDRINUSE);
    CHECK_OK(xsock_close(l));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(c));
}

/* Issue 16: a second server on every interface is told the port is in use,
 * on every OS. Windows answers WSAEACCES (10013) when the holder is
 * exclusive and WSAEADDRINUSE (10048) otherwise; the native code stays the
 * OS's. */
static void second_fails(const char *host, int port)
{
    xsock_t l2 = XSOCK_INVALID;
    int r = xsock_tcp_listen(&l2, host, port, 4), native = xsock_last_native_error();
    if (r != XSOCK_EADDRINUSE)
        XTEST_FAIL("second listener on %s:%d: %s (native %d), expected EADDRINUSE",
                   host ? host : "(every interface)", port, xsock_err_name(r), native);
    CHECK(l2 == XSOCK_INVALID);
#ifdef _WIN32
    CHECK(native == 10013 || native == 10048);
#else
    CHECK(native != 0);
#endif
}

static void twice(const char *first, int exclusive)
{
    static const char *const second[] = {NULL, "::", "0.0.0.0"};
    xsock_t l;
    xsock_addr a;
    size_t i;
    int port;
    if (exclusive) {
        CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
        CHECK_OK(xsock_set_option(l, XSOCK_OPT_EXCLUSIVE, 1));
        CHECK_OK(xsock_addr_any(&a, XSOCK_INET, 0));
        CHECK_OK(xsock_bind(l, &a));
        CHECK_OK(xsock_listen(l, 4));
    } else {
        CHECK_OK(xsock_tcp_listen(&l, first, 0, 4));
    }
    CHECK_OK(xsock_local_addr(l, &a));
    port = xsock_addr_port(&a);
    for (i = 0; i < sizeof second / sizeof second[0]; i++) {
        /* "::" is v6-only: it shares nothing with an IPv4 holder. */
        if (second[i] != NULL && strcmp(second[i], "::") == 0 && xsock_addr_family(&a) == XSOCK_INET)
            continue;
        /* Nor does 0.0.0.0 with a v6-only "::". */
        if (second[i] != NULL && strcmp(second[i], "0.0.0.0") == 0 && first != NULL &&
            strcmp(first, "::") == 0)
            continue;
        second_fails(second[i], port);
    }
    CHECK_OK(xsock_close(l));
}

TEST(listen_every_interface_twice)
{
    twice(NULL, 0);
    twice("::", 0);
    twice("0.0.0.0", 0);
    twice("0.0.0.0", 1); /* an exclusive holder: WSAEACCES on Windows */
}

/* Kernel load balancing where the OS has it: two listeners on one port. */
TEST(reuseport_lb)
{
    xsock_t a, b;
    xsock_addr addr;
    CHECK_OK(xsock_open(&a, XSOCK_INET, XSOCK_STREAM));
    if (!have_lb()) {
        CHECK_ERR(xsock_set_option(a, XSOCK_OPT_REUSEPORT_LB, 1), XSOCK_ENOTSUP);
        CHECK_OK(xsock_close(a));
        return;
    }
    CHECK_OK(xsock_open(&b, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_option(a, XSOCK_OPT_REUSEPORT_LB, 1));
    CHECK_OK(xsock_set_option(b, XSOCK_OPT_REUSEPORT_LB, 1));
    CHECK_EQ(get(a, XSOCK_OPT_REUSEPORT_LB), 1);
    CHECK_EQ(get(a, XSOCK_OPT_EXCLUSIVE), 0);
    CHECK_OK(xsock_addr_loopback(&addr, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(a, &addr));
    CHECK_OK(xsock_listen(a, 4));
    CHECK_OK(xsock_local_addr(a, &addr));
    CHECK_OK(xsock_bind(b, &addr));
    CHECK_OK(xsock_listen(b, 4));
    /* EXCLUSIVE turns the balancing off again. */
    CHECK_OK(xsock_set_option(b, XSOCK_OPT_EXCLUSIVE, 1));
    CHECK_EQ(get(b, XSOCK_OPT_REUSEPORT_LB), 0);
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));
}

/* Each reuse option takes 0 or 1 only, and a refused value changes nothing;
 * they are all known to xsock_get_option (its range check once stopped at
 * XSOCK_OPT_LINGER). */
TEST(bad_values)
{
    static const int opts[] = {XSOCK_OPT_REUSEADDR, XSOCK_OPT_EXCLUSIVE, XSOCK_OPT_SHAREPORT,
                               XSOCK_OPT_REUSEPORT_LB};
    static const int bad[] = {-1, 2, INT_MAX, INT_MIN};
    xsock_t t, u;
    size_t i, j;
    CHECK_OK(xsock_open(&t, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        for (j = 0; j < sizeof bad / sizeof bad[0]; j++) {
            CHECK_ERR(xsock_set_option(t, opts[i], bad[j]), XSOCK_EINVAL);
            CHECK_ERR(xsock_set_option(u, opts[i], bad[j]), XSOCK_EINVAL);
        }
        CHECK_ERR(xsock_get_option(t, opts[i], NULL), XSOCK_EINVAL);
        CHECK_ERR(xsock_set_option(XSOCK_INVALID, opts[i], 1), XSOCK_EBADF);
    }
    CHECK_EQ(get(t, XSOCK_OPT_REUSEADDR), 1);
    CHECK_EQ(get(t, XSOCK_OPT_EXCLUSIVE), 0);
    CHECK_EQ(get(u, XSOCK_OPT_EXCLUSIVE), 1);
    CHECK_EQ(get(u, XSOCK_OPT_SHAREPORT), 0);
    CHECK_OK(xsock_close(t));
    CHECK_OK(xsock_close(u));
}

XTEST_MAIN(XTEST(defaults) XTEST(exclusive_switches) XTEST(share_port_udp)
               XTEST(restart_after_server_closed_first) XTEST(exclusive_restart_waits)
                   XTEST(listen_every_interface_twice) XTEST(reuseport_lb) XTEST(bad_values))
