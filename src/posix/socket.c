/* POSIX sockets: creation with the promised defaults, transfers, options. */
#include "posix/posix.h"
#ifndef _WIN32

#include <string.h>
#include <sys/time.h>

#ifdef MSG_NOSIGNAL
#  define XSOCK__SEND_FLAGS MSG_NOSIGNAL
#else
#  define XSOCK__SEND_FLAGS 0 /* SO_NOSIGPIPE is set on the socket instead */
#endif

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
#  define XSOCK__HAVE_ACCEPT4 1
#endif

static int setopt_int(int fd, int level, int name, int value)
{
    return XSOCK__OS(setsockopt)(fd, level, name, &value, sizeof value) == 0 ? 0 : xsock__sys_error();
}

/* What every socket gets at birth, whether made by socket(), accept() or
 * socketpair(): no inheritance where the kernel could not do it atomically,
 * and no SIGPIPE where MSG_NOSIGNAL does not exist. */
static int born(int fd, int cloexec_done)
{
    if (!cloexec_done && XSOCK__OS(fcntl)(fd, F_SETFD, FD_CLOEXEC) != 0) return xsock__sys_error();
#if defined(SO_NOSIGPIPE) && !defined(MSG_NOSIGNAL)
    return setopt_int(fd, SOL_SOCKET, SO_NOSIGPIPE, 1);
#else
    return 0;
#endif
}

static int close_keep_error(int fd, int r)
{
    int native = xsock_last_native_error();
    XSOCK__OS(close)(fd);
    xsock__set_native_error(native);
    return r;
}

int xsock__sys_open(xsock_t *out, int af, int type)
{
    int st = type == XSOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM, fd, r, cloexec = 0;
#ifdef SOCK_CLOEXEC
    fd = XSOCK__OS(socket)(af, st | SOCK_CLOEXEC, 0);
    cloexec = 1;
#else
    fd = XSOCK__OS(socket)(af, st, 0);
#endif
    if (fd < 0) return xsock__sys_error();
    if ((r = born(fd, cloexec)) < 0) return close_keep_error(fd, r);
    /* A restarted server must rebind at once; on POSIX SO_REUSEADDR still
     * refuses a second live listener, so it is safe here (unlike Windows).
     * A datagram socket gets nothing: it shares its port with no one. */
    if (st == SOCK_STREAM && af != AF_UNIX &&
        (r = setopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1)) < 0)
        return close_keep_error(fd, r);
    /* Urgent data reads inline as one more byte, as on Windows, where it
     * would otherwise hold the socket in select's except set. */
    if (st == SOCK_STREAM && af != AF_UNIX && (r = setopt_int(fd, SOL_SOCKET, SO_OOBINLINE, 1)) < 0)
        return close_keep_error(fd, r);
    /* Linux defaults to dual-stack, Windows and the BSDs to v6-only: say it. */
    if (af == AF_INET6 && (r = setopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)) < 0)
        return close_keep_error(fd, r);
    *out = fd;
    return 0;
}

int xsock__sys_close(xsock_t s)
{
    /* After EINTR the descriptor is gone on Linux and unspecified elsewhere:
     * never retry, or another thread's new descriptor might be closed. */
    if (XSOCK__OS(close)(s) != 0 && errno != EINTR) return xsock__sys_error();
    return 0;
}

int xsock__sys_bind(xsock_t s, const xsock_addr *addr)
{
    return XSOCK__OS(bind)(s, XSOCK__CSA(addr), (socklen_t)addr->len) == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_listen(xsock_t s, int backlog)
{
    if (backlog < 0 || backlog > SOMAXCONN) backlog = SOMAXCONN;
    return XSOCK__OS(listen)(s, backlog) == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_accept(xsock_t s, xsock_t *client, xsock_addr *peer)
{
    xsock_addr tmp;
    xsock_addr *a = peer ? peer : &tmp;
    socklen_t len = (socklen_t)sizeof a->storage;
    int fd, r;
    do {
#ifdef XSOCK__HAVE_ACCEPT4
        fd = XSOCK__OS(accept4)(s, XSOCK__SA(a), &len, SOCK_CLOEXEC);
#else
        fd = XSOCK__OS(accept)(s, XSOCK__SA(a), &len);
#endif
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return xsock__sys_error();
#ifdef XSOCK__HAVE_ACCEPT4
    r = born(fd, 1);
#else
    /* macOS copies the listener's O_NONBLOCK; we promise a blocking socket. */
    r = born(fd, 0);
    if (r == 0 && XSOCK__OS(fcntl)(fd, F_SETFL, XSOCK__OS(fcntl)(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        r = xsock__sys_error();
#endif
    /* Linux and the BSDs copy SO_OOBINLINE from the listener; say it anyway,
     * for a listener xsock did not make. */
    if (r == 0 && XSOCK__SA(a)->sa_family != AF_UNIX) r = setopt_int(fd, SOL_SOCKET, SO_OOBINLINE, 1);
    if (r < 0) return close_keep_error(fd, r);
    a->len = (int)len;
    *client = fd;
    return 0;
}

int xsock__sys_connect(xsock_t s, const xsock_addr *addr)
{
    int r;
    if (XSOCK__OS(connect)(s, XSOCK__CSA(addr), (socklen_t)addr->len) == 0) return 0;
    if (errno != EINTR) return xsock__sys_error();
    /* An interrupted connect goes on in the background: wait for it. */
    r = xsock__sys_wait(s, XSOCK_POLLOUT, -1);
    return r < 0 ? r : xsock__sys_socket_error(s);
}

int xsock__sys_socket_error(xsock_t s)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return xsock__sys_error();
    if (err == 0) return 0;
    xsock__set_native_error(err);
    return xsock__sys_map_error(err);
}

int xsock__sys_get_nonblocking(xsock_t s)
{
    int fl = XSOCK__OS(fcntl)(s, F_GETFL);
    return fl < 0 ? xsock__sys_error() : (fl & O_NONBLOCK) != 0;
}

int xsock__sys_set_nonblocking(xsock_t s, int on)
{
    int fl = XSOCK__OS(fcntl)(s, F_GETFL);
    if (fl < 0) return xsock__sys_error();
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    return XSOCK__OS(fcntl)(s, F_SETFL, fl) == 0 ? 0 : xsock__sys_error();
}

/* The error path of every transfer. EAGAIN means "would block" on a
 * non-blocking socket but "timed out" on a blocking one (SO_RCVTIMEO /
 * SO_SNDTIMEO), where Windows says WSAETIMEDOUT: give both the same code. */
static xsock_ssize_t transfer_error(xsock_t s)
{
    int r = xsock__sys_error();
    if (r == XSOCK_EAGAIN) {
        int e = errno, nb = xsock__sys_get_nonblocking(s);
        xsock__set_native_error(e);
        if (nb == 0) return XSOCK_ETIMEDOUT;
    }
    return r;
}

/* send/recv's arguments, kept for the retry after EINTR. Only the failure
 * path reads them, through a pointer, so they live in the caller's stack
 * frame: three stores on the fast path, where keeping them in callee-saved
 * registers across the call would cost a push, a move and a pop each. */
typedef struct transfer {
    xsock_t s;
    void *buf;
    size_t len;
} transfer;

static XSOCK__NOINLINE xsock_ssize_t send_failed(const transfer *t)
{
    ssize_t n;
    while (errno == EINTR)
        if ((n = XSOCK__OS(send)(t->s, t->buf, t->len, XSOCK__SEND_FLAGS)) >= 0) return (xsock_ssize_t)n;
    return transfer_error(t->s);
}

static XSOCK__NOINLINE xsock_ssize_t recv_failed(const transfer *t)
{
    ssize_t n;
    while (errno == EINTR)
        if ((n = XSOCK__OS(recv)(t->s, t->buf, t->len, 0)) >= 0) return (xsock_ssize_t)n;
    return transfer_error(t->s);
}

xsock_ssize_t xsock__sys_send(xsock_t s, const void *buf, size_t len)
{
    transfer t;
    ssize_t n;
    t.s = s;
    t.buf = (void *)buf;
    t.len = len;
    n = XSOCK__OS(send)(s, buf, len, XSOCK__SEND_FLAGS);
    return n >= 0 ? (xsock_ssize_t)n : send_failed(&t);
}

xsock_ssize_t xsock__sys_recv(xsock_t s, void *buf, size_t len)
{
    transfer t;
    ssize_t n;
    t.s = s;
    t.buf = buf;
    t.len = len;
    n = XSOCK__OS(recv)(s, buf, len, 0);
    return n >= 0 ? (xsock_ssize_t)n : recv_failed(&t);
}

xsock_ssize_t xsock__sys_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr *to)
{
    ssize_t n;
    do n = XSOCK__OS(sendto)(s, buf, len, XSOCK__SEND_FLAGS, XSOCK__CSA(to), (socklen_t)to->len);
    while (n < 0 && errno == EINTR);
    return n >= 0 ? (xsock_ssize_t)n : transfer_error(s);
}

xsock_ssize_t xsock__sys_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr *from)
{
    /* recvmsg, not recvfrom: only msg_flags tells a truncated datagram, which
     * Windows reports as WSAEMSGSIZE. */
    xsock_addr tmp;
    xsock_addr *a = from ? from : &tmp;
    struct iovec iov;
    struct msghdr msg;
    ssize_t n;
    iov.iov_base = buf;
    iov.iov_len = len;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = a->storage.bytes;
    msg.msg_namelen = (socklen_t)sizeof a->storage;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    do n = XSOCK__OS(recvmsg)(s, &msg, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) return transfer_error(s);
    a->len = (int)msg.msg_namelen;
    if (msg.msg_flags & MSG_TRUNC) return xsock__fail(XSOCK_EMSGSIZE, EMSGSIZE);
    return (xsock_ssize_t)n;
}

int xsock__sys_shutdown(xsock_t s, int how)
{
    int h = how == XSOCK_SHUT_RD ? SHUT_RD : how == XSOCK_SHUT_WR ? SHUT_WR : SHUT_RDWR;
    return XSOCK__OS(shutdown)(s, h) == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_local_addr(xsock_t s, xsock_addr *out)
{
    socklen_t len = (socklen_t)sizeof out->storage;
    memset(out, 0, sizeof *out);
    if (XSOCK__OS(getsockname)(s, XSOCK__SA(out), &len) != 0) return xsock__sys_error();
    out->len = (int)len;
    return 0;
}

int xsock__sys_peer_addr(xsock_t s, xsock_addr *out)
{
    socklen_t len = (socklen_t)sizeof out->storage;
    memset(out, 0, sizeof *out);
    if (XSOCK__OS(getpeername)(s, XSOCK__SA(out), &len) != 0) return xsock__sys_error();
    out->len = (int)len;
    return 0;
}

/* ---- options -------------------------------------------------------------- */

/* ---- port reuse -------------------------------------------------------------
 * The four reuse options (the table is in xsock.h and docs/API.md):
 *  - XSOCK_OPT_REUSEADDR, stream sockets: SO_REUSEADDR, on by default. A
 *    restarted server rebinds past TIME_WAIT; a second live listener still
 *    gets EADDRINUSE (socket(7); Linux and the BSDs alike).
 *  - XSOCK_OPT_SHAREPORT, datagram sockets: sockets that all ask may bind
 *    one port and each gets the multicast and broadcast sent to it. Linux:
 *    SO_REUSEADDR is enough (socket(7)), and SO_REUSEPORT would spread
 *    unicast among them; macOS and the BSDs: SO_REUSEADDR plus SO_REUSEPORT
 *    (libuv's src/unix/udp.c, uv__set_reuse, sets SO_REUSEPORT there).
 *  - XSOCK_OPT_EXCLUSIVE: neither SO_REUSEADDR nor SO_REUSEPORT, so no
 *    other socket can bind the port (the kernel shares a port only among
 *    sockets that all asked); as Windows' SO_EXCLUSIVEADDRUSE, a restart
 *    then waits for TIME_WAIT. Off gives the type's sharing back.
 *  - XSOCK_OPT_REUSEPORT_LB: the kernel spreads connections or datagrams
 *    among sockets on one port: Linux's and DragonFly's SO_REUSEPORT
 *    (socket(7)), FreeBSD's SO_REUSEPORT_LB; macOS, NetBSD and OpenBSD's
 *    SO_REUSEPORT only shares, so there it is XSOCK_ENOTSUP. */
#if defined(SO_REUSEPORT_LB)
#  define XSOCK__LB SO_REUSEPORT_LB
#elif defined(SO_REUSEPORT) && (defined(__linux__) || defined(__DragonFly__))
#  define XSOCK__LB SO_REUSEPORT
#endif
#if defined(SO_REUSEPORT) && !defined(__linux__)
#  define XSOCK__SHARE_REUSEPORT 1 /* SHAREPORT needs SO_REUSEPORT too */
#endif

static int get_sol(int fd, int name, int *v)
{
    int x = 0;
    socklen_t len = sizeof x;
    if (XSOCK__OS(getsockopt)(fd, SOL_SOCKET, name, &x, &len) != 0) return xsock__sys_error();
    *v = x != 0;
    return 0;
}

static int set_reuse(int fd, int opt, int value, int type)
{
    int r, share;
    switch (opt) {
    case XSOCK_OPT_REUSEADDR:
        if (type != SOCK_STREAM) return xsock__fail(XSOCK_EINVAL, ENOPROTOOPT);
        return setopt_int(fd, SOL_SOCKET, SO_REUSEADDR, value);
    case XSOCK_OPT_REUSEPORT_LB:
#ifdef XSOCK__LB
        return setopt_int(fd, SOL_SOCKET, XSOCK__LB, value);
#else
        return xsock__fail(XSOCK_ENOTSUP, ENOPROTOOPT);
#endif
    case XSOCK_OPT_SHAREPORT:
        if (type != SOCK_DGRAM) return xsock__fail(XSOCK_EINVAL, ENOPROTOOPT);
        share = value;
        break;
    default: /* XSOCK_OPT_EXCLUSIVE */
        if (!value) /* give up exclusive use: the type's own sharing */
            return set_reuse(fd, type == SOCK_DGRAM ? XSOCK_OPT_SHAREPORT : XSOCK_OPT_REUSEADDR, 1, type);
        share = 0;
#ifdef XSOCK__LB
        if ((r = setopt_int(fd, SOL_SOCKET, XSOCK__LB, 0)) < 0) return r;
#endif
#if defined(SO_REUSEPORT) && !defined(XSOCK__SHARE_REUSEPORT)
        if ((r = setopt_int(fd, SOL_SOCKET, SO_REUSEPORT, 0)) < 0) return r;
#endif
        break;
    }
#ifdef XSOCK__SHARE_REUSEPORT
    if ((r = setopt_int(fd, SOL_SOCKET, SO_REUSEPORT, share)) < 0) return r;
#endif
    return setopt_int(fd, SOL_SOCKET, SO_REUSEADDR, share);
}

static int get_reuse(int fd, int opt, int *value, int type)
{
    int r, v = 0, p = 0;
    switch (opt) {
    case XSOCK_OPT_REUSEADDR:
        if (type != SOCK_STREAM) return xsock__fail(XSOCK_EINVAL, ENOPROTOOPT);
        return get_sol(fd, SO_REUSEADDR, value);
    case XSOCK_OPT_REUSEPORT_LB:
#ifdef XSOCK__LB
        return get_sol(fd, XSOCK__LB, value);
#else
        return xsock__fail(XSOCK_ENOTSUP, ENOPROTOOPT);
#endif
    case XSOCK_OPT_SHAREPORT:
        if (type != SOCK_DGRAM) return xsock__fail(XSOCK_EINVAL, ENOPROTOOPT);
        if ((r = get_sol(fd, SO_REUSEADDR, &v)) < 0) return r;
#ifdef XSOCK__SHARE_REUSEPORT
        if (v && (r = get_sol(fd, SO_REUSEPORT, &v)) < 0) return r;
#endif
        *value = v;
        return 0;
    default: /* XSOCK_OPT_EXCLUSIVE */
        if ((r = get_sol(fd, SO_REUSEADDR, &v)) < 0) return r;
#ifdef SO_REUSEPORT
        if ((r = get_sol(fd, SO_REUSEPORT, &p)) < 0) return r;
        v |= p;
#endif
#if defined(XSOCK__LB) && defined(SO_REUSEPORT_LB)
        if ((r = get_sol(fd, SO_REUSEPORT_LB, &p)) < 0) return r;
        v |= p;
#endif
        (void)p;
        *value = !v;
        return 0;
    }
}

/* The reuse options each belong to one socket type: 0 if opt is none of
 * them, else 1 with *type SOCK_STREAM / SOCK_DGRAM (or an error in *r). */
static int reuse_type(int fd, int opt, int *type, int *r)
{
    socklen_t len = sizeof *type;
    if (opt != XSOCK_OPT_REUSEADDR && opt != XSOCK_OPT_EXCLUSIVE && opt != XSOCK_OPT_SHAREPORT &&
        opt != XSOCK_OPT_REUSEPORT_LB)
        return 0;
    *type = 0;
    *r = XSOCK__OS(getsockopt)(fd, SOL_SOCKET, SO_TYPE, type, &len) == 0 ? 0 : xsock__sys_error();
    return 1;
}

/* level/name of the plain int options; 0 for the others. */
static int int_option(int opt, int *level, int *name)
{
    switch (opt) {
    case XSOCK_OPT_NODELAY: *level = IPPROTO_TCP; *name = TCP_NODELAY; return 1;
    case XSOCK_OPT_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return 1;
    case XSOCK_OPT_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return 1;
    case XSOCK_OPT_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return 1;
    case XSOCK_OPT_V6ONLY: *level = IPPROTO_IPV6; *name = IPV6_V6ONLY; return 1;
    case XSOCK_OPT_BROADCAST: *level = SOL_SOCKET; *name = SO_BROADCAST; return 1;
    default: return 0;
    }
}

int xsock__sys_set_option(xsock_t s, int opt, int value)
{
    int level, name, type, r;
    if (reuse_type(s, opt, &type, &r)) return r < 0 ? r : set_reuse(s, opt, value, type);
    if (int_option(opt, &level, &name)) return setopt_int(s, level, name, value);
    if (opt == XSOCK_OPT_RCVTIMEO || opt == XSOCK_OPT_SNDTIMEO) {
        struct timeval tv;
        tv.tv_sec = value / 1000;
        tv.tv_usec = (value % 1000) * 1000;
        name = opt == XSOCK_OPT_RCVTIMEO ? SO_RCVTIMEO : SO_SNDTIMEO;
        return XSOCK__OS(setsockopt)(s, SOL_SOCKET, name, &tv, sizeof tv) == 0 ? 0 : xsock__sys_error();
    } else { /* XSOCK_OPT_LINGER */
        struct linger l;
        l.l_onoff = value >= 0;
        l.l_linger = value >= 0 ? value : 0;
        return XSOCK__OS(setsockopt)(s, SOL_SOCKET, SO_LINGER, &l, sizeof l) == 0 ? 0 : xsock__sys_error();
    }
}

/* An option that does not apply to this kind of socket (V6ONLY on IPv4):
 * Linux's getsockopt says EOPNOTSUPP where its setsockopt says ENOPROTOOPT;
 * give XSOCK_EINVAL for both, as the Windows backend does. */
static int option_error(void)
{
    int r = xsock__sys_error();
    return r == XSOCK_ENOTSUP ? XSOCK_EINVAL : r;
}

int xsock__sys_get_option(xsock_t s, int opt, int *value)
{
    int level, name, v = 0, type, r;
    socklen_t len;
    if (reuse_type(s, opt, &type, &r)) return r < 0 ? r : get_reuse(s, opt, value, type);
    if (int_option(opt, &level, &name)) {
        len = sizeof v;
        if (XSOCK__OS(getsockopt)(s, level, name, &v, &len) != 0) return option_error();
        if (opt == XSOCK_OPT_RCVBUF || opt == XSOCK_OPT_SNDBUF) {
#ifdef __linux__
            v /= 2; /* Linux doubles the size it is given and reports the double */
#endif
        } else {
            v = v != 0;
        }
        *value = v;
        return 0;
    }
    if (opt == XSOCK_OPT_RCVTIMEO || opt == XSOCK_OPT_SNDTIMEO) {
        struct timeval tv;
        len = sizeof tv;
        name = opt == XSOCK_OPT_RCVTIMEO ? SO_RCVTIMEO : SO_SNDTIMEO;
        if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, name, &tv, &len) != 0) return xsock__sys_error();
        /* The kernel keeps ticks: round back to the millisecond it was given. */
        *value = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 500) / 1000);
        return 0;
    } else { /* XSOCK_OPT_LINGER */
        struct linger l;
        len = sizeof l;
        if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_LINGER, &l, &len) != 0) return xsock__sys_error();
        *value = l.l_onoff ? l.l_linger : -1;
        return 0;
    }
}

int xsock__sys_socketpair(xsock_t pair[2])
{
    int fds[2], r, cloexec = 0;
#ifdef SOCK_CLOEXEC
    r = XSOCK__OS(socketpair)(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
    cloexec = 1;
#else
    r = XSOCK__OS(socketpair)(AF_UNIX, SOCK_STREAM, 0, fds);
#endif
    if (r != 0) return xsock__sys_error();
    if ((r = born(fds[0], cloexec)) < 0 || (r = born(fds[1], cloexec)) < 0) {
        XSOCK__OS(close)(fds[0]);
        return close_keep_error(fds[1], r);
    }
    pair[0] = fds[0];
    pair[1] = fds[1];
    return 0;
}

#endif /* _WIN32 */
