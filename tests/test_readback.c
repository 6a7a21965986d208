/* Read-backs say what is in force: XSOCK_OPT_RCVBUF/SNDBUF the size the OS
 * granted (Linux's doubling undone, its caps and minimum applied: 8 MiB
 * reads rmem_max, 1000 reads 1152), and XSOCK_OPT_RCVTIMEO/SNDTIMEO the
 * timeout that was set (Linux keeps clock ticks: 1 ms read back as 4). */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "xsock.h"

#ifdef __linux__
#  include <sys/socket.h>
#  include <sys/time.h>

static int proc_int(const char *path)
{
    FILE *f = fopen(path, "r");
    int v = -1;
    if (f != NULL) {
        if (fscanf(f, "%d", &v) != 1) v = -1;
        fclose(f);
    }
    return v;
}
#endif

TEST(timeouts_read_back_as_set)
{
    static const int values[] = {1, 3, 5, 10, 15, 200, 1001, 0};
    xsock_t c, s;
    size_t i;
    int v;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, values[i]));
        CHECK_OK(xsock_get_option(c, XSOCK_OPT_RCVTIMEO, &v));
        CHECK_EQ(v, values[i]);
        CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, values[i]));
        CHECK_OK(xsock_get_option(c, XSOCK_OPT_SNDTIMEO, &v));
        CHECK_EQ(v, values[i]);
    }
#ifdef __linux__
    {
        /* Changed behind xsock's back: the kernel's value is the truth. */
        struct timeval tv;
        CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 1));
        tv.tv_sec = 0;
        tv.tv_usec = 300000;
        CHECK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
        CHECK_OK(xsock_get_option(c, XSOCK_OPT_RCVTIMEO, &v));
        CHECK_EQ(v, 300);
    }
#endif
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Buffer sizes read back as granted, not as asked. */
TEST(buffer_sizes_read_back_as_granted)
{
    xsock_t c, s;
    int v = 0;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVBUF, 8 << 20));
    CHECK_OK(xsock_get_option(c, XSOCK_OPT_RCVBUF, &v));
    printf("RCVBUF 8 MiB reads %d\n", v);
    CHECK(v > 0);
#ifdef __linux__
    {
        /* socket(7): SO_RCVBUF is capped at rmem_max (also for root, who
         * would need SO_RCVBUFFORCE), and has a floor of 2304 / 2. */
        int rmem_max = proc_int("/proc/sys/net/core/rmem_max"), w = 0;
        if (rmem_max > 0) CHECK_EQ(v, rmem_max < (8 << 20) ? rmem_max : (8 << 20));
        CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVBUF, 1000));
        CHECK_OK(xsock_get_option(c, XSOCK_OPT_RCVBUF, &w));
        printf("RCVBUF 1000 reads %d\n", w);
        CHECK_EQ(w, 1152);
        CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDBUF, 100000));
        CHECK_OK(xsock_get_option(c, XSOCK_OPT_SNDBUF, &w));
        CHECK_EQ(w, 100000);
    }
#else
    /* Winsock keeps what it is given: it reads back as set. Wine: the same. */
    CHECK_EQ(v, 8 << 20);
#endif
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

XTEST_MAIN(XTEST(timeouts_read_back_as_set) XTEST(buffer_sizes_read_back_as_granted))
