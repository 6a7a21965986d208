/* The public socket calls: argument checks once for every OS, then the
 * backend. The checks are a few compares on the fast path (send/recv); all
 * error mapping happens only once a call has failed. */
#include "xsock_internal.h"

#define CHECK_SOCK(s) \
    if ((s) == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0)

/* Winsock takes an int length: cap every transfer there, on every OS, so
 * a huge length means the same partial transfer everywhere. */
static size_t cap_len(size_t len)
{
    return len > (size_t)INT_MAX ? (size_t)INT_MAX : len;
}

int xsock_open(xsock_t *out, int family, int type)
{
    int af = xsock__af_from_family(family), r;
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    *out = XSOCK_INVALID;
    if (af < 0) return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
    if (type != XSOCK_STREAM && type != XSOCK_DGRAM) return xsock__fail(XSOCK_EINVAL, 0);
    if ((r = xsock__sys_startup()) < 0) return r;
    return xsock__sys_open(out, af, type);
}

/* Out of every poller first: once the number is closed, no backend can
 * take it out any more (src/common/poller.c says why). */
int xsock_close(xsock_t s)
{
    CHECK_SOCK(s);
    xsock__poller_forget(s);
    return xsock__sys_close(s);
}

/* An address of another family than the socket's: Linux says EAFNOSUPPORT
 * or EINVAL, Winsock WSAEFAULT, WSAEOPNOTSUPP or WSAEADDRNOTAVAIL. Once the
 * OS has refused it, say XSOCK_EAFNOSUPPORT on all (the native code stays
 * the OS's); a call that worked costs nothing. */
static XSOCK__NOINLINE int family_error(xsock_t s, const xsock_addr *addr, int r)
{
    xsock_addr mine;
    int native;
    if (r != XSOCK_EINVAL && r != XSOCK_EAFNOSUPPORT && r != XSOCK_ENOTSUP &&
        r != XSOCK_EADDRNOTAVAIL)
        return r;
    native = xsock_last_native_error();
    if (xsock__sys_local_addr(s, &mine) == 0 &&
        XSOCK__CSA(&mine)->sa_family != XSOCK__CSA(addr)->sa_family)
        r = XSOCK_EAFNOSUPPORT;
    xsock__set_native_error(native);
    return r;
}

int xsock_bind(xsock_t s, const xsock_addr *addr)
{
    int r;
    CHECK_SOCK(s);
    if ((r = xsock__addr_check(addr)) < 0) return r;
    r = xsock__sys_bind(s, addr);
    return r < 0 ? family_error(s, addr, r) : r;
}

int xsock_listen(xsock_t s, int backlog)
{
    CHECK_SOCK(s);
    return xsock__sys_listen(s, backlog);
}

int xsock_accept(xsock_t s, xsock_t *client, xsock_addr *peer)
{
    if (client == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    *client = XSOCK_INVALID;
    CHECK_SOCK(s);
    return xsock__sys_accept(s, client, peer);
}

int xsock_connect(xsock_t s, const xsock_addr *addr, int timeout_ms)
{
    int r, nb, waited;
    CHECK_SOCK(s);
    if ((r = xsock__addr_check(addr)) < 0) return r;
    if (timeout_ms < 0) {
        r = xsock__sys_connect(s, addr);
        return r < 0 ? family_error(s, addr, r) : r;
    }

    /* Windows: ConnectEx for stream sockets, which leaves the mode alone
     * (it cannot be read back there); 1 says "the generic path". */
    if ((r = xsock__sys_connect_timed(s, addr, timeout_ms)) <= 0)
        return r < 0 ? family_error(s, addr, r) : r;

    /* A bounded connect is a non-blocking connect, a wait, and SO_ERROR:
     * the wait is the backend's, so Windows never trusts WSAPoll here. */
    if ((nb = xsock__sys_get_nonblocking(s)) < 0) return nb;
    if (!nb && (r = xsock__sys_set_nonblocking(s, 1)) < 0) return r;
    r = xsock__sys_connect(s, addr);
    if (r == XSOCK_EAGAIN) r = xsock__sys_connect_again(s, addr, r, timeout_ms);
    if (r == XSOCK_EINPROGRESS) {
        waited = xsock__sys_wait(s, XSOCK_POLLOUT, timeout_ms);
        if (waited < 0)
            r = waited;
        else if (waited == 0)
            r = xsock__fail(XSOCK_ETIMEDOUT, 0);
        else
            r = xsock__sys_socket_error(s);
    }
    if (!nb) {
        int native = xsock_last_native_error(); /* keep the reason across the restore */
        int rr = xsock__sys_set_nonblocking(s, 0);
        if (r == 0 && rr < 0) return rr;
        xsock__set_native_error(native);
    }
    return r < 0 ? family_error(s, addr, r) : r;
}

int xsock_connect_result(xsock_t s)
{
    CHECK_SOCK(s);
    return xsock__sys_socket_error(s);
}

/* xsock_send and xsock_recv live in each backend (XSOCK__SEND_RARE in
 * src/xsock_internal.h), so that the OS call follows the argument checks
 * without a jump between layers; every rare case (a bad argument, len 0, a
 * length to cap) comes here. */
XSOCK__NOINLINE xsock_ssize_t xsock__send_rare(xsock_t s, const void *buf, size_t len)
{
    if (buf == NULL && len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    return xsock__sys_send(s, buf, cap_len(len));
}

XSOCK__NOINLINE xsock_ssize_t xsock__recv_rare(xsock_t s, void *buf, size_t len)
{
    if (buf == NULL && len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    /* A stream recv of 0 bytes would wait for data (Linux, and Windows'
     * zero-byte read) or say EAGAIN: the header promises 0 at once. */
    if (len == 0) return 0;
    return xsock__sys_recv(s, buf, cap_len(len));
}

/* send_all and recv_all are fwrite and fread: once bytes have moved, the
 * count is the answer, whatever stopped the loop (a timeout, XSOCK_EAGAIN,
 * a reset, a signal when asked for); the caller's next call meets the
 * reason again. Only when nothing moved is the error itself returned. */
xsock_ssize_t xsock_send_all(xsock_t s, const void *buf, size_t len)
{
    const char *p = (const char *)buf;
    size_t done = 0;
    if (buf == NULL && len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    if (len > (size_t)PTRDIFF_MAX) return xsock__fail(XSOCK_EINVAL, 0);
    while (done < len) {
        xsock_ssize_t n = xsock__sys_send(s, p + done, cap_len(len - done));
        if (n < 0) return done > 0 ? (xsock_ssize_t)done : n;
        done += (size_t)n;
    }
    return (xsock_ssize_t)done;
}

xsock_ssize_t xsock_recv_all(xsock_t s, void *buf, size_t len)
{
    char *p = (char *)buf;
    size_t done = 0;
    if (buf == NULL && len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    if (len > (size_t)PTRDIFF_MAX) return xsock__fail(XSOCK_EINVAL, 0);
    while (done < len) {
        xsock_ssize_t n = xsock__sys_recv(s, p + done, cap_len(len - done));
        if (n < 0) return done > 0 ? (xsock_ssize_t)done : n;
        if (n == 0) break; /* the peer ended the stream: a short count says so */
        done += (size_t)n;
    }
    return (xsock_ssize_t)done;
}

/* Per thread, so one thread's choice never changes another's calls. */
static XSOCK__TLS int interruptible;

int xsock_set_interruptible(int on)
{
    int old = interruptible;
    interruptible = on != 0;
    return old;
}

int xsock__interruptible(void)
{
    return interruptible;
}

xsock_ssize_t xsock_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr *to)
{
    xsock_ssize_t n;
    int r;
    if (buf == NULL && len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    if ((r = xsock__addr_check(to)) < 0) return r;
    n = xsock__sys_sendto(s, buf, cap_len(len), to);
    return n < 0 ? family_error(s, to, (int)n) : n;
}

xsock_ssize_t xsock_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr *from)
{
    if (buf == NULL && len != 0) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    return xsock__sys_recvfrom(s, buf, cap_len(len), from);
}

int xsock_shutdown(xsock_t s, int how)
{
    CHECK_SOCK(s);
    if (how != XSOCK_SHUT_RD && how != XSOCK_SHUT_WR && how != XSOCK_SHUT_RDWR)
        return xsock__fail(XSOCK_EINVAL, 0);
    return xsock__sys_shutdown(s, how);
}

int xsock_local_addr(xsock_t s, xsock_addr *out)
{
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    return xsock__sys_local_addr(s, out);
}

int xsock_peer_addr(xsock_t s, xsock_addr *out)
{
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    return xsock__sys_peer_addr(s, out);
}

int xsock_socketpair(xsock_t pair[2])
{
    int r;
    if (pair == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    pair[0] = pair[1] = XSOCK_INVALID;
    if ((r = xsock__sys_startup()) < 0) return r;
    return xsock__sys_socketpair(pair);
}

int xsock_set_nonblocking(xsock_t s, int on)
{
    CHECK_SOCK(s);
    return xsock__sys_set_nonblocking(s, on != 0);
}

static int check_option(int opt, int value)
{
    switch (opt) {
    case XSOCK_OPT_REUSEADDR:
    case XSOCK_OPT_NODELAY:
    case XSOCK_OPT_KEEPALIVE:
    case XSOCK_OPT_V6ONLY:
    case XSOCK_OPT_BROADCAST:
    case XSOCK_OPT_EXCLUSIVE:
    case XSOCK_OPT_SHAREPORT:
    case XSOCK_OPT_REUSEPORT_LB:
        return (value == 0 || value == 1) ? 0 : XSOCK_EINVAL;
    case XSOCK_OPT_RCVBUF:
    case XSOCK_OPT_SNDBUF:
        /* Linux doubles what it is given: keep the double within an int. */
        return (value > 0 && value <= INT_MAX / 2) ? 0 : XSOCK_EINVAL;
    case XSOCK_OPT_RCVTIMEO:
    case XSOCK_OPT_SNDTIMEO:
        return value >= 0 ? 0 : XSOCK_EINVAL;
    case XSOCK_OPT_LINGER:
        return (value >= -1 && value <= 65535) ? 0 : XSOCK_EINVAL; /* u_short on Windows */
    case XSOCK_OPT_MULTICAST_LOOP:
        return (value == 0 || value == 1) ? 0 : XSOCK_EINVAL;
    case XSOCK_OPT_MULTICAST_TTL:
        return (value >= 0 && value <= 255) ? 0 : XSOCK_EINVAL;
    case XSOCK_OPT_TTL:
        return (value >= 1 && value <= 255) ? 0 : XSOCK_EINVAL;
    case XSOCK_OPT_MULTICAST_IF:
        return value >= 0 ? 0 : XSOCK_EINVAL;
    default:
        return XSOCK_EINVAL;
    }
}

/* XSOCK_OPT_V6ONLY belongs to IPv6 sockets. Linux refuses it on others,
 * Wine sets it on an IPv4 socket without a word: refuse it here, once. */
static int check_v6only(xsock_t s)
{
    xsock_addr mine;
    int r = xsock__sys_local_addr(s, &mine); /* an unbound socket says its family too */
    if (r < 0) return r;
    return XSOCK__CSA(&mine)->sa_family == AF_INET6 ? 0 : xsock__fail(XSOCK_EINVAL, 0);
}

int xsock_set_option(xsock_t s, int opt, int value)
{
    int r;
    CHECK_SOCK(s);
    if (check_option(opt, value) < 0) return xsock__fail(XSOCK_EINVAL, 0);
    if (opt == XSOCK_OPT_V6ONLY && (r = check_v6only(s)) < 0) return r;
    if (opt >= XSOCK_OPT_MULTICAST_TTL) return xsock__mcast_set_option(s, opt, value);
    return xsock__sys_set_option(s, opt, value);
}

int xsock_get_option(xsock_t s, int opt, int *value)
{
    int r;
    if (value == NULL || opt < XSOCK_OPT_REUSEADDR || opt > XSOCK_OPT_TTL)
        return xsock__fail(XSOCK_EINVAL, 0);
    CHECK_SOCK(s);
    if (opt == XSOCK_OPT_V6ONLY && (r = check_v6only(s)) < 0) return r;
    if (opt >= XSOCK_OPT_MULTICAST_TTL) return xsock__mcast_get_option(s, opt, value);
    return xsock__sys_get_option(s, opt, value);
}

int xsock_poll(xsock_pollfd *fds, size_t n, int timeout_ms)
{
    if (fds == NULL && n != 0) return xsock__fail(XSOCK_EINVAL, 0);
    if (n > (size_t)INT_MAX) return xsock__fail(XSOCK_EINVAL, 0);
    return xsock__sys_poll(fds, n, timeout_ms);
}
