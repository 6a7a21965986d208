/* Multicast: argument checks once for every OS, the socket's family, and
 * interface index <-> IPv4 address (IPv4 joins and IP_MULTICAST_IF name an
 * interface by address on every OS: ip(7), Microsoft's "IPPROTO_IP socket
 * options"; an address is the one form Linux, the BSDs, macOS, Windows and
 * Wine all take). */
#ifndef _WIN32
/* RFC 3678's ip_mreq_source and group_source_req are BSD extras that
 * -std=c99 hides; src/posix/posix.h holds each libc's switch for them. */
#  include "posix/posix.h"
#endif
#include "xsock_internal.h"
#include <stdlib.h>
#include <string.h>

#define CHECK_SOCK(s) \
    if ((s) == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0)

/* 1 if the socket is IPv6, 0 if IPv4 (an unbound socket says its family). */
static int sock_v6(xsock_t s, int *v6)
{
    xsock_addr mine;
    int r = xsock__sys_local_addr(s, &mine);
    if (r < 0) return r;
    if (XSOCK__CSA(&mine)->sa_family == AF_INET6) *v6 = 1;
    else if (XSOCK__CSA(&mine)->sa_family == AF_INET) *v6 = 0;
    else return xsock__fail(XSOCK_EINVAL, 0); /* AF_UNIX */
    return 0;
}

/* The interfaces, in a fresh array the caller frees; *n entries. */
static int all_interfaces(xsock_interface **out, int *n)
{
    int r, m;
    *out = NULL;
    if ((r = xsock__sys_interfaces(NULL, 0)) < 0) return r;
    m = r + 4; /* room for a few that appear meanwhile */
    *out = (xsock_interface *)calloc((size_t)m, sizeof **out);
    if (*out == NULL) return xsock__fail(XSOCK_ENOMEM, 0);
    if ((r = xsock__sys_interfaces(*out, (size_t)m)) < 0) {
        free(*out);
        *out = NULL;
        return r;
    }
    *n = r < m ? r : m;
    return 0;
}

/* The first IPv4 address of interface ifindex; INADDR_ANY for 0. */
static int v4_of_index(int ifindex, struct in_addr *out)
{
    xsock_interface *e;
    int n, i, r;
    memset(out, 0, sizeof *out);
    if (ifindex == 0) return 0;
    if ((r = all_interfaces(&e, &n)) < 0) return r;
    r = xsock__fail(XSOCK_EADDRNOTAVAIL, 0);
    for (i = 0; i < n; i++) {
        if (e[i].index == (unsigned)ifindex && XSOCK__CSA(&e[i].addr)->sa_family == AF_INET) {
            memcpy(out, &((const struct sockaddr_in *)(const void *)e[i].addr.storage.bytes)->sin_addr,
                   sizeof *out);
            r = 0;
            break;
        }
    }
    free(e);
    return r;
}

/* The index of the interface with IPv4 address a; 0 for INADDR_ANY or an
 * address no interface has (any more). */
static int index_of_v4(const struct in_addr *a, int *out)
{
    xsock_interface *e;
    int n, i, r;
    *out = 0;
    if (a->s_addr == htonl(INADDR_ANY)) return 0;
    if ((r = all_interfaces(&e, &n)) < 0) return r;
    for (i = 0; i < n; i++) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)e[i].addr.storage.bytes;
        if (sin->sin_family == AF_INET && sin->sin_addr.s_addr == a->s_addr) {
            *out = (int)e[i].index;
            break;
        }
    }
    free(e);
    return 0;
}

int xsock__mcast_set_option(xsock_t s, int opt, int value)
{
    struct in_addr ifaddr;
    int v6, r;
    if ((r = sock_v6(s, &v6)) < 0) return r;
    memset(&ifaddr, 0, sizeof ifaddr);
    if (opt == XSOCK_OPT_MULTICAST_IF && !v6 && (r = v4_of_index(value, &ifaddr)) < 0) return r;
    return xsock__sys_mcast_set(s, v6, opt, value, &ifaddr);
}

int xsock__mcast_get_option(xsock_t s, int opt, int *value)
{
    struct in_addr ifaddr;
    int v6, r;
    if ((r = sock_v6(s, &v6)) < 0) return r;
    memset(&ifaddr, 0, sizeof ifaddr);
    if ((r = xsock__sys_mcast_get(s, v6, opt, value, &ifaddr)) < 0) return r;
    if (opt == XSOCK_OPT_MULTICAST_IF && !v6) return index_of_v4(&ifaddr, value);
    return 0;
}

/* 224.0.0.0/4 or ff00::/8 (RFC 5771, RFC 4291). */
static int is_multicast(const xsock_addr *a, int v6)
{
    const unsigned char *b;
    if (v6) {
        b = ((const struct sockaddr_in6 *)(const void *)a->storage.bytes)->sin6_addr.s6_addr;
        return b[0] == 0xff;
    }
    b = (const unsigned char *)&((const struct sockaddr_in *)(const void *)a->storage.bytes)->sin_addr;
    return (b[0] & 0xf0) == 0xe0;
}

static int family_of(const xsock_addr *a)
{
    if (xsock__addr_check(a) < 0) return -1;
    return XSOCK__CSA(a)->sa_family;
}

/* The membership request, the same on every OS: RFC 3678's structures and
 * option names, which Linux, macOS, the BSDs (ip(4), ip6(4)) and Windows
 * (ws2ipdef.h: "IPPROTO_IP socket options", "IPPROTO_IPV6 socket options",
 * Microsoft) all have. The fields are set by name: Windows' ip_mreq_source
 * lays them out in another order than Linux's. IPv4 names the interface by
 * address (ifaddr; INADDR_ANY for the OS's choice), IPv6 by index. */
static int request(xsock_t s, int join, const xsock_addr *group, const xsock_addr *source, int ifindex,
                   const struct in_addr *ifaddr)
{
    union {
        struct ip_mreq v4;
        struct ip_mreq_source v4s;
        struct ipv6_mreq v6;
        struct group_source_req v6s;
    } m;
    const struct sockaddr_in *g4 = (const struct sockaddr_in *)(const void *)group->storage.bytes;
    memset(&m, 0, sizeof m);
    if (XSOCK__CSA(group)->sa_family == AF_INET && source == NULL) {
        m.v4.imr_multiaddr = g4->sin_addr;
        m.v4.imr_interface = *ifaddr;
        return xsock__sys_mcast(s, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m.v4,
                                sizeof m.v4);
    }
    if (XSOCK__CSA(group)->sa_family == AF_INET) {
        m.v4s.imr_multiaddr = g4->sin_addr;
        m.v4s.imr_sourceaddr = ((const struct sockaddr_in *)(const void *)source->storage.bytes)->sin_addr;
        m.v4s.imr_interface = *ifaddr;
        return xsock__sys_mcast(s, IPPROTO_IP, join ? IP_ADD_SOURCE_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP,
                                &m.v4s, sizeof m.v4s);
    }
    if (source == NULL) {
        m.v6.ipv6mr_multiaddr = ((const struct sockaddr_in6 *)(const void *)group->storage.bytes)->sin6_addr;
        m.v6.ipv6mr_interface = (unsigned)ifindex;
        return xsock__sys_mcast(s, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m.v6,
                                sizeof m.v6);
    }
    /* IPv6 source-specific has only the protocol-independent form (RFC 3678
     * section 5.2; Microsoft's GROUP_SOURCE_REQ). */
    m.v6s.gsr_interface = (unsigned)ifindex;
    memcpy(&m.v6s.gsr_group, group->storage.bytes, sizeof(struct sockaddr_in6));
    memcpy(&m.v6s.gsr_source, source->storage.bytes, sizeof(struct sockaddr_in6));
    return xsock__sys_mcast(s, IPPROTO_IPV6, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP,
                            &m.v6s, sizeof m.v6s);
}

static int membership(xsock_t s, int join, const xsock_addr *group, const xsock_addr *source, int ifindex)
{
    struct in_addr ifaddr;
    int v6, r, af;
    CHECK_SOCK(s);
    if ((r = sock_v6(s, &v6)) < 0) return r; /* a closed s is XSOCK_EBADF before all else */
    if (group == NULL || ifindex < 0) return xsock__fail(XSOCK_EINVAL, 0);
    af = family_of(group);
    if (af != AF_INET && af != AF_INET6) return xsock__fail(XSOCK_EINVAL, 0);
    if (!is_multicast(group, af == AF_INET6)) return xsock__fail(XSOCK_EINVAL, 0);
    if (source != NULL && (family_of(source) != af || is_multicast(source, af == AF_INET6)))
        return xsock__fail(XSOCK_EINVAL, 0);
    if (v6 != (af == AF_INET6)) return xsock__fail(XSOCK_EINVAL, 0);
    memset(&ifaddr, 0, sizeof ifaddr);
    if (!v6 && (r = v4_of_index(ifindex, &ifaddr)) < 0) return r;
    return request(s, join, group, source, ifindex, &ifaddr);
}

int xsock_mcast_join(xsock_t s, const xsock_addr *group, const xsock_addr *source_or_NULL, int ifindex)
{
    return membership(s, 1, group, source_or_NULL, ifindex);
}

int xsock_mcast_leave(xsock_t s, const xsock_addr *group, const xsock_addr *source_or_NULL, int ifindex)
{
    return membership(s, 0, group, source_or_NULL, ifindex);
}
