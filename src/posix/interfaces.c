/* POSIX interfaces (getifaddrs) and scope names (if_nametoindex). */
#include "posix/posix.h"
#ifndef _WIN32

#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

/* Set bits of a netmask of n bytes. */
static int prefix_of(const unsigned char *mask, size_t n)
{
    int bits = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char b = mask[i];
        while (b) {
            bits += b & 1;
            b >>= 1;
        }
    }
    return bits;
}

int xsock__sys_interfaces(xsock_interface *out, size_t max)
{
    struct ifaddrs *all, *ifa;
    size_t k = 0;
    if (getifaddrs(&all) != 0) return xsock__sys_error();
    for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
        xsock_interface *e;
        int af;
        size_t len;
        if (ifa->ifa_addr == NULL) continue;
        af = ifa->ifa_addr->sa_family;
        if (af != AF_INET && af != AF_INET6) continue; /* AF_PACKET, AF_LINK */
        if (k >= (size_t)INT_MAX) break;
        if (k++ >= max) continue; /* counted, not stored */
        e = &out[k - 1];
        memset(e, 0, sizeof *e);
        strncpy(e->name, ifa->ifa_name, sizeof e->name - 1);
        e->index = if_nametoindex(ifa->ifa_name);
        len = af == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        memcpy(e->addr.storage.bytes, ifa->ifa_addr, len);
        e->addr.len = (int)len;
        xsock_addr_set_port(&e->addr, 0);
        if (ifa->ifa_netmask != NULL) {
            if (af == AF_INET)
                e->prefix_len = prefix_of((const unsigned char *)&((const struct sockaddr_in *)(const void *)ifa->ifa_netmask)->sin_addr, 4);
            else
                e->prefix_len = prefix_of((const unsigned char *)&((const struct sockaddr_in6 *)(const void *)ifa->ifa_netmask)->sin6_addr, 16);
        }
        if (ifa->ifa_flags & IFF_UP) e->flags |= XSOCK_IF_UP;
        if (ifa->ifa_flags & IFF_LOOPBACK) e->flags |= XSOCK_IF_LOOPBACK;
        if (ifa->ifa_flags & IFF_MULTICAST) e->flags |= XSOCK_IF_MULTICAST;
    }
    freeifaddrs(all);
    return (int)k;
}

unsigned long xsock__sys_scope_index(const char *name)
{
    return if_nametoindex(name);
}

int xsock__sys_scope_name(unsigned long index, char *buf, size_t cap)
{
    char name[IF_NAMESIZE];
    size_t n;
    if (index == 0 || index > 0xffffffffUL || if_indextoname((unsigned)index, name) == NULL) return -1;
    n = strlen(name);
    if (n >= cap) return -1;
    memcpy(buf, name, n + 1);
    return (int)n;
}

#endif /* _WIN32 */
