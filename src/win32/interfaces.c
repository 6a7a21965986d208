/* Windows interfaces (GetAdaptersAddresses) and scope names
 * (if_nametoindex / if_indextoname, iphlpapi). */
#include "win32/win32.h"
#ifdef _WIN32

#include <string.h>
#include <iphlpapi.h>
#include <netioapi.h>

/* 15 KB first, as "GetAdaptersAddresses function" (Microsoft docs)
 * advises; the size it asks for after that, a few times at most (the list
 * can grow between two calls). */
static IP_ADAPTER_ADDRESSES *adapters(ULONG *err)
{
    ULONG size = 15000, flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    int tries;
    for (tries = 0; tries < 4; tries++) {
        IP_ADAPTER_ADDRESSES *list = (IP_ADAPTER_ADDRESSES *)XSOCK__OS(malloc)(size);
        if (list == NULL) {
            *err = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
        *err = GetAdaptersAddresses(AF_UNSPEC, flags, NULL, list, &size);
        if (*err == NO_ERROR) return list;
        XSOCK__OS(free)(list);
        if (*err != ERROR_BUFFER_OVERFLOW) return NULL;
    }
    return NULL;
}

int xsock__sys_interfaces(xsock_interface *out, size_t max)
{
    IP_ADAPTER_ADDRESSES *list, *a;
    ULONG err = 0;
    size_t k = 0;
    if ((list = adapters(&err)) == NULL) {
        if (err == ERROR_NO_DATA) return 0; /* no adapters at all */
        return xsock__fail(err == ERROR_NOT_ENOUGH_MEMORY ? XSOCK_ENOMEM : XSOCK_EUNKNOWN, (int)err);
    }
    for (a = list; a != NULL; a = a->Next) {
        IP_ADAPTER_UNICAST_ADDRESS *u;
        for (u = a->FirstUnicastAddress; u != NULL; u = u->Next) {
            xsock_interface *e;
            int af = u->Address.lpSockaddr != NULL ? u->Address.lpSockaddr->sa_family : 0;
            if (af != AF_INET && af != AF_INET6) continue;
            if (u->Address.iSockaddrLength <= 0 || (size_t)u->Address.iSockaddrLength > sizeof e->addr.storage)
                continue;
            if (k >= (size_t)INT_MAX) break;
            if (k++ >= max) continue; /* counted, not stored */
            e = &out[k - 1];
            memset(e, 0, sizeof *e);
            memcpy(e->addr.storage.bytes, u->Address.lpSockaddr, (size_t)u->Address.iSockaddrLength);
            e->addr.len = u->Address.iSockaddrLength;
            e->index = af == AF_INET6 ? a->Ipv6IfIndex : a->IfIndex;
            /* Each is "zero if IPv4 [IPv6] is not available on the
             * interface" ("IP_ADAPTER_ADDRESSES_LH", Microsoft docs), which
             * Wine 8 says of IPv6 while listing IPv6 addresses: the LUID
             * names the interface all the same. */
            if (e->index == 0) {
                NET_IFINDEX idx = 0;
                if (ConvertInterfaceLuidToIndex(&a->Luid, &idx) == NO_ERROR) e->index = idx;
            }
            if (e->index == 0) e->index = af == AF_INET6 ? a->IfIndex : a->Ipv6IfIndex;
            /* The name if_nametoindex takes back ("ethernet_32768"), not
             * the GUID of AdapterName nor the localized FriendlyName. */
            if (ConvertInterfaceLuidToNameA(&a->Luid, e->name, sizeof e->name) != NO_ERROR)
                e->name[0] = '\0';
            e->prefix_len = u->OnLinkPrefixLength;
            if (a->OperStatus == IfOperStatusUp) e->flags |= XSOCK_IF_UP;
            if (a->IfType == IF_TYPE_SOFTWARE_LOOPBACK) e->flags |= XSOCK_IF_LOOPBACK;
            if (!(a->Flags & IP_ADAPTER_NO_MULTICAST)) e->flags |= XSOCK_IF_MULTICAST;
        }
    }
    XSOCK__OS(free)(list);
    return (int)k;
}

unsigned long xsock__sys_scope_index(const char *name)
{
    return if_nametoindex(name);
}

int xsock__sys_scope_name(unsigned long index, char *buf, size_t cap)
{
    char name[IF_MAX_STRING_SIZE + 1];
    size_t n;
    if (index == 0 || index > 0xffffffffUL || if_indextoname((NET_IFINDEX)index, name) == NULL) return -1;
    n = strlen(name);
    if (n >= cap) return -1;
    memcpy(buf, name, n + 1);
    return (int)n;
}

#endif /* _WIN32 */
