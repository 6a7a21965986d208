/* Bad input to every public function: a negative code (the exact one) and
 * never a crash. */
#include "testutil.h"

TEST(null_pointers)
{
    xsock_t s, c = 0;
    xsock_addr a;
    char buf[XSOCK_ADDRSTRLEN];
    CHECK_OK(xsock_tcp_listen(&s, "127.0.0.1", 0, 4));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 1));

    CHECK_ERR(xsock_open(NULL, XSOCK_INET, XSOCK_STREAM), XSOCK_EINVAL);
    CHECK_ERR(xsock_bind(s, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_accept(s, NULL, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_connect(s, NULL, 100), XSOCK_EINVAL);
    CHECK_ERR(xsock_connect(s, NULL, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_sendto(s, "x", 1, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_local_addr(s, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_peer_addr(s, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_socketpair(NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_get_option(s, XSOCK_OPT_NODELAY, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_poll(NULL, 1, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_tcp_listen(NULL, "127.0.0.1", 0, 4), XSOCK_EINVAL);
    CHECK_ERR(xsock_tcp_connect(NULL, "127.0.0.1", 80, 100), XSOCK_EINVAL);
    CHECK_ERR(xsock_tcp_connect(&c, NULL, 80, 100), XSOCK_EINVAL);
    CHECK(c == XSOCK_INVALID);
    CHECK_ERR(xsock_tcp_connect(&c, "", 80, 100), XSOCK_EINVAL);
    CHECK_ERR(xsock_udp_bind(NULL, NULL, 0), XSOCK_EINVAL);

    CHECK_ERR(xsock_addr_parse(NULL, "1.2.3.4"), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_parse(&a, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_format(NULL, buf, sizeof buf), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_format(&a, NULL, sizeof buf), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve(NULL, 80, 0, &a, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve("localhost", 80, 0, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_any(NULL, XSOCK_INET, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_loopback(NULL, XSOCK_INET6, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_unix(NULL, "/tmp/x"), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_unix(&a, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_port(NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_set_port(NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_family(NULL), XSOCK_EINVAL);
    CHECK_EQ(xsock_addr_equal(NULL, &a), 0);
    CHECK(xsock_strerror(XSOCK_EINVAL) != NULL);
    CHECK_OK(xsock_close(s));
}

/* An xsock_addr that was never filled in (zeroed: empty). */
TEST(empty_address)
{
    xsock_t s;
    xsock_addr empty, junk;
    char buf[XSOCK_ADDRSTRLEN];
    memset(&empty, 0, sizeof empty);
    memset(&junk, 0xff, sizeof junk); /* len -1, family unknown */
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_DGRAM));
    CHECK_ERR(xsock_bind(s, &empty), XSOCK_EINVAL);
    CHECK_ERR(xsock_bind(s, &junk), XSOCK_EINVAL);
    CHECK_ERR(xsock_connect(s, &empty, 100), XSOCK_EINVAL);
    CHECK_ERR(xsock_sendto(s, "x", 1, &empty), XSOCK_EINVAL);
    CHECK_ERR(xsock_sendto(s, "x", 1, &junk), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_format(&empty, buf, sizeof buf), XSOCK_EINVAL);
    CHECK_STR(buf, "");
    CHECK_ERR(xsock_addr_port(&junk), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_family(&empty), XSOCK_EINVAL);
    /* A length that does not fit the family. */
    CHECK_OK(xsock_addr_loopback(&junk, XSOCK_INET6, 80));
    junk.len = 8;
    CHECK_ERR(xsock_bind(s, &junk), XSOCK_EINVAL);
    junk.len = (int)sizeof junk.storage + 1;
    CHECK_ERR(xsock_addr_format(&junk, buf, sizeof buf), XSOCK_EINVAL);
    CHECK_OK(xsock_close(s));
}

TEST(invalid_socket)
{
    const xsock_t bad = XSOCK_INVALID;
    xsock_t c = 0;
    xsock_addr a;
    char buf[4];
    int v;
    xsock_pollfd p;
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 9));
    CHECK_ERR(xsock_close(bad), XSOCK_EBADF);
    CHECK_ERR(xsock_bind(bad, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_listen(bad, 4), XSOCK_EBADF);
    CHECK_ERR(xsock_accept(bad, &c, NULL), XSOCK_EBADF);
    CHECK(c == XSOCK_INVALID);
    CHECK_ERR(xsock_connect(bad, &a, 100), XSOCK_EBADF);
    CHECK_ERR(xsock_connect(bad, &a, -1), XSOCK_EBADF);
    CHECK_ERR(xsock_connect_result(bad), XSOCK_EBADF);
    CHECK_ERR(xsock_send(bad, "x", 1), XSOCK_EBADF);
    CHECK_ERR(xsock_recv(bad, buf, sizeof buf), XSOCK_EBADF);
    CHECK_ERR(xsock_send_all(bad, "x", 1), XSOCK_EBADF);
    CHECK_ERR(xsock_recv_all(bad, buf, sizeof buf), XSOCK_EBADF);
    CHECK_ERR(xsock_sendto(bad, "x", 1, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_recvfrom(bad, buf, sizeof buf, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_shutdown(bad, XSOCK_SHUT_RDWR), XSOCK_EBADF);
    CHECK_ERR(xsock_local_addr(bad, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_peer_addr(bad, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_set_nonblocking(bad, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_set_option(bad, XSOCK_OPT_NODELAY, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_get_option(bad, XSOCK_OPT_NODELAY, &v), XSOCK_EBADF);
    /* In a poll an invalid entry is skipped, not an error. */
    p.sock = bad;
    p.events = XSOCK_POLLIN;
    CHECK_EQ(xsock_poll(&p, 1, 0), 0);
    CHECK_EQ(p.revents, 0);
}

TEST(closed_socket)
{
    xsock_t s, c = 0;
    xsock_addr a;
    char buf[4];
    int v;
    xsock_pollfd p;
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 9));
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_close(s));
    /* Nothing is opened from here on, so the handle stays dead. */
    CHECK_ERR(xsock_close(s), XSOCK_EBADF);
    CHECK_ERR(xsock_bind(s, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_listen(s, 4), XSOCK_EBADF);
    CHECK_ERR(xsock_accept(s, &c, NULL), XSOCK_EBADF);
    CHECK(c == XSOCK_INVALID);
    CHECK_ERR(xsock_connect(s, &a, -1), XSOCK_EBADF);
    CHECK_ERR(xsock_connect(s, &a, 100), XSOCK_EBADF);
    CHECK_ERR(xsock_connect_result(s), XSOCK_EBADF);
    CHECK_ERR(xsock_send(s, "x", 1), XSOCK_EBADF);
    CHECK_ERR(xsock_recv(s, buf, sizeof buf), XSOCK_EBADF);
    CHECK_ERR(xsock_send_all(s, "x", 1), XSOCK_EBADF);
    CHECK_ERR(xsock_recv_all(s, buf, sizeof buf), XSOCK_EBADF);
    CHECK_ERR(xsock_sendto(s, "x", 1, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_recvfrom(s, buf, sizeof buf, NULL), XSOCK_EBADF);
    CHECK_ERR(xsock_shutdown(s, XSOCK_SHUT_WR), XSOCK_EBADF);
    CHECK_ERR(xsock_local_addr(s, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_peer_addr(s, &a), XSOCK_EBADF);
    CHECK_ERR(xsock_set_nonblocking(s, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_KEEPALIVE, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_get_option(s, XSOCK_OPT_KEEPALIVE, &v), XSOCK_EBADF);
    p.sock = s;
    p.events = XSOCK_POLLIN;
    CHECK_ERR(xsock_poll(&p, 1, 0), XSOCK_EBADF);
}

TEST(ports_out_of_range)
{
    static const int bad[] = {-1, 65536, -65535, 100000, -2147483647 - 1, 2147483647};
    xsock_t s;
    xsock_addr a, out[2];
    size_t i;
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 80));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int p = bad[i];
        CHECK_ERR(xsock_addr_any(&a, XSOCK_INET, p), XSOCK_EINVAL);
        CHECK_ERR(xsock_addr_loopback(&a, XSOCK_INET6, p), XSOCK_EINVAL);
        CHECK_ERR(xsock_addr_set_port(&a, p), XSOCK_EINVAL);
        CHECK_ERR(xsock_addr_resolve("127.0.0.1", p, 0, out, 2), XSOCK_EINVAL);
        CHECK_ERR(xsock_tcp_listen(&s, "127.0.0.1", p, 4), XSOCK_EINVAL);
        CHECK_ERR(xsock_tcp_connect(&s, "127.0.0.1", p, 100), XSOCK_EINVAL);
        CHECK_ERR(xsock_udp_bind(&s, NULL, p), XSOCK_EINVAL);
    }
    CHECK_EQ(xsock_addr_port(&a), 80);
}

TEST(families_and_types)
{
    static const int bad[] = {0, 99, -1, 4};
    xsock_t s = 0;
    xsock_addr a;
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(xsock_open(&s, bad[i], XSOCK_STREAM), XSOCK_EAFNOSUPPORT);
        CHECK(s == XSOCK_INVALID);
        s = 0;
        CHECK_ERR(xsock_open(&s, XSOCK_INET, bad[i]), XSOCK_EINVAL);
        CHECK(s == XSOCK_INVALID);
        CHECK_ERR(xsock_addr_any(&a, bad[i], 0), XSOCK_EINVAL);
        CHECK_ERR(xsock_addr_loopback(&a, bad[i], 0), XSOCK_EINVAL);
        if (bad[i] != 0) CHECK_ERR(xsock_addr_resolve("localhost", 0, bad[i], &a, 1), XSOCK_EAFNOSUPPORT);
    }
}

TEST(shutdown_how)
{
    xsock_t c, s;
    char b;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_ERR(xsock_shutdown(c, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_shutdown(c, 3), XSOCK_EINVAL);
    CHECK_ERR(xsock_shutdown(c, 99), XSOCK_EINVAL);
    /* Nothing was shut: the connection still works both ways. */
    CHECK_EQ(xsock_send(c, "a", 1), 1);
    CHECK_EQ(xsock_recv(s, &b, 1), 1);
    CHECK_EQ(xsock_send(s, "b", 1), 1);
    CHECK_EQ(xsock_recv(c, &b, 1), 1);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(buffers)
{
    xsock_t c, s, u;
    xsock_addr ua;
    char b[4];
    long long t0;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_ERR(xsock_send(c, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_recv(c, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_send_all(c, NULL, 10), XSOCK_EINVAL);
    CHECK_ERR(xsock_recv_all(c, NULL, 10), XSOCK_EINVAL);
    /* Length 0 moves nothing and returns 0 at once: the OSes would wait for
     * data (Linux until it comes or RCVTIMEO ends, then 0) or say EAGAIN. */
    CHECK_EQ(xsock_send(c, NULL, 0), 0);
    CHECK_EQ(xsock_send(c, b, 0), 0);
    CHECK_EQ(xsock_send_all(c, NULL, 0), 0);
    CHECK_EQ(xsock_recv_all(c, NULL, 0), 0);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    CHECK_EQ(xsock_recv(c, b, 0), 0);
    CHECK_EQ(xsock_recv(c, NULL, 0), 0);
    CHECK_OK(xsock_set_nonblocking(c, 0));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 3000));
    t0 = tu_now_ms();
    CHECK_EQ(xsock_recv(c, b, 0), 0);
    if (tu_can_time() && tu_now_ms() - t0 >= 1500) XTEST_FAIL("recv of 0 bytes waited");
    /* The stream is unharmed. */
    CHECK_EQ(xsock_send(s, "ok", 2), 2);
    CHECK_EQ(xsock_recv_all(c, b, 2), 2);
    CHECK(memcmp(b, "ok", 2) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));

    CHECK_OK(xsock_udp_bind(&u, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(u, &ua));
    CHECK_ERR(xsock_sendto(u, NULL, 3, &ua), XSOCK_EINVAL);
    CHECK_ERR(xsock_recvfrom(u, NULL, 3, &ua), XSOCK_EINVAL);
    CHECK_OK(xsock_close(u));
}

/* Calls in the wrong state fail with the OS's reason, mapped. */
TEST(wrong_state)
{
    xsock_t s, c = 0, l;
    xsock_addr a;
    char b;
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_peer_addr(s, &a), XSOCK_ENOTCONN);
    CHECK_ERR(xsock_recv(s, &b, 1), XSOCK_ENOTCONN);
    CHECK_OK(xsock_close(s));
    /* accept on a socket that is not listening */
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(s, &a));
    CHECK_ERR(xsock_accept(s, &c, NULL), XSOCK_EINVAL);
    CHECK(c == XSOCK_INVALID);
    /* bind twice */
    CHECK_ERR(xsock_bind(s, &a), XSOCK_EINVAL);
    CHECK_OK(xsock_close(s));
    /* connect a connected socket */
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    /* A plain connect: after a bounded (non-blocking) one, Linux answers
     * the next connect with 0 once before it says EISCONN. */
    CHECK_OK(xsock_connect(c, &a, -1));
    CHECK_ERR(xsock_connect(c, &a, 5000), XSOCK_EISCONN);
    CHECK_ERR(xsock_connect(c, &a, -1), XSOCK_EISCONN);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
    /* An IPv6 address on an IPv4 socket. */
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET6, 0));
    CHECK(xsock_bind(s, &a) < 0);
    CHECK_OK(xsock_close(s));
}

XTEST_MAIN(XTEST(null_pointers) XTEST(empty_address) XTEST(invalid_socket) XTEST(closed_socket)
               XTEST(ports_out_of_range) XTEST(families_and_types) XTEST(shutdown_how)
                   XTEST(buffers) XTEST(wrong_state))
