/* The hooks behind fi.h: each counts its call, asks plan() what to do, and
 * then fakes the fault or calls the real function (xsock__os_real). The
 * bookkeeping is under one lock: a test may run xsock calls in two
 * threads (a sender and a receiver). The real call is made outside it. */
#include <string.h>
#include "fi.h"
#include "xthread.h"
#ifndef _WIN32
#  include <errno.h>
#  include <fcntl.h>
#  include <stdarg.h>
#  include <sys/stat.h>
#endif

typedef struct rule {
    long base;   /* calls[fn] when the plan was made */
    long nth, times, every;
    int err;
    size_t cap;
} rule;

static xmutex lock;
static int lock_ready;
static long calls[FI_NFN];
static rule rules[FI_NFN];
static long step_at, step_seen;
static int step_fn = FI_NFN, step_native;
static long opened, closed, allocs, frees;

static const char *const names[FI_NFN] = {
    "socket", "close", "bind", "listen", "accept", "connect", "shutdown",
    "send", "recv", "sendto", "recvfrom", "getsockname", "getpeername",
    "setsockopt", "getsockopt", "poll", "resolve", "alloc", "free",
    "socketpair", "fcntl", "pipe", "read", "write",
    "epoll_create1", "epoll_ctl", "epoll_wait", "eventfd", "kqueue", "kevent",
    "ioctlsocket", "WSAIoctl", "SetHandleInformation", "NtCreateFile (AFD)",
    "NtDeviceIoControlFile (AFD poll)"};

const char *fi_name(int fn)
{
    return fn >= 0 && fn < FI_NFN ? names[fn] : "none";
}

/* What the OS says when it runs out, for the sweep. */
static int step_error(int fn)
{
    switch (fn) {
    case FI_SOCKET: case FI_ACCEPT: case FI_SOCKETPAIR: case FI_PIPE:
    case FI_EPOLL_CREATE: case FI_EVENTFD: case FI_KQUEUE:
        return FI_E(EMFILE, WSAEMFILE);
    case FI_ALLOC: return FI_E(ENOMEM, WSA_NOT_ENOUGH_MEMORY);
#ifdef _WIN32
    case FI_AFD_OPEN: case FI_AFD_POLL: return ERROR_NO_SYSTEM_RESOURCES; /* see fi.h */
#endif
    case FI_RESOLVE: return EAI_MEMORY; /* Winsock's is WSA_NOT_ENOUGH_MEMORY */
    default: return FI_E(ENOBUFS, WSAENOBUFS);
    }
}

/* Counts a call of fn; returns the error to fake, or 0 to make the real
 * call (moving at most *cap bytes, when cap is given and a cap is set). */
static int plan(int fn, size_t *cap)
{
    int err = 0;
    rule *r = &rules[fn];
    long k;
    xmutex_lock(&lock);
    k = ++calls[fn] - r->base;
    if (r->nth > 0 && k >= r->nth && (r->times < 0 || k < r->nth + r->times)) err = r->err;
    if (r->every > 0 && k % r->every == 0) err = r->err;
    if (err == 0 && step_at > 0 && fn != FI_CLOSE && fn != FI_FREE && ++step_seen == step_at) {
        err = step_error(fn);
        step_fn = fn;
        step_native = err;
    }
    if (cap != NULL && r->cap != 0 && *cap > r->cap) *cap = r->cap;
    xmutex_unlock(&lock);
    return err;
}

static void count(long *counter, long n)
{
    xmutex_lock(&lock);
    *counter += n;
    xmutex_unlock(&lock);
}

static rule *new_rule(int fn, int err)
{
    rule *r = &rules[fn];
    size_t cap = r->cap;
    memset(r, 0, sizeof *r);
    r->cap = cap;
    r->base = calls[fn];
    /* An allocation fails by returning NULL: any non-zero err says so. */
    r->err = fn == FI_ALLOC ? FI_E(ENOMEM, WSA_NOT_ENOUGH_MEMORY) : err;
    return r;
}

void fi_fail(int fn, long nth, long times, int err)
{
    rule *r;
    xmutex_lock(&lock);
    r = new_rule(fn, err);
    r->nth = nth;
    r->times = times;
    xmutex_unlock(&lock);
}

void fi_fail_every(int fn, long every, int err)
{
    rule *r;
    xmutex_lock(&lock);
    r = new_rule(fn, err);
    r->every = every;
    xmutex_unlock(&lock);
}

void fi_cap(int fn, size_t max)
{
    xmutex_lock(&lock);
    rules[fn].cap = max;
    xmutex_unlock(&lock);
}

void fi_clear(void)
{
    xmutex_lock(&lock);
    memset(rules, 0, sizeof rules);
    step_at = 0;
    xmutex_unlock(&lock);
}

void fi_step(long nth)
{
    xmutex_lock(&lock);
    step_at = nth;
    if (nth > 0) { /* turning it off keeps what the last one hit */
        step_seen = 0;
        step_fn = FI_NFN;
        step_native = 0;
    }
    xmutex_unlock(&lock);
}

int fi_step_hit(void) { return step_fn; }
int fi_step_native(void) { return step_native; }

int fi_step_code(void)
{
    switch (step_fn) {
    case FI_NFN: return 0;
    case FI_ALLOC: case FI_RESOLVE: return XSOCK_ENOMEM;
    case FI_SOCKET: case FI_ACCEPT: case FI_SOCKETPAIR: case FI_PIPE:
    case FI_EPOLL_CREATE: case FI_EVENTFD: case FI_KQUEUE:
        return XSOCK_EMFILE;
    default: return XSOCK_ENOBUFS;
    }
}

void fi_reset_counts(void)
{
    xmutex_lock(&lock);
    opened = closed = allocs = frees = 0;
    xmutex_unlock(&lock);
}

long fi_calls(int fn)
{
    long n;
    xmutex_lock(&lock);
    n = calls[fn];
    xmutex_unlock(&lock);
    return n;
}

long fi_open_balance(void)
{
    long n;
    xmutex_lock(&lock);
    n = opened - closed;
    xmutex_unlock(&lock);
    return n;
}

long fi_alloc_balance(void)
{
    long n;
    xmutex_lock(&lock);
    n = allocs - frees;
    xmutex_unlock(&lock);
    return n;
}

#define real xsock__os_real

/* ---- the hooks: allocation, the same on both ------------------------------ */

static void *h_malloc(size_t n)
{
    void *p;
    if (plan(FI_ALLOC, NULL)) return NULL;
    if ((p = real.malloc(n)) != NULL) count(&allocs, 1);
    return p;
}

static void *h_calloc(size_t n, size_t size)
{
    void *p;
    if (plan(FI_ALLOC, NULL)) return NULL;
    if ((p = real.calloc(n, size)) != NULL) count(&allocs, 1);
    return p;
}

static void *h_realloc(void *old, size_t n)
{
    void *p;
    if (plan(FI_ALLOC, NULL)) return NULL; /* old stays valid, as with a real failure */
    if ((p = real.realloc(old, n)) != NULL && old == NULL) count(&allocs, 1);
    return p;
}

static void h_free(void *p)
{
    plan(FI_FREE, NULL);
    if (p != NULL) count(&frees, 1);
    real.free(p);
}

#ifdef _WIN32

/* ---- Winsock ------------------------------------------------------------ */

static int fail(int err)
{
    WSASetLastError(err);
    return SOCKET_ERROR;
}

static SOCKET WSAAPI h_WSASocketW(int af, int type, int proto, LPWSAPROTOCOL_INFOW info, GROUP g,
                                  DWORD flags)
{
    SOCKET s;
    int e = plan(FI_SOCKET, NULL);
    if (e) {
        fail(e);
        return INVALID_SOCKET;
    }
    if ((s = real.WSASocketW(af, type, proto, info, g, flags)) != INVALID_SOCKET) count(&opened, 1);
    return s;
}

static int WSAAPI h_closesocket(SOCKET s)
{
    int r;
    plan(FI_CLOSE, NULL);
    if ((r = real.closesocket(s)) == 0) count(&closed, 1);
    return r;
}

static int WSAAPI h_bind(SOCKET s, const struct sockaddr *a, int n)
{
    int e = plan(FI_BIND, NULL);
    return e ? fail(e) : real.bind(s, a, n);
}

static int WSAAPI h_listen(SOCKET s, int backlog)
{
    int e = plan(FI_LISTEN, NULL);
    return e ? fail(e) : real.listen(s, backlog);
}

static SOCKET WSAAPI h_accept(SOCKET s, struct sockaddr *a, int *n)
{
    SOCKET c;
    int e = plan(FI_ACCEPT, NULL);
    if (e) {
        fail(e);
        return INVALID_SOCKET;
    }
    if ((c = real.accept(s, a, n)) != INVALID_SOCKET) count(&opened, 1);
    return c;
}

static int WSAAPI h_connect(SOCKET s, const struct sockaddr *a, int n)
{
    int e = plan(FI_CONNECT, NULL);
    return e ? fail(e) : real.connect(s, a, n);
}

static int WSAAPI h_shutdown(SOCKET s, int how)
{
    int e = plan(FI_SHUTDOWN, NULL);
    return e ? fail(e) : real.shutdown(s, how);
}

static int WSAAPI h_send(SOCKET s, const char *buf, int len, int flags)
{
    size_t n = (size_t)len;
    int e = plan(FI_SEND, &n);
    return e ? fail(e) : real.send(s, buf, (int)n, flags);
}

static int WSAAPI h_recv(SOCKET s, char *buf, int len, int flags)
{
    size_t n = (size_t)len;
    int e = plan(FI_RECV, &n);
    return e ? fail(e) : real.recv(s, buf, (int)n, flags);
}

static int WSAAPI h_sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *a,
                           int n)
{
    int e = plan(FI_SENDTO, NULL);
    return e ? fail(e) : real.sendto(s, buf, len, flags, a, n);
}

static int WSAAPI h_recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *a, int *n)
{
    int e = plan(FI_RECVFROM, NULL);
    return e ? fail(e) : real.recvfrom(s, buf, len, flags, a, n);
}

static int WSAAPI h_getsockname(SOCKET s, struct sockaddr *a, int *n)
{
    int e = plan(FI_GETSOCKNAME, NULL);
    return e ? fail(e) : real.getsockname(s, a, n);
}

static int WSAAPI h_getpeername(SOCKET s, struct sockaddr *a, int *n)
{
    int e = plan(FI_GETPEERNAME, NULL);
    return e ? fail(e) : real.getpeername(s, a, n);
}

static int WSAAPI h_setsockopt(SOCKET s, int level, int name, const char *v, int n)
{
    int e = plan(FI_SETSOCKOPT, NULL);
    return e ? fail(e) : real.setsockopt(s, level, name, v, n);
}

static int WSAAPI h_getsockopt(SOCKET s, int level, int name, char *v, int *n)
{
    int e = plan(FI_GETSOCKOPT, NULL);
    return e ? fail(e) : real.getsockopt(s, level, name, v, n);
}

static int WSAAPI h_ioctlsocket(SOCKET s, long cmd, u_long *arg)
{
    int e = plan(FI_IOCTLSOCKET, NULL);
    return e ? fail(e) : real.ioctlsocket(s, cmd, arg);
}

/* The timed connect is ConnectEx on Windows (src/win32/socket.c), found
 * through WSAIoctl: the pointer handed back is this hook's, planned as a
 * connect, so that a faked connect failure reaches both ways to connect.
 * A faked failure is immediate (no I/O pending), as ConnectEx's own
 * argument errors are. */
typedef BOOL(PASCAL *fi_connectex_fn)(SOCKET, const struct sockaddr *, int, PVOID, DWORD, LPDWORD,
                                      LPOVERLAPPED);
static fi_connectex_fn real_connectex;

static BOOL PASCAL h_ConnectEx(SOCKET s, const struct sockaddr *a, int n, PVOID b, DWORD bn,
                               LPDWORD sent, LPOVERLAPPED ov)
{
    int e = plan(FI_CONNECT, NULL);
    if (e) {
        WSASetLastError(e);
        return FALSE;
    }
    return real_connectex(s, a, n, b, bn, sent, ov);
}

static int WSAAPI h_WSAIoctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out, DWORD outlen,
                             LPDWORD got, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
    static const GUID connectex_id = {0x25a207b9, 0xddf3, 0x4660, {0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e}};
    int e = plan(FI_WSAIOCTL, NULL), r;
    if (e) return fail(e);
    r = real.WSAIoctl(s, code, in, inlen, out, outlen, got, ov, cr);
    if (r == 0 && code == _WSAIORW(IOC_WS2, 6) /* SIO_GET_EXTENSION_FUNCTION_POINTER */ &&
        inlen == sizeof connectex_id && memcmp(in, &connectex_id, sizeof connectex_id) == 0 &&
        outlen == sizeof real_connectex) {
        fi_connectex_fn hook = h_ConnectEx;
        memcpy(&real_connectex, out, sizeof real_connectex); /* the same for every socket here */
        memcpy(out, &hook, sizeof hook);
    }
    return r;
}

static int WSAAPI h_select(int n, fd_set *r, fd_set *w, fd_set *x, const struct timeval *t)
{
    int e = plan(FI_POLL, NULL);
    return e ? fail(e) : real.select(n, r, w, x, t);
}

static int WSAAPI h_getaddrinfo(PCSTR host, PCSTR serv, const ADDRINFOA *hints, PADDRINFOA *res)
{
    int e = plan(FI_RESOLVE, NULL);
    if (e == EAI_MEMORY) e = WSA_NOT_ENOUGH_MEMORY; /* the same code in Winsock */
    return e ? e : real.getaddrinfo(host, serv, hints, res);
}

static BOOL WINAPI h_SetHandleInformation(HANDLE h, DWORD mask, DWORD flags)
{
    int e = plan(FI_SETHANDLEINFO, NULL);
    if (e) {
        SetLastError((DWORD)e);
        return FALSE;
    }
    return real.SetHandleInformation(h, mask, flags);
}

/* Scatter/gather (issue 13): planned as a send / recv, without the cap. */
static int WSAAPI h_WSASend(SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD flags,
                            LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
    int e = plan(FI_SEND, NULL);
    return e ? fail(e) : real.WSASend(s, b, n, sent, flags, o, cr);
}

static int WSAAPI h_WSARecv(SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD flags,
                            LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
    int e = plan(FI_RECV, NULL);
    return e ? fail(e) : real.WSARecv(s, b, n, got, flags, o, cr);
}

/* The NTSTATUS a planned Win32 code stands for (fi.h). */
static LONG nt_status(int err)
{
    if (err == ERROR_FILE_NOT_FOUND) return (LONG)0xC0000034L; /* STATUS_OBJECT_NAME_NOT_FOUND */
    return (LONG)0xC000009AL;                                 /* STATUS_INSUFFICIENT_RESOURCES */
}

static LONG NTAPI h_NtCreateFile(PHANDLE h, ACCESS_MASK access, PVOID attr, PVOID iosb,
                                 PLARGE_INTEGER size, ULONG fattr, ULONG share, ULONG disp, ULONG opts,
                                 PVOID ea, ULONG ealen)
{
    int e = plan(FI_AFD_OPEN, NULL);
    if (e) return nt_status(e);
    return real.NtCreateFile(h, access, attr, iosb, size, fattr, share, disp, opts, ea, ealen);
}

static LONG NTAPI h_NtDeviceIoControlFile(HANDLE h, HANDLE ev, PVOID apc, PVOID ctx, PVOID iosb,
                                          ULONG code, PVOID in, ULONG inlen, PVOID out, ULONG outlen)
{
    int e = plan(FI_AFD_POLL, NULL);
    if (e) return nt_status(e);
    return real.NtDeviceIoControlFile(h, ev, apc, ctx, iosb, code, in, inlen, out, outlen);
}

void fi_install(void)
{
    static const xsock__os_table hooks = {
        h_WSASocketW, h_closesocket, h_bind, h_listen, h_accept, h_connect, h_shutdown, h_send,
        h_recv, h_sendto, h_recvfrom, h_getsockname, h_getpeername, h_setsockopt, h_getsockopt,
        h_ioctlsocket, h_WSAIoctl, h_select, h_getaddrinfo, h_SetHandleInformation,
        h_malloc, h_calloc, h_realloc, h_free, h_WSASend, h_WSARecv, h_NtCreateFile,
        h_NtDeviceIoControlFile};
    if (!lock_ready) {
        xmutex_init(&lock);
        lock_ready = 1;
    }
    fi_clear();
    fi_reset_counts();
    xsock__os = hooks;
}

#else

/* ---- POSIX -------------------------------------------------------------- */

static int fail(int err)
{
    errno = err;
    return -1;
}

/* A descriptor call's result, counted when it made one. */
static int made(int fd, long n)
{
    if (fd >= 0) count(&opened, n);
    return fd;
}

static int h_socket(int d, int t, int p)
{
    int e = plan(FI_SOCKET, NULL);
    return e ? fail(e) : made(real.socket(d, t, p), 1);
}

static int h_socketpair(int d, int t, int p, int *fds)
{
    int e = plan(FI_SOCKETPAIR, NULL);
    return e ? fail(e) : made(real.socketpair(d, t, p, fds), 2);
}

static int h_close(int fd)
{
    int e = plan(FI_CLOSE, NULL), r = real.close(fd);
    if (r == 0 || errno != EBADF) count(&closed, 1); /* Linux frees it even after EINTR */
    if (e && r == 0) return fail(e);
    return r;
}

static int h_bind(int s, const struct sockaddr *a, socklen_t n)
{
    int e = plan(FI_BIND, NULL);
    return e ? fail(e) : real.bind(s, a, n);
}

static int h_listen(int s, int backlog)
{
    int e = plan(FI_LISTEN, NULL);
    return e ? fail(e) : real.listen(s, backlog);
}

static int h_accept(int s, struct sockaddr *a, socklen_t *n)
{
    int e = plan(FI_ACCEPT, NULL);
    return e ? fail(e) : made(real.accept(s, a, n), 1);
}

static int h_accept4(int s, struct sockaddr *a, socklen_t *n, int flags)
{
    int e = plan(FI_ACCEPT, NULL);
    return e ? fail(e) : made(real.accept4(s, a, n, flags), 1);
}

static int h_connect(int s, const struct sockaddr *a, socklen_t n)
{
    int e = plan(FI_CONNECT, NULL), r;
    if (e != EINTR) return e ? fail(e) : real.connect(s, a, n);
    /* A signal cuts short a connect that has begun: it goes on. */
    r = real.connect(s, a, n);
    return (r == 0 || errno == EINPROGRESS) ? fail(EINTR) : r;
}

static int h_shutdown(int s, int how)
{
    int e = plan(FI_SHUTDOWN, NULL);
    return e ? fail(e) : real.shutdown(s, how);
}

static ssize_t h_send(int s, const void *buf, size_t len, int flags)
{
    int e = plan(FI_SEND, &len);
    return e ? fail(e) : real.send(s, buf, len, flags);
}

static ssize_t h_recv(int s, void *buf, size_t len, int flags)
{
    int e = plan(FI_RECV, &len);
    return e ? fail(e) : real.recv(s, buf, len, flags);
}

static ssize_t h_sendto(int s, const void *buf, size_t len, int flags, const struct sockaddr *a,
                        socklen_t n)
{
    int e = plan(FI_SENDTO, NULL);
    return e ? fail(e) : real.sendto(s, buf, len, flags, a, n);
}

static ssize_t h_recvmsg(int s, struct msghdr *m, int flags)
{
    int e = plan(FI_RECVFROM, NULL);
    return e ? fail(e) : real.recvmsg(s, m, flags);
}

static int h_getsockname(int s, struct sockaddr *a, socklen_t *n)
{
    int e = plan(FI_GETSOCKNAME, NULL);
    return e ? fail(e) : real.getsockname(s, a, n);
}

static int h_getpeername(int s, struct sockaddr *a, socklen_t *n)
{
    int e = plan(FI_GETPEERNAME, NULL);
    return e ? fail(e) : real.getpeername(s, a, n);
}

static int h_setsockopt(int s, int level, int name, const void *v, socklen_t n)
{
    int e = plan(FI_SETSOCKOPT, NULL);
    return e ? fail(e) : real.setsockopt(s, level, name, v, n);
}

static int h_getsockopt(int s, int level, int name, void *v, socklen_t *n)
{
    int e = plan(FI_GETSOCKOPT, NULL);
    return e ? fail(e) : real.getsockopt(s, level, name, v, n);
}

/* The library asks F_GETFD / F_GETFL and sets F_SETFD / F_SETFL (an int). */
static int h_fcntl(int fd, int cmd, ...)
{
    int e = plan(FI_FCNTL, NULL), arg = 0;
    if (e) return fail(e);
    if (cmd == F_SETFD || cmd == F_SETFL) {
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, int);
        va_end(ap);
        return real.fcntl(fd, cmd, arg);
    }
    return real.fcntl(fd, cmd);
}

static int h_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    int e = plan(FI_POLL, NULL);
    if (e != EINTR) return e ? fail(e) : real.poll(fds, n, timeout_ms);
    /* A signal cuts a wait short: some of the time passes first. */
    real.poll(fds, n, timeout_ms < 0 || timeout_ms > 10 ? 10 : timeout_ms);
    return fail(EINTR);
}

static int h_pipe(int *fds)
{
    int e = plan(FI_PIPE, NULL);
    return e ? fail(e) : made(real.pipe(fds) == 0 ? 0 : -1, 2);
}

static ssize_t h_read(int fd, void *buf, size_t n)
{
    /* xsock_recv reads a stream socket it made with read(): to a test
     * that is a receive, and the plans for FI_RECV apply. */
    struct stat st;
    int sock = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
    int e = sock ? plan(FI_RECV, &n) : plan(FI_READ, NULL);
    return e ? fail(e) : real.read(fd, buf, n);
}

static ssize_t h_write(int fd, const void *buf, size_t n)
{
    int e = plan(FI_WRITE, NULL);
    return e ? fail(e) : real.write(fd, buf, n);
}

static int h_epoll_create1(int flags)
{
    int e = plan(FI_EPOLL_CREATE, NULL);
    return e ? fail(e) : made(real.epoll_create1(flags), 1);
}

static int h_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
    int e = plan(FI_EPOLL_CTL, NULL);
    return e ? fail(e) : real.epoll_ctl(ep, op, fd, ev);
}

static int h_epoll_wait(int ep, struct epoll_event *evs, int max, int timeout_ms)
{
    int e = plan(FI_EPOLL_WAIT, NULL);
    return e ? fail(e) : real.epoll_wait(ep, evs, max, timeout_ms);
}

static int h_eventfd(unsigned int count0, int flags)
{
    int e = plan(FI_EVENTFD, NULL);
    return e ? fail(e) : made(real.eventfd(count0, flags), 1);
}

static int h_kqueue(void)
{
    int e = plan(FI_KQUEUE, NULL);
    return e ? fail(e) : made(real.kqueue(), 1);
}

static int h_kevent(int kq, const struct kevent *ch, int nch, struct kevent *evs, int max,
                    const struct timespec *t)
{
    int e = plan(FI_KEVENT, NULL);
    return e ? fail(e) : real.kevent(kq, ch, nch, evs, max, t);
}

static int h_getaddrinfo(const char *host, const char *serv, const struct addrinfo *hints,
                         struct addrinfo **res)
{
    int e = plan(FI_RESOLVE, NULL);
    return e ? e : real.getaddrinfo(host, serv, hints, res);
}

/* Scatter/gather (issue 13): planned as a send, without the cap. */
static ssize_t h_sendmsg(int s, const struct msghdr *m, int flags)
{
    int e = plan(FI_SEND, NULL);
    return e ? fail(e) : real.sendmsg(s, m, flags);
}

void fi_install(void)
{
    xsock__os_table hooks = {
        h_socket, h_socketpair, h_close, h_bind, h_listen, h_accept, h_accept4, h_connect,
        h_shutdown, h_send, h_recv, h_sendto, h_recvmsg, h_getsockname, h_getpeername,
        h_setsockopt, h_getsockopt, h_fcntl, h_poll, h_pipe, h_read, h_write,
        h_epoll_create1, h_epoll_ctl, h_epoll_wait, h_eventfd, h_kqueue, h_kevent,
        h_getaddrinfo, h_malloc, h_calloc, h_realloc, h_free, h_sendmsg};
    /* What this OS lacks stays missing, so that the library sees it so. */
    if (real.accept4 == NULL) hooks.accept4 = NULL;
    if (real.epoll_create1 == NULL) {
        hooks.epoll_create1 = NULL;
        hooks.epoll_ctl = NULL;
        hooks.epoll_wait = NULL;
        hooks.eventfd = NULL;
    }
    if (real.kqueue == NULL) {
        hooks.kqueue = NULL;
        hooks.kevent = NULL;
    }
    if (!lock_ready) {
        xmutex_init(&lock);
        lock_ready = 1;
    }
    fi_clear();
    fi_reset_counts();
    xsock__os = hooks;
}

#endif /* _WIN32 */
