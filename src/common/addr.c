/* Address values and their text, written once for both backends: a strict
 * numeric parser and an RFC 5952 formatter (no inet_pton/inet_ntop, whose
 * leniency and availability differ between OSes). */
#include <stddef.h>
#include <string.h>
#include "xsock_internal.h"

int xsock__af_from_family(int family)
{
    switch (family) {
    case XSOCK_INET: return AF_INET;
    case XSOCK_INET6: return AF_INET6;
    case XSOCK_UNIX: return AF_UNIX;
    default: return -1;
    }
}

int xsock__family_from_af(int af)
{
    switch (af) {
    case AF_INET: return XSOCK_INET;
    case AF_INET6: return XSOCK_INET6;
    case AF_UNIX: return XSOCK_UNIX;
    default: return XSOCK_EAFNOSUPPORT;
    }
}

int xsock__addr_check(const xsock_addr *addr)
{
    int af;
    if (addr == NULL || addr->len <= 0 || addr->len > (int)sizeof addr->storage)
        return xsock__fail(XSOCK_EINVAL, 0);
    af = XSOCK__CSA(addr)->sa_family;
    if ((af == AF_INET && addr->len >= (int)sizeof(struct sockaddr_in)) ||
        (af == AF_INET6 && addr->len >= (int)sizeof(struct sockaddr_in6)) ||
        (af == AF_UNIX && addr->len >= (int)offsetof(struct xsock__sockaddr_un, sun_path)))
        return 0;
    if (af != AF_INET && af != AF_INET6 && af != AF_UNIX)
        return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
    return xsock__fail(XSOCK_EINVAL, 0);
}

/* Ports are stored big-endian; byte access needs no htons (and no ws2_32). */
static void put_port(unsigned char *p, int port)
{
    p[0] = (unsigned char)(port >> 8);
    p[1] = (unsigned char)(port & 0xff);
}

static int get_port(const unsigned char *p)
{
    return (p[0] << 8) | p[1];
}

static int set_inet(xsock_addr *out, const unsigned char ip[4], int port)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)(void *)out->storage.bytes;
    memset(out, 0, sizeof *out);
    sin->sin_family = AF_INET;
    memcpy(&sin->sin_addr, ip, 4);
    put_port((unsigned char *)&sin->sin_port, port);
    out->len = (int)sizeof *sin;
    return 0;
}

static int set_inet6(xsock_addr *out, const unsigned char ip[16], int port, unsigned long scope)
{
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)out->storage.bytes;
    memset(out, 0, sizeof *out);
    sin6->sin6_family = AF_INET6;
    memcpy(&sin6->sin6_addr, ip, 16);
    put_port((unsigned char *)&sin6->sin6_port, port);
    sin6->sin6_scope_id = (unsigned)scope;
    out->len = (int)sizeof *sin6;
    return 0;
}

/* ---- parsing ---------------------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Dotted quad, exactly four decimal parts, no leading zeros (they mean
 * octal to some parsers and decimal to others). */
static int parse_v4(const char *s, size_t n, unsigned char out[4])
{
    size_t i = 0;
    int part;
    for (part = 0; part < 4; part++) {
        unsigned v = 0;
        size_t start = i;
        if (part > 0) {
            if (i >= n || s[i] != '.') return -1;
            start = ++i;
        }
        while (i < n && is_digit(s[i]) && i - start < 3) v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1)) return -1;
        out[part] = (unsigned char)v;
    }
    return i == n ? 0 : -1;
}

static int parse_v6(const char *s, size_t n, unsigned char out[16])
{
    unsigned char words[16];
    int count = 0, gap = -1; /* gap: word index where "::" stands */
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (n >= 1 && s[0] == ':') {
        return -1;
    }
    while (i < n) {
        size_t start = i;
        unsigned v = 0;
        int digits = 0;
        if (count >= 8) return -1;
        while (i < n && hex_value(s[i]) >= 0 && digits < 5) {
            v = (v << 4) | (unsigned)hex_value(s[i++]);
            digits++;
        }
        if (i < n && s[i] == '.') { /* trailing IPv4 part */
            if (count > 6) return -1;
            if (parse_v4(s + start, n - start, words + 2 * count) != 0) return -1;
            count += 2;
            i = n;
            break;
        }
        if (digits == 0 || digits > 4) return -1;
        words[2 * count] = (unsigned char)(v >> 8);
        words[2 * count + 1] = (unsigned char)(v & 0xff);
        count++;
        if (i == n) break;
        if (s[i] != ':') return -1;
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0) return -1;
            gap = count;
            i++;
        } else if (i == n) {
            return -1; /* trailing single ':' */
        }
    }
    if (gap < 0) {
        if (count != 8) return -1;
        memcpy(out, words, 16);
        return 0;
    }
    if (count > 7) return -1;
    memset(out, 0, 16);
    memcpy(out, words, (size_t)gap * 2);
    memcpy(out + 16 - (size_t)(count - gap) * 2, words + gap * 2, (size_t)(count - gap) * 2);
    return 0;
}

/* Decimal digits only, 0..max. */
static int parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    size_t i;
    if (n == 0 || n > 10) return -1;
    for (i = 0; i < n; i++) {
        unsigned long d;
        if (!is_digit(s[i])) return -1;
        d = (unsigned long)(s[i] - '0');
        /* Checked before the step: where unsigned long is 32 bits (Win64
         * too), ten digits would wrap past max and come back small. */
        if (v > (max - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* An IPv6 scope: a number, or an interface name (if_nametoindex). */
static int parse_scope(const char *s, size_t n, unsigned long *out)
{
    char name[XSOCK_IFNAMESIZE];
    if (parse_uint(s, n, 0xffffffffUL, out) == 0) return 0;
    if (n == 0 || n >= sizeof name || memchr(s, '\0', n) != NULL) return -1;
    memcpy(name, s, n);
    name[n] = '\0';
    *out = xsock__sys_scope_index(name);
    return *out != 0 ? 0 : -1;
}

int xsock_addr_parse(xsock_addr *out, const char *text)
{
    unsigned char ip[16];
    unsigned long port = 0, scope = 0;
    size_t n;
    const char *colon, *close, *pct;
    if (out == NULL || text == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    n = strlen(text);
    if (text[0] == '[') {
        close = strchr(text, ']');
        if (close == NULL) return xsock__fail(XSOCK_EINVAL, 0);
        if (close[1] != '\0' &&
            (close[1] != ':' || parse_uint(close + 2, strlen(close + 2), 65535, &port) != 0))
            return xsock__fail(XSOCK_EINVAL, 0);
        pct = memchr(text + 1, '%', (size_t)(close - text - 1));
        if (pct != NULL &&
            parse_scope(pct + 1, (size_t)(close - pct - 1), &scope) != 0)
            return xsock__fail(XSOCK_EINVAL, 0);
        if (parse_v6(text + 1, (size_t)((pct ? pct : close) - text - 1), ip) != 0)
            return xsock__fail(XSOCK_EINVAL, 0);
        return set_inet6(out, ip, (int)port, scope);
    }
    colon = strchr(text, ':');
    if (colon != NULL && strchr(colon + 1, ':') != NULL) { /* bare IPv6, no port */
        pct = strchr(text, '%');
        if (pct != NULL && parse_scope(pct + 1, strlen(pct + 1), &scope) != 0)
            return xsock__fail(XSOCK_EINVAL, 0);
        if (parse_v6(text, pct ? (size_t)(pct - text) : n, ip) != 0)
            return xsock__fail(XSOCK_EINVAL, 0);
        return set_inet6(out, ip, 0, scope);
    }
    if (colon != NULL && parse_uint(colon + 1, strlen(colon + 1), 65535, &port) != 0)
        return xsock__fail(XSOCK_EINVAL, 0);
    if (parse_v4(text, colon ? (size_t)(colon - text) : n, ip) != 0)
        return xsock__fail(XSOCK_EINVAL, 0);
    return set_inet(out, ip, (int)port);
}

/* ---- formatting ---------------------------------------------------------- */

static size_t fmt_uint(char *p, unsigned long v)
{
    char tmp[12];
    size_t n = 0, i;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
    return n;
}

static size_t fmt_v4(char *p, const unsigned char ip[4])
{
    size_t n = 0;
    int i;
    for (i = 0; i < 4; i++) {
        if (i > 0) p[n++] = '.';
        n += fmt_uint(p + n, ip[i]);
    }
    return n;
}

/* RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero
 * words as "::" (the first on a tie), IPv4-mapped addresses dotted. */
static size_t fmt_v6(char *p, const unsigned char ip[16])
{
    static const char hex[] = "0123456789abcdef";
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    unsigned w[8];
    int i, best = -1, best_len = 1, run = 0;
    size_t n = 0;
    for (i = 0; i < 8; i++) w[i] = (unsigned)(ip[2 * i] << 8 | ip[2 * i + 1]);
    for (i = 0; i < 8; i++) {
        run = w[i] == 0 ? run + 1 : 0;
        if (run > best_len) {
            best_len = run;
            best = i - run + 1;
        }
    }
    if (memcmp(ip, mapped, 12) == 0) {
        memcpy(p, "::ffff:", 7);
        return 7 + fmt_v4(p + 7, ip + 12);
    }
    for (i = 0; i < 8; i++) {
        int shift, started = 0;
        if (i == best) {
            p[n++] = ':';
            if (i == 0) p[n++] = ':';
            i += best_len - 1;
            continue;
        }
        for (shift = 12; shift >= 0; shift -= 4) {
            unsigned d = (w[i] >> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                p[n++] = hex[d];
                started = 1;
            }
        }
        if (i < 7) p[n++] = ':';
    }
    return n;
}

int xsock_addr_format(const xsock_addr *addr, char *buf, size_t cap)
{
    char tmp[XSOCK_ADDRSTRLEN + 16];
    size_t n = 0;
    int af, r;
    if (buf == NULL || cap == 0) return xsock__fail(XSOCK_EINVAL, 0);
    buf[0] = '\0';
    if ((r = xsock__addr_check(addr)) < 0) return r;
    af = XSOCK__CSA(addr)->sa_family;
    if (af == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)addr->storage.bytes;
        n = fmt_v4(tmp, (const unsigned char *)&sin->sin_addr);
        tmp[n++] = ':';
        n += fmt_uint(tmp + n, (unsigned long)get_port((const unsigned char *)&sin->sin_port));
    } else if (af == AF_INET6) {
        const struct sockaddr_in6 *sin6 =
            (const struct sockaddr_in6 *)(const void *)addr->storage.bytes;
        tmp[n++] = '[';
        n += fmt_v6(tmp + n, (const unsigned char *)&sin6->sin6_addr);
        if (sin6->sin6_scope_id != 0) {
            /* The interface's name where the OS knows one and it fits
             * (with "]:65535" after it) in XSOCK_ADDRSTRLEN, else its number. */
            int named;
            tmp[n++] = '%';
            named = xsock__sys_scope_name((unsigned long)sin6->sin6_scope_id, tmp + n,
                                          XSOCK_ADDRSTRLEN - 8 - n);
            n += named > 0 ? (size_t)named : fmt_uint(tmp + n, (unsigned long)sin6->sin6_scope_id);
        }
        tmp[n++] = ']';
        tmp[n++] = ':';
        n += fmt_uint(tmp + n, (unsigned long)get_port((const unsigned char *)&sin6->sin6_port));
    } else { /* AF_UNIX: the path; Linux's abstract names start with '@' */
        const struct xsock__sockaddr_un *sun =
            (const struct xsock__sockaddr_un *)(const void *)addr->storage.bytes;
        size_t max = (size_t)addr->len - offsetof(struct xsock__sockaddr_un, sun_path), i;
        if (max > sizeof sun->sun_path) max = sizeof sun->sun_path;
        for (i = 0; i < max; i++) {
            char c = sun->sun_path[i];
            if (c == '\0' && i > 0) break;
            tmp[n++] = (c == '\0') ? '@' : c;
        }
    }
    if (n + 1 > cap) return xsock__fail(XSOCK_ENOBUFS, 0);
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return (int)n;
}

/* ---- constructors and accessors -------------------------------------------- */

static int check_port(int port)
{
    return (port < 0 || port > 65535) ? xsock__fail(XSOCK_EINVAL, 0) : 0;
}

int xsock_addr_any(xsock_addr *out, int family, int port)
{
    static const unsigned char zero[16] = {0};
    if (out == NULL || check_port(port) < 0) return xsock__fail(XSOCK_EINVAL, 0);
    if (family == XSOCK_INET) return set_inet(out, zero, port);
    if (family == XSOCK_INET6) return set_inet6(out, zero, port, 0);
    return xsock__fail(family == XSOCK_UNIX ? XSOCK_EAFNOSUPPORT : XSOCK_EINVAL, 0);
}

int xsock_addr_loopback(xsock_addr *out, int family, int port)
{
    static const unsigned char v4[4] = {127, 0, 0, 1};
    static const unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (out == NULL || check_port(port) < 0) return xsock__fail(XSOCK_EINVAL, 0);
    if (family == XSOCK_INET) return set_inet(out, v4, port);
    if (family == XSOCK_INET6) return set_inet6(out, v6, port, 0);
    return xsock__fail(family == XSOCK_UNIX ? XSOCK_EAFNOSUPPORT : XSOCK_EINVAL, 0);
}

int xsock_addr_unix(xsock_addr *out, const char *path)
{
    struct xsock__sockaddr_un *sun;
    size_t n;
    if (out == NULL || path == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    n = strlen(path);
    if (n == 0 || n >= XSOCK__UNIX_PATH_MAX) return xsock__fail(XSOCK_EINVAL, 0);
    memset(out, 0, sizeof *out);
    sun = (struct xsock__sockaddr_un *)(void *)out->storage.bytes;
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, n + 1);
    out->len = (int)(offsetof(struct xsock__sockaddr_un, sun_path) + n + 1);
    return 0;
}

int xsock_addr_family(const xsock_addr *addr)
{
    int r = xsock__addr_check(addr);
    return r < 0 ? r : xsock__family_from_af(XSOCK__CSA(addr)->sa_family);
}

/* Where the port lives, or NULL for a family without ports. */
static unsigned char *port_bytes(const xsock_addr *addr)
{
    const struct sockaddr *sa = XSOCK__CSA(addr);
    if (sa->sa_family == AF_INET)
        return (unsigned char *)&((struct sockaddr_in *)(void *)(addr->storage.bytes))->sin_port;
    if (sa->sa_family == AF_INET6)
        return (unsigned char *)&((struct sockaddr_in6 *)(void *)(addr->storage.bytes))->sin6_port;
    return NULL;
}

int xsock_addr_port(const xsock_addr *addr)
{
    unsigned char *p;
    int r = xsock__addr_check(addr);
    if (r < 0) return r;
    p = port_bytes(addr);
    return p ? get_port(p) : xsock__fail(XSOCK_EAFNOSUPPORT, 0);
}

int xsock_addr_set_port(xsock_addr *addr, int port)
{
    unsigned char *p;
    int r = xsock__addr_check(addr);
    if (r < 0) return r;
    if (check_port(port) < 0) return XSOCK_EINVAL;
    p = port_bytes(addr);
    if (p == NULL) return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
    put_port(p, port);
    return 0;
}

int xsock_addr_equal(const xsock_addr *a, const xsock_addr *b)
{
    int af;
    if (a == NULL || b == NULL || xsock__addr_check(a) < 0 || xsock__addr_check(b) < 0)
        return 0;
    af = XSOCK__CSA(a)->sa_family;
    if (af != XSOCK__CSA(b)->sa_family) return 0;
    if (af == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)(const void *)a->storage.bytes;
        const struct sockaddr_in *y = (const struct sockaddr_in *)(const void *)b->storage.bytes;
        return x->sin_port == y->sin_port && memcmp(&x->sin_addr, &y->sin_addr, 4) == 0;
    }
    if (af == AF_INET6) {
        const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)(const void *)a->storage.bytes;
        const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)(const void *)b->storage.bytes;
        return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
               memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
    }
    return a->len == b->len && memcmp(a->storage.bytes, b->storage.bytes, (size_t)a->len) == 0;
}
