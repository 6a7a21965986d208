/* What xsock remembers of a socket (its mode, whether it is a stream) must
 * be true, also for a socket it did not make and for a handle number that
 * was closed and given out again; and xsock_recv on a datagram socket
 * reports a truncated datagram as XSOCK_EMSGSIZE, as xsock_recvfrom does
 * (POSIX returned the cut count; Linux's MSG_TRUNC flag would discard the
 * data of a TCP socket instead, so it must never reach one). */
#include <string.h>
#include "testutil.h"
#include "xsock.h"

#ifndef _WIN32
#  include <fcntl.h>
#  include <netinet/in.h>
#  include <sys/socket.h>
#  include <sys/time.h>
#  include <unistd.h>
#endif

/* A bound UDP socket on loopback and its address. */
static void udp_on_loopback(xsock_t *u, xsock_addr *a)
{
    CHECK_OK(xsock_open(u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(*u, a));
    CHECK_OK(xsock_local_addr(*u, a));
}

TEST(recv_truncated_datagram)
{
    xsock_t u, v;
    xsock_addr ua, va;
    char big[100], small[10];
    memset(big, 'd', sizeof big);
    udp_on_loopback(&u, &ua);
    udp_on_loopback(&v, &va);
    /* Unconnected receiver. */
    CHECK_EQ(xsock_sendto(v, big, sizeof big, &ua), 100);
    CHECK_ERR(xsock_recv(u, small, sizeof small), XSOCK_EMSGSIZE);
    CHECK(memcmp(small, big, sizeof small) == 0); /* the part that fit is there */
    /* A datagram that fits, after it: the truncated one is gone, as the
     * header says. */
    CHECK_EQ(xsock_sendto(v, big, 5, &ua), 5);
    CHECK_EQ(xsock_recv(u, small, sizeof small), 5);
    /* Connected sockets, both ways. */
    CHECK_OK(xsock_connect(u, &va, -1));
    CHECK_OK(xsock_connect(v, &ua, -1));
    CHECK_EQ(xsock_send(v, big, sizeof big), 100);
    CHECK_ERR(xsock_recv(u, small, sizeof small), XSOCK_EMSGSIZE);
    CHECK_EQ(xsock_send(u, big, 10), 10);
    CHECK_EQ(xsock_recv(v, small, sizeof small), 10); /* exactly full is not truncated */
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(v));
}

/* A small recv on a stream never loses the rest (what MSG_TRUNC would do). */
TEST(stream_recv_keeps_the_rest)
{
    xsock_t c, s;
    char buf[4];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_EQ(xsock_send_all(s, "abcdef", 6), 6);
    CHECK_EQ(xsock_recv_all(c, buf, 3), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_EQ(xsock_recv_all(c, buf, 3), 3);
    CHECK(memcmp(buf, "def", 3) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

#ifndef _WIN32
/* Sockets xsock did not make: the OS is asked, on the rare path. */
static void foreign_posix(void)
{
    int raw, l, c, s;
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    struct timeval tv;
    xsock_t u;
    xsock_addr ua;
    char big[100], small[10];
    memset(big, 'f', sizeof big);
    /* A raw UDP socket: truncation is seen. */
    CHECK((raw = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(raw, (struct sockaddr *)&sin, sizeof sin) == 0);
    CHECK(getsockname(raw, (struct sockaddr *)&sin, &len) == 0);
    udp_on_loopback(&u, &ua);
    CHECK(sendto(u, big, sizeof big, 0, (struct sockaddr *)&sin, sizeof sin) == 100);
    CHECK_ERR(xsock_recv(raw, small, sizeof small), XSOCK_EMSGSIZE);
    /* Non-blocking by fcntl: would block. With a timeout: timed out. */
    CHECK(fcntl(raw, F_SETFL, fcntl(raw, F_GETFL) | O_NONBLOCK) == 0);
    CHECK_ERR(xsock_recv(raw, small, sizeof small), XSOCK_EAGAIN);
    CHECK(fcntl(raw, F_SETFL, fcntl(raw, F_GETFL) & ~O_NONBLOCK) == 0);
    tv.tv_sec = 0;
    tv.tv_usec = 100000;
    CHECK(setsockopt(raw, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    CHECK_ERR(xsock_recv(raw, small, sizeof small), XSOCK_ETIMEDOUT);
    close(raw);
    CHECK_OK(xsock_close(u));

    /* A raw TCP connection: small receives keep the rest. */
    CHECK((l = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
    sin.sin_port = 0;
    CHECK(bind(l, (struct sockaddr *)&sin, sizeof sin) == 0);
    len = sizeof sin;
    CHECK(getsockname(l, (struct sockaddr *)&sin, &len) == 0);
    CHECK(listen(l, 4) == 0);
    CHECK((c = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
    CHECK(connect(c, (struct sockaddr *)&sin, sizeof sin) == 0);
    CHECK((s = accept(l, NULL, NULL)) >= 0);
    CHECK(send(s, "abcdef", 6, 0) == 6);
    CHECK_EQ(xsock_recv_all(c, small, 3), 3);
    CHECK(memcmp(small, "abc", 3) == 0);
    CHECK_EQ(xsock_recv_all(c, small, 3), 3);
    CHECK(memcmp(small, "def", 3) == 0);
    close(c);
    close(s);
    close(l);
}

/* Moves a new descriptor onto the number old (free again), as the OS
 * would hand it out to the next socket. */
static int on_number(int fd, int old)
{
    CHECK(fd >= 0);
    if (fd != old) {
        CHECK(dup2(fd, old) == old);
        close(fd);
    }
    return old;
}

/* A handle number xsock_close freed and the OS gave to a socket made
 * elsewhere: nothing of the old socket sticks to it. */
static void reused_posix(void)
{
    xsock_t u, c, s, old;
    xsock_addr ua;
    int raw, fl;
    char buf[8];
    struct timeval tv;
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    char big[100];
    /* An xsock stream socket's number, then a raw UDP socket on it: the
     * truncated datagram is seen (a stale "stream" would miss it). */
    tu_tcp_pair(XSOCK_INET, &c, &s);
    old = c;
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    raw = on_number(socket(AF_INET, SOCK_DGRAM, 0), old);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(raw, (struct sockaddr *)&sin, sizeof sin) == 0);
    CHECK(getsockname(raw, (struct sockaddr *)&sin, &len) == 0);
    udp_on_loopback(&u, &ua);
    memset(big, 'r', sizeof big);
    CHECK(sendto(u, big, sizeof big, 0, (struct sockaddr *)&sin, sizeof sin) == 100);
    CHECK_ERR(xsock_recv(raw, buf, sizeof buf), XSOCK_EMSGSIZE);
    close(raw);
    CHECK_OK(xsock_close(u));
    /* An xsock non-blocking stream, closed; its number goes to a blocking
     * socket with a receive timeout, made by xsock_accept or by hand. */
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_EAGAIN);
    old = c;
    CHECK_OK(xsock_close(c));
    raw = on_number(socket(AF_INET, SOCK_DGRAM, 0), old);
    fl = fcntl(raw, F_GETFL);
    CHECK((fl & O_NONBLOCK) == 0);
    tv.tv_sec = 0;
    tv.tv_usec = 100000;
    CHECK(setsockopt(raw, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    /* Blocking with a timeout: XSOCK_ETIMEDOUT, not the old XSOCK_EAGAIN. */
    CHECK_ERR(xsock_recv(raw, buf, sizeof buf), XSOCK_ETIMEDOUT);
    close(raw);
    CHECK_OK(xsock_close(s));
}

/* Mode changed behind xsock's back on a socket it made: a stale
 * "blocking" is checked with the OS before a timeout is claimed. */
static void mode_outside_posix(void)
{
    xsock_t c, s;
    char buf[8];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK(fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK) == 0);
    CHECK_ERR(xsock_recv(c, buf, sizeof buf), XSOCK_EAGAIN);
    CHECK_EQ(xsock_recv(c, buf, 0), 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}
#endif

#ifdef _WIN32
#  define ON_POSIX(fn) printf("descriptor numbers and fcntl: POSIX only\n")
#else
#  define ON_POSIX(fn) fn()
#endif

TEST(foreign_sockets)
{
    ON_POSIX(foreign_posix);
}

TEST(reused_numbers)
{
    ON_POSIX(reused_posix);
}

TEST(mode_changed_outside)
{
    ON_POSIX(mode_outside_posix);
}

XTEST_MAIN(XTEST(recv_truncated_datagram) XTEST(stream_recv_keeps_the_rest) XTEST(foreign_sockets)
               XTEST(reused_numbers) XTEST(mode_changed_outside))
