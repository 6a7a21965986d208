/* xsock_poll: one meaning on every OS, failed connects included, and no
 * limit of 64 sockets. */
#include "testutil.h"

TEST(readable)
{
    xsock_t pair[2], l, c;
    xsock_addr a;
    xsock_pollfd p;
    char buf[4];
    CHECK_OK(xsock_socketpair(pair));
    p.sock = pair[1];
    p.events = XSOCK_POLLIN;
    p.revents = 0x7f;
    CHECK_EQ(xsock_poll(&p, 1, 0), 0);
    CHECK_EQ(p.revents, 0);
    CHECK_EQ(xsock_send(pair[0], "r", 1), 1);
    CHECK_EQ(xsock_poll(&p, 1, 5000), 1);
    CHECK(p.revents & XSOCK_POLLIN);
    CHECK(!(p.revents & XSOCK_POLLOUT)); /* not asked for */
    CHECK_EQ(xsock_recv(pair[1], buf, sizeof buf), 1);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));

    /* A listener is readable when a connection waits to be accepted. */
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_EQ(tu_wait(l, XSOCK_POLLIN, 0), 0);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK(tu_wait(l, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
}

TEST(writable)
{
    xsock_t c, s;
    xsock_pollfd p[2];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p[0].sock = c;
    p[0].events = XSOCK_POLLOUT;
    p[1].sock = s;
    p[1].events = XSOCK_POLLIN | XSOCK_POLLOUT;
    CHECK_EQ(xsock_poll(p, 2, 5000), 2);
    CHECK_EQ(p[0].revents, XSOCK_POLLOUT);
    CHECK_EQ(p[1].revents, XSOCK_POLLOUT); /* nothing to read yet */
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(peer_closed)
{
    xsock_t c, s;
    char b;
    int rev;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_close(s));
    /* The end of the stream reads as readable (POLLHUP where the OS can
     * tell), and recv then gives 0. */
    rev = tu_wait(c, XSOCK_POLLIN, 5000);
    CHECK(rev & XSOCK_POLLIN);
    CHECK_EQ(xsock_recv(c, &b, 1), 0);
    CHECK_OK(xsock_close(c));
}

TEST(timeout)
{
    xsock_t pair[2];
    xsock_pollfd p;
    long long t0, took;
    CHECK_OK(xsock_socketpair(pair));
    p.sock = pair[0];
    p.events = XSOCK_POLLIN;
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poll(&p, 1, 150), 0);
    took = tu_now_ms() - t0;
    CHECK_EQ(p.revents, 0);
    if (tu_can_time()) {
        if (took < 100 || took >= 5000) XTEST_FAIL("a 150 ms poll took %lld ms", took);
    }
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

TEST(invalid_entry_skipped)
{
    xsock_t pair[2];
    xsock_pollfd p[3];
    CHECK_OK(xsock_socketpair(pair));
    CHECK_EQ(xsock_send(pair[0], "x", 1), 1);
    p[0].sock = XSOCK_INVALID;
    p[0].events = XSOCK_POLLIN | XSOCK_POLLOUT;
    p[0].revents = 0x7f;
    p[1].sock = pair[1];
    p[1].events = XSOCK_POLLIN;
    p[2].sock = XSOCK_INVALID;
    p[2].events = XSOCK_POLLIN;
    p[2].revents = 0x7f;
    CHECK_EQ(xsock_poll(p, 3, 5000), 1);
    CHECK_EQ(p[0].revents, 0);
    CHECK(p[1].revents & XSOCK_POLLIN);
    CHECK_EQ(p[2].revents, 0);
    /* Only skipped entries: a plain timeout. */
    CHECK_EQ(xsock_poll(p, 1, 10), 0);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

TEST(closed_socket)
{
    xsock_t pair[2], dead;
    xsock_pollfd p[2];
    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_open(&dead, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_close(dead)); /* nothing new is opened until the poll */
    p[0].sock = pair[0];
    p[0].events = XSOCK_POLLOUT;
    p[1].sock = dead;
    p[1].events = XSOCK_POLLIN;
    CHECK_ERR(xsock_poll(p, 2, 1000), XSOCK_EBADF);
    CHECK_ERR(xsock_poll(p + 1, 1, 0), XSOCK_EBADF);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

/* The WSAPoll bug case: a refused non-blocking connect must wake the poll
 * (POLLERR, or POLLOUT) and connect_result must say why. */
TEST(failed_connect)
{
    xsock_t holder, c, pair[2];
    xsock_addr a;
    xsock_pollfd p[2];
    int r;
    tu_refused_addr(&holder, XSOCK_INET, &a);
    CHECK_OK(xsock_socketpair(pair)); /* an idle neighbour in the same poll */
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_nonblocking(c, 1));
    r = xsock_connect(c, &a, -1);
    if (r == XSOCK_EINPROGRESS) {
        p[0].sock = pair[0];
        p[0].events = XSOCK_POLLIN;
        p[1].sock = c;
        p[1].events = XSOCK_POLLOUT;
        CHECK_EQ(xsock_poll(p, 2, 10000), 1);
        CHECK_EQ(p[0].revents, 0);
        CHECK(p[1].revents & (XSOCK_POLLERR | XSOCK_POLLOUT));
        r = xsock_connect_result(c);
    } else {
        printf("loopback refused at once (%s)\n", xsock_err_name(r));
    }
    CHECK_ERR(r, XSOCK_ECONNREFUSED);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
    CHECK_OK(xsock_close(holder));
}

#define MANY 100

/* More than FD_SETSIZE's 64 on Windows, with the ready one last. */
TEST(many_sockets)
{
    static xsock_t a[MANY], b[MANY];
    static xsock_pollfd p[MANY];
    char c;
    int i;
    for (i = 0; i < MANY; i++) {
        xsock_t pair[2];
        CHECK_OK(xsock_socketpair(pair));
        a[i] = pair[0];
        b[i] = pair[1];
        p[i].sock = b[i];
        p[i].events = XSOCK_POLLIN;
    }
    CHECK_EQ(xsock_poll(p, MANY, 0), 0);
    CHECK_EQ(xsock_send(a[MANY - 1], "z", 1), 1);
    CHECK_EQ(xsock_poll(p, MANY, 5000), 1);
    for (i = 0; i < MANY - 1; i++) CHECK_EQ(p[i].revents, 0);
    CHECK(p[MANY - 1].revents & XSOCK_POLLIN);
    CHECK_EQ(xsock_recv(b[MANY - 1], &c, 1), 1);
    /* Two more at the far ends, and every entry writable. */
    CHECK_EQ(xsock_send(a[0], "y", 1), 1);
    CHECK_EQ(xsock_send(a[70], "y", 1), 1);
    CHECK(tu_wait(b[70], XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK(tu_wait(b[0], XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_EQ(xsock_poll(p, MANY, 5000), 2);
    CHECK(p[0].revents & XSOCK_POLLIN);
    CHECK(p[70].revents & XSOCK_POLLIN);
    for (i = 0; i < MANY; i++) p[i].events = XSOCK_POLLOUT;
    CHECK_EQ(xsock_poll(p, MANY, 5000), MANY);
    for (i = 0; i < MANY; i++) {
        CHECK_OK(xsock_close(a[i]));
        CHECK_OK(xsock_close(b[i]));
    }
}

XTEST_MAIN(XTEST(readable) XTEST(writable) XTEST(peer_closed) XTEST(timeout)
               XTEST(invalid_entry_skipped) XTEST(closed_socket) XTEST(failed_connect)
                   XTEST(many_sockets))
