/* Name resolution checks and the one-liners of the tutorial flows, built
 * only on the public calls and xsock__sys_resolve. */
#include <string.h>
#include "xsock_internal.h"

#define XSOCK__MAX_TRIES 16

/* 1 when name ends with label (case-insensitive), with or without a final dot. */
static int has_suffix(const char *name, size_t n, const char *label)
{
    size_t m = strlen(label), i;
    if (n > 0 && name[n - 1] == '.') n--;
    if (n < m || (n > m && name[n - m - 1] != '.')) return 0;
    for (i = 0; i < m; i++) {
        char c = name[n - m + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != label[i]) return 0;
    }
    return 1;
}

/* A name no resolver could find fails here, without a lookup: text that is
 * not a host name (RFC 1123, plus ':' '%' for numeric IPv6) or ".invalid",
 * which RFC 6761 says resolvers answer negatively themselves. */
static int check_host(const char *host)
{
    size_t n, i, label = 0;
    if (host == NULL || host[0] == '\0') return xsock__fail(XSOCK_EINVAL, 0);
    n = strlen(host);
    if (n > 253 + 1) return xsock__fail(XSOCK_ENOTFOUND, 0);
    for (i = 0; i < n; i++) {
        char c = host[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == ':' || c == '%';
        if (!ok) return xsock__fail(XSOCK_ENOTFOUND, 0);
        label = (c == '.' || c == ':') ? 0 : label + 1;
        if (label > 63) return xsock__fail(XSOCK_ENOTFOUND, 0);
    }
    if (has_suffix(host, n, "invalid")) return xsock__fail(XSOCK_ENOTFOUND, 0);
    return 0;
}

int xsock_addr_resolve(const char *host, int port, int family_or_0, xsock_addr *out, size_t max)
{
    int af, r;
    if (out == NULL || max == 0 || port < 0 || port > 65535) return xsock__fail(XSOCK_EINVAL, 0);
    if (family_or_0 == 0)
        af = AF_UNSPEC;
    else if (family_or_0 == XSOCK_INET || family_or_0 == XSOCK_INET6)
        af = xsock__af_from_family(family_or_0);
    else
        return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
    if ((r = check_host(host)) < 0) return r;
    if ((r = xsock__sys_startup()) < 0) return r;
    return xsock__sys_resolve(host, af, port, out, max);
}

/* Opens a socket for addr and binds it; v6only < 0 leaves the default. */
static int open_bound(xsock_t *out, const xsock_addr *addr, int type, int v6only)
{
    xsock_t s;
    int r = xsock_open(&s, xsock_addr_family(addr), type);
    if (r < 0) return r;
    if (v6only >= 0) r = xsock_set_option(s, XSOCK_OPT_V6ONLY, v6only);
    if (r >= 0) r = xsock_bind(s, addr);
    if (r < 0) {
        int native = xsock_last_native_error();
        xsock_close(s);
        xsock__set_native_error(native);
        return r;
    }
    *out = s;
    return 0;
}

/* host NULL: dual-stack "::" where the OS has IPv6, else "0.0.0.0". */
static int bind_any(xsock_t *out, int port, int type)
{
    xsock_addr a;
    int r;
    if ((r = xsock_addr_any(&a, XSOCK_INET6, port)) < 0) return r;
    r = open_bound(out, &a, type, 0);
    if (r == XSOCK_EAFNOSUPPORT || r == XSOCK_EADDRNOTAVAIL || r == XSOCK_EINVAL) {
        if ((r = xsock_addr_any(&a, XSOCK_INET, port)) < 0) return r;
        r = open_bound(out, &a, type, -1);
    }
    return r;
}

/* "::" itself (any IPv6 address): the caller asked for every interface. */
static int is_any6(const xsock_addr *a)
{
    static const unsigned char zero[16];
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)a->storage.bytes;
    return xsock_addr_family(a) == XSOCK_INET6 && memcmp(&a6->sin6_addr, zero, sizeof zero) == 0;
}

/* A name that resolves to both families listens on its IPv4 address, tried
 * first: clients dial 127.0.0.1 for "localhost" far more often than ::1,
 * and glibc puts ::1 first whenever the hosts file lists it (RFC 6724
 * sorting), where a v6-only listener refuses every IPv4 client. IPv6 comes
 * after, for names with no usable IPv4 address.
 * An explicit "::" is dual-stack, as host NULL is (Go's net.Listen does
 * the same for a literal unspecified address: favoriteAddrFamily in
 * src/net/ipsock_posix.go); where the OS has no dual-stack sockets
 * (OpenBSD) it stays IPv6 only. */
static int bind_host(xsock_t *out, const char *host, int port, int type)
{
    xsock_addr addrs[XSOCK__MAX_TRIES];
    int n, i, v4, r = XSOCK_ENOTFOUND;
    if (host == NULL) return bind_any(out, port, type);
    n = xsock_addr_resolve(host, port, 0, addrs, XSOCK__MAX_TRIES);
    if (n < 0) return n;
    for (v4 = 1; v4 >= 0; v4--) {
        for (i = 0; i < n; i++) {
            if ((xsock_addr_family(&addrs[i]) == XSOCK_INET) != v4) continue;
            if (is_any6(&addrs[i])) {
                if ((r = open_bound(out, &addrs[i], type, 0)) == 0) return 0;
                /* The port's answer, not the lack of dual-stack sockets:
                 * never fall back to an IPv6-only listener then. */
                if (r == XSOCK_EADDRINUSE || r == XSOCK_EACCES) continue;
            }
            if ((r = open_bound(out, &addrs[i], type, -1)) == 0) return 0;
        }
    }
    return r;
}

int xsock_tcp_listen(xsock_t *out, const char *host, int port, int backlog)
{
    xsock_t s;
    int r;
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    *out = XSOCK_INVALID;
    if (port < 0 || port > 65535) return xsock__fail(XSOCK_EINVAL, 0);
    if ((r = bind_host(&s, host, port, XSOCK_STREAM)) < 0) return r;
    if ((r = xsock_listen(s, backlog)) < 0) {
        int native = xsock_last_native_error();
        xsock_close(s);
        return xsock__fail(r, native);
    }
    *out = s;
    return 0;
}

int xsock_udp_bind(xsock_t *out, const char *host, int port)
{
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    *out = XSOCK_INVALID;
    if (port < 0 || port > 65535) return xsock__fail(XSOCK_EINVAL, 0);
    return bind_host(out, host, port, XSOCK_DGRAM);
}

int xsock_tcp_connect(xsock_t *out, const char *host, int port, int timeout_ms)
{
    xsock_addr addrs[XSOCK__MAX_TRIES];
    int n;
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    *out = XSOCK_INVALID;
    if (port < 0 || port > 65535) return xsock__fail(XSOCK_EINVAL, 0);
    n = xsock_addr_resolve(host, port, 0, addrs, XSOCK__MAX_TRIES);
    if (n < 0) return n;
    /* Racing, not one after another: a dead IPv6 path costs 250 ms, not
     * the whole timeout, before IPv4 is tried (RFC 8305). */
    return xsock_connect_any(out, addrs, (size_t)n, timeout_ms);
}
