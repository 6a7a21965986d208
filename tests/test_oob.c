/* Urgent data is no error (issue 11, item 3). A peer that sends one byte
 * with MSG_OOB (telnet's and FTP's "abort") leaves a healthy connection:
 * xsock sets SO_OOBINLINE on every TCP socket, so the byte reads inline in
 * its place in the stream. Without it, select puts the socket in its except
 * set (XSOCK_POLLERR) until someone calls recv(MSG_OOB), on Windows and
 * under Wine alike: "OOB data is available for reading (only if
 * SO_OOBINLINE is disabled)", Microsoft's select page; and on POSIX the
 * byte never arrives through recv. The peer here is a raw send(MSG_OOB):
 * xsock itself has no urgent data. */
#include "testutil.h"
#ifndef _WIN32
#  include <sys/socket.h>
#endif

#define RAW_MSG_OOB 1 /* MSG_OOB: 1 in Winsock and on every POSIX system */

static void raw_send_oob(xsock_t s, char byte)
{
#ifdef _WIN32
    /* ws2_32's send, found at run time: the tests link only xsock. */
    typedef int(__stdcall * send_fn)(uintptr_t, const char *, int, int);
    HMODULE ws2 = LoadLibraryA("ws2_32.dll");
    FARPROC f = ws2 ? GetProcAddress(ws2, "send") : NULL;
    CHECK(f != NULL);
    CHECK_EQ(((send_fn)(void (*)(void))f)(s, &byte, 1, RAW_MSG_OOB), 1);
#else
    CHECK_EQ(send(s, &byte, 1, RAW_MSG_OOB), 1);
#endif
}

/* Reads n bytes, each wait by xsock_poll or by a poller; no wait may say
 * anything but XSOCK_POLLIN. */
static void read_inline(xsock_t s, xsock_poller *p, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        xsock_ssize_t r;
        if (p != NULL) {
            xsock_event ev;
            CHECK_EQ(xsock_poller_wait(p, &ev, 1, 5000), 1);
            CHECK(ev.sock == s);
            if (ev.events != XSOCK_POLLIN) XTEST_FAIL("poller says events 0x%x", (unsigned)ev.events);
        } else {
            int rev = tu_wait(s, XSOCK_POLLIN, 5000);
            if (rev != XSOCK_POLLIN) XTEST_FAIL("xsock_poll says revents 0x%x", (unsigned)rev);
        }
        r = (xsock_ssize_t)CHECK_OK(xsock_recv(s, buf + got, n - got));
        CHECK(r > 0);
        got += (size_t)r;
    }
}

/* from sends "a", an urgent "!", "b"; to reads "a!b" and then nothing is
 * left: the next look (timeout 0) reports no event at all. */
static void urgent(xsock_t from, xsock_t to, int use_poller)
{
    xsock_poller *p = NULL;
    char buf[3];
    if (use_poller) {
        CHECK_OK(xsock_poller_create(&p));
        CHECK_OK(xsock_poller_add(p, to, XSOCK_POLLIN, NULL));
    }
    CHECK_EQ(xsock_send(from, "a", 1), 1);
    raw_send_oob(from, '!');
    CHECK_EQ(xsock_send(from, "b", 1), 1);
    read_inline(to, p, buf, 3);
    CHECK(memcmp(buf, "a!b", 3) == 0);
    if (p != NULL) {
        xsock_event ev;
        CHECK_EQ(xsock_poller_wait(p, &ev, 1, 0), 0);
        xsock_poller_destroy(p);
    } else {
        CHECK_EQ(tu_wait(to, XSOCK_POLLIN | XSOCK_POLLOUT, 0), XSOCK_POLLOUT);
        CHECK_EQ(tu_wait(to, XSOCK_POLLIN, 0), 0);
    }
    /* The connection goes on. */
    CHECK_EQ(xsock_send(to, "ok", 2), 2);
    CHECK_EQ(xsock_recv_all(from, buf, 2), 2);
    CHECK(memcmp(buf, "ok", 2) == 0);
}

static void both_ways(int family, int use_poller)
{
    xsock_t c, s;
    tu_tcp_pair(family, &c, &s);
    urgent(c, s, use_poller); /* to the accepted socket */
    urgent(s, c, use_poller); /* to the connecting one */
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(urgent_byte_poll)
{
    both_ways(XSOCK_INET, 0);
    both_ways(XSOCK_INET6, 0);
}

TEST(urgent_byte_poller)
{
    both_ways(XSOCK_INET, 1);
    both_ways(XSOCK_INET6, 1);
}

XTEST_MAIN(XTEST(urgent_byte_poll) XTEST(urgent_byte_poller))
