/* xsock_listen with backlog < 0 (or above the OS's limit) listens with the
 * OS maximum read when it is called, not the compile-time SOMAXCONN (128 on
 * macOS, 4096 in glibc's headers here). Linux shows a listener's backlog in
 * TCP_INFO (tcpi_sacked is sk_max_ack_backlog for a listening socket:
 * net/ipv4/tcp.c, tcp_get_info). To make the run-time value differ from the
 * header's, a child process takes a network namespace of its own (root
 * only) and raises net.core.somaxconn there: /proc/sys/net is per
 * namespace, so nothing outside the child changes. macOS and the BSDs read
 * kern.ipc.somaxconn (src/posix/socket.c cites the sources). */
#ifdef __linux__
#  define _GNU_SOURCE /* struct tcp_info, unshare */
#endif
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "xsock.h"

#ifdef __linux__
#  include <errno.h>
#  include <fcntl.h>
#  include <netinet/in.h>
#  include <netinet/tcp.h>
#  include <sched.h>
#  include <sys/socket.h>
#  include <sys/wait.h>
#  include <unistd.h>

static int max_backlog_of(xsock_t l)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(l, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) return -1;
    return (int)ti.tcpi_sacked;
}

static int write_somaxconn(int v)
{
    char text[16];
    int fd = open("/proc/sys/net/core/somaxconn", O_WRONLY), n, ok;
    if (fd < 0) return -1;
    n = snprintf(text, sizeof text, "%d\n", v);
    ok = write(fd, text, (size_t)n) == n;
    close(fd);
    return ok ? 0 : -1;
}

/* The child: 0 pass, 1 fail, 77 cannot (not root). */
static int child(void)
{
    xsock_t l;
    xsock_addr a;
    int got;
    if (unshare(CLONE_NEWNET) != 0) return 77;
    if (write_somaxconn(SOMAXCONN * 2 + 5) != 0) return 77;
    if (xsock_open(&l, XSOCK_INET, XSOCK_STREAM) != 0) return 1;
    if (xsock_addr_any(&a, XSOCK_INET, 0) != 0 || xsock_bind(l, &a) != 0) return 1;
    if (xsock_listen(l, -1) != 0) return 1;
    got = max_backlog_of(l);
    printf("backlog -1 in a namespace with somaxconn %d: %d (SOMAXCONN %d)\n", SOMAXCONN * 2 + 5, got,
           SOMAXCONN);
    if (got != SOMAXCONN * 2 + 5) return 1;
    xsock_close(l);
    /* More than the OS allows: the OS maximum too. */
    if (xsock_open(&l, XSOCK_INET, XSOCK_STREAM) != 0 || xsock_bind(l, &a) != 0) return 1;
    if (xsock_listen(l, 1000000) != 0) return 1;
    got = max_backlog_of(l);
    printf("backlog 1000000: %d\n", got);
    xsock_close(l);
    return got == SOMAXCONN * 2 + 5 ? 0 : 1;
}
#endif

TEST(os_maximum_at_run_time)
{
#ifdef __linux__
    xsock_t l;
    xsock_addr a;
    pid_t pid;
    int status = 0;
    /* Here, without a namespace: what /proc says. */
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_close(l));
    CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(l, &a));
    CHECK_OK(xsock_listen(l, 7));
    CHECK_EQ(max_backlog_of(l), 7);
    CHECK_OK(xsock_close(l));
    fflush(stdout);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(child());
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        printf("SKIPPED the namespace half: no network namespace of our own (needs root)\n");
    else
        CHECK_EQ(WEXITSTATUS(status), 0);
#else
    printf("TCP_INFO's backlog is Linux's: the other systems cite their sources\n");
#endif
}

XTEST_MAIN(XTEST(os_maximum_at_run_time))
