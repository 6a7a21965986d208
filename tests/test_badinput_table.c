/*
 * Bad input to every public function of xsock.h, as a table: each row is
 * a function called with good arguments but one, which the row spoils in
 * every way of its kind (NULL, XSOCK_INVALID, a closed handle, an empty or
 * alien address, a port outside 0..65535, a wrong family, a zero or huge
 * length, ...), and the exact XSOCK_E* code each must give. The header
 * documents the same codes next to each function: keep the two together.
 * TEST(every_function_has_a_row) checks that no function of the header is
 * left out.
 */
#include <limits.h>
#include <stdint.h>
#include "testutil.h"
#include "xcrt.h"

/* ---- the arguments: all good, until a row spoils one ------------------- */

typedef struct args {
    xsock_t s;
    xsock_t *out;
    xsock_t *pair;
    const xsock_addr *addr, *addr2;
    xsock_addr *addr_out;
    const char *host, *text, *path;
    char *buf;
    size_t len, cap, n;
    int family, type, port, backlog, timeout, how, opt, value, events, max;
    int *int_out;
    xsock_pollfd *fds;
    xsock_poller *p;
    xsock_poller **p_out;
    xsock_event *evs;
} args;

/* The good values the arguments start from. */
static xsock_t conn, peer, listener, udp, fresh, added, dead;
static xsock_addr lo4, lo6, unix_addr, empty, junk, too_long, too_short, alien;
static xsock_addr addr_tmp;
static xsock_t sock_tmp, pair_tmp[2];
static char buf[64], long_path[200], long_name[300], long_label[70];
static int int_tmp;
static xsock_pollfd pfd;
static xsock_poller *poller, *poller_tmp;
static xsock_event evs[4];

/* Which socket a row's function gets when its s is not what is spoiled. */
enum sock_kind { S_NONE, S_CONN, S_LISTEN, S_UDP, S_FRESH, S_ADDED };

static args good(int kind)
{
    args a;
    static const xsock_t *const socks[] = {NULL, &conn, &listener, &udp, &fresh, &added};
    memset(&a, 0, sizeof a);
    a.s = kind == S_NONE ? XSOCK_INVALID : *socks[kind];
    a.out = &sock_tmp;
    a.pair = pair_tmp;
    a.addr = &lo4;
    a.addr2 = &lo4;
    a.addr_out = &addr_tmp;
    a.host = "127.0.0.1";
    a.text = "127.0.0.1:80";
    a.path = "/tmp/xsock-badinput";
    a.buf = buf;
    a.len = 1;
    a.cap = sizeof buf;
    a.n = 1;
    a.family = XSOCK_INET;
    a.type = XSOCK_STREAM;
    a.port = 9;
    a.backlog = 4;
    a.timeout = 100;
    a.how = XSOCK_SHUT_WR;
    a.opt = XSOCK_OPT_NODELAY;
    a.value = 1;
    a.int_out = &int_tmp;
    a.events = XSOCK_POLLIN;
    a.max = 4;
    pfd.sock = conn;
    pfd.events = XSOCK_POLLOUT;
    a.fds = &pfd;
    a.p = poller;
    a.p_out = &poller_tmp;
    a.evs = evs;
    return a;
}

/* ---- every function, called with a row's arguments --------------------- */

#define CALL(fn, ...) \
    static long long call_##fn(args *a) { return (long long)fn(__VA_ARGS__); }

CALL(xsock_addr_parse, a->addr_out, a->text)
CALL(xsock_addr_format, a->addr, a->buf, a->cap)
CALL(xsock_addr_resolve, a->host, a->port, a->family, a->addr_out, a->n)
CALL(xsock_addr_any, a->addr_out, a->family, a->port)
CALL(xsock_addr_loopback, a->addr_out, a->family, a->port)
CALL(xsock_addr_unix, a->addr_out, a->path)
CALL(xsock_addr_port, a->addr)
CALL(xsock_addr_family, a->addr)
CALL(xsock_addr_equal, a->addr, a->addr2)
CALL(xsock_open, a->out, a->family, a->type)
CALL(xsock_close, a->s)
CALL(xsock_bind, a->s, a->addr)
CALL(xsock_listen, a->s, a->backlog)
CALL(xsock_accept, a->s, a->out, a->addr_out)
CALL(xsock_connect, a->s, a->addr, a->timeout)
CALL(xsock_connect_result, a->s)
CALL(xsock_send, a->s, a->buf, a->len)
CALL(xsock_recv, a->s, a->buf, a->len)
CALL(xsock_send_all, a->s, a->buf, a->len)
CALL(xsock_recv_all, a->s, a->buf, a->len)
CALL(xsock_sendto, a->s, a->buf, a->len, a->addr)
CALL(xsock_recvfrom, a->s, a->buf, a->len, a->addr_out)
CALL(xsock_shutdown, a->s, a->how)
CALL(xsock_local_addr, a->s, a->addr_out)
CALL(xsock_peer_addr, a->s, a->addr_out)
CALL(xsock_socketpair, a->pair)
CALL(xsock_set_nonblocking, a->s, a->value)
CALL(xsock_set_option, a->s, a->opt, a->value)
CALL(xsock_get_option, a->s, a->opt, a->int_out)
CALL(xsock_poll, a->fds, a->n, a->timeout)
CALL(xsock_poller_create, a->p_out)
CALL(xsock_poller_add, a->p, a->s, a->events, NULL)
CALL(xsock_poller_modify, a->p, a->s, a->events, NULL)
CALL(xsock_poller_remove, a->p, a->s)
CALL(xsock_poller_wait, a->p, a->evs, a->max, a->timeout)
CALL(xsock_poller_wake, a->p)
CALL(xsock_tcp_listen, a->out, a->host, a->port, a->backlog)
CALL(xsock_tcp_connect, a->out, a->host, a->port, a->timeout)
CALL(xsock_udp_bind, a->out, a->host, a->port)
/* The day-one calls (issue 13). */
CALL(xsock_peek, a->s, a->buf, a->len)
CALL(xsock_available, a->s)
CALL(xsock_native_strerror, 1, a->buf, a->cap)
CALL(xsock_set_keepalive, a->s, 1, 0, 0, 0)
CALL(xsock_mcast_join, a->s, a->addr, NULL, 0)
CALL(xsock_mcast_leave, a->s, a->addr, NULL, 0)
CALL(xsock_close_graceful, a->s, a->timeout)
CALL(xsock_adopt, a->s)
CALL(xsock_connect_any, a->out, a->addr, a->n, a->timeout)

/* One buffer of a->buf and a->len; a->n buffers as the count (the huge
 * counts are refused before the array is read). */
static long long call_xsock_sendv(args *a)
{
    xsock_buf b = xsock_buf_init(a->buf, a->len);
    return (long long)xsock_sendv(a->s, &b, a->n);
}

static long long call_xsock_recvv(args *a)
{
    xsock_buf b = xsock_buf_init(a->buf, a->len);
    return (long long)xsock_recvv(a->s, &b, a->n);
}

/* Batches of one: a->buf NULL gives msgs NULL; the address is a->addr's. */
static long long call_xsock_recvfrom_batch(args *a)
{
    static xsock_dgram m[1];
    m[0].buf = xsock_buf_init(buf, 8);
    return (long long)xsock_recvfrom_batch(a->s, a->buf != NULL ? m : NULL, 1);
}

static long long call_xsock_sendto_batch(args *a)
{
    static xsock_dgram m[1];
    m[0].buf = xsock_buf_init(buf, 8);
    if (a->addr != NULL) m[0].addr = *a->addr;
    else memset(&m[0].addr, 0, sizeof m[0].addr);
    return (long long)xsock_sendto_batch(a->s, a->buf != NULL ? m : NULL, 1);
}

/* a->buf NULL or not: an array of the right type, or NULL. */
static long long call_xsock_interfaces(args *a)
{
    static xsock_interface e[4];
    return (long long)xsock_interfaces(a->buf != NULL ? e : NULL, a->n);
}

/* set_port writes into its address: a copy per call. */
static long long call_xsock_addr_set_port(args *a)
{
    xsock_addr copy;
    if (a->addr == NULL) return xsock_addr_set_port(NULL, a->port);
    copy = *a->addr;
    return xsock_addr_set_port(&copy, a->port);
}

/* ---- how an argument is spoiled ------------------------------------------ */

enum field {
    F_S, F_OUT, F_PAIR, F_ADDR, F_ADDR2, F_ADDR_OUT, F_HOST, F_TEXT, F_PATH, F_BUF, F_LEN,
    F_CAP, F_N, F_FAMILY, F_TYPE, F_PORT, F_HOW, F_OPT, F_INT_OUT, F_EVENTS, F_MAX, F_FDS,
    F_P, F_P_OUT, F_EVS
};

enum kind {
    K_END,       /* no more spoils in the row */
    K_AS_IS,     /* nothing spoiled: the row's socket is the wrong kind */
    K_NULL,      /* the pointer: NULL */
    K_INVALID,   /* s: XSOCK_INVALID */
    K_CLOSED,    /* s: a handle closed before (nothing opened since) */
    K_EMPTY,     /* an address: zeroed, all 0xff, longer than any, too short for its family */
    K_ALIEN,     /* an address of a family no OS has (99) */
    K_OTHER,     /* an address of another family than the socket's: IPv6, AF_UNIX */
    K_UNIXADDR,  /* an AF_UNIX address where only IP makes sense */
    K_PORT,      /* -1, 65536, INT_MIN, INT_MAX, ... */
    K_FAMILY,    /* 4, 99, -1, INT_MIN, INT_MAX */
    K_ZERO,      /* the int or size: 0 */
    K_UNIX,      /* family XSOCK_UNIX where only IP makes sense */
    K_TYPE,      /* 0, 3, -1, INT_MIN */
    K_HOW,       /* -1, 3, INT_MIN, INT_MAX */
    K_OPT,       /* 0, 11, -1, INT_MIN, INT_MAX */
    K_EVENTS,    /* 0, output-only bits, unknown bits */
    K_NEGATIVE,  /* -1, INT_MIN */
    K_EMPTYTEXT, /* "" */
    K_NOHOST,    /* a name no resolver can find: *.invalid, bad characters, too long */
    K_BADTEXT,   /* address text that is not one */
    K_BADPATH,   /* an AF_UNIX path: "", too long */
    K_HUGE,      /* a length past PTRDIFF_MAX (send_all, recv_all) or INT_MAX (poll) */
    K_NULLHUGE,  /* buf NULL with a huge length */
    K_SMALL      /* a buffer too small for the text: 1, 5 */
};

static const int bad_ports[] = {-1, 65536, -65535, 100000, INT_MIN, INT_MAX};
static const int bad_families[] = {4, 99, -1, INT_MIN, INT_MAX};
static const int bad_types[] = {0, 3, -1, INT_MIN};
static const int bad_hows[] = {-1, 3, INT_MIN, INT_MAX};
static const int bad_opts[] = {0, XSOCK_OPT_TTL + 1, -1, INT_MIN, INT_MAX};
static const int bad_events[] = {0, XSOCK_POLLERR, XSOCK_POLLHUP, XSOCK_POLLIN | XSOCK_POLLERR,
                                 0x02, 0x100, -1};
static const int negatives[] = {-1, INT_MIN};
static const char *const bad_texts[] = {
    "", "1.2.3", "256.0.0.1", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:", "1.2.3.4:8x",
    " 1.2.3.4", "1.2.3.4 ", "[::1", "::1]:80", "[::1]80", "[1.2.3.4]:80", "localhost:80",
    "1:2:3:4:5:6:7:8:9", "[fe80::1%]:80", ":::1"};
static const char *bad_hosts[4]; /* filled in setup: some are built */
static const char *bad_paths[2];
static const size_t huge_lens[] = {(size_t)PTRDIFF_MAX + 1, SIZE_MAX};
static const size_t huge_ns[] = {(size_t)INT_MAX + 1, SIZE_MAX};
static const size_t small_caps[] = {1, 5};

/* How many bad values kind has; puts the i-th into a. */
static int spoil(args *a, int field, int kind, int i)
{
    int ints_n = 0;
    const int *ints = NULL;
    switch (kind) {
    case K_AS_IS: return i == 0;
    case K_NULL:
        if (i > 0) return 0;
        switch (field) {
        case F_OUT: a->out = NULL; break;
        case F_PAIR: a->pair = NULL; break;
        case F_ADDR: a->addr = NULL; break;
        case F_ADDR2: a->addr2 = NULL; break;
        case F_ADDR_OUT: a->addr_out = NULL; break;
        case F_HOST: a->host = NULL; break;
        case F_TEXT: a->text = NULL; break;
        case F_PATH: a->path = NULL; break;
        case F_BUF: a->buf = NULL; break;
        case F_INT_OUT: a->int_out = NULL; break;
        case F_FDS: a->fds = NULL; break;
        case F_P: a->p = NULL; break;
        case F_P_OUT: a->p_out = NULL; break;
        case F_EVS: a->evs = NULL; break;
        default: XTEST_FAIL("field %d is no pointer", field);
        }
        return 1;
    case K_INVALID:
    case K_CLOSED: {
        xsock_t v = kind == K_INVALID ? XSOCK_INVALID : dead;
        if (field == F_FDS) pfd.sock = v; /* the one entry of the poll */
        else a->s = v;
        return i == 0;
    }
    case K_EMPTY:
    case K_ALIEN:
    case K_OTHER:
    case K_UNIXADDR: {
        const xsock_addr *const empties[] = {&empty, &junk, &too_long, &too_short};
        const xsock_addr *const others[] = {&lo6, &unix_addr};
        const xsock_addr *v;
        if (kind == K_EMPTY && i < 4) v = empties[i];
        else if (kind == K_OTHER && i < 2) v = others[i];
        else if (kind == K_ALIEN && i == 0) v = &alien;
        else if (kind == K_UNIXADDR && i == 0) v = &unix_addr;
        else return 0;
        if (field == F_ADDR2) a->addr2 = v;
        else a->addr = v;
        return 1;
    }
    case K_EMPTYTEXT:
    case K_NOHOST:
    case K_BADTEXT:
    case K_BADPATH: {
        const char *v;
        if (kind == K_EMPTYTEXT && i == 0) v = "";
        else if (kind == K_NOHOST && i < 4) v = bad_hosts[i];
        else if (kind == K_BADTEXT && i < (int)(sizeof bad_texts / sizeof *bad_texts))
            v = bad_texts[i];
        else if (kind == K_BADPATH && i < 2) v = bad_paths[i];
        else return 0;
        if (field == F_HOST) a->host = v;
        else if (field == F_TEXT) a->text = v;
        else a->path = v;
        return 1;
    }
    case K_HUGE:
    case K_NULLHUGE:
    case K_SMALL:
        if (i >= 2) return 0;
        if (kind == K_NULLHUGE) a->buf = NULL;
        if (field == F_N) a->n = huge_ns[i];
        else if (field == F_CAP) a->cap = small_caps[i];
        else a->len = huge_lens[i];
        return 1;
    case K_ZERO:
        if (i > 0) return 0;
        switch (field) {
        case F_LEN: a->len = 0; break;
        case F_CAP: a->cap = 0; break;
        case F_N: a->n = 0; break;
        case F_FAMILY: a->family = 0; break;
        case F_MAX: a->max = 0; break;
        default: XTEST_FAIL("field %d cannot be zeroed", field);
        }
        return 1;
    case K_UNIX: a->family = XSOCK_UNIX; return i == 0;
    case K_PORT: ints = bad_ports; ints_n = (int)(sizeof bad_ports / sizeof *ints); break;
    case K_FAMILY: ints = bad_families; ints_n = (int)(sizeof bad_families / sizeof *ints); break;
    case K_TYPE: ints = bad_types; ints_n = (int)(sizeof bad_types / sizeof *ints); break;
    case K_HOW: ints = bad_hows; ints_n = (int)(sizeof bad_hows / sizeof *ints); break;
    case K_OPT: ints = bad_opts; ints_n = (int)(sizeof bad_opts / sizeof *ints); break;
    case K_EVENTS: ints = bad_events; ints_n = (int)(sizeof bad_events / sizeof *ints); break;
    case K_NEGATIVE: ints = negatives; ints_n = (int)(sizeof negatives / sizeof *ints); break;
    default: XTEST_FAIL("unknown kind %d", kind);
    }
    if (i >= ints_n) return 0;
    switch (field) {
    case F_PORT: a->port = ints[i]; break;
    case F_FAMILY: a->family = ints[i]; break;
    case F_TYPE: a->type = ints[i]; break;
    case F_HOW: a->how = ints[i]; break;
    case F_OPT: a->opt = ints[i]; break;
    case F_EVENTS: a->events = ints[i]; break;
    case F_MAX: a->max = ints[i]; break;
    default: XTEST_FAIL("field %d is no int", field);
    }
    return 1;
}

/* ---- the table ----------------------------------------------------------- */

/* expect is the result (a negative code, or what the call returns for a
 * zero length or the like); alt, when not 0, is another result the header
 * allows on some systems; wine, when not 0, what Wine gives instead. */
typedef struct spoil_t {
    int field, kind, expect, alt, wine;
} spoil_t;

typedef struct row {
    const char *name;
    long long (*call)(args *a);
    int sock;
    spoil_t spoils[8];
} row;

#define ROW(fn, sock, ...) {#fn, call_##fn, sock, {__VA_ARGS__}}
#define BAD(field, kind, expect) {field, kind, expect, 0, 0}
#define EITHER(field, kind, expect, alt) {field, kind, expect, alt, 0}
#define EINVAL_ XSOCK_EINVAL
#define BADSOCK BAD(F_S, K_INVALID, XSOCK_EBADF), BAD(F_S, K_CLOSED, XSOCK_EBADF)
#define BADADDR(f) \
    BAD(f, K_NULL, EINVAL_), BAD(f, K_EMPTY, EINVAL_), BAD(f, K_ALIEN, XSOCK_EAFNOSUPPORT)

static const row rows[] = {
    /* addresses */
    ROW(xsock_addr_parse, S_NONE, BAD(F_ADDR_OUT, K_NULL, EINVAL_), BAD(F_TEXT, K_NULL, EINVAL_),
        BAD(F_TEXT, K_BADTEXT, EINVAL_)),
    ROW(xsock_addr_format, S_NONE, BADADDR(F_ADDR), BAD(F_BUF, K_NULL, EINVAL_),
        BAD(F_CAP, K_ZERO, EINVAL_), BAD(F_CAP, K_SMALL, XSOCK_ENOBUFS)),
    ROW(xsock_addr_resolve, S_NONE, BAD(F_HOST, K_NULL, EINVAL_),
        BAD(F_HOST, K_EMPTYTEXT, EINVAL_), BAD(F_HOST, K_NOHOST, XSOCK_ENOTFOUND),
        BAD(F_PORT, K_PORT, EINVAL_), BAD(F_FAMILY, K_FAMILY, XSOCK_EAFNOSUPPORT),
        BAD(F_FAMILY, K_UNIX, XSOCK_EAFNOSUPPORT), BAD(F_ADDR_OUT, K_NULL, EINVAL_),
        BAD(F_N, K_ZERO, EINVAL_)),
    ROW(xsock_addr_any, S_NONE, BAD(F_ADDR_OUT, K_NULL, EINVAL_), BAD(F_FAMILY, K_FAMILY, EINVAL_),
        BAD(F_FAMILY, K_ZERO, EINVAL_), BAD(F_FAMILY, K_UNIX, XSOCK_EAFNOSUPPORT),
        BAD(F_PORT, K_PORT, EINVAL_)),
    ROW(xsock_addr_loopback, S_NONE, BAD(F_ADDR_OUT, K_NULL, EINVAL_),
        BAD(F_FAMILY, K_FAMILY, EINVAL_), BAD(F_FAMILY, K_ZERO, EINVAL_),
        BAD(F_FAMILY, K_UNIX, XSOCK_EAFNOSUPPORT), BAD(F_PORT, K_PORT, EINVAL_)),
    ROW(xsock_addr_unix, S_NONE, BAD(F_ADDR_OUT, K_NULL, EINVAL_), BAD(F_PATH, K_NULL, EINVAL_),
        BAD(F_PATH, K_BADPATH, EINVAL_)),
    ROW(xsock_addr_port, S_NONE, BADADDR(F_ADDR), BAD(F_ADDR, K_UNIXADDR, XSOCK_EAFNOSUPPORT)),
    ROW(xsock_addr_set_port, S_NONE, BADADDR(F_ADDR), BAD(F_ADDR, K_UNIXADDR, XSOCK_EAFNOSUPPORT),
        BAD(F_PORT, K_PORT, EINVAL_)),
    ROW(xsock_addr_family, S_NONE, BADADDR(F_ADDR)),
    /* Not an error code: "not equal". */
    ROW(xsock_addr_equal, S_NONE, BAD(F_ADDR, K_NULL, 0), BAD(F_ADDR, K_EMPTY, 0),
        BAD(F_ADDR2, K_NULL, 0), BAD(F_ADDR2, K_EMPTY, 0), BAD(F_ADDR2, K_ALIEN, 0),
        BAD(F_ADDR2, K_OTHER, 0)),

    /* sockets */
    ROW(xsock_open, S_NONE, BAD(F_OUT, K_NULL, EINVAL_),
        BAD(F_FAMILY, K_FAMILY, XSOCK_EAFNOSUPPORT), BAD(F_FAMILY, K_ZERO, XSOCK_EAFNOSUPPORT),
        BAD(F_TYPE, K_TYPE, EINVAL_)),
    ROW(xsock_close, S_NONE, BADSOCK),
    ROW(xsock_bind, S_FRESH, BADSOCK, BADADDR(F_ADDR), BAD(F_ADDR, K_OTHER, XSOCK_EAFNOSUPPORT)),
    ROW(xsock_listen, S_FRESH, BADSOCK),
    ROW(xsock_listen, S_UDP, BAD(F_S, K_AS_IS, XSOCK_ENOTSUP)),
    ROW(xsock_accept, S_LISTEN, BADSOCK, BAD(F_OUT, K_NULL, EINVAL_)),
    ROW(xsock_accept, S_FRESH, BAD(F_S, K_AS_IS, EINVAL_)), /* not listening */
    ROW(xsock_accept, S_UDP, BAD(F_S, K_AS_IS, XSOCK_ENOTSUP)),
    ROW(xsock_connect, S_FRESH, BADSOCK, BADADDR(F_ADDR),
        BAD(F_ADDR, K_OTHER, XSOCK_EAFNOSUPPORT)),
    ROW(xsock_connect_result, S_NONE, BADSOCK),
    ROW(xsock_send, S_CONN, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_LEN, K_NULLHUGE, EINVAL_),
        BAD(F_LEN, K_ZERO, 0)),
    ROW(xsock_recv, S_CONN, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_LEN, K_NULLHUGE, EINVAL_),
        BAD(F_LEN, K_ZERO, 0)),
    ROW(xsock_send_all, S_CONN, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_LEN, K_HUGE, EINVAL_),
        BAD(F_LEN, K_NULLHUGE, EINVAL_), BAD(F_LEN, K_ZERO, 0)),
    ROW(xsock_recv_all, S_CONN, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_LEN, K_HUGE, EINVAL_),
        BAD(F_LEN, K_NULLHUGE, EINVAL_), BAD(F_LEN, K_ZERO, 0)),
    ROW(xsock_sendto, S_UDP, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_LEN, K_NULLHUGE, EINVAL_),
        BADADDR(F_ADDR), BAD(F_ADDR, K_OTHER, XSOCK_EAFNOSUPPORT)),
    ROW(xsock_recvfrom, S_UDP, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_),
        BAD(F_LEN, K_NULLHUGE, EINVAL_)),
    ROW(xsock_shutdown, S_CONN, BADSOCK, BAD(F_HOW, K_HOW, EINVAL_)),
    ROW(xsock_local_addr, S_CONN, BADSOCK, BAD(F_ADDR_OUT, K_NULL, EINVAL_)),
    ROW(xsock_peer_addr, S_CONN, BADSOCK, BAD(F_ADDR_OUT, K_NULL, EINVAL_)),
    ROW(xsock_socketpair, S_NONE, BAD(F_PAIR, K_NULL, EINVAL_)),

    /* options */
    ROW(xsock_set_nonblocking, S_CONN, BADSOCK),
    ROW(xsock_set_option, S_CONN, BADSOCK, BAD(F_OPT, K_OPT, EINVAL_)),
    ROW(xsock_set_option, S_UDP, BAD(F_S, K_AS_IS, EINVAL_)), /* NODELAY on UDP */
    ROW(xsock_get_option, S_CONN, BADSOCK, BAD(F_OPT, K_OPT, EINVAL_),
        BAD(F_INT_OUT, K_NULL, EINVAL_)),
    ROW(xsock_get_option, S_UDP, BAD(F_S, K_AS_IS, EINVAL_)),

    /* readiness; an XSOCK_INVALID entry of a poll is skipped: none ready */
    ROW(xsock_poll, S_NONE, BAD(F_FDS, K_NULL, EINVAL_), BAD(F_N, K_HUGE, EINVAL_),
        BAD(F_FDS, K_CLOSED, XSOCK_EBADF), BAD(F_FDS, K_INVALID, 0), BAD(F_N, K_ZERO, 0)),
    ROW(xsock_poller_create, S_NONE, BAD(F_P_OUT, K_NULL, EINVAL_)),
    ROW(xsock_poller_add, S_UDP, BAD(F_P, K_NULL, EINVAL_), BADSOCK,
        BAD(F_EVENTS, K_EVENTS, EINVAL_)),
    ROW(xsock_poller_add, S_ADDED, BAD(F_S, K_AS_IS, EINVAL_)), /* already added */
    /* A closed handle, never added, is not there to change or remove: the
     * OS may see first that it is closed (epoll: XSOCK_EBADF). */
    ROW(xsock_poller_modify, S_ADDED, BAD(F_P, K_NULL, EINVAL_), BAD(F_S, K_INVALID, XSOCK_EBADF),
        EITHER(F_S, K_CLOSED, EINVAL_, XSOCK_EBADF), BAD(F_EVENTS, K_EVENTS, EINVAL_)),
    ROW(xsock_poller_modify, S_UDP, BAD(F_S, K_AS_IS, EINVAL_)), /* not added */
    ROW(xsock_poller_remove, S_ADDED, BAD(F_P, K_NULL, EINVAL_), BAD(F_S, K_INVALID, XSOCK_EBADF),
        EITHER(F_S, K_CLOSED, EINVAL_, XSOCK_EBADF)),
    ROW(xsock_poller_remove, S_UDP, BAD(F_S, K_AS_IS, EINVAL_)), /* not added */
    ROW(xsock_poller_wait, S_NONE, BAD(F_P, K_NULL, EINVAL_), BAD(F_EVS, K_NULL, EINVAL_),
        BAD(F_MAX, K_ZERO, EINVAL_), BAD(F_MAX, K_NEGATIVE, EINVAL_)),
    ROW(xsock_poller_wake, S_NONE, BAD(F_P, K_NULL, EINVAL_)),

    /* one-liners */
    ROW(xsock_tcp_listen, S_NONE, BAD(F_OUT, K_NULL, EINVAL_), BAD(F_HOST, K_EMPTYTEXT, EINVAL_),
        BAD(F_HOST, K_NOHOST, XSOCK_ENOTFOUND), BAD(F_PORT, K_PORT, EINVAL_)),
    ROW(xsock_tcp_connect, S_NONE, BAD(F_OUT, K_NULL, EINVAL_), BAD(F_HOST, K_NULL, EINVAL_),
        BAD(F_HOST, K_EMPTYTEXT, EINVAL_), BAD(F_HOST, K_NOHOST, XSOCK_ENOTFOUND),
        BAD(F_PORT, K_PORT, EINVAL_)),
    ROW(xsock_udp_bind, S_NONE, BAD(F_OUT, K_NULL, EINVAL_), BAD(F_HOST, K_EMPTYTEXT, EINVAL_),
        BAD(F_HOST, K_NOHOST, XSOCK_ENOTFOUND), BAD(F_PORT, K_PORT, EINVAL_)),

    /* the day-one calls (issue 13); a count past XSOCK_IOV_MAX: EINVAL */
    ROW(xsock_sendv, S_CONN, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_N, K_HUGE, EINVAL_),
        BAD(F_N, K_ZERO, 0)),
    ROW(xsock_recvv, S_CONN, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_N, K_HUGE, EINVAL_),
        BAD(F_N, K_ZERO, 0), BAD(F_LEN, K_ZERO, 0)),
    ROW(xsock_peek, S_CONN, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_LEN, K_ZERO, 0)),
    ROW(xsock_available, S_CONN, BADSOCK),
    ROW(xsock_available, S_LISTEN, BAD(F_S, K_AS_IS, EINVAL_)),
    ROW(xsock_native_strerror, S_NONE, BAD(F_BUF, K_NULL, EINVAL_), BAD(F_CAP, K_ZERO, EINVAL_),
        BAD(F_CAP, K_SMALL, XSOCK_ENOBUFS)),
    ROW(xsock_set_keepalive, S_CONN, BADSOCK),
    ROW(xsock_set_keepalive, S_UDP, BAD(F_S, K_AS_IS, EINVAL_)),
    ROW(xsock_close_graceful, S_NONE, BADSOCK),
    ROW(xsock_adopt, S_NONE, BADSOCK),
    ROW(xsock_connect_any, S_NONE, BAD(F_OUT, K_NULL, EINVAL_), BADADDR(F_ADDR),
        BAD(F_N, K_ZERO, EINVAL_), BAD(F_N, K_HUGE, EINVAL_)),
    ROW(xsock_interfaces, S_NONE, BAD(F_BUF, K_NULL, EINVAL_)),
    /* The row's address is 127.0.0.1, no group: EINVAL as it is (and for
     * any address that is no IPv4 group, of whatever family). */
    ROW(xsock_mcast_join, S_UDP, BADSOCK, BAD(F_S, K_AS_IS, EINVAL_), BAD(F_ADDR, K_NULL, EINVAL_),
        BAD(F_ADDR, K_EMPTY, EINVAL_), BAD(F_ADDR, K_ALIEN, EINVAL_), BAD(F_ADDR, K_OTHER, EINVAL_)),
    ROW(xsock_mcast_leave, S_UDP, BADSOCK, BAD(F_S, K_AS_IS, EINVAL_), BAD(F_ADDR, K_NULL, EINVAL_),
        BAD(F_ADDR, K_EMPTY, EINVAL_), BAD(F_ADDR, K_ALIEN, EINVAL_), BAD(F_ADDR, K_OTHER, EINVAL_)),
    ROW(xsock_recvfrom_batch, S_UDP, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_)),
    ROW(xsock_sendto_batch, S_UDP, BADSOCK, BAD(F_BUF, K_NULL, EINVAL_), BADADDR(F_ADDR)),
};

/* Functions that take no argument that can be wrong, or never fail: their
 * own checks are in TEST(never_fail). */
static const char *const no_rows[] = {
    "xsock_strerror", "xsock_err_name", "xsock_last_native_error", "xsock_init",
    "xsock_cleanup", "xsock_version", "xsock_version_string", "xsock_poller_destroy",
    "xsock_poller_backend", "xsock_set_interruptible", "xsock_buf_init"};

/* ---- the good values, and the closed handle ------------------------------ */

static void setup(void)
{
    xsock_addr la;
    xsock_t l2;
    memset(buf, 'b', sizeof buf);
    memset(long_path, 'p', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    memset(long_label, 'l', sizeof long_label - 1);
    long_label[sizeof long_label - 1] = '\0';
    long_path[108] = '\0'; /* one byte past what sun_path holds with its NUL */
    bad_paths[0] = "";
    bad_paths[1] = long_path;
    bad_hosts[0] = "no.such.host.invalid";
    bad_hosts[1] = "bad host!";
    bad_hosts[2] = long_name;
    bad_hosts[3] = long_label;

    CHECK_OK(xsock_addr_loopback(&lo4, XSOCK_INET, 9));
    CHECK_OK(xsock_addr_loopback(&lo6, XSOCK_INET6, 9));
    CHECK_OK(xsock_addr_unix(&unix_addr, "/tmp/xsock-badinput"));
    memset(&empty, 0, sizeof empty);
    memset(&junk, 0xff, sizeof junk); /* len -1, no family */
    too_long = lo4;
    too_long.len = (int)sizeof too_long.storage + 1;
    too_short = lo6;
    too_short.len = 8;
    /* A family no OS has, at full length: the family field is the first
     * two bytes on Linux and Windows, a length byte and a family byte on
     * the BSDs; writing 99 in each leaves no known family in either. */
    alien = lo4;
    alien.storage.bytes[0] = 99;
    alien.storage.bytes[1] = 99;

    tu_tcp_pair(XSOCK_INET, &conn, &peer);
    tu_listen(&listener, XSOCK_INET, &la);
    CHECK_OK(xsock_udp_bind(&udp, "127.0.0.1", 0));
    CHECK_OK(xsock_open(&fresh, XSOCK_INET, XSOCK_STREAM));
    tu_tcp_pair(XSOCK_INET, &added, &l2);
    CHECK_OK(xsock_close(l2));
    CHECK_OK(xsock_poller_create(&poller));
    CHECK_OK(xsock_poller_add(poller, added, XSOCK_POLLIN, NULL));
    /* Last: nothing is opened after it, so its handle stays dead. */
    CHECK_OK(xsock_open(&dead, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_close(dead));
}

static void teardown(void)
{
    xsock_poller_destroy(poller);
    CHECK_OK(xsock_close(conn));
    CHECK_OK(xsock_close(peer));
    CHECK_OK(xsock_close(listener));
    CHECK_OK(xsock_close(udp));
    CHECK_OK(xsock_close(fresh));
    CHECK_OK(xsock_close(added));
}

static const char *field_name(int field)
{
    static const char *const names[] = {
        "s", "out", "pair", "addr", "the second address", "the address out", "host", "text",
        "path", "buf", "len", "cap", "n", "family", "type", "port", "how", "opt", "value",
        "events", "max", "fds", "p", "out", "evs"};
    return names[field];
}

static const char *kind_name(int kind)
{
    static const char *const names[] = {
        "end", "as is", "NULL", "XSOCK_INVALID", "a closed handle", "an empty address",
        "an alien family", "another family", "an AF_UNIX address", "a bad port",
        "a bad family", "zero", "XSOCK_UNIX", "a bad type", "a bad how", "a bad option",
        "bad events", "a negative", "\"\"", "a name no one has", "bad text", "a bad path",
        "a huge length", "NULL and a huge length", "a small buffer"};
    return names[kind];
}

/* The functions with an out-handle: on an error it is XSOCK_INVALID, so
 * that a caller may close-if-valid after any failure. */
static int takes_out(long long (*call)(args *))
{
    return call == call_xsock_open || call == call_xsock_accept || call == call_xsock_tcp_listen ||
           call == call_xsock_tcp_connect || call == call_xsock_udp_bind;
}

TEST(every_row)
{
    size_t r, k;
    int checked = 0;
    setup();
    for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const row *w = &rows[r];
        for (k = 0; k < 8 && w->spoils[k].kind != K_END; k++) {
            const spoil_t *sp = &w->spoils[k];
            int i;
            for (i = 0;; i++) {
                args a = good(w->sock);
                long long got;
                int ok;
                sock_tmp = (xsock_t)0; /* an out-handle must come back XSOCK_INVALID */
                if (!spoil(&a, sp->field, sp->kind, i)) break;
                got = w->call(&a);
                ok = got == sp->expect || (sp->alt != 0 && got == sp->alt) ||
                     (sp->wine != 0 && tu_under_wine() && got == sp->wine);
                if (!ok)
                    XTEST_FAIL("%s with %s %s (bad value %d) returned %lld (%s), expected %s",
                               w->name, field_name(sp->field), kind_name(sp->kind), i, got,
                               got < 0 ? xsock_err_name((int)got) : "ok",
                               sp->expect < 0 ? xsock_err_name(sp->expect) : "0");
                if (got < 0 && a.out != NULL && takes_out(w->call) && sock_tmp != XSOCK_INVALID)
                    XTEST_FAIL("%s failed but did not set *out to XSOCK_INVALID", w->name);
                checked++;
            }
        }
    }
    printf("%d bad calls, each with its code\n", checked);
    teardown();
}

/* The options' values: each option's range, XSOCK_EINVAL outside it. */
TEST(option_values)
{
    static const struct {
        int opt, bad[4];
    } table[] = {
        {XSOCK_OPT_REUSEADDR, {-1, 2, INT_MAX, INT_MIN}},
        {XSOCK_OPT_NODELAY, {-1, 2, INT_MAX, INT_MIN}},
        {XSOCK_OPT_KEEPALIVE, {-1, 2, INT_MAX, INT_MIN}},
        {XSOCK_OPT_RCVBUF, {0, -1, INT_MAX, INT_MAX / 2 + 1}},
        {XSOCK_OPT_SNDBUF, {0, -1, INT_MAX, INT_MIN}},
        {XSOCK_OPT_RCVTIMEO, {-1, INT_MIN, -2, -1000}},
        {XSOCK_OPT_SNDTIMEO, {-1, INT_MIN, -2, -1000}},
        {XSOCK_OPT_V6ONLY, {-1, 2, INT_MAX, INT_MIN}},
        {XSOCK_OPT_BROADCAST, {-1, 2, INT_MAX, INT_MIN}},
        {XSOCK_OPT_LINGER, {-2, 65536, INT_MAX, INT_MIN}},
    };
    xsock_t s4, s6;
    size_t i, j;
    int v;
    CHECK_OK(xsock_open(&s4, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_open(&s6, XSOCK_INET6, XSOCK_STREAM));
    for (i = 0; i < sizeof table / sizeof table[0]; i++) {
        xsock_t s = table[i].opt == XSOCK_OPT_V6ONLY ? s6 : s4;
        for (j = 0; j < 4; j++) {
            int r = xsock_set_option(s, table[i].opt, table[i].bad[j]);
            if (r != XSOCK_EINVAL)
                XTEST_FAIL("set_option(%d, %d) gave %s, expected EINVAL", table[i].opt,
                           table[i].bad[j], xsock_err_name(r));
        }
        CHECK_OK(xsock_get_option(s, table[i].opt, &v)); /* unchanged, and readable */
    }
    /* IPv6-only on an IPv4 socket: the OS says it does not apply. Wine 8
     * takes it without a word, where Windows refuses it. */
    v = xsock_set_option(s4, XSOCK_OPT_V6ONLY, 1);
    if (!(v == XSOCK_EINVAL || (tu_under_wine() && v == 0)))
        XTEST_FAIL("V6ONLY on IPv4 gave %s", xsock_err_name(v));
    CHECK_ERR(xsock_get_option(s4, XSOCK_OPT_V6ONLY, &v), XSOCK_EINVAL);
    CHECK_OK(xsock_close(s4));
    CHECK_OK(xsock_close(s6));
}

/* What cannot fail, given anything. */
TEST(never_fail)
{
    static const int codes[] = {0, 1, -1, -24, -25, XSOCK__ERR_MIN - 1, INT_MIN, INT_MAX, 12345};
    size_t i;
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(xsock_strerror(codes[i]) != NULL && xsock_strerror(codes[i])[0] != '\0');
        CHECK(xsock_err_name(codes[i]) != NULL);
    }
    CHECK_STR(xsock_err_name(INT_MIN), "EUNKNOWN");
    CHECK_STR(xsock_err_name(XSOCK__ERR_MIN - 1), "EUNKNOWN");
    CHECK_STR(xsock_err_name(1), "EUNKNOWN");
    CHECK(xsock_version() == XSOCK_VERSION_HEX);
    CHECK(xsock_version_string() != NULL);
    CHECK_STR(xsock_poller_backend(NULL), "");
    xsock_poller_destroy(NULL);
    xsock_cleanup(); /* one too many: nothing happens */
    CHECK_OK(xsock_init());
    xsock_cleanup();
    xsock_cleanup();
    CHECK(xsock_last_native_error() == xsock_last_native_error());
    /* Any int is a setting: non-zero is on; the previous one comes back. */
    CHECK_EQ(xsock_set_interruptible(-7), 0);
    CHECK_EQ(xsock_set_interruptible(0), 1);
    CHECK_EQ(xsock_set_interruptible(0), 0);
}

/* No public function of xsock.h is left out of the table: each has a row
 * or a place in no_rows. Read from the header next to this file's source,
 * when the test runs where the sources are. */
TEST(every_function_has_a_row)
{
    char path[1024], *text, *p;
    const char *slash;
    FILE *f;
    long n;
    size_t i, found = 0;
    slash = strrchr(__FILE__, '/');
    if (slash == NULL) slash = strrchr(__FILE__, '\\');
    CHECK(slash != NULL);
    snprintf(path, sizeof path, "%.*s/../include/xsock.h", (int)(slash - __FILE__), __FILE__);
    if ((f = xcrt_fopen(path, "rb")) == NULL) {
        printf("%s is not here: nothing to check\n", path);
        return;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = (char *)malloc((size_t)n + 1);
    CHECK(text != NULL && fread(text, 1, (size_t)n, f) == (size_t)n);
    text[n] = '\0';
    fclose(f);
    /* A declaration is a line that starts with XSOCK_API; its name is the
     * word before the first "(". */
    for (p = strstr(text, "XSOCK_API "); p != NULL; p = strstr(p + 1, "XSOCK_API ")) {
        char name[64], *end = strchr(p, '('), *q;
        int have = 0;
        if (p[-1] != '\n' || end == NULL) continue;
        for (q = end; q > p && (q[-1] == '_' || (q[-1] >= 'a' && q[-1] <= 'z') ||
                                (q[-1] >= '0' && q[-1] <= '9'));
             q--) {}
        if (end - q <= 0 || end - q >= (long)sizeof name) XTEST_FAIL("cannot read %.40s", p);
        memcpy(name, q, (size_t)(end - q));
        name[end - q] = '\0';
        for (i = 0; i < sizeof rows / sizeof rows[0]; i++) have |= strcmp(rows[i].name, name) == 0;
        for (i = 0; i < sizeof no_rows / sizeof *no_rows; i++)
            have |= strcmp(no_rows[i], name) == 0;
        if (!have) XTEST_FAIL("%s is in xsock.h but not in the bad-input table", name);
        found++;
    }
    free(text);
    printf("%u public functions, each in the table\n", (unsigned)found);
    CHECK(found >= 40);
}

/* ---- beyond the table: what a refused call leaves behind ------------------ */

TEST(shutdown_how)
{
    xsock_t c, s;
    char b;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_ERR(xsock_shutdown(c, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_shutdown(c, 3), XSOCK_EINVAL);
    CHECK_ERR(xsock_shutdown(c, 99), XSOCK_EINVAL);
    /* Nothing was shut: the connection still works both ways. */
    CHECK_EQ(xsock_send(c, "a", 1), 1);
    CHECK_EQ(xsock_recv(s, &b, 1), 1);
    CHECK_EQ(xsock_send(s, "b", 1), 1);
    CHECK_EQ(xsock_recv(c, &b, 1), 1);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(buffers)
{
    xsock_t c, s, u;
    xsock_addr ua;
    char b[4];
    long long t0;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_ERR(xsock_send(c, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_recv(c, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_send_all(c, NULL, 10), XSOCK_EINVAL);
    CHECK_ERR(xsock_recv_all(c, NULL, 10), XSOCK_EINVAL);
    /* Length 0 moves nothing and returns 0 at once: the OSes would wait for
     * data (Linux until it comes or RCVTIMEO ends, then 0) or say EAGAIN. */
    CHECK_EQ(xsock_send(c, NULL, 0), 0);
    CHECK_EQ(xsock_send(c, b, 0), 0);
    CHECK_EQ(xsock_send_all(c, NULL, 0), 0);
    CHECK_EQ(xsock_recv_all(c, NULL, 0), 0);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    CHECK_EQ(xsock_recv(c, b, 0), 0);
    CHECK_EQ(xsock_recv(c, NULL, 0), 0);
    CHECK_OK(xsock_set_nonblocking(c, 0));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 3000));
    t0 = tu_now_ms();
    CHECK_EQ(xsock_recv(c, b, 0), 0);
    if (tu_can_time() && tu_now_ms() - t0 >= 1500) XTEST_FAIL("recv of 0 bytes waited");
    /* The stream is unharmed. */
    CHECK_EQ(xsock_send(s, "ok", 2), 2);
    CHECK_EQ(xsock_recv_all(c, b, 2), 2);
    CHECK(memcmp(b, "ok", 2) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));

    CHECK_OK(xsock_udp_bind(&u, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(u, &ua));
    CHECK_ERR(xsock_sendto(u, NULL, 3, &ua), XSOCK_EINVAL);
    CHECK_ERR(xsock_recvfrom(u, NULL, 3, &ua), XSOCK_EINVAL);
    CHECK_OK(xsock_close(u));
}

/* Calls in the wrong state fail with the OS's reason, mapped. */
TEST(wrong_state)
{
    xsock_t s, c = 0, l;
    xsock_addr a;
    char b;
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_peer_addr(s, &a), XSOCK_ENOTCONN);
    CHECK_ERR(xsock_recv(s, &b, 1), XSOCK_ENOTCONN);
    CHECK_OK(xsock_close(s));
    /* accept on a socket that is not listening */
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(s, &a));
    CHECK_ERR(xsock_accept(s, &c, NULL), XSOCK_EINVAL);
    CHECK(c == XSOCK_INVALID);
    /* bind twice */
    CHECK_ERR(xsock_bind(s, &a), XSOCK_EINVAL);
    CHECK_OK(xsock_close(s));
    /* connect a connected socket */
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    /* A plain connect: after a bounded (non-blocking) one, Linux answers
     * the next connect with 0 once before it says EISCONN. */
    CHECK_OK(xsock_connect(c, &a, -1));
    CHECK_ERR(xsock_connect(c, &a, 5000), XSOCK_EISCONN);
    CHECK_ERR(xsock_connect(c, &a, -1), XSOCK_EISCONN);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
    /* An IPv6 address on an IPv4 socket. */
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET6, 0));
    CHECK(xsock_bind(s, &a) < 0);
    CHECK_OK(xsock_close(s));
}

XTEST_MAIN(XTEST(every_row) XTEST(option_values) XTEST(never_fail)
               XTEST(every_function_has_a_row) XTEST(shutdown_how) XTEST(buffers)
                   XTEST(wrong_state))
