/* Multicast (issue 14): xsock_mcast_join/leave and the XSOCK_OPT_MULTICAST_*
 * and XSOCK_OPT_TTL options. Multicast never leaves the machine: every
 * sender sends on the loopback interface (XSOCK_OPT_MULTICAST_IF = the
 * index of 127.0.0.1's interface), and every member joins there. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE /* unshare, CLONE_NEWNET */
#endif
#include "testutil.h"
#if defined(__linux__)
#  include <net/if.h>
#  include <sched.h>
#  include <stdio.h>
#  include <stdlib.h>
#  include <sys/wait.h>
#  include <unistd.h>
#endif

#define GROUP4 "239.255.77.1"
#define WAIT_MS 2000 /* a datagram that should come */
#define QUIET_MS 300 /* how long nothing must come */

/* The index of the interface with 127.0.0.1 (Linux's lo; Windows' and
 * Wine's loopback), or 0 if this host has none. */
static int loopback_index(void)
{
    xsock_interface e[64];
    int n = (int)CHECK_OK(xsock_interfaces(e, 64)), i;
    char text[XSOCK_ADDRSTRLEN];
    for (i = 0; i < n && i < 64; i++) {
        if (xsock_addr_family(&e[i].addr) != XSOCK_INET) continue;
        CHECK_OK(xsock_addr_format(&e[i].addr, text, sizeof text));
        if (strcmp(text, "127.0.0.1:0") == 0) return (int)e[i].index;
    }
    return 0;
}

/* A datagram socket bound to the wildcard address (Windows receives
 * multicast only there, not on the group's address: "IP_ADD_MEMBERSHIP",
 * Microsoft) at port (0: any); share: XSOCK_OPT_SHAREPORT first. */
static xsock_t member(int port, int share, int *port_out)
{
    xsock_t s;
    xsock_addr a;
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_DGRAM));
    if (share) CHECK_OK(xsock_set_option(s, XSOCK_OPT_SHAREPORT, 1));
    CHECK_OK(xsock_addr_parse(&a, "0.0.0.0"));
    CHECK_OK(xsock_addr_set_port(&a, port));
    CHECK_OK(xsock_bind(s, &a));
    CHECK_OK(xsock_local_addr(s, &a));
    if (port_out) *port_out = xsock_addr_port(&a);
    return s;
}

/* A sender bound to from (a 127.x address), sending on the loopback. */
static xsock_t sender(const char *from, int lo)
{
    xsock_t s;
    xsock_addr a;
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_parse(&a, from));
    CHECK_OK(xsock_bind(s, &a));
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_MULTICAST_IF, lo));
    return s;
}

static void send_to_group(xsock_t s, const char *group, int port, const char *text)
{
    xsock_addr g;
    CHECK_OK(xsock_addr_parse(&g, group));
    CHECK_OK(xsock_addr_set_port(&g, port));
    CHECK_EQ(xsock_sendto(s, text, strlen(text), &g), (long long)strlen(text));
}

/* The next datagram within ms, into buf (NUL-terminated); 0 if none came. */
static int receive(xsock_t s, char *buf, size_t cap, int ms, xsock_addr *from)
{
    xsock_ssize_t n;
    if (!(tu_wait(s, XSOCK_POLLIN, ms) & XSOCK_POLLIN)) return 0;
    n = xsock_recvfrom(s, buf, cap - 1, from);
    CHECK(n >= 0);
    buf[n] = '\0';
    return 1;
}

/* A second leave: Linux says EADDRNOTAVAIL (ip(7)), and so does xsock.
 * Wine answers WSAEINVAL (seen here); what Windows answers this machine
 * cannot show, so under Wine both are accepted. */
static void check_not_member(int r)
{
    if (tu_under_wine() && r == XSOCK_EINVAL) return;
    CHECK_EQ(r, XSOCK_EADDRNOTAVAIL);
}

/* Joined, a member gets what is sent to the group; left, it does not; a
 * second leave fails (check_not_member). */
TEST(join_leave_v4)
{
    int lo = loopback_index(), port;
    xsock_t r, s;
    xsock_addr g, from;
    char buf[64], text[XSOCK_ADDRSTRLEN];
    CHECK(lo > 0);
    r = member(0, 0, &port);
    s = sender("127.0.0.1", lo);
    CHECK_OK(xsock_addr_parse(&g, GROUP4));
    CHECK_OK(xsock_mcast_join(r, &g, NULL, lo));
    send_to_group(s, GROUP4, port, "one");
    CHECK(receive(r, buf, sizeof buf, WAIT_MS, &from));
    CHECK_STR(buf, "one");
    CHECK_OK(xsock_addr_format(&from, text, sizeof text));
    CHECK(strncmp(text, "127.0.0.1:", 10) == 0);
    CHECK_OK(xsock_mcast_leave(r, &g, NULL, lo));
    send_to_group(s, GROUP4, port, "two");
    CHECK(!receive(r, buf, sizeof buf, QUIET_MS, NULL));
    check_not_member(xsock_mcast_leave(r, &g, NULL, lo));
    /* Joined again with ifindex 0 (the OS's choice) the call succeeds;
     * where the datagram goes then depends on the routes, so no more. */
    CHECK_OK(xsock_mcast_join(r, &g, NULL, 0));
    CHECK_OK(xsock_mcast_leave(r, &g, NULL, 0));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r));
}

/* Source-specific: joined for 127.0.0.2 only, the member gets 127.0.0.2's
 * datagram and not 127.0.0.1's (both are the loopback's: all of 127/8 is,
 * on Linux and Windows alike). */
TEST(source_specific_v4)
{
    int lo = loopback_index(), port;
    xsock_t r, a, b;
    xsock_addr g, src, from;
    char buf[64], text[XSOCK_ADDRSTRLEN];
    CHECK(lo > 0);
    r = member(0, 0, &port);
    a = sender("127.0.0.1", lo);
    b = sender("127.0.0.2", lo);
    CHECK_OK(xsock_addr_parse(&g, "232.1.1.77"));
    CHECK_OK(xsock_addr_parse(&src, "127.0.0.2"));
    CHECK_OK(xsock_mcast_join(r, &g, &src, lo));
    send_to_group(a, "232.1.1.77", port, "from-a");
    send_to_group(b, "232.1.1.77", port, "from-b");
    CHECK(receive(r, buf, sizeof buf, WAIT_MS, &from));
    CHECK_OK(xsock_addr_format(&from, text, sizeof text));
    if (tu_under_wine() && strcmp(buf, "from-a") == 0) {
        /* Wine (seen here) sends b's datagram from 127.0.0.1 too, though b
         * is bound to 127.0.0.2, so both pass or fail one filter alike and
         * a's arrives as well. Windows sends from the bound address and
         * filters as asked ("IP_ADD_SOURCE_MEMBERSHIP", Microsoft, IPPROTO_IP
         * socket options). Both are accepted; b's must still come. */
        printf("Wine: no source filtering (a's datagram came)\n");
        CHECK(receive(r, buf, sizeof buf, WAIT_MS, &from));
        CHECK_OK(xsock_addr_format(&from, text, sizeof text));
    }
    printf("\"%s\" from %s\n", buf, text);
    CHECK_STR(buf, "from-b");
    CHECK(strncmp(text, "127.0.0.2:", 10) == 0 || tu_under_wine()); /* Wine: see above */
    CHECK(!receive(r, buf, sizeof buf, QUIET_MS, NULL)); /* a's was filtered out (or came first, Wine) */
    CHECK_OK(xsock_mcast_leave(r, &g, &src, lo));
    send_to_group(b, "232.1.1.77", port, "again");
    if (receive(r, buf, sizeof buf, QUIET_MS, &from)) {
        /* Wine (seen here, if at all) may still deliver after the leave,
         * its source joins being what they are above; Windows stops
         * delivery ("IP_DROP_SOURCE_MEMBERSHIP", Microsoft). */
        CHECK_OK(xsock_addr_format(&from, text, sizeof text));
        printf("after the leave: \"%s\" from %s\n", buf, text);
        CHECK(tu_under_wine());
    }
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));
    CHECK_OK(xsock_close(r));
}

/* Two sockets on one port (XSOCK_OPT_SHAREPORT) both get one datagram. */
TEST(shareport_both_receive)
{
    int lo = loopback_index(), port, port2;
    xsock_t r1, r2, s;
    xsock_addr g;
    char buf[64];
    CHECK(lo > 0);
    r1 = member(0, 1, &port);
    r2 = member(port, 1, &port2);
    CHECK_EQ(port2, port);
    CHECK_OK(xsock_addr_parse(&g, GROUP4));
    CHECK_OK(xsock_mcast_join(r1, &g, NULL, lo));
    CHECK_OK(xsock_mcast_join(r2, &g, NULL, lo));
    s = sender("127.0.0.1", lo);
    send_to_group(s, GROUP4, port, "both");
    CHECK(receive(r1, buf, sizeof buf, WAIT_MS, NULL));
    CHECK_STR(buf, "both");
    CHECK(receive(r2, buf, sizeof buf, WAIT_MS, NULL));
    CHECK_STR(buf, "both");
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r1));
    CHECK_OK(xsock_close(r2));
}

/* The options read back as set, on both families, and refuse values out
 * of range. Defaults: multicast TTL 1 and loop on (RFC 1112 section 6.1;
 * ip(7), ipv6(7); "IPPROTO_IP socket options", Microsoft). */
static void options_of(int family, int lo)
{
    xsock_t s;
    int v = -1;
    CHECK_OK(xsock_open(&s, family, XSOCK_DGRAM));
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_TTL, &v));
    CHECK_EQ(v, 1);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_MULTICAST_TTL, 7));
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_TTL, &v));
    CHECK_EQ(v, 7);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_MULTICAST_TTL, 0));
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_TTL, &v));
    CHECK_EQ(v, 0);
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_MULTICAST_TTL, 256), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_MULTICAST_TTL, -1), XSOCK_EINVAL);

    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_LOOP, &v));
    CHECK_EQ(v, 1);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_MULTICAST_LOOP, 0));
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_LOOP, &v));
    CHECK_EQ(v, 0);
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_MULTICAST_LOOP, 2), XSOCK_EINVAL);

    CHECK_OK(xsock_set_option(s, XSOCK_OPT_TTL, 33));
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_TTL, &v));
    CHECK_EQ(v, 33);
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_TTL, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_TTL, 256), XSOCK_EINVAL);

    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_IF, &v));
    CHECK_EQ(v, 0);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_MULTICAST_IF, lo));
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_IF, &v));
    CHECK_EQ(v, lo);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_MULTICAST_IF, 0));
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_IF, &v));
    CHECK_EQ(v, 0);
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_MULTICAST_IF, -1), XSOCK_EINVAL);
    CHECK_OK(xsock_close(s));
}

TEST(options_v4)
{
    int lo = loopback_index();
    CHECK(lo > 0);
    options_of(XSOCK_INET, lo);
}

/* IPv6 names the loopback by the same index (::1 is on lo too). */
TEST(options_v6)
{
    int lo = loopback_index();
    CHECK(lo > 0);
    options_of(XSOCK_INET6, lo);
}

/* IPv4's MULTICAST_IF and joins go by the interface's IPv4 address: an
 * index that no interface has is XSOCK_EADDRNOTAVAIL, not a silent 0. */
TEST(unknown_interface)
{
    xsock_t s;
    xsock_addr g;
    int v = -1;
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_parse(&g, GROUP4));
    CHECK_ERR(xsock_set_option(s, XSOCK_OPT_MULTICAST_IF, 999999), XSOCK_EADDRNOTAVAIL);
    CHECK_ERR(xsock_mcast_join(s, &g, NULL, 999999), XSOCK_EADDRNOTAVAIL);
    CHECK_OK(xsock_get_option(s, XSOCK_OPT_MULTICAST_IF, &v));
    CHECK_EQ(v, 0);
    CHECK_OK(xsock_close(s));
}

/* IPv6 group ff15::77 on interface ifindex: *r bound to [::] on a port
 * of its own and joined, *s sending through that interface, *g the group
 * at *r's port. Returns the port. */
static int v6_group_pair(int ifindex, xsock_t *r, xsock_t *s, xsock_addr *g)
{
    xsock_addr a;
    int port;
    CHECK_OK(xsock_open(r, XSOCK_INET6, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_parse(&a, "[::]:0"));
    CHECK_OK(xsock_bind(*r, &a));
    CHECK_OK(xsock_local_addr(*r, &a));
    port = xsock_addr_port(&a);
    CHECK_OK(xsock_addr_parse(g, "ff15::77"));
    CHECK_OK(xsock_mcast_join(*r, g, NULL, ifindex));
    CHECK_OK(xsock_open(s, XSOCK_INET6, XSOCK_DGRAM));
    CHECK_OK(xsock_set_option(*s, XSOCK_OPT_MULTICAST_IF, ifindex));
    CHECK_OK(xsock_addr_set_port(g, port));
    return port;
}

/* IPv6: join and leave on the loopback's index; a second leave fails. The
 * datagram itself: Linux's lo has no MULTICAST flag and no IPv6 multicast
 * route (sendto gives ENETUNREACH), so delivery is shown where the host
 * allows it and otherwise the test says it cannot. */
TEST(join_leave_v6)
{
    int lo = loopback_index(), r6;
    xsock_t r, s;
    xsock_addr g;
    char buf[64];
    CHECK(lo > 0);
    v6_group_pair(lo, &r, &s, &g);
    r6 = (int)xsock_sendto(s, "six", 3, &g);
    if (r6 == 3) {
        if (receive(r, buf, sizeof buf, WAIT_MS, NULL)) CHECK_STR(buf, "six");
        else printf("SKIP delivery: sent on the loopback but not looped back by this host\n");
    } else {
        CHECK(r6 == XSOCK_ENETUNREACH || r6 == XSOCK_EHOSTUNREACH || r6 == XSOCK_EADDRNOTAVAIL);
        printf("SKIP delivery: this host has no IPv6 multicast route on the loopback (%s)\n",
               xsock_err_name(r6));
    }
    CHECK_OK(xsock_addr_set_port(&g, 0));
    CHECK_OK(xsock_mcast_leave(r, &g, NULL, lo));
    check_not_member(xsock_mcast_leave(r, &g, NULL, lo));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r));
}

/* IPv6 source-specific join and leave (MCAST_JOIN_SOURCE_GROUP). */
TEST(source_specific_v6)
{
    int lo = loopback_index();
    xsock_t r;
    xsock_addr g, src, a;
    CHECK(lo > 0);
    CHECK_OK(xsock_open(&r, XSOCK_INET6, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_parse(&a, "[::]:0"));
    CHECK_OK(xsock_bind(r, &a));
    CHECK_OK(xsock_addr_parse(&g, "ff35::77"));
    CHECK_OK(xsock_addr_parse(&src, "::1"));
    if (tu_under_wine()) {
        /* Wine has no MCAST_JOIN_SOURCE_GROUP (WSAENOPROTOOPT, seen here);
         * Windows has it since Vista ("MCAST_JOIN_SOURCE_GROUP", IPPROTO_IPV6
         * socket options, Microsoft). Both accepted; nothing else is shown. */
        int rc = xsock_mcast_join(r, &g, &src, lo);
        if (rc == XSOCK_EINVAL) {
            printf("Wine: no IPv6 source-specific joins (EINVAL)\n");
            CHECK_OK(xsock_close(r));
            return;
        }
        CHECK_OK(rc);
    } else
        CHECK_OK(xsock_mcast_join(r, &g, &src, lo));
    CHECK_OK(xsock_mcast_leave(r, &g, &src, lo));
    CHECK_OK(xsock_close(r));
}

/* IPv6 multicast delivered, inside a network namespace of its own (Linux,
 * as root). Linux's lo cannot show it: it has no IPv6 multicast route
 * (sendto says ENETUNREACH, see join_leave_v6), and with one added
 * (`ip -6 route add multicast ff00::/8 dev lo table local`, lo multicast
 * on) the datagram is sent and still not delivered (tried here on Linux
 * 6.18: ip6_finish_output2 loops multicast back only on devices without
 * IFF_LOOPBACK, net/ipv6/ip6_output.c). So a child process unshares its
 * network namespace and makes a veth pair there (it never leaves the
 * namespace): the member joins on xs0, the sender sends on xs0, the kernel
 * loops the datagram back to the member; after the leave nothing comes.
 * Skipped, and it says why, where this cannot be made: not root, no `ip`
 * (iproute2), no veth. Windows has no network namespaces: there IPv6
 * delivery is join_leave_v6's, on the loopback. */
#if defined(__linux__)
#  define NETNS_SKIP 77
static int netns_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int ok = f != NULL && fputs(text, f) >= 0;
    if (f != NULL && fclose(f) != 0) ok = 0;
    return ok;
}

static int v6_delivery_in_netns(void)
{
    int idx, port;
    xsock_t r, s;
    xsock_addr g;
    char buf[64];
    if (unshare(CLONE_NEWNET) != 0) return NETNS_SKIP;
    if (system("ip link set lo up && ip link add xs0 type veth peer name xs1 2>/dev/null") != 0) return NETNS_SKIP;
    /* No duplicate address detection, so the link-local source address is
     * usable at once (ipv6 sysctls, Documentation/networking/ip-sysctl). */
    if (!netns_file("/proc/sys/net/ipv6/conf/xs0/accept_dad", "0") ||
        !netns_file("/proc/sys/net/ipv6/conf/xs1/accept_dad", "0") ||
        system("ip link set xs0 up && ip link set xs1 up") != 0 || (idx = (int)if_nametoindex("xs0")) == 0)
        return NETNS_SKIP;
    port = v6_group_pair(idx, &r, &s, &g);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_MULTICAST_LOOP, 1));
    CHECK_EQ(xsock_sendto(s, "six", 3, &g), 3);
    CHECK(receive(r, buf, sizeof buf, WAIT_MS, NULL));
    CHECK_STR(buf, "six");
    CHECK_OK(xsock_addr_set_port(&g, 0));
    CHECK_OK(xsock_mcast_leave(r, &g, NULL, idx));
    CHECK_OK(xsock_addr_set_port(&g, port));
    CHECK_EQ(xsock_sendto(s, "gone", 4, &g), 4);
    CHECK(!receive(r, buf, sizeof buf, QUIET_MS, NULL));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(r));
    return 0;
}
#endif

TEST(delivery_v6_netns)
{
#if defined(__linux__)
    pid_t pid;
    int status = 0;
    if (geteuid() != 0) {
        printf("SKIP: a network namespace needs root (.ci/run runs as root)\n");
        return;
    }
    fflush(stdout);
    CHECK((pid = fork()) >= 0);
    if (pid == 0) _exit(v6_delivery_in_netns()); /* its namespace ends with it */
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) == NETNS_SKIP) {
        printf("SKIP: no network namespace with a veth pair here (unshare, ip from iproute2, veth)\n");
        return;
    }
    CHECK_EQ(WEXITSTATUS(status), 0);
#else
    printf("no network namespaces here: IPv6 delivery is join_leave_v6's, on the loopback\n");
#endif
}

TEST(bad_input)
{
    xsock_t s4, s6;
    xsock_addr g4, g6, uni, src6, empty;
    CHECK_OK(xsock_open(&s4, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_open(&s6, XSOCK_INET6, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_parse(&g4, GROUP4));
    CHECK_OK(xsock_addr_parse(&g6, "ff15::77"));
    CHECK_OK(xsock_addr_parse(&uni, "127.0.0.1"));
    CHECK_OK(xsock_addr_parse(&src6, "::1"));
    memset(&empty, 0, sizeof empty);
    CHECK_ERR(xsock_mcast_join(XSOCK_INVALID, &g4, NULL, 0), XSOCK_EBADF);
    CHECK_ERR(xsock_mcast_join(s4, NULL, NULL, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_mcast_leave(s4, NULL, NULL, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_mcast_join(s4, &empty, NULL, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_mcast_join(s4, &uni, NULL, 0), XSOCK_EINVAL);      /* not a group */
    CHECK_ERR(xsock_mcast_join(s4, &g4, NULL, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_mcast_join(s4, &g6, NULL, 0), XSOCK_EINVAL);       /* other family */
    CHECK_ERR(xsock_mcast_join(s6, &g4, NULL, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_mcast_join(s4, &g4, &g4, 0), XSOCK_EINVAL);        /* a group as source */
    CHECK_ERR(xsock_mcast_join(s4, &g4, &src6, 0), XSOCK_EINVAL);      /* source of another family */
    CHECK_ERR(xsock_mcast_join(s4, &g4, &empty, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_get_option(s4, XSOCK_OPT_TTL + 1, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_option(s4, XSOCK_OPT_TTL + 1, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_set_option(XSOCK_INVALID, XSOCK_OPT_MULTICAST_TTL, 1), XSOCK_EBADF);
    CHECK_OK(xsock_close(s4));
    CHECK_OK(xsock_close(s6));
}

XTEST_MAIN(XTEST(join_leave_v4) XTEST(source_specific_v4) XTEST(shareport_both_receive) XTEST(options_v4)
               XTEST(options_v6) XTEST(unknown_interface) XTEST(join_leave_v6) XTEST(source_specific_v6) XTEST(delivery_v6_netns)
                   XTEST(bad_input))
