/* xsock_close_graceful: the last bytes reach the peer even when unread
 * data is left behind, where a plain close would reset the connection. */
#include "testutil.h"

#define REQUEST (32 * 1024)
#define REPLY (512 * 1024)

struct server {
    xsock_t listener;
    int result;
};

/* Reads only the first 16 bytes of the request, answers, and closes:
 * the rest of the request is still unread when it does. */
static void serve(void *arg)
{
    struct server *sv = (struct server *)arg;
    static unsigned char reply[REPLY];
    char head[16];
    xsock_t c;
    sv->result = -100;
    if (xsock_accept(sv->listener, &c, NULL) < 0) return;
    if (xsock_recv_all(c, head, sizeof head) != (xsock_ssize_t)sizeof head) return;
    tu_fill(reply, sizeof reply, 0);
    if (xsock_send_all(c, reply, sizeof reply) != (xsock_ssize_t)sizeof reply) return;
    sv->result = xsock_close_graceful(c, 30000);
}

TEST(peer_gets_every_byte)
{
    static unsigned char request[REQUEST], in[REPLY + 1];
    struct server sv;
    xthread t;
    xsock_t c;
    xsock_addr a;
    size_t got = 0;
    tu_listen(&sv.listener, XSOCK_INET, &a);
    CHECK(xthread_start(&t, serve, &sv) == 0);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    memset(request, 'q', sizeof request);
    CHECK_EQ(xsock_send_all(c, request, sizeof request), REQUEST);
    /* Every byte of the reply, then the end of the stream: no reset. */
    for (;;) {
        xsock_ssize_t n = xsock_recv(c, in + got, sizeof in - got);
        if (n < 0) XTEST_FAIL("recv after %lu bytes: %s", (unsigned long)got, xsock_err_name((int)n));
        if (n == 0) break;
        got += (size_t)n;
    }
    CHECK_EQ(got, REPLY);
    CHECK(tu_check_fill(in, REPLY, 0));
    CHECK_OK(xsock_close(c));
    xthread_join(t);
    CHECK_EQ(sv.result, 0); /* it saw our end of stream */
    CHECK_OK(xsock_close(sv.listener));
}

TEST(timeout_when_peer_stays)
{
    xsock_t c, s;
    char buf[4];
    long long t0;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    t0 = tu_now_ms();
    CHECK_ERR(xsock_close_graceful(s, 200), XSOCK_ETIMEDOUT);
    if (tu_can_time()) {
        long long spent = tu_now_ms() - t0;
        CHECK(spent >= 150 && spent < 10000);
    }
    /* It was closed all the same: the peer reads the end of the stream. */
    CHECK_EQ(xsock_recv(c, buf, sizeof buf), 0);
    CHECK_OK(xsock_close(c));
}

TEST(bad_input)
{
    xsock_t u;
    xsock_addr a;
    CHECK_ERR(xsock_close_graceful(XSOCK_INVALID, 100), XSOCK_EBADF);
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_ERR(xsock_close_graceful(u, 100), XSOCK_ENOTSUP);
    CHECK_ERR(xsock_local_addr(u, &a), XSOCK_EBADF); /* closed all the same */
}

XTEST_MAIN(XTEST(peer_gets_every_byte) XTEST(timeout_when_peer_stays) XTEST(bad_input))
