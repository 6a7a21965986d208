/* Windows multicast: membership and the hop/loop/interface options. */
#include "win32/win32.h"
#ifdef _WIN32

#include <string.h>

/* The IPPROTO_IP / IPPROTO_IPV6 option numbers come from ws2ipdef.h
 * (through ws2tcpip.h): IP_ADD_MEMBERSHIP is 12 there and 5 in the old
 * winsock.h (Winsock 1.1), whose numbers Winsock 2 reads as other options
 * (Microsoft's "IPPROTO_IP socket options" lists the ws2ipdef.h values).
 * Fail the build if a header ever gave the old ones. */
#define XSOCK__WS2IPDEF(name, value) typedef char xsock__check_##name[(name) == (value) ? 1 : -1]
XSOCK__WS2IPDEF(IP_TTL, 4);
XSOCK__WS2IPDEF(IP_MULTICAST_IF, 9);
XSOCK__WS2IPDEF(IP_MULTICAST_TTL, 10);
XSOCK__WS2IPDEF(IP_MULTICAST_LOOP, 11);
XSOCK__WS2IPDEF(IP_ADD_MEMBERSHIP, 12);
XSOCK__WS2IPDEF(IP_DROP_MEMBERSHIP, 13);
XSOCK__WS2IPDEF(IP_ADD_SOURCE_MEMBERSHIP, 15);
XSOCK__WS2IPDEF(IP_DROP_SOURCE_MEMBERSHIP, 16);
XSOCK__WS2IPDEF(IPV6_UNICAST_HOPS, 4);
XSOCK__WS2IPDEF(IPV6_MULTICAST_IF, 9);
XSOCK__WS2IPDEF(IPV6_MULTICAST_HOPS, 10);
XSOCK__WS2IPDEF(IPV6_MULTICAST_LOOP, 11);
XSOCK__WS2IPDEF(IPV6_ADD_MEMBERSHIP, 12);
XSOCK__WS2IPDEF(IPV6_DROP_MEMBERSHIP, 13);
XSOCK__WS2IPDEF(MCAST_JOIN_SOURCE_GROUP, 45);
XSOCK__WS2IPDEF(MCAST_LEAVE_SOURCE_GROUP, 46);

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

/* Every one of these is a DWORD on Windows (IP_MULTICAST_IF an IN_ADDR,
 * also four bytes): "IPPROTO_IP socket options", "IPPROTO_IPV6 socket
 * options" (Microsoft). */
int xsock__sys_mcast_set(xsock_t s, int v6, int opt, int value, const struct in_addr *ifaddr)
{
    int level, name = name_of(v6, opt, &level), r;
    if (!v6 && opt == XSOCK_OPT_MULTICAST_IF)
        r = XSOCK__OS(setsockopt)(XSOCK__S(s), level, name, (const char *)ifaddr, (int)sizeof *ifaddr);
    else {
        DWORD v = (DWORD)value; /* the caller checked value >= 0 */
        r = XSOCK__OS(setsockopt)(XSOCK__S(s), level, name, (const char *)&v, (int)sizeof v);
    }
    return r == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_mcast_get(xsock_t s, int v6, int opt, int *value, struct in_addr *ifaddr)
{
    int level, name = name_of(v6, opt, &level), len;
    DWORD v = 0; /* some come back narrower than asked: start from zero */
    if (!v6 && opt == XSOCK_OPT_MULTICAST_IF) {
        len = (int)sizeof *ifaddr;
        return XSOCK__OS(getsockopt)(XSOCK__S(s), level, name, (char *)ifaddr, &len) == 0 ? 0
                                                                                        : xsock__sys_error();
    }
    len = (int)sizeof v;
    if (XSOCK__OS(getsockopt)(XSOCK__S(s), level, name, (char *)&v, &len) != 0) return xsock__sys_error();
    if (opt == XSOCK_OPT_MULTICAST_LOOP)
        *value = v != 0;
    else
        *value = v > (DWORD)INT_MAX ? INT_MAX : (int)v;
    return 0;
}

int xsock__sys_mcast(xsock_t s, int level, int name, const void *req, size_t len)
{
    return XSOCK__OS(setsockopt)(XSOCK__S(s), level, name, (const char *)req, (int)len) == 0 ? 0
                                                                                           : xsock__sys_error();
}

#endif /* _WIN32 */
