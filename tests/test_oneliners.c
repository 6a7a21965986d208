/* The one-liners of the tutorial flows: tcp_listen, tcp_connect, udp_bind. */
#include "testutil.h"

static void round_trip(xsock_t l, xsock_t c)
{
    xsock_t s;
    char buf[8];
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_EQ(xsock_send_all(c, "hi", 2), 2);
    CHECK_EQ(xsock_recv_all(s, buf, 2), 2);
    CHECK_EQ(xsock_send_all(s, "yo", 2), 2);
    CHECK_EQ(xsock_recv_all(c, buf, 2), 2);
    CHECK(memcmp(buf, "yo", 2) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

static int listen_port(xsock_t l)
{
    xsock_addr a;
    CHECK_OK(xsock_local_addr(l, &a));
    return (int)CHECK_OK(xsock_addr_port(&a));
}

TEST(tcp_numeric)
{
    xsock_t l, c;
    int port;
    CHECK_OK(xsock_tcp_listen(&l, "127.0.0.1", 0, 16));
    port = listen_port(l);
    CHECK(port > 0);
    CHECK_OK(xsock_tcp_connect(&c, "127.0.0.1", port, 5000));
    round_trip(l, c);
    CHECK_OK(xsock_tcp_connect(&c, "127.0.0.1", port, -1));
    round_trip(l, c);
    CHECK_OK(xsock_close(l));

    CHECK_OK(xsock_tcp_listen(&l, "::1", 0, -1));
    port = listen_port(l);
    CHECK_OK(xsock_tcp_connect(&c, "::1", port, 5000));
    round_trip(l, c);
    CHECK_OK(xsock_close(l));
}

/* "localhost" may give ::1 first, where nothing listens: tcp_connect goes
 * on to the next address. */
TEST(tcp_localhost)
{
    xsock_t l, c;
    int port;
    CHECK_OK(xsock_tcp_listen(&l, "127.0.0.1", 0, 16));
    port = listen_port(l);
    CHECK_OK(xsock_tcp_connect(&c, "localhost", port, 5000));
    round_trip(l, c);
    CHECK_OK(xsock_close(l));
    CHECK_OK(xsock_tcp_listen(&l, "localhost", 0, 16));
    port = listen_port(l);
    CHECK_OK(xsock_tcp_connect(&c, "localhost", port, 5000));
    round_trip(l, c);
    CHECK_OK(xsock_close(l));
}

TEST(tcp_any)
{
    xsock_t l, c;
    int port;
    CHECK_OK(xsock_tcp_listen(&l, NULL, 0, 16));
    port = listen_port(l);
    CHECK_OK(xsock_tcp_connect(&c, "127.0.0.1", port, 5000));
    round_trip(l, c);
    CHECK_OK(xsock_tcp_connect(&c, "::1", port, 5000));
    round_trip(l, c);
    CHECK_OK(xsock_close(l));
}

TEST(tcp_connect_refused)
{
    xsock_t holder, c = 0;
    xsock_addr a;
    tu_refused_addr(&holder, XSOCK_INET, &a);
    CHECK_ERR(xsock_tcp_connect(&c, "127.0.0.1", xsock_addr_port(&a), 5000), XSOCK_ECONNREFUSED);
    CHECK(c == XSOCK_INVALID);
    /* Every address of "localhost" refuses: the last reason is given. */
    CHECK_ERR(xsock_tcp_connect(&c, "localhost", xsock_addr_port(&a), 5000), XSOCK_ECONNREFUSED);
    CHECK(c == XSOCK_INVALID);
    CHECK_OK(xsock_close(holder));
}

TEST(tcp_connect_notfound)
{
    xsock_t c = 0;
    CHECK_ERR(xsock_tcp_connect(&c, "nosuchhost.invalid", 80, 1000), XSOCK_ENOTFOUND);
    CHECK(c == XSOCK_INVALID);
}

TEST(tcp_listen_in_use)
{
    xsock_t l, l2 = 0;
    int port;
    CHECK_OK(xsock_tcp_listen(&l, "127.0.0.1", 0, 16));
    port = listen_port(l);
    CHECK_ERR(xsock_tcp_listen(&l2, "127.0.0.1", port, 16), XSOCK_EADDRINUSE);
    CHECK(l2 == XSOCK_INVALID);
    CHECK_OK(xsock_close(l));
    /* Free again: the restart takes it. */
    CHECK_OK(xsock_tcp_listen(&l, "127.0.0.1", port, 16));
    CHECK_EQ(listen_port(l), port);
    CHECK_OK(xsock_close(l));
}

TEST(udp_bind_hosts)
{
    static const char *hosts[] = {"127.0.0.1", "::1", "localhost", NULL};
    xsock_t u, v;
    xsock_addr ua, to;
    char buf[4];
    size_t i;
    CHECK_OK(xsock_udp_bind(&v, "127.0.0.1", 0));
    for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        int f;
        CHECK_OK(xsock_udp_bind(&u, hosts[i], 0));
        CHECK_OK(xsock_local_addr(u, &ua));
        CHECK(xsock_addr_port(&ua) > 0);
        f = xsock_addr_family(&ua);
        if (f == XSOCK_INET) {
            /* Reachable from v through 127.0.0.1. */
            CHECK_OK(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, 10000));
            CHECK_OK(xsock_addr_loopback(&to, XSOCK_INET, xsock_addr_port(&ua)));
            CHECK_EQ(xsock_sendto(v, "udp", 3, &to), 3);
            CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, NULL), 3);
        } else {
            CHECK_EQ(f, XSOCK_INET6);
        }
        CHECK_OK(xsock_close(u));
    }
    CHECK_OK(xsock_close(v));
}

XTEST_MAIN(XTEST(tcp_numeric) XTEST(tcp_localhost) XTEST(tcp_any) XTEST(tcp_connect_refused)
               XTEST(tcp_connect_notfound) XTEST(tcp_listen_in_use) XTEST(udp_bind_hosts))
