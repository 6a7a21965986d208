/* xsock_peek and xsock_available. */
#include "testutil.h"

TEST(peek_stream)
{
    xsock_t c, s;
    char buf[16];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_EQ(xsock_send_all(c, "hello", 5), 5);
    CHECK(tu_wait(s, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    /* Peeked bytes stay queued: twice the same, then recv takes them. */
    CHECK_EQ(xsock_peek(s, buf, 3), 3);
    CHECK(memcmp(buf, "hel", 3) == 0);
    CHECK_EQ(xsock_peek(s, buf, sizeof buf), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(xsock_recv_all(s, buf, 5), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    /* Nothing queued: a timeout or EAGAIN, as xsock_recv. */
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_ERR(xsock_peek(s, buf, sizeof buf), XSOCK_ETIMEDOUT);
    CHECK_OK(xsock_set_nonblocking(s, 1));
    CHECK_ERR(xsock_peek(s, buf, sizeof buf), XSOCK_EAGAIN);
    /* End of stream peeks as 0. */
    CHECK_OK(xsock_shutdown(c, XSOCK_SHUT_WR));
    CHECK(tu_wait(s, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_EQ(xsock_peek(s, buf, sizeof buf), 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

static void udp_pair(xsock_t *u, xsock_t *v, xsock_addr *ua)
{
    xsock_addr va;
    CHECK_OK(xsock_open(u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_open(v, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(ua, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(*u, ua));
    CHECK_OK(xsock_local_addr(*u, ua));
    CHECK_OK(xsock_addr_loopback(&va, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(*v, &va));
}

TEST(peek_datagram)
{
    xsock_t u, v;
    xsock_addr ua;
    char big[100], buf[100];
    udp_pair(&u, &v, &ua);
    memset(big, 'D', sizeof big);
    CHECK_EQ(xsock_sendto(v, big, sizeof big, &ua), 100);
    CHECK(tu_wait(u, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    /* Too small a buffer: XSOCK_EMSGSIZE, and the datagram stays queued. */
    CHECK_ERR(xsock_peek(u, buf, 10), XSOCK_EMSGSIZE);
    CHECK_EQ(xsock_peek(u, buf, sizeof buf), 100);
    CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, NULL), 100);
    CHECK(memcmp(buf, big, 100) == 0);
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(v));
}

TEST(available_stream)
{
    xsock_t c, s;
    char buf[300];
    int i;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_EQ(xsock_available(s), 0);
    memset(buf, 'a', sizeof buf);
    CHECK_EQ(xsock_send_all(c, buf, 300), 300);
    /* Loopback delivers at once, but give it time on a loaded machine. */
    for (i = 0; i < 500 && xsock_available(s) < 300; i++) xthread_sleep_ms(10);
    CHECK_EQ(xsock_available(s), 300);
    CHECK_EQ(xsock_recv_all(s, buf, 100), 100);
    CHECK_EQ(xsock_available(s), 200);
    CHECK_EQ(xsock_recv_all(s, buf, 200), 200);
    CHECK_EQ(xsock_available(s), 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Two datagrams queued: the size of the first, on every OS (Windows'
 * FIONREAD alone would say 400). */
TEST(available_datagram)
{
    xsock_t u, v;
    xsock_addr ua;
    char buf[300];
    int i;
    udp_pair(&u, &v, &ua);
    CHECK_EQ(xsock_available(u), 0);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(xsock_sendto(v, buf, 100, &ua), 100);
    CHECK_EQ(xsock_sendto(v, buf, 300, &ua), 300);
    CHECK(tu_wait(u, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    xthread_sleep_ms(50); /* let the second arrive behind the first */
    for (i = 0; i < 3; i++) CHECK_EQ(xsock_available(u), 100); /* and it stays queued */
    CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, NULL), 100);
    CHECK(tu_wait(u, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_EQ(xsock_available(u), 300);
    CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, NULL), 300);
    CHECK_EQ(xsock_available(u), 0);
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(v));
}

TEST(bad_input)
{
    xsock_t l;
    xsock_addr a;
    char buf[4];
    CHECK_ERR(xsock_peek(XSOCK_INVALID, buf, sizeof buf), XSOCK_EBADF);
    CHECK_ERR(xsock_available(XSOCK_INVALID), XSOCK_EBADF);
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_ERR(xsock_peek(l, NULL, 4), XSOCK_EINVAL);
    CHECK_EQ(xsock_peek(l, buf, 0), 0);
    CHECK_EQ(xsock_peek(l, NULL, 0), 0);
    CHECK_ERR(xsock_available(l), XSOCK_EINVAL);
    CHECK_OK(xsock_close(l));
}

XTEST_MAIN(XTEST(peek_stream) XTEST(peek_datagram) XTEST(available_stream)
               XTEST(available_datagram) XTEST(bad_input))
