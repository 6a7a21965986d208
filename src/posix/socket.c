/* POSIX sockets: creation with the promised defaults, transfers, options. */
#include "posix/posix.h"
#ifndef _WIN32

#include <string.h>
#include <sys/time.h>
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__DragonFly__) || defined(__NetBSD__) || \
    defined(__OpenBSD__)
#  include <sys/sysctl.h>
#endif

#ifdef MSG_NOSIGNAL
#  define XSOCK__SEND_FLAGS MSG_NOSIGNAL
#else
#  define XSOCK__SEND_FLAGS 0 /* SO_NOSIGPIPE is set on the socket instead */
#endif

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
#  define XSOCK__HAVE_ACCEPT4 1
#endif

/* ---- what xsock knows of a descriptor ----------------------------------------
 * One byte per descriptor number, written when xsock makes a socket (open,
 * accept, socketpair) or changes its mode, and cleared by xsock_close, so a
 * number the kernel hands out again starts unknown or is written afresh.
 * Two readers, both cheap: recv takes its plain path only for a known stream
 * socket (a load and a test), and the EAGAIN of a non-blocking socket needs
 * no fcntl(F_GETFL). Unknown (a descriptor xsock did not make, or a number
 * beyond the table) means: ask the OS, on the rare path only. What the table
 * cannot see is a descriptor changed or closed behind xsock's back (plain
 * fcntl() or close()): a stale "blocking" is checked with the OS before it
 * is believed, a stale "non-blocking" would call a timeout XSOCK_EAGAIN, and
 * a stale "stream" would not report a truncated datagram. */
#define FD_KNOWN 1u    /* the mode bit below is true */
#define FD_NONBLOCK 2u
#define FD_STREAM 4u   /* a stream socket: recv needs no truncation check */
#define FD_TABLE_SIZE 65536u

static unsigned char fd_table[FD_TABLE_SIZE];
/* The receive and send timeouts xsock set, + 1 (0: none known); see
 * timeo_readback. Cleared with the rest when a number is born or closed. */
static unsigned timeo_set[2][FD_TABLE_SIZE];

/* Relaxed atomics (a plain byte move on every CPU): another thread may open
 * or close another descriptor meanwhile, and the sanitizers must agree. */
#if defined(__GNUC__) || defined(__clang__)
#  define FD_LOAD(fd) __atomic_load_n(&fd_table[(unsigned)(fd)], __ATOMIC_RELAXED)
#  define FD_STORE(fd, v) __atomic_store_n(&fd_table[(unsigned)(fd)], (unsigned char)(v), __ATOMIC_RELAXED)
#  define TIMEO_LOAD(w, fd) __atomic_load_n(&timeo_set[w][(unsigned)(fd)], __ATOMIC_RELAXED)
#  define TIMEO_STORE(w, fd, v) __atomic_store_n(&timeo_set[w][(unsigned)(fd)], (unsigned)(v), __ATOMIC_RELAXED)
#else
#  define FD_LOAD(fd) fd_table[(unsigned)(fd)]
#  define FD_STORE(fd, v) (fd_table[(unsigned)(fd)] = (unsigned char)(v))
#  define TIMEO_LOAD(w, fd) timeo_set[w][(unsigned)(fd)]
#  define TIMEO_STORE(w, fd, v) (timeo_set[w][(unsigned)(fd)] = (unsigned)(v))
#endif

/* recv's read of the table: a plain byte (see fd_is_stream). Under TSan an
 * atomic one: a number closed in one thread and born again in another is
 * ordered by the kernel, which TSan cannot see, so it would call the plain
 * read a race with fd_reset's store. */
#if defined(__SANITIZE_THREAD__)
#  define XSOCK__TSAN 1
#elif defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define XSOCK__TSAN 1
#  endif
#endif
#ifdef XSOCK__TSAN
#  define FD_PEEK(fd) FD_LOAD(fd)
#else
#  define FD_PEEK(fd) fd_table[(unsigned)(fd)]
#endif

static void fd_note(int fd, unsigned info)
{
    if ((unsigned)fd < FD_TABLE_SIZE) FD_STORE(fd, info);
}

/* A number that now names a new socket, or none (info 0). */
static void fd_reset(int fd, unsigned info)
{
    if ((unsigned)fd < FD_TABLE_SIZE) {
        TIMEO_STORE(0, fd, 0);
        TIMEO_STORE(1, fd, 0);
        FD_STORE(fd, info);
    }
}

static unsigned fd_info(int fd)
{
    return (unsigned)fd < FD_TABLE_SIZE ? FD_LOAD(fd) : 0u;
}

/* recv's question, in as few instructions as C allows: a plain byte test
 * that the compiler folds into one instruction (an atomic load would not
 * fold). A torn or stale answer is impossible for a byte, and a race here
 * is the caller's own (a socket used while another thread closes it). */
static int fd_is_stream(int fd)
{
    return (unsigned)fd < FD_TABLE_SIZE && (FD_PEEK(fd) & FD_STREAM);
}

/* 1 non-blocking, 0 blocking, or a negative code: the OS's answer, which
 * also refreshes what the table knows. */
static int ask_nonblocking(int fd)
{
    int fl = XSOCK__OS(fcntl)(fd, F_GETFL);
    unsigned info;
    if (fl < 0) return xsock__sys_error();
    info = fd_info(fd);
    if (info & FD_KNOWN)
        fd_note(fd, (info & ~FD_NONBLOCK) | ((fl & O_NONBLOCK) ? FD_NONBLOCK : 0u));
    return (fl & O_NONBLOCK) != 0;
}

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
#ifdef SO_NOSIGPIPE
    /* Wherever it exists, even beside MSG_NOSIGNAL: macOS declares
     * MSG_NOSIGNAL, but its kernels up to 10.15 ignore the flag on send,
     * and SIGPIPE kills the process. curl sets it the same way
     * (nosigpipe(), lib/cf-socket.c, under #ifdef SO_NOSIGPIPE). */
    return setopt_int(fd, SOL_SOCKET, SO_NOSIGPIPE, 1);
#else
    return 0;
#endif
}

static int close_keep_error(int fd, int r)
{
    int native = xsock_last_native_error();
    fd_reset(fd, 0);
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
    fd_reset(fd, FD_KNOWN | (st == SOCK_STREAM ? FD_STREAM : 0u));
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
     * never retry, or another thread's new descriptor might be closed. The
     * table forgets s first: once closed, the number may be another's. */
    fd_reset(s, 0);
    if (XSOCK__OS(close)(s) != 0 && errno != EINTR) return xsock__sys_error();
    return 0;
}

int xsock__sys_bind(xsock_t s, const xsock_addr *addr)
{
    return XSOCK__OS(bind)(s, XSOCK__CSA(addr), (socklen_t)addr->len) == 0 ? 0 : xsock__sys_error();
}

/* The largest backlog the kernel takes, read at run time: the compile-time
 * SOMAXCONN is 128 on macOS and older glibc while the kernels allow more
 * (Linux 5.4+ defaults to 4096). Linux: /proc/sys/net/core/somaxconn, which
 * listen(2) says larger backlogs are cut to. macOS, FreeBSD, DragonFly: the
 * sysctl kern.ipc.somaxconn (XNU bsd/kern/uipc_socket.c and FreeBSD
 * sys/kern/uipc_socket.c, solisten, cut a larger or negative backlog to
 * it). NetBSD and OpenBSD: kern.somaxconn (KERN_SOMAXCONN, sysctl(7)). */
static int os_max_backlog(void)
{
    int max = 0;
#if defined(__linux__)
    char text[16];
    ssize_t n;
    int fd = open("/proc/sys/net/core/somaxconn", O_RDONLY | O_CLOEXEC), i;
    if (fd >= 0) {
        n = read(fd, text, sizeof text - 1);
        close(fd);
        for (i = 0; i < n && text[i] >= '0' && text[i] <= '9' && max < INT_MAX / 10; i++)
            max = max * 10 + (text[i] - '0');
    }
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__DragonFly__)
    size_t len = sizeof max;
    if (sysctlbyname("kern.ipc.somaxconn", &max, &len, NULL, 0) != 0) max = 0;
#elif defined(KERN_SOMAXCONN)
    int mib[2] = {CTL_KERN, KERN_SOMAXCONN};
    size_t len = sizeof max;
    if (sysctl(mib, 2, &max, &len, NULL, 0) != 0) max = 0;
#endif
    return max > 0 ? max : SOMAXCONN;
}

int xsock__sys_listen(xsock_t s, int backlog)
{
    int max = os_max_backlog();
    if (backlog < 0 || backlog > max) backlog = max;
    return XSOCK__OS(listen)(s, backlog) == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_connect(xsock_t s, const xsock_addr *addr)
{
    int r;
    if (XSOCK__OS(connect)(s, XSOCK__CSA(addr), (socklen_t)addr->len) == 0) return 0;
    if (errno != EINTR) return xsock__sys_error();
    /* An interrupted connect goes on in the background: wait for it, or,
     * when asked, say so (POLLOUT and xsock_connect_result tell the end). */
    if (xsock__interruptible()) return xsock__fail(XSOCK_EINTR, EINTR);
    r = xsock__sys_wait(s, XSOCK_POLLOUT, -1);
    return r < 0 ? r : xsock__sys_socket_error(s);
}

/* Linux answers a non-blocking AF_UNIX connect to a listener whose backlog
 * is full with EAGAIN (unix(7)), and poll() cannot wait for room: try again
 * after a short sleep, growing to 20 ms, until the timeout passes. */
int xsock__sys_connect_again(xsock_t s, const xsock_addr *addr, int r, int timeout_ms)
{
    long long start = xsock__posix_now_ms();
    int step = 1, left;
    while (r == XSOCK_EAGAIN) {
        if ((left = xsock__posix_left_ms(timeout_ms, start)) == 0) return xsock__fail(XSOCK_ETIMEDOUT, EAGAIN);
        if (XSOCK__OS(poll)(NULL, 0, left < step ? left : step) < 0 && errno == EINTR && xsock__interruptible())
            return xsock__fail(XSOCK_EINTR, EINTR);
        if (step < 20) step *= 2;
        r = xsock__sys_connect(s, addr);
    }
    return r;
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
    return ask_nonblocking(s);
}

int xsock__sys_set_nonblocking(xsock_t s, int on)
{
    int fl = XSOCK__OS(fcntl)(s, F_GETFL);
    unsigned info;
    if (fl < 0) return xsock__sys_error();
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    if (XSOCK__OS(fcntl)(s, F_SETFL, fl) != 0) return xsock__sys_error();
    /* Only a descriptor xsock made is remembered: one it did not make may
     * be closed with close() and its number reused unseen. */
    if ((info = fd_info(s)) & FD_KNOWN) fd_note(s, (info & ~FD_NONBLOCK) | (on ? FD_NONBLOCK : 0u));
    return 0;
}

/* The error of a transfer that failed for good. EAGAIN means "would block"
 * on a non-blocking socket but "timed out" on a blocking one (SO_RCVTIMEO /
 * SO_SNDTIMEO), where Windows says WSAETIMEDOUT: give both the same code.
 * A non-blocking socket xsock made answers from the table, without a
 * system call: its EAGAIN is the common case of every event loop. */
static xsock_ssize_t transfer_error(xsock_t s)
{
    int r = xsock__sys_error();
    if (r == XSOCK_EAGAIN) {
        int e = errno, nb;
        if ((fd_info(s) & (FD_KNOWN | FD_NONBLOCK)) == (FD_KNOWN | FD_NONBLOCK)) return r;
        nb = ask_nonblocking(s);
        xsock__set_native_error(e);
        if (nb == 0) return XSOCK_ETIMEDOUT;
    }
    return r;
}

xsock_ssize_t xsock__sys_transfer_error(xsock_t s)
{
    return transfer_error(s);
}

/* ---- the rare path of a blocking call: EINTR and the deadline ---------------- */

enum { OP_SEND, OP_RECV, OP_SENDTO, OP_RECVMSG, OP_ACCEPT, OP_SENDMSG };

/* One call, as made again after EINTR. */
typedef struct call {
    int op;
    int fd;
    void *buf;              /* send, recv, sendto */
    size_t len;
    const xsock_addr *to;   /* sendto */
    struct msghdr *msg;     /* recvmsg (its msg_namelen is reset each time) */
    socklen_t namecap;      /* recvmsg, accept: the room for the address */
    xsock_addr *peer;       /* accept */
    socklen_t *peerlen;
} call;

static ssize_t call_once(const call *c, int flags)
{
    switch (c->op) {
    case OP_SEND: return XSOCK__OS(send)(c->fd, c->buf, c->len, XSOCK__SEND_FLAGS | flags);
    case OP_RECV: return XSOCK__OS(recv)(c->fd, c->buf, c->len, flags);
    case OP_SENDTO:
        return XSOCK__OS(sendto)(c->fd, c->buf, c->len, XSOCK__SEND_FLAGS | flags, XSOCK__CSA(c->to),
                                 (socklen_t)c->to->len);
    case OP_RECVMSG:
        c->msg->msg_namelen = c->namecap;
        return XSOCK__OS(recvmsg)(c->fd, c->msg, flags);
    case OP_SENDMSG: return XSOCK__OS(sendmsg)(c->fd, c->msg, XSOCK__SEND_FLAGS | flags);
    default:
        *c->peerlen = c->namecap;
#ifdef XSOCK__HAVE_ACCEPT4
        return XSOCK__OS(accept4)(c->fd, XSOCK__SA(c->peer), c->peerlen, SOCK_CLOEXEC);
#else
        return XSOCK__OS(accept)(c->fd, XSOCK__SA(c->peer), c->peerlen);
#endif
    }
}

/* The timeout set on fd for this kind of call, in ms rounded up; 0 for none. */
static int call_timeout_ms(const call *c)
{
    struct timeval tv;
    socklen_t len = sizeof tv;
    int name = (c->op == OP_SEND || c->op == OP_SENDTO || c->op == OP_SENDMSG) ? SO_SNDTIMEO : SO_RCVTIMEO;
    long long ms;
    if (XSOCK__OS(getsockopt)(c->fd, SOL_SOCKET, name, &tv, &len) != 0) return 0;
    ms = (long long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Waits until fd is ready for the call or the deadline passes. */
static int wait_until(const call *c, long long deadline)
{
    struct pollfd p;
    long long left;
    int r;
    for (;;) {
        if ((left = deadline - xsock__posix_now_ms()) <= 0) return xsock__fail(XSOCK_ETIMEDOUT, EAGAIN);
        p.fd = c->fd;
        p.events = (c->op == OP_SEND || c->op == OP_SENDTO || c->op == OP_SENDMSG) ? POLLOUT : POLLIN;
        p.revents = 0;
        if ((r = XSOCK__OS(poll)(&p, 1, left > INT_MAX ? INT_MAX : (int)left)) > 0) return 0;
        if (r < 0 && errno != EINTR) return xsock__sys_error();
        if (r < 0 && xsock__interruptible()) return xsock__fail(XSOCK_EINTR, EINTR);
    }
}

/* A blocking call ended by a signal (errno EINTR). With
 * xsock_set_interruptible(1) that is the answer: XSOCK_EINTR. Otherwise the
 * call is made again; but Linux returns EINTR from a socket call that has
 * a timeout even under SA_RESTART (signal(7)), and a plain retry would
 * start the whole timeout again: a signal every 100 ms kept a 300 ms
 * SO_RCVTIMEO from ever expiring. So when the socket is blocking and has a
 * timeout, a deadline is kept, poll() waits only for the time left, and
 * the call is made again without blocking (MSG_DONTWAIT): CPython's
 * sock_call_ex (Modules/socketmodule.c) does the same. The fast path takes
 * no timestamp, so the deadline starts at the first EINTR: the timeout
 * holds within twice its length. Any other errno: the call's error. */
static XSOCK__NOINLINE ssize_t call_failed(const call *c)
{
    long long deadline = 0;
    int timeout = -1, flags = 0, r;
    ssize_t n;
    for (;;) {
        if (errno == EINTR) {
            if (xsock__interruptible()) return xsock__fail(XSOCK_EINTR, EINTR);
            if (timeout < 0) {
                timeout = call_timeout_ms(c);
                if (timeout > 0 && ask_nonblocking(c->fd) == 0) {
                    deadline = xsock__posix_now_ms() + timeout;
                    if (c->op != OP_ACCEPT) flags = MSG_DONTWAIT;
                } else {
                    timeout = 0;
                }
            }
        } else if (timeout <= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            return transfer_error(c->fd);
        }
        if (timeout > 0 && (r = wait_until(c, deadline)) < 0) return r;
        if ((n = call_once(c, flags)) >= 0) return n;
    }
}

ssize_t xsock__posix_msg_failed(int fd, struct msghdr *msg, int sending)
{
    call c;
    memset(&c, 0, sizeof c);
    c.op = sending ? OP_SENDMSG : OP_RECVMSG;
    c.fd = fd;
    c.msg = msg;
    c.namecap = msg->msg_namelen;
    return call_failed(&c);
}

/* send/recv's arguments, kept for the rare path. Only the failure path
 * reads them, through a pointer, so they live in the caller's stack frame:
 * three stores on the fast path, where keeping them in callee-saved
 * registers across the call would cost a push, a move and a pop each. */
typedef struct transfer {
    xsock_t s;
    void *buf;
    size_t len;
} transfer;

static XSOCK__NOINLINE xsock_ssize_t transfer_failed(const transfer *t, int op)
{
    call c;
    memset(&c, 0, sizeof c);
    c.op = op;
    c.fd = t->s;
    c.buf = t->buf;
    c.len = t->len;
    return (xsock_ssize_t)call_failed(&c);
}

/* The fast paths of xsock_send and xsock__sys_send, xsock_recv and
 * xsock__sys_recv: one body each, inlined in both. */
static xsock_ssize_t send_fast(xsock_t s, const void *buf, size_t len)
{
    transfer t;
    ssize_t n;
    t.s = s;
    t.buf = (void *)buf;
    t.len = len;
    n = XSOCK__OS(send)(s, buf, len, XSOCK__SEND_FLAGS);
    return n >= 0 ? (xsock_ssize_t)n : transfer_failed(&t, OP_SEND);
}

/* A datagram socket, or one xsock does not know: recvmsg, whose msg_flags
 * tell a truncated datagram on any kind of socket. (recv's MSG_TRUNC flag
 * would give the datagram's length, but on a Linux TCP socket it discards
 * the data instead: tcp(7).) */
static XSOCK__NOINLINE xsock_ssize_t recv_other(xsock_t s, void *buf, size_t len)
{
    /* Linux's xsock_recv leaves these to here (see SEND_RARE below): a
     * datagram read into 0 bytes would be lost. */
    if (len == 0) return xsock__recv_rare(s, buf, 0);
    return xsock__sys_recvfrom(s, buf, len > (size_t)INT_MAX ? (size_t)INT_MAX : len, NULL);
}

static xsock_ssize_t recv_fast(xsock_t s, void *buf, size_t len)
{
    transfer t;
    ssize_t n;
    if (!fd_is_stream(s)) return recv_other(s, buf, len);
    t.s = s;
    t.buf = buf;
    t.len = len;
    /* read(2), not recv(2) with flags 0: on a socket the two are the same
     * call (POSIX read(): "If fildes refers to a socket, read() shall be
     * equivalent to recv() with no flags set"), and read has fewer
     * arguments to pass on: one instruction here, and 3 fewer in glibc (7
     * in a threaded process), whose recv is recvfrom with two NULL
     * arguments (bench/NOTES.md). The retry after a failure (call_once) stays recv,
     * with its flags. */
    n = XSOCK__OS(read)(s, buf, len);
    return n >= 0 ? (xsock_ssize_t)n : transfer_failed(&t, OP_RECV);
}

xsock_ssize_t xsock__sys_send(xsock_t s, const void *buf, size_t len)
{
    return send_fast(s, buf, len);
}

xsock_ssize_t xsock__sys_recv(xsock_t s, void *buf, size_t len)
{
    return recv_fast(s, buf, len);
}

/* On Linux the kernel does what the length checks of XSOCK__SEND_RARE and
 * XSOCK__RECV_RARE are for, so only buf is checked: a read of 0 bytes
 * from a socket returns 0 at once (net/socket.c, sock_read_iter: "Match
 * SYS5 behaviour"), and a length above INT_MAX is cut to MAX_RW_COUNT,
 * INT_MAX & PAGE_MASK (fs/read_write.c, vfs_read; lib/iov_iter.c,
 * import_ubuf, which send's __sys_sendto calls): a partial transfer, as
 * the header says (io.huge_length_partial). A datagram socket's len 0 and
 * cap are recv_other's. Elsewhere read and send may refuse a length above
 * INT_MAX (macOS: EINVAL, read(2) and send(2)), so the checks stay. */
#ifdef __linux__
#  define SEND_RARE(buf, len) ((buf) == NULL)
#  define RECV_RARE(buf, len) ((buf) == NULL)
#else
#  define SEND_RARE(buf, len) XSOCK__SEND_RARE(buf, len)
#  define RECV_RARE(buf, len) XSOCK__RECV_RARE(buf, len)
#endif

xsock_ssize_t xsock_send(xsock_t s, const void *buf, size_t len)
{
    if (SEND_RARE(buf, len)) return xsock__send_rare(s, buf, len);
    return send_fast(s, buf, len);
}

xsock_ssize_t xsock_recv(xsock_t s, void *buf, size_t len)
{
    if (RECV_RARE(buf, len)) return xsock__recv_rare(s, buf, len);
    return recv_fast(s, buf, len);
}

xsock_ssize_t xsock__sys_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr *to)
{
    call c;
    ssize_t n = XSOCK__OS(sendto)(s, buf, len, XSOCK__SEND_FLAGS, XSOCK__CSA(to), (socklen_t)to->len);
    if (n >= 0) return (xsock_ssize_t)n;
    memset(&c, 0, sizeof c);
    c.op = OP_SENDTO;
    c.fd = s;
    c.buf = (void *)buf;
    c.len = len;
    c.to = to;
    return (xsock_ssize_t)call_failed(&c);
}

xsock_ssize_t xsock__sys_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr *from)
{
    /* recvmsg, not recvfrom: only msg_flags tells a truncated datagram, which
     * Windows reports as WSAEMSGSIZE. */
    struct iovec iov;
    struct msghdr msg;
    call c;
    ssize_t n;
    iov.iov_base = buf;
    iov.iov_len = len;
    memset(&msg, 0, sizeof msg);
    memset(&c, 0, sizeof c);
    if (from != NULL) {
        msg.msg_name = from->storage.bytes;
        c.namecap = (socklen_t)sizeof from->storage;
    }
    msg.msg_namelen = c.namecap;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if ((n = XSOCK__OS(recvmsg)(s, &msg, 0)) < 0) {
        c.op = OP_RECVMSG;
        c.fd = s;
        c.msg = &msg;
        if ((n = call_failed(&c)) < 0) return (xsock_ssize_t)n;
    }
    if (from != NULL) from->len = (int)msg.msg_namelen;
    if (msg.msg_flags & MSG_TRUNC) return xsock__fail(XSOCK_EMSGSIZE, EMSGSIZE);
    return (xsock_ssize_t)n;
}

int xsock__sys_accept(xsock_t s, xsock_t *client, xsock_addr *peer)
{
    xsock_addr tmp;
    xsock_addr *a = peer ? peer : &tmp;
    socklen_t len = (socklen_t)sizeof a->storage;
    call c;
    int fd, r;
#ifdef XSOCK__HAVE_ACCEPT4
    fd = XSOCK__OS(accept4)(s, XSOCK__SA(a), &len, SOCK_CLOEXEC);
#else
    fd = XSOCK__OS(accept)(s, XSOCK__SA(a), &len);
#endif
    if (fd < 0) {
        ssize_t n;
        memset(&c, 0, sizeof c);
        c.op = OP_ACCEPT;
        c.fd = s;
        c.peer = a;
        c.peerlen = &len;
        c.namecap = (socklen_t)sizeof a->storage;
        if ((n = call_failed(&c)) < 0) return (int)n;
        fd = (int)n;
    }
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
    fd_reset(fd, FD_KNOWN | FD_STREAM);
    a->len = (int)len;
    *client = fd;
    return 0;
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

/* macOS: under _DARWIN_C_SOURCE, SO_LINGER counts clock ticks, not seconds;
 * SO_LINGER_SEC counts seconds, and the kernel keeps seconds * hz (100) in
 * a short so_linger (XNU bsd/kern/uipc_socket.c, sosetoptlock): 327 s is
 * the most it can hold, so longer lingers are cut to that. */
#ifdef SO_LINGER_SEC
#  define LINGER_NAME SO_LINGER_SEC
#  define LINGER_MAX 327
#else
#  define LINGER_NAME SO_LINGER
#  define LINGER_MAX INT_MAX
#endif

/* Timeouts read back as set: the kernel keeps clock ticks (Linux rounds 1 ms
 * up to 1000/HZ, and 1 read back as 4), so xsock remembers the value it set
 * and gives it back while the kernel's value is still that value rounded
 * up to a tick (at most 10 ms more: HZ >= 100); a timeout changed outside
 * xsock, or a reused number, reads as the kernel has it. 0 = not known. */

static int timeo_readback(int fd, int which, int kernel_ms)
{
    unsigned v = (unsigned)fd < FD_TABLE_SIZE ? TIMEO_LOAD(which, fd) : 0u;
    int set = (int)v - 1;
    return v != 0 && kernel_ms >= set && kernel_ms - set <= 10 ? set : kernel_ms;
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

/* An option that does not apply to this kind of socket (V6ONLY on IPv4):
 * Linux's getsockopt says EOPNOTSUPP where its setsockopt says ENOPROTOOPT;
 * give XSOCK_EINVAL for both, as the Windows backend does. */
static int option_error(void)
{
    int r = xsock__sys_error();
    return r == XSOCK_ENOTSUP ? XSOCK_EINVAL : r;
}

int xsock__sys_set_option(xsock_t s, int opt, int value)
{
    int level, name, type, r;
    if (reuse_type(s, opt, &type, &r)) return r < 0 ? r : set_reuse(s, opt, value, type);
    /* option_error: one code for set and get (NODELAY on AF_UNIX: EOPNOTSUPP). */
    if (int_option(opt, &level, &name)) return setopt_int(s, level, name, value) == 0 ? 0 : option_error();
    if (opt == XSOCK_OPT_RCVTIMEO || opt == XSOCK_OPT_SNDTIMEO) {
        struct timeval tv;
        tv.tv_sec = value / 1000;
        tv.tv_usec = (value % 1000) * 1000;
        name = opt == XSOCK_OPT_RCVTIMEO ? SO_RCVTIMEO : SO_SNDTIMEO;
        if (XSOCK__OS(setsockopt)(s, SOL_SOCKET, name, &tv, sizeof tv) != 0) return xsock__sys_error();
        if ((unsigned)s < FD_TABLE_SIZE) TIMEO_STORE(opt == XSOCK_OPT_RCVTIMEO, s, (unsigned)value + 1u);
        return 0;
    } else { /* XSOCK_OPT_LINGER */
        struct linger l;
        l.l_onoff = value >= 0;
        l.l_linger = value >= 0 ? value : 0;
        if (l.l_linger > LINGER_MAX) l.l_linger = LINGER_MAX;
        return XSOCK__OS(setsockopt)(s, SOL_SOCKET, LINGER_NAME, &l, sizeof l) == 0 ? 0 : xsock__sys_error();
    }
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
        *value = timeo_readback(s, opt == XSOCK_OPT_RCVTIMEO, (int)(tv.tv_sec * 1000 + (tv.tv_usec + 500) / 1000));
        return 0;
    } else { /* XSOCK_OPT_LINGER */
        struct linger l;
        len = sizeof l;
        if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, LINGER_NAME, &l, &len) != 0) return xsock__sys_error();
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
    fd_reset(fds[0], FD_KNOWN | FD_STREAM);
    fd_reset(fds[1], FD_KNOWN | FD_STREAM);
    pair[0] = fds[0];
    pair[1] = fds[1];
    return 0;
}

#endif /* _WIN32 */
