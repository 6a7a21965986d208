/*
 * A fake of the internal platform interface (src/xsock_internal.h) for the
 * fuzz targets: src/common runs unchanged on top of it, but nothing touches
 * the OS. Above all xsock__sys_resolve is a stub, so a fuzzed host name can
 * never reach getaddrinfo and the off-machine DNS server; instead the stub
 * checks what the common layer let through and answers from the name alone.
 *
 * The fake network, deterministic so a saved input replays the same way:
 * sockets open; a bind to a port with port % 5 == 1 is XSOCK_EADDRINUSE,
 * and of an IPv6 address to a port with port % 5 == 2 XSOCK_EAFNOSUPPORT (a
 * host without IPv6); a connect succeeds when port % 3 == 0, else it is
 * XSOCK_ECONNREFUSED; a recv gets the next piece of the stream set by
 * fuzz_fake_set_stream; every other call is XSOCK_ENOTSUP. Parts of the
 * interface no target reaches are left out: the targets link a static
 * archive, which pulls in only what is used. The poller is in because
 * xsock_close asks it to forget the socket; no target makes one, so its
 * calls only refuse.
 */
#include "xsock_internal.h"
#include "fuzz.h"

#define FAKE_MAX 64

static unsigned char fake_open[FAKE_MAX]; /* handle i + 1 is open */
static int fake_count;

int fuzz_fake_open_sockets(void)
{
    return fake_count;
}

int fuzz_fake_is_open(xsock_t s)
{
    return s >= 1 && s <= FAKE_MAX && fake_open[s - 1];
}

/* Only the fuzz targets call in; a call with anything else is a bug in
 * src/common (a handle it never opened, or one it closed already). */
static void check_handle(xsock_t s)
{
    FUZZ_CHECK(fuzz_fake_is_open(s));
}

int xsock__sys_startup(void) { return 0; }
int xsock__sys_init(void) { return 0; }
void xsock__sys_cleanup(void) {}
int xsock__sys_error(void) { return xsock__fail(XSOCK_EUNKNOWN, 0); }
int xsock__sys_map_error(int native) { return native == 0 ? 0 : XSOCK_EUNKNOWN; }

int xsock__sys_open(xsock_t *out, int af, int type)
{
    int i;
    FUZZ_CHECK(af == AF_INET || af == AF_INET6 || af == AF_UNIX);
    FUZZ_CHECK(type == XSOCK_STREAM || type == XSOCK_DGRAM);
    for (i = 0; i < FAKE_MAX; i++) {
        if (!fake_open[i]) {
            fake_open[i] = 1;
            fake_count++;
            *out = (xsock_t)(i + 1);
            return 0;
        }
    }
    return xsock__fail(XSOCK_EMFILE, 0);
}

int xsock__sys_close(xsock_t s)
{
    check_handle(s);
    fake_open[s - 1] = 0;
    fake_count--;
    return 0;
}

static int fake_port(const xsock_addr *addr)
{
    int port = xsock_addr_port(addr);
    FUZZ_CHECK(port >= 0 && port <= 65535);
    return port;
}

int xsock__sys_bind(xsock_t s, const xsock_addr *addr)
{
    int port = fake_port(addr);
    check_handle(s);
    if (port % 5 == 1) return xsock__fail(XSOCK_EADDRINUSE, 0);
    if (port % 5 == 2 && xsock_addr_family(addr) == XSOCK_INET6)
        return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
    return 0;
}

int xsock__sys_listen(xsock_t s, int backlog)
{
    (void)backlog;
    check_handle(s);
    return 0;
}

int xsock__sys_connect(xsock_t s, const xsock_addr *addr)
{
    check_handle(s);
    return fake_port(addr) % 3 == 0 ? 0 : xsock__fail(XSOCK_ECONNREFUSED, 0);
}

#ifndef _WIN32
int xsock__sys_connect_again(xsock_t s, const xsock_addr *addr, int r, int timeout_ms)
{
    (void)addr;
    (void)timeout_ms;
    check_handle(s);
    return r;
}
#else
int xsock__sys_connect_timed(xsock_t s, const xsock_addr *addr, int timeout_ms)
{
    (void)addr;
    (void)timeout_ms;
    check_handle(s);
    return 1; /* the generic path, as on POSIX */
}
#endif

int xsock__sys_socket_error(xsock_t s)
{
    check_handle(s);
    return 0;
}

int xsock__sys_get_nonblocking(xsock_t s)
{
    check_handle(s);
    return 0;
}

int xsock__sys_set_nonblocking(xsock_t s, int on)
{
    (void)on;
    check_handle(s);
    return 0;
}

int xsock__sys_set_option(xsock_t s, int opt, int value)
{
    (void)opt;
    (void)value;
    check_handle(s);
    return 0;
}

/* ---- nothing to fake: the fuzz targets never reach these ------------------ */

int xsock__sys_accept(xsock_t s, xsock_t *client, xsock_addr *peer)
{
    (void)s, (void)client, (void)peer;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_wait(xsock_t s, int events, int timeout_ms)
{
    (void)s, (void)events, (void)timeout_ms;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

xsock_ssize_t xsock__sys_send(xsock_t s, const void *buf, size_t len)
{
    (void)s, (void)buf, (void)len;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}


xsock_ssize_t xsock__sys_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr *to)
{
    (void)s, (void)buf, (void)len, (void)to;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

xsock_ssize_t xsock__sys_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr *from)
{
    (void)s, (void)buf, (void)len, (void)from;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_shutdown(xsock_t s, int how)
{
    (void)s, (void)how;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_local_addr(xsock_t s, xsock_addr *out)
{
    (void)s, (void)out;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_peer_addr(xsock_t s, xsock_addr *out)
{
    (void)s, (void)out;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_get_option(xsock_t s, int opt, int *value)
{
    (void)s, (void)opt, (void)value;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_poll(xsock_pollfd *fds, size_t n, int timeout_ms)
{
    (void)fds, (void)n, (void)timeout_ms;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

/* The poller: never created here, so nothing is ever added or forgotten. */
int xsock__sys_poller_create(xsock_poller **out)
{
    (void)out;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}
int xsock__sys_poller_add(xsock_poller *p, xsock_t s, int events, void *udata)
{
    (void)p, (void)s, (void)events, (void)udata;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}
int xsock__sys_poller_modify(xsock_poller *p, xsock_t s, int events, void *udata)
{
    (void)p, (void)s, (void)events, (void)udata;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}
int xsock__sys_poller_remove(xsock_poller *p, xsock_t s)
{
    (void)p, (void)s;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}
int xsock__sys_poller_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    (void)p, (void)evs, (void)max, (void)timeout_ms;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}
int xsock__sys_poller_wake(xsock_poller *p)
{
    (void)p;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}
void xsock__sys_poller_destroy(xsock_poller *p)
{
    (void)p;
}
const char *xsock__sys_poller_backend(const xsock_poller *p)
{
    (void)p;
    return "";
}
void xsock__sys_poller_forget(xsock_poller *p, xsock_t s)
{
    (void)p, (void)s;
}
void xsock__sys_poller_lock(int on)
{
    (void)on;
}

int xsock__sys_socketpair(xsock_t pair[2])
{
    (void)pair;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

/* ---- the byte stream every fake socket receives ---------------------------- */

static const uint8_t *stream;
static size_t stream_len, stream_pos;
static unsigned stream_rand;
static size_t stream_max_piece;

void fuzz_fake_set_stream(const uint8_t *data, size_t size, unsigned seed)
{
    stream = data;
    stream_len = size;
    stream_pos = 0;
    stream_rand = seed;
    /* Pieces of 1 byte up to about two lineio buffers, as TCP may cut them. */
    stream_max_piece = 1 + (seed & 0xff) * 8;
}

xsock_ssize_t xsock__sys_recv(xsock_t s, void *buf, size_t len)
{
    size_t n;
    check_handle(s);
    FUZZ_CHECK(buf != NULL || len == 0);
    if (len == 0 || stream_pos == stream_len) return 0;
    stream_rand = stream_rand * 1103515245u + 12345u;
    n = 1 + (stream_rand >> 16) % stream_max_piece;
    if (n > len) n = len;
    if (n > stream_len - stream_pos) n = stream_len - stream_pos;
    memcpy(buf, stream + stream_pos, n);
    stream_pos += n;
    return (xsock_ssize_t)n;
}

/* ---- the resolver stub ----------------------------------------------------- */

/* What must never be sent to a resolver: the header promises ".invalid"
 * fails without a lookup, and the rest is what DNS cannot carry anyway
 * (an empty name, more than 253 characters plus a final dot, a byte that is
 * not printable ASCII). */
static void check_resolvable(const char *host, int af, int port, size_t max)
{
    size_t n, i;
    FUZZ_CHECK(host != NULL);
    n = strlen(host);
    FUZZ_CHECK(n >= 1 && n <= 254);
    for (i = 0; i < n; i++) FUZZ_CHECK(host[i] > ' ' && host[i] < 127);
    FUZZ_CHECK(!fuzz_is_invalid_name(host));
    FUZZ_CHECK(af == AF_UNSPEC || af == AF_INET || af == AF_INET6);
    FUZZ_CHECK(port >= 0 && port <= 65535);
    FUZZ_CHECK(max >= 1);
}

int xsock__sys_resolve(const char *host, int af, int port, xsock_addr *out, size_t max)
{
    unsigned h = 5381;
    size_t i, n = 0, want;
    xsock_addr numeric;
    check_resolvable(host, af, port, max);
    /* Numeric text stands for itself, as getaddrinfo has it. */
    if (xsock_addr_parse(&numeric, host) == 0 &&
        (xsock_addr_family(&numeric) == XSOCK_INET6 || strchr(host, ':') == NULL)) {
        int fam = xsock_addr_family(&numeric);
        if (af != AF_UNSPEC && xsock__af_from_family(fam) != af)
            return xsock__fail(XSOCK_ENOTFOUND, 0);
        out[0] = numeric;
        xsock_addr_set_port(&out[0], port);
        return 1;
    }
    /* A name: 0 to 4 loopback addresses, chosen by its hash. Every slot up
     * to max is written, so a caller that says max wrongly overflows its
     * array where a sanitizer or the target's checks see it. */
    for (i = 0; host[i] != '\0'; i++) h = h * 33 + (unsigned char)host[i];
    want = h % 5;
    for (i = 0; i < max; i++) memset(&out[i], 0, sizeof out[i]);
    for (i = 0; i < want && n < max; i++) {
        int fam = (h >> i) & 1 ? XSOCK_INET6 : XSOCK_INET;
        if (af != AF_UNSPEC && xsock__af_from_family(fam) != af) continue;
        xsock_addr_loopback(&out[n++], fam, port);
    }
    return n > 0 ? (int)n : xsock__fail(XSOCK_ENOTFOUND, 0);
}

/* ---- the day-one calls (issue 13) that the one-liners reach ---------------- */

/* xsock_tcp_connect races its addresses (src/common/happy.c): a clock that
 * never moves is enough, as the fake connect answers at once. */
long long xsock__sys_now_ms(void) { return 0; }

/* Scope names (src/common/addr.c): no interface has a name here, so scope
 * text is numbers only, as before. */
unsigned long xsock__sys_scope_index(const char *name)
{
    (void)name;
    return 0;
}

int xsock__sys_scope_name(unsigned long index, char *buf, size_t cap)
{
    (void)index, (void)buf, (void)cap;
    return -1;
}

/* ---- multicast (issue 14): src/common/mcast.c sits beside socket.c's
 * options; the fuzz targets reach none of it, so it only has to link. */
int xsock__sys_interfaces(xsock_interface *out, size_t max)
{
    (void)out, (void)max;
    return 0;
}

int xsock__sys_mcast(xsock_t s, int level, int name, const void *req, size_t len)
{
    (void)s, (void)level, (void)name, (void)req, (void)len;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_mcast_set(xsock_t s, int v6, int opt, int value, const struct in_addr *ifaddr)
{
    (void)s, (void)v6, (void)opt, (void)value, (void)ifaddr;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

int xsock__sys_mcast_get(xsock_t s, int v6, int opt, int *value, struct in_addr *ifaddr)
{
    (void)s, (void)v6, (void)opt, (void)value, (void)ifaddr;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

/* Datagram batches (issue 14): not reached by the fuzz targets. */
int xsock__sys_recv_batch(xsock_t s, xsock_dgram *msgs, size_t n)
{
    (void)s, (void)msgs, (void)n;
    return xsock__fail(XSOCK_ENOTSUP, 0);
}

/* As every backend defines them (src/xsock_internal.h, XSOCK__SEND_RARE). */
xsock_ssize_t xsock_send(xsock_t s, const void *buf, size_t len)
{
    if (XSOCK__SEND_RARE(buf, len)) return xsock__send_rare(s, buf, len);
    return xsock__sys_send(s, buf, len);
}

xsock_ssize_t xsock_recv(xsock_t s, void *buf, size_t len)
{
    if (XSOCK__RECV_RARE(buf, len)) return xsock__recv_rare(s, buf, len);
    return xsock__sys_recv(s, buf, len);
}

int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    (void)s, (void)msgs, (void)n;
    return 0;
}
