/* TCP over loopback: connect, transfers, end of stream, half-close,
 * addresses, and restarting a listener on the same port. */
#include "testutil.h"

static void talk(xsock_t a, xsock_t b)
{
    char buf[16];
    CHECK_EQ(xsock_send(a, "hello", 5), 5);
    CHECK_EQ(xsock_recv_all(b, buf, 5), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(xsock_send(b, "world!", 6), 6);
    CHECK_EQ(xsock_recv_all(a, buf, 6), 6);
    CHECK(memcmp(buf, "world!", 6) == 0);
}

static void listen_connect(int family, const char *loopback)
{
    xsock_t l, c, s;
    xsock_addr a, want, peer;
    char text[XSOCK_ADDRSTRLEN];
    tu_listen(&l, family, &a);
    CHECK_OK(xsock_addr_parse(&want, loopback));
    CHECK_OK(xsock_addr_set_port(&want, xsock_addr_port(&a)));
    CHECK(xsock_addr_equal(&a, &want));
    CHECK_OK(xsock_open(&c, family, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, -1));
    CHECK_OK(xsock_accept(l, &s, &peer));
    CHECK_EQ(xsock_addr_family(&peer), family);
    CHECK_OK(xsock_addr_format(&peer, text, sizeof text));
    talk(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(l));
}

TEST(listen_v4)
{
    listen_connect(XSOCK_INET, "127.0.0.1");
}

TEST(listen_v6)
{
    listen_connect(XSOCK_INET6, "::1");
}

#define BULK (4u * 1024 * 1024)

struct bulk_job {
    xsock_t s;
    unsigned char *buf;
    xsock_ssize_t sent, got;
};

/* Sends BULK bytes, says it is done (half-close), then takes 1 MB back. */
static void bulk_peer(void *arg)
{
    struct bulk_job *job = (struct bulk_job *)arg;
    job->sent = xsock_send_all(job->s, job->buf, BULK);
    if (job->sent == (xsock_ssize_t)BULK) xsock_shutdown(job->s, XSOCK_SHUT_WR);
    job->got = xsock_recv_all(job->s, job->buf, BULK / 4);
}

static void bulk(int family)
{
    xsock_t c, s;
    struct bulk_job job;
    unsigned char *in, *out;
    xthread t;
    char extra;
    in = (unsigned char *)malloc(BULK);
    out = (unsigned char *)malloc(BULK);
    CHECK(in != NULL && out != NULL);
    tu_fill(out, BULK, 0);
    memset(in, 0, BULK);
    tu_tcp_pair(family, &c, &s);
    job.s = s;
    job.buf = out;
    job.sent = job.got = 0;
    CHECK_EQ(xthread_start(&t, bulk_peer, &job), 0);
    CHECK_EQ(xsock_recv_all(c, in, BULK), BULK);
    CHECK(tu_check_fill(in, BULK, 0));
    /* The stream ended: recv_all gives a short count, recv gives 0. */
    CHECK_EQ(xsock_recv_all(c, &extra, 1), 0);
    CHECK_EQ(xsock_recv(c, &extra, 1), 0);
    tu_fill(in, BULK / 4, 7);
    CHECK_EQ(xsock_send_all(c, in, BULK / 4), BULK / 4);
    xthread_join(t);
    CHECK_EQ(job.sent, BULK);
    CHECK_EQ(job.got, BULK / 4);
    CHECK(tu_check_fill(out, BULK / 4, 7));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    free(in);
    free(out);
}

TEST(bulk_v4)
{
    bulk(XSOCK_INET);
}

TEST(bulk_v6)
{
    bulk(XSOCK_INET6);
}

TEST(orderly_close)
{
    xsock_t c, s;
    char buf[8];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_EQ(xsock_send_all(c, "bye", 3), 3);
    CHECK_OK(xsock_close(c));
    CHECK_EQ(xsock_recv_all(s, buf, 3), 3);
    CHECK(memcmp(buf, "bye", 3) == 0);
    CHECK_EQ(xsock_recv(s, buf, sizeof buf), 0);
    CHECK_EQ(xsock_recv(s, buf, sizeof buf), 0); /* and it stays ended */
    CHECK_OK(xsock_close(s));
}

TEST(half_close)
{
    xsock_t c, s;
    char buf[8];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_EQ(xsock_send_all(c, "q", 1), 1);
    CHECK_OK(xsock_shutdown(c, XSOCK_SHUT_WR));
    CHECK_EQ(xsock_recv_all(s, buf, 1), 1);
    CHECK_EQ(xsock_recv(s, buf, sizeof buf), 0);
    /* The other direction still works. */
    CHECK_EQ(xsock_send_all(s, "reply", 5), 5);
    CHECK_EQ(xsock_recv_all(c, buf, 5), 5);
    CHECK(memcmp(buf, "reply", 5) == 0);
    CHECK_OK(xsock_shutdown(s, XSOCK_SHUT_RDWR));
    CHECK_EQ(xsock_recv(c, buf, sizeof buf), 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

static void addresses(int family)
{
    xsock_t l, c, s;
    xsock_addr la, cl, cp, sl, sp, acc;
    tu_listen(&l, family, &la);
    CHECK_OK(xsock_open(&c, family, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &la, 5000));
    CHECK_OK(xsock_accept(l, &s, &acc));
    CHECK_OK(xsock_local_addr(c, &cl));
    CHECK_OK(xsock_peer_addr(c, &cp));
    CHECK_OK(xsock_local_addr(s, &sl));
    CHECK_OK(xsock_peer_addr(s, &sp));
    CHECK(xsock_addr_equal(&cp, &la));
    CHECK(xsock_addr_equal(&sl, &la));
    CHECK(xsock_addr_equal(&sp, &cl));
    CHECK(xsock_addr_equal(&acc, &cl));
    CHECK(xsock_addr_port(&cl) != xsock_addr_port(&la));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(l));
}

TEST(addresses_agree)
{
    addresses(XSOCK_INET);
    addresses(XSOCK_INET6);
}

/* The restart of a server: its listener goes while a connection it accepted
 * is still open, and the new one takes the same port at once. (The Windows
 * caveat in xsock.h is about TIME_WAIT left by connections the server closed
 * first; this one stays open until the clients close first.) */
TEST(restart_listener)
{
    xsock_t l, c1, s1, c2, s2;
    xsock_addr a;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c1, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c1, &a, 5000));
    CHECK_OK(xsock_accept(l, &s1, NULL));
    CHECK_OK(xsock_close(l));

    CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_bind(l, &a));
    CHECK_OK(xsock_listen(l, 16));
    CHECK_OK(xsock_open(&c2, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c2, &a, 5000));
    CHECK_OK(xsock_accept(l, &s2, NULL));
    talk(c2, s2);
    talk(c1, s1); /* the old connection lives on */

    CHECK_OK(xsock_close(c1));
    CHECK_OK(xsock_close(c2));
    CHECK_OK(xsock_close(s1));
    CHECK_OK(xsock_close(s2));
    CHECK_OK(xsock_close(l));
}

static void in_use(int family)
{
    xsock_t l, l2;
    xsock_addr a;
    tu_listen(&l, family, &a);
    CHECK_OK(xsock_open(&l2, family, XSOCK_STREAM));
    CHECK_ERR(xsock_bind(l2, &a), XSOCK_EADDRINUSE);
    CHECK_OK(xsock_close(l2));
    /* Asking for reuse explicitly does not let a second listener in either. */
    CHECK_OK(xsock_open(&l2, family, XSOCK_STREAM));
    CHECK_OK(xsock_set_option(l2, XSOCK_OPT_REUSEADDR, 1));
    CHECK_ERR(xsock_bind(l2, &a), XSOCK_EADDRINUSE);
    CHECK_OK(xsock_close(l2));
    CHECK_OK(xsock_close(l));
}

TEST(second_listener_in_use)
{
    in_use(XSOCK_INET);
    in_use(XSOCK_INET6);
}

XTEST_MAIN(XTEST(listen_v4) XTEST(listen_v6) XTEST(bulk_v4) XTEST(bulk_v6) XTEST(orderly_close)
               XTEST(half_close) XTEST(addresses_agree) XTEST(restart_listener)
                   XTEST(second_listener_in_use))
