/* Where the one-liners listen for a name of both families ("localhost"),
 * and for "::". With the usual hosts file (::1 listed for localhost) glibc
 * puts ::1 first, and a listener there, v6-only, refused every client that
 * dialled 127.0.0.1. hosts_lists_ipv6_first builds that hosts file for
 * itself: as root on Linux it takes a private mount namespace (unshare,
 * as `unshare -m` does) and bind-mounts its own file over /etc/hosts, which
 * nothing outside the test process sees. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE /* unshare, CLONE_NEWNS */
#endif
#include "testutil.h"

#ifdef __linux__
#  include <errno.h>
#  include <sched.h>
#  include <stdlib.h>
#  include <sys/mount.h>
#  include <unistd.h>
#endif

static int port_of(xsock_t s, int *family)
{
    xsock_addr a;
    CHECK_OK(xsock_local_addr(s, &a));
    *family = xsock_addr_family(&a);
    return xsock_addr_port(&a);
}

/* A connection to ip:port is accepted by l, and a byte crosses it. */
static void reach(xsock_t l, const char *ip, int port)
{
    xsock_t c, a;
    char b = 0;
    CHECK_OK(xsock_tcp_connect(&c, ip, port, 5000));
    CHECK_OK(xsock_accept(l, &a, NULL));
    CHECK_EQ(xsock_send(c, "x", 1), 1);
    CHECK_EQ(xsock_recv(a, &b, 1), 1);
    CHECK_EQ(b, 'x');
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(c));
}

/* "localhost", whatever the hosts file says: listens on IPv4 whenever the
 * name has an IPv4 address, and a client dialling 127.0.0.1 gets in. */
static void check_localhost(void)
{
    xsock_t l, u, u2;
    xsock_addr a[8], ua;
    char text[64], buf[4];
    int n, i, fam, port, v4 = 0;
    n = (int)CHECK_OK(xsock_addr_resolve("localhost", 0, 0, a, 8));
    for (i = 0; i < n; i++) {
        CHECK_OK(xsock_addr_format(&a[i], text, sizeof text));
        printf("localhost[%d] = %s\n", i, text);
        if (xsock_addr_family(&a[i]) == XSOCK_INET) v4 = 1;
    }
    CHECK(v4); /* every system here lists 127.0.0.1 */
    CHECK_OK(xsock_tcp_listen(&l, "localhost", 0, 8));
    port = port_of(l, &fam);
    CHECK_EQ(fam, XSOCK_INET);
    reach(l, "127.0.0.1", port);
    CHECK_OK(xsock_close(l));

    CHECK_OK(xsock_udp_bind(&u, "localhost", 0));
    port = port_of(u, &fam);
    CHECK_EQ(fam, XSOCK_INET);
    CHECK_OK(xsock_udp_bind(&u2, "127.0.0.1", 0));
    CHECK_OK(xsock_addr_parse(&ua, "127.0.0.1"));
    CHECK_OK(xsock_addr_set_port(&ua, port));
    CHECK_EQ(xsock_sendto(u2, "u", 1, &ua), 1);
    CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, NULL), 1);
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(u2));
}

TEST(localhost_listens_on_ipv4)
{
    check_localhost();
}

/* The hosts file of most Linux distributions (and macOS's), ::1 first. */
TEST(hosts_lists_ipv6_first)
{
#ifdef __linux__
    static const char hosts[] = "::1 localhost ip6-localhost\n127.0.0.1 localhost\n";
    char path[] = "/tmp/xsock_hosts_XXXXXX";
    xsock_addr a[4];
    int fd, n;
    if (geteuid() != 0) {
        printf("skipped: a mount namespace needs root (run as root to test this)\n");
        return;
    }
    CHECK((fd = mkstemp(path)) >= 0);
    CHECK_EQ(write(fd, hosts, sizeof hosts - 1), (long long)(sizeof hosts - 1));
    close(fd);
    /* Private first, so that the bind mount cannot spread to the host's
     * namespace through a shared "/". */
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount(path, "/etc/hosts", NULL, MS_BIND, NULL) != 0) {
        printf("skipped: no private mount over /etc/hosts here (%s)\n", strerror(errno));
        unlink(path);
        return;
    }
    n = (int)CHECK_OK(xsock_addr_resolve("localhost", 0, 0, a, 4));
    if (xsock_addr_family(&a[0]) != XSOCK_INET6)
        printf("note: the resolver put IPv4 first even so; the case is not shown here\n");
    else
        printf("the resolver puts ::1 first (%d addresses)\n", n);
    check_localhost();
    CHECK_EQ(umount("/etc/hosts"), 0);
    unlink(path);
#else
    /* macOS lists ::1 for localhost too; Windows resolves "localhost"
     * itself, both families. check_localhost covers what they answer. */
    printf("no mount namespace here: the system's own answer is checked\n");
    check_localhost();
#endif
}

/* "::" is dual-stack, as host NULL is: IPv4 clients get in too. */
TEST(any6_is_dual_stack)
{
    xsock_t l;
    int fam, port, r = xsock_tcp_listen(&l, "::", 0, 8);
    if (r == XSOCK_EAFNOSUPPORT || r == XSOCK_EADDRNOTAVAIL) {
        printf("skipped: no IPv6 here (%s)\n", xsock_err_name(r));
        return;
    }
    CHECK_OK(r);
    port = port_of(l, &fam);
    CHECK_EQ(fam, XSOCK_INET6);
    reach(l, "::1", port);
    reach(l, "127.0.0.1", port);
    CHECK_OK(xsock_close(l));
}

/* "::" on a port whose IPv4 side is taken: the dual-stack bind fails with
 * XSOCK_EADDRINUSE, and that is the answer, not a quiet IPv6-only listener
 * that IPv4 clients would never reach. */
TEST(any6_port_in_use)
{
    xsock_t l4, l6 = XSOCK_INVALID;
    int fam, port, r;
    CHECK_OK(xsock_tcp_listen(&l4, "0.0.0.0", 0, 8));
    port = port_of(l4, &fam);
    r = xsock_tcp_listen(&l6, "::", port, 8);
    if (r == XSOCK_EAFNOSUPPORT || r == XSOCK_EADDRNOTAVAIL) {
        printf("skipped: no IPv6 here (%s)\n", xsock_err_name(r));
    } else {
        printf("\"::\" on a taken IPv4 port: %s\n", r == 0 ? "ok" : xsock_err_name(r));
#ifdef _WIN32
        /* Windows answers WSAEACCES when the holder has the port under
         * SO_EXCLUSIVEADDRUSE ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"
         * in the Winsock docs); Wine says the same. Either way: no socket. */
        CHECK(r == XSOCK_EADDRINUSE || r == XSOCK_EACCES);
#else
        CHECK_ERR(r, XSOCK_EADDRINUSE);
#endif
        CHECK(l6 == XSOCK_INVALID);
    }
    reach(l4, "127.0.0.1", port);
    CHECK_OK(xsock_close(l4));
}

XTEST_MAIN(XTEST(localhost_listens_on_ipv4) XTEST(hosts_lists_ipv6_first) XTEST(any6_is_dual_stack)
               XTEST(any6_port_in_use))
