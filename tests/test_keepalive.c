/* xsock_set_keepalive: the timing reaches the OS, 0 keeps its default. */
#include "testutil.h"
#ifdef _WIN32
#  include <winsock2.h>
#  define TCP_IDLE 3 /* TCP_KEEPIDLE (ws2ipdef.h of newer SDKs) */
#  define TCP_INTVL 17
#  define TCP_CNT 16
typedef char optval;
#else
#  include <netinet/in.h>
#  include <netinet/tcp.h>
#  include <sys/socket.h>
#  ifdef TCP_KEEPIDLE
#    define TCP_IDLE TCP_KEEPIDLE
#  else
#    define TCP_IDLE TCP_KEEPALIVE /* macOS */
#  endif
#  define TCP_INTVL TCP_KEEPINTVL
#  define TCP_CNT TCP_KEEPCNT
typedef void optval;
#endif

/* The OS's own reading of a TCP option; -1 when it refuses the option. */
static int tcp_opt(xsock_t s, int name)
{
    int v = 0;
#ifdef _WIN32
    int len = (int)sizeof v;
    if (getsockopt((SOCKET)s, IPPROTO_TCP, name, (optval *)&v, &len) != 0) return -1;
#else
    socklen_t len = sizeof v;
    if (getsockopt(s, IPPROTO_TCP, name, (optval *)&v, &len) != 0) return -1;
#endif
    return v;
}

TEST(timing_applied)
{
    xsock_t c, s;
    int on = 0;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_keepalive(c, 1, 7, 3, 4));
    CHECK_OK(xsock_get_option(c, XSOCK_OPT_KEEPALIVE, &on));
    CHECK_EQ(on, 1);
    if (tcp_opt(c, TCP_IDLE) >= 0) {
        printf("path: TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT\n");
        CHECK_EQ(tcp_opt(c, TCP_IDLE), 7);
        CHECK_EQ(tcp_opt(c, TCP_INTVL), 3);
#ifdef _WIN32
        if (tcp_opt(c, TCP_CNT) >= 0) CHECK_EQ(tcp_opt(c, TCP_CNT), 4);
#else
        CHECK_EQ(tcp_opt(c, TCP_CNT), 4);
#endif
    } else {
#ifdef _WIN32
        /* Wine 8 and Windows before 10 1709 refuse the TCP_KEEP* options:
         * the library took SIO_KEEPALIVE_VALS (which nothing can read back;
         * that keepalive is on is what the OS shows). */
        printf("path: SIO_KEEPALIVE_VALS (TCP_KEEPIDLE refused%s)\n",
               tu_under_wine() ? ", Wine" : "");
#else
        XTEST_FAIL("this OS refuses TCP_KEEPIDLE to getsockopt");
#endif
    }
    /* Off again. */
    CHECK_OK(xsock_set_keepalive(c, 0, 0, 0, 0));
    CHECK_OK(xsock_get_option(c, XSOCK_OPT_KEEPALIVE, &on));
    CHECK_EQ(on, 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* 0 keeps what the OS has: set one value, the other two stay. */
TEST(zero_keeps_default)
{
    xsock_t c, s;
    int idle, cnt;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    idle = tcp_opt(c, TCP_IDLE);
    cnt = tcp_opt(c, TCP_CNT);
    CHECK_OK(xsock_set_keepalive(c, 1, 0, 5, 0));
    if (idle >= 0) {
        CHECK_EQ(tcp_opt(c, TCP_IDLE), idle);
        CHECK_EQ(tcp_opt(c, TCP_INTVL), 5);
        if (cnt >= 0) CHECK_EQ(tcp_opt(c, TCP_CNT), cnt);
    } else {
        printf("path: SIO_KEEPALIVE_VALS: idle 0 means Windows' default, 2 h\n");
    }
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(bad_input)
{
    xsock_t c, s, u;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_ERR(xsock_set_keepalive(XSOCK_INVALID, 1, 1, 1, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_set_keepalive(c, 1, -1, 1, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_keepalive(c, 1, 1, -1, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_keepalive(c, 1, 1, 1, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_keepalive(c, 1, 32768, 1, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_keepalive(c, 1, 1, 32768, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_keepalive(c, 1, 1, 1, 128), XSOCK_EINVAL);
    CHECK_OK(xsock_set_keepalive(c, 1, 32767, 32767, 127)); /* the limits themselves */
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_ERR(xsock_set_keepalive(u, 1, 1, 1, 1), XSOCK_EINVAL);
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

XTEST_MAIN(XTEST(timing_applied) XTEST(zero_keeps_default) XTEST(bad_input))
