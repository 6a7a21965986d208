/* Datagrams over loopback: sendto/recvfrom with the sender's address,
 * truncation, connected UDP, the one-liner and the broadcast option. */
#include "testutil.h"

static void udp_socket(xsock_t *u, int family, xsock_addr *addr)
{
    xsock_addr a;
    CHECK_OK(xsock_open(u, family, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(&a, family, 0));
    CHECK_OK(xsock_bind(*u, &a));
    CHECK_OK(xsock_local_addr(*u, addr));
    CHECK(xsock_addr_port(addr) > 0);
    /* A lost datagram must fail the test, not hang it. */
    CHECK_OK(xsock_set_option(*u, XSOCK_OPT_RCVTIMEO, 10000));
}

static void exchange(int family)
{
    xsock_t a, b;
    xsock_addr aa, ba, from;
    char buf[64];
    udp_socket(&a, family, &aa);
    udp_socket(&b, family, &ba);
    CHECK_EQ(xsock_sendto(a, "dgram", 5, &ba), 5);
    memset(&from, 0, sizeof from);
    CHECK_EQ(xsock_recvfrom(b, buf, sizeof buf, &from), 5);
    CHECK(memcmp(buf, "dgram", 5) == 0);
    CHECK(xsock_addr_equal(&from, &aa));
    CHECK_EQ(xsock_sendto(b, "reply!", 6, &from), 6);
    CHECK_EQ(xsock_recvfrom(a, buf, sizeof buf, NULL), 6);
    CHECK(memcmp(buf, "reply!", 6) == 0);
    /* Boundaries are kept: two datagrams are two reads. */
    CHECK_EQ(xsock_sendto(a, "one", 3, &ba), 3);
    CHECK_EQ(xsock_sendto(a, "two", 3, &ba), 3);
    CHECK_EQ(xsock_recvfrom(b, buf, sizeof buf, NULL), 3);
    CHECK(memcmp(buf, "one", 3) == 0);
    CHECK_EQ(xsock_recvfrom(b, buf, sizeof buf, NULL), 3);
    CHECK(memcmp(buf, "two", 3) == 0);
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));
}

TEST(sendto_recvfrom_v4)
{
    exchange(XSOCK_INET);
}

TEST(sendto_recvfrom_v6)
{
    exchange(XSOCK_INET6);
}

TEST(truncated)
{
    xsock_t a, b;
    xsock_addr aa, ba, from;
    char big[100], buf[10];
    memset(big, 'B', sizeof big);
    udp_socket(&a, XSOCK_INET, &aa);
    udp_socket(&b, XSOCK_INET, &ba);
    CHECK_EQ(xsock_sendto(a, big, sizeof big, &ba), sizeof big);
    CHECK_ERR(xsock_recvfrom(b, buf, sizeof buf, &from), XSOCK_EMSGSIZE);
    /* The rest of that datagram is gone; the next one arrives whole. */
    CHECK_EQ(xsock_sendto(a, "next", 4, &ba), 4);
    CHECK_EQ(xsock_recvfrom(b, buf, sizeof buf, &from), 4);
    CHECK(memcmp(buf, "next", 4) == 0);
    CHECK(xsock_addr_equal(&from, &aa));
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));
}

/* connect() on a datagram socket fixes the peer: plain send/recv work. */
TEST(connected_udp)
{
    xsock_t a, b;
    xsock_addr aa, ba, from;
    char buf[16];
    udp_socket(&a, XSOCK_INET, &aa);
    udp_socket(&b, XSOCK_INET, &ba);
    CHECK_OK(xsock_connect(a, &ba, 1000));
    CHECK_OK(xsock_peer_addr(a, &from));
    CHECK(xsock_addr_equal(&from, &ba));
    CHECK_EQ(xsock_send(a, "conn", 4), 4);
    CHECK_EQ(xsock_recvfrom(b, buf, sizeof buf, &from), 4);
    CHECK(xsock_addr_equal(&from, &aa));
    CHECK_EQ(xsock_sendto(b, "back", 4, &aa), 4);
    CHECK_EQ(xsock_recv(a, buf, sizeof buf), 4);
    CHECK(memcmp(buf, "back", 4) == 0);
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));
}

TEST(udp_bind)
{
    xsock_t u, v;
    xsock_addr ua, va, from;
    char buf[8];
    char text[XSOCK_ADDRSTRLEN];
    CHECK_OK(xsock_udp_bind(&u, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(u, &ua));
    CHECK_EQ(xsock_addr_family(&ua), XSOCK_INET);
    CHECK(xsock_addr_port(&ua) > 0);
    CHECK_OK(xsock_addr_format(&ua, text, sizeof text));
    CHECK(strncmp(text, "127.0.0.1:", 10) == 0);
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, 10000));

    CHECK_OK(xsock_udp_bind(&v, "::1", 0));
    CHECK_OK(xsock_local_addr(v, &va));
    CHECK_EQ(xsock_addr_family(&va), XSOCK_INET6);
    CHECK_OK(xsock_close(v));

    /* Every interface: an IPv4 sender reaches it through 127.0.0.1. */
    CHECK_OK(xsock_udp_bind(&v, NULL, 0));
    CHECK_OK(xsock_local_addr(v, &va));
    CHECK_OK(xsock_set_option(v, XSOCK_OPT_RCVTIMEO, 10000));
    CHECK_OK(xsock_addr_loopback(&from, XSOCK_INET, xsock_addr_port(&va)));
    CHECK_EQ(xsock_sendto(u, "any", 3, &from), 3);
    CHECK_EQ(xsock_recvfrom(v, buf, sizeof buf, &from), 3);
    CHECK(memcmp(buf, "any", 3) == 0);
    CHECK_EQ(xsock_addr_port(&from), xsock_addr_port(&ua));
    CHECK_OK(xsock_close(v));
    CHECK_OK(xsock_close(u));
}

TEST(broadcast_option)
{
    xsock_t u;
    int v = -1;
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_get_option(u, XSOCK_OPT_BROADCAST, &v));
    CHECK_EQ(v, 0);
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_BROADCAST, 1));
    CHECK_OK(xsock_get_option(u, XSOCK_OPT_BROADCAST, &v));
    CHECK_EQ(v, 1);
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_BROADCAST, 0));
    CHECK_OK(xsock_get_option(u, XSOCK_OPT_BROADCAST, &v));
    CHECK_EQ(v, 0);
    CHECK_ERR(xsock_set_option(u, XSOCK_OPT_BROADCAST, 2), XSOCK_EINVAL);
    CHECK_OK(xsock_close(u));
}

XTEST_MAIN(XTEST(sendto_recvfrom_v4) XTEST(sendto_recvfrom_v6) XTEST(truncated)
               XTEST(connected_udp) XTEST(udp_bind) XTEST(broadcast_option))
