/* Byte order: addresses and ports must mean the same numbers on a
 * big-endian CPU (test.sh runs this as an s390x program under qemu) as on
 * x86. xsock's own parser and formatter never call htons/inet_pton (see
 * src/common/addr.c), so every check here holds them against the system's:
 * numbers go through text and back and are compared as numbers, and the
 * sockaddr bytes xsock writes are compared with what inet_pton, htons and
 * htonl give, and with what the kernel reports (getsockname). An xsock_addr
 * holds the native sockaddr in its storage (its "len" field is that
 * sockaddr's length; the backends hand it to bind/connect as is), which is
 * what lets the test look at the bytes and build addresses from the system's
 * own structures. */
#ifdef _WIN32
#  ifndef _WIN32_WINNT
#    define _WIN32_WINNT 0x0601 /* inet_pton: Vista and later */
#  endif
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
typedef SOCKET sys_socket;
#else
#  include <arpa/inet.h>
#  include <netinet/in.h>
#  include <sys/socket.h>
typedef int sys_socket;
#endif
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------- */

static const struct sockaddr_in *as_in(const xsock_addr *a)
{
    return (const struct sockaddr_in *)(const void *)a->storage.bytes;
}

static const struct sockaddr_in6 *as_in6(const xsock_addr *a)
{
    return (const struct sockaddr_in6 *)(const void *)a->storage.bytes;
}

/* An xsock_addr made from a sockaddr the system's own calls filled in. */
static void from_system(xsock_addr *a, const void *sa, size_t len)
{
    memset(a, 0, sizeof *a);
    memcpy(a->storage.bytes, sa, len);
    a->len = (int)len;
}

/* Decimal text to a number: the whole of [s, end) must be digits. */
static unsigned long number(const char *s, const char *end)
{
    unsigned long v = 0;
    if (s == end) XTEST_FAIL("no number in \"%s\"", s);
    for (; s < end; s++) {
        if (*s < '0' || *s > '9') XTEST_FAIL("not a number: \"%s\"", s);
        v = v * 10 + (unsigned long)(*s - '0');
    }
    return v;
}

/* The port of a formatted address: the number after its last ':'. */
static unsigned long text_port(const char *text)
{
    const char *colon = strrchr(text, ':');
    if (colon == NULL) XTEST_FAIL("no port in \"%s\"", text);
    return number(colon + 1, text + strlen(text));
}

/* "a.b.c.d:port" read back as one 32-bit number and a port. */
static void text_v4(const char *text, unsigned long *ip, unsigned long *port)
{
    const char *s = text, *dot;
    int part;
    *ip = 0;
    for (part = 0; part < 4; part++) {
        dot = s;
        while (*dot >= '0' && *dot <= '9') dot++;
        if (*dot != (part < 3 ? '.' : ':')) XTEST_FAIL("\"%s\" is not a.b.c.d:port", text);
        *ip = (*ip << 8) | number(s, dot);
        s = dot + 1;
    }
    *port = number(s, text + strlen(text));
}

/* "[addr%scope]:port": the address bytes as the system's inet_pton reads
 * them, the scope and the port as numbers. */
static void text_v6(const char *text, unsigned char bytes[16], unsigned long *scope,
                    unsigned long *port)
{
    char inner[XSOCK_ADDRSTRLEN];
    const char *close = strchr(text, ']'), *pct;
    size_t n;
    if (text[0] != '[' || close == NULL || close[1] != ':')
        XTEST_FAIL("\"%s\" is not [addr]:port", text);
    pct = memchr(text, '%', (size_t)(close - text));
    n = (size_t)((pct != NULL ? pct : close) - text - 1);
    memcpy(inner, text + 1, n);
    inner[n] = '\0';
    if (inet_pton(AF_INET6, inner, bytes) != 1) XTEST_FAIL("inet_pton rejects \"%s\"", inner);
    *scope = pct != NULL ? number(pct + 1, close) : 0;
    *port = number(close + 2, text + strlen(text));
}

/* The port field as the system reads it: ntohs of the stored value. */
static unsigned long sys_port(const xsock_addr *a)
{
    unsigned short net;
    if (xsock_addr_family(a) == XSOCK_INET)
        memcpy(&net, &as_in(a)->sin_port, sizeof net);
    else
        memcpy(&net, &as_in6(a)->sin6_port, sizeof net);
    return (unsigned long)ntohs(net);
}

/* Numbers that show a swapped or truncated byte: every byte distinct and
 * non-zero, the high bit set and clear, and a pseudo-random run (a fixed
 * seed, so a failure repeats). */
static unsigned long next_random(unsigned long *state)
{
    *state = (*state * 1103515245UL + 12345UL) & 0xffffffffUL;
    return *state;
}

/* ---- ports --------------------------------------------------------------- */

static void check_port(int family, int port)
{
    xsock_addr a, b;
    char text[64], out[XSOCK_ADDRSTRLEN];
    const unsigned char *field;
    unsigned short net = htons((unsigned short)port);
    if (family == XSOCK_INET) {
        struct sockaddr_in sin;
        snprintf(text, sizeof text, "127.0.0.1:%d", port);
        CHECK_OK(xsock_addr_parse(&a, text));
        field = (const unsigned char *)&as_in(&a)->sin_port;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = net;
        CHECK_EQ(inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr), 1);
        from_system(&b, &sin, sizeof sin);
    } else {
        struct sockaddr_in6 sin6;
        snprintf(text, sizeof text, "[::1]:%d", port);
        CHECK_OK(xsock_addr_parse(&a, text));
        field = (const unsigned char *)&as_in6(&a)->sin6_port;
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = net;
        CHECK_EQ(inet_pton(AF_INET6, "::1", &sin6.sin6_addr), 1);
        from_system(&b, &sin6, sizeof sin6);
    }
    /* text -> xsock: the number, and the bytes htons gives (high byte first) */
    CHECK_EQ(xsock_addr_port(&a), port);
    CHECK_EQ(sys_port(&a), port);
    if (memcmp(field, &net, 2) != 0 || field[0] != (unsigned char)(port >> 8) ||
        field[1] != (unsigned char)(port & 0xff))
        XTEST_FAIL("port %d stored as bytes %02x %02x", port, field[0], field[1]);
    /* the system's sockaddr -> xsock -> text -> number */
    CHECK_EQ(xsock_addr_port(&b), port);
    CHECK(xsock_addr_equal(&a, &b));
    CHECK_OK(xsock_addr_format(&b, out, sizeof out));
    CHECK_STR(out, text);
    CHECK_EQ(text_port(out), port);
    /* set_port writes the same bytes as htons */
    CHECK_OK(xsock_addr_set_port(&b, port ^ 0xffff));
    CHECK_EQ(sys_port(&b), port ^ 0xffff);
    CHECK_OK(xsock_addr_set_port(&b, port));
    CHECK(xsock_addr_equal(&a, &b));
}

TEST(port_every_value)
{
    int port;
    for (port = 0; port <= 65535; port++) {
        check_port(XSOCK_INET, port);
        check_port(XSOCK_INET6, port);
    }
}

/* ---- IPv4 addresses as 32-bit numbers ---------------------------------- */

static void check_v4(unsigned long ip, int port)
{
    xsock_addr a, b;
    struct sockaddr_in sin;
    unsigned char pton[4];
    char text[64], out[XSOCK_ADDRSTRLEN];
    unsigned long got_ip, got_port;
    unsigned long stored;

    /* number -> text -> xsock: the bytes inet_pton gives, the number ntohl gives */
    snprintf(text, sizeof text, "%lu.%lu.%lu.%lu:%d", ip >> 24, (ip >> 16) & 0xff,
             (ip >> 8) & 0xff, ip & 0xff, port);
    CHECK_OK(xsock_addr_parse(&a, text));
    *strrchr(text, ':') = '\0';
    CHECK_EQ(inet_pton(AF_INET, text, pton), 1);
    if (memcmp(&as_in(&a)->sin_addr, pton, 4) != 0) XTEST_FAIL("%s: not inet_pton's bytes", text);
    stored = (unsigned long)ntohl(as_in(&a)->sin_addr.s_addr);
    if (stored != ip) XTEST_FAIL("%s stored as 0x%08lx, not 0x%08lx", text, stored, ip);

    /* htonl(number) in the system's sockaddr -> xsock text -> numbers */
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl((unsigned long)ip);
    sin.sin_port = htons((unsigned short)port);
    from_system(&b, &sin, sizeof sin);
    CHECK(xsock_addr_equal(&a, &b));
    CHECK_OK(xsock_addr_format(&b, out, sizeof out));
    text_v4(out, &got_ip, &got_port);
    if (got_ip != ip || got_port != (unsigned long)port)
        XTEST_FAIL("0x%08lx port %d formats as \"%s\"", ip, port, out);
}

TEST(ipv4_as_numbers)
{
    static const unsigned long fixed[] = {
        0x00000000UL, 0xffffffffUL, 0x7f000001UL, 0x01020304UL, 0x04030201UL, 0x80000000UL,
        0x00000080UL, 0xff000000UL, 0x000000ffUL, 0xc0a80001UL, 0x0a000001UL, 0x12345678UL,
        0x80402010UL, 0x7fffffffUL, 0x00ff00ffUL, 0xff00ff00UL};
    unsigned long state = 15, i;
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) check_v4(fixed[i], (int)(i * 4099 % 65536));
    for (i = 0; i < 5000; i++) check_v4(next_random(&state), (int)(next_random(&state) >> 16));
}

/* ---- IPv6 addresses as eight 16-bit numbers --------------------------- */

static void check_v6(const unsigned long words[8], unsigned long scope, int port)
{
    xsock_addr a, b;
    struct sockaddr_in6 sin6;
    unsigned char pton[16], got[16];
    char text[128], addr_text[64], out[XSOCK_ADDRSTRLEN];
    const unsigned char *stored;
    unsigned long got_scope, got_port;
    int i;

    snprintf(addr_text, sizeof addr_text, "%lx:%lx:%lx:%lx:%lx:%lx:%lx:%lx", words[0],
             words[1], words[2], words[3], words[4], words[5], words[6], words[7]);
    if (scope != 0)
        snprintf(text, sizeof text, "[%s%%%lu]:%d", addr_text, scope, port);
    else
        snprintf(text, sizeof text, "[%s]:%d", addr_text, port);
    CHECK_EQ(inet_pton(AF_INET6, addr_text, pton), 1);

    /* words -> text -> xsock: inet_pton's bytes, and each word as a number */
    CHECK_OK(xsock_addr_parse(&a, text));
    stored = (const unsigned char *)&as_in6(&a)->sin6_addr;
    if (memcmp(stored, pton, 16) != 0) XTEST_FAIL("%s: not inet_pton's bytes", text);
    for (i = 0; i < 8; i++)
        if ((unsigned long)(stored[2 * i] << 8 | stored[2 * i + 1]) != words[i])
            XTEST_FAIL("%s: word %d stored as %02x%02x", text, i, stored[2 * i], stored[2 * i + 1]);
    CHECK_EQ(as_in6(&a)->sin6_scope_id, scope);
    CHECK_EQ(sys_port(&a), port);

    /* the system's sockaddr -> xsock text -> inet_pton's bytes and numbers */
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    memcpy(&sin6.sin6_addr, pton, 16);
    sin6.sin6_port = htons((unsigned short)port);
    sin6.sin6_scope_id = scope; /* a host-order number, not a network-order field */
    from_system(&b, &sin6, sizeof sin6);
    CHECK(xsock_addr_equal(&a, &b));
    CHECK_OK(xsock_addr_format(&b, out, sizeof out));
    text_v6(out, got, &got_scope, &got_port);
    if (memcmp(got, pton, 16) != 0 || got_scope != scope || got_port != (unsigned long)port)
        XTEST_FAIL("%s formats as \"%s\"", text, out);
}

TEST(ipv6_as_numbers)
{
    static const unsigned long fixed[][8] = {
        {0, 0, 0, 0, 0, 0, 0, 0},
        {0, 0, 0, 0, 0, 0, 0, 1},
        {0x2001, 0xdb8, 0, 0, 0, 0, 0, 1},
        {0xfe80, 0, 0, 0, 0x1234, 0x5678, 0x9abc, 0xdef0},
        {1, 2, 3, 4, 5, 6, 7, 8},
        {0xffff, 0xfffe, 0xfdfc, 0, 0, 0, 0, 0},
        {0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201}, /* ::ffff:192.0.2.1, formatted dotted */
        {0x0102, 0x0304, 0x0506, 0x0708, 0x090a, 0x0b0c, 0x0d0e, 0x0f10},
        {0x8000, 0, 0, 0x80, 0x8000, 0, 0, 0x80}};
    unsigned long state = 6, words[8], i;
    int j;
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_v6(fixed[i], i % 3 == 0 ? 0 : i * 0x01010101UL, (int)(i * 7919 % 65536));
    for (i = 0; i < 3000; i++) {
        for (j = 0; j < 8; j++) {
            words[j] = next_random(&state) >> 16;
            if ((words[j] & 3) == 0) words[j] = 0; /* runs of zero words: "::" */
        }
        check_v6(words, i % 2 ? next_random(&state) : 0, (int)(next_random(&state) >> 16));
    }
}

/* sin6_scope_id is the interface index as a plain number (RFC 3493), never
 * in network byte order: 258 is 0x0102, which a swap would turn into 513
 * or 33619968. */
TEST(scope_id_is_a_plain_number)
{
    xsock_addr a, b;
    struct sockaddr_in6 sin6;
    char out[XSOCK_ADDRSTRLEN];
    CHECK_OK(xsock_addr_parse(&a, "[fe80::1%258]:80"));
    CHECK_EQ(as_in6(&a)->sin6_scope_id, 258);
    CHECK_OK(xsock_addr_parse(&a, "fe80::2%7"));
    CHECK_EQ(as_in6(&a)->sin6_scope_id, 7);
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    CHECK_EQ(inet_pton(AF_INET6, "fe80::3", &sin6.sin6_addr), 1);
    sin6.sin6_scope_id = 0x01020304UL;
    sin6.sin6_port = htons(0x1234);
    from_system(&b, &sin6, sizeof sin6);
    CHECK_OK(xsock_addr_format(&b, out, sizeof out));
    CHECK_STR(out, "[fe80::3%16909060]:4660");
}

/* ---- what the kernel says ------------------------------------------------ */

/* The kernel's view of a socket's own address, through the system's call. */
static void sys_local(xsock_t s, xsock_addr *out)
{
    socklen_t len = (socklen_t)sizeof out->storage;
    memset(out, 0, sizeof *out);
    if (getsockname((sys_socket)s, (struct sockaddr *)(void *)out->storage.bytes, &len) != 0)
        XTEST_FAIL("getsockname failed");
    out->len = (int)len;
}

/* Two UDP sockets on loopback port 0: the port numbers xsock reports are
 * the ones the kernel gives, a datagram sent to an address parsed from the
 * port's decimal text arrives, and its sender's port reads as the number
 * the kernel gave the sender. */
static void kernel_agrees(int family)
{
    xsock_t rx, tx;
    xsock_addr any, rx_sys, rx_x, tx_sys, to, from;
    char text[64], out[XSOCK_ADDRSTRLEN], buf[8];
    unsigned long rx_port, tx_port;

    CHECK_OK(xsock_addr_loopback(&any, family, 0));
    CHECK_OK(xsock_open(&rx, family, XSOCK_DGRAM));
    CHECK_OK(xsock_open(&tx, family, XSOCK_DGRAM));
    CHECK_OK(xsock_bind(rx, &any));
    CHECK_OK(xsock_bind(tx, &any));
    CHECK_OK(xsock_set_option(rx, XSOCK_OPT_RCVTIMEO, 10000));

    sys_local(rx, &rx_sys);
    rx_port = sys_port(&rx_sys);
    CHECK(rx_port != 0);
    CHECK_OK(xsock_local_addr(rx, &rx_x));
    CHECK_EQ(xsock_addr_port(&rx_x), rx_port);
    CHECK(xsock_addr_equal(&rx_x, &rx_sys));

    if (family == XSOCK_INET)
        snprintf(text, sizeof text, "127.0.0.1:%lu", rx_port);
    else
        snprintf(text, sizeof text, "[::1]:%lu", rx_port);
    CHECK_OK(xsock_addr_parse(&to, text));
    CHECK_EQ(xsock_sendto(tx, "bo", 2, &to), 2);
    CHECK_EQ(xsock_recvfrom(rx, buf, sizeof buf, &from), 2);
    CHECK(memcmp(buf, "bo", 2) == 0);

    sys_local(tx, &tx_sys);
    tx_port = sys_port(&tx_sys);
    CHECK_EQ(xsock_addr_port(&from), tx_port);
    CHECK(xsock_addr_equal(&from, &tx_sys));
    CHECK_OK(xsock_addr_format(&from, out, sizeof out));
    CHECK_EQ(text_port(out), tx_port);
    CHECK_OK(xsock_close(rx));
    CHECK_OK(xsock_close(tx));
}

TEST(kernel_agrees_v4) { kernel_agrees(XSOCK_INET); }
TEST(kernel_agrees_v6) { kernel_agrees(XSOCK_INET6); }

XTEST_MAIN(XTEST(port_every_value) XTEST(ipv4_as_numbers) XTEST(ipv6_as_numbers)
           XTEST(scope_id_is_a_plain_number) XTEST(kernel_agrees_v4) XTEST(kernel_agrees_v6))
