/* POSIX multicast: membership and the hop/loop/interface options. */
#include "posix/posix.h"
#ifndef _WIN32

#include <string.h>

/* IPv4's IP_MULTICAST_TTL and IP_MULTICAST_LOOP take an int on Linux and
 * a u_char on macOS and the BSDs (FreeBSD's ip(4); libuv's src/unix/udp.c,
 * uv__setsockopt_maybe_char, makes the same split). */
#if defined(__linux__)
typedef int xsock__mc_small;
#else
typedef unsigned char xsock__mc_small;
#endif

static int name_of(int v6, int opt, int *level)
{
    *level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    switch (opt) {
    case XSOCK_OPT_MULTICAST_TTL: return v6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL;
    case XSOCK_OPT_MULTICAST_LOOP: return v6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP;
    case XSOCK_OPT_MULTICAST_IF: return v6 ? IPV6_MULTICAST_IF : IP_MULTICAST_IF;
    default: return v6 ? IPV6_UNICAST_HOPS : IP_TTL; /* XSOCK_OPT_TTL */
    }
}

/* The IPv4 options that are one u_char where the OS wants one. */
static int small_v4(int v6, int opt)
{
    return !v6 && (opt == XSOCK_OPT_MULTICAST_TTL || opt == XSOCK_OPT_MULTICAST_LOOP);
}

int xsock__sys_mcast_set(xsock_t s, int v6, int opt, int value, const struct in_addr *ifaddr)
{
    int level, name = name_of(v6, opt, &level), r;
    if (!v6 && opt == XSOCK_OPT_MULTICAST_IF)
        r = XSOCK__OS(setsockopt)(s, level, name, ifaddr, (socklen_t)sizeof *ifaddr);
    else if (small_v4(v6, opt)) {
        xsock__mc_small v = (xsock__mc_small)value;
        r = XSOCK__OS(setsockopt)(s, level, name, &v, (socklen_t)sizeof v);
    } else /* IPv6's options are an int (IPV6_MULTICAST_IF an unsigned int): ipv6(7), RFC 3493 */
        r = XSOCK__OS(setsockopt)(s, level, name, &value, (socklen_t)sizeof value);
    return r == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_mcast_get(xsock_t s, int v6, int opt, int *value, struct in_addr *ifaddr)
{
    int level, name = name_of(v6, opt, &level);
    socklen_t len;
    if (!v6 && opt == XSOCK_OPT_MULTICAST_IF) {
        len = (socklen_t)sizeof *ifaddr;
        return XSOCK__OS(getsockopt)(s, level, name, ifaddr, &len) == 0 ? 0 : xsock__sys_error();
    }
    if (small_v4(v6, opt)) {
        xsock__mc_small v = 0;
        len = (socklen_t)sizeof v;
        if (XSOCK__OS(getsockopt)(s, level, name, &v, &len) != 0) return xsock__sys_error();
        *value = (int)v;
        return 0;
    } else {
        int v = 0;
        len = (socklen_t)sizeof v;
        if (XSOCK__OS(getsockopt)(s, level, name, &v, &len) != 0) return xsock__sys_error();
        *value = v;
        return 0;
    }
}

int xsock__sys_mcast(xsock_t s, int level, int name, const void *req, size_t len)
{
    return XSOCK__OS(setsockopt)(s, level, name, req, (socklen_t)len) == 0 ? 0 : xsock__sys_error();
}

#endif /* !_WIN32 */
