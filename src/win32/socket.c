/* Winsock sockets: creation with the promised defaults, connect, transfers. */
#include "win32/win32.h"
#ifdef _WIN32

#include <stdlib.h> /* calloc/free behind XSOCK__OS (i686 MinGW brings it in no other way) */
#include <string.h>
#include <mstcpip.h>

/* mswsock.h has it, but pulls in more than this one constant. */
#ifndef SIO_UDP_CONNRESET
#  define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif
#ifndef SIO_UDP_NETRESET
#  define SIO_UDP_NETRESET _WSAIOW(IOC_VENDOR, 15)
#endif

#define SA(a) XSOCK__SA(a)
#define CSA(a) XSOCK__CSA(a)

static int setopt_int(SOCKET s, int level, int name, int value)
{
    return XSOCK__OS(setsockopt)(s, level, name, (const char *)&value, (int)sizeof value) == 0
               ? 0
               : xsock__sys_error();
}

static int close_keep_error(SOCKET s, int r)
{
    int native = xsock_last_native_error();
    XSOCK__OS(closesocket)(s);
    xsock__set_native_error(native);
    return r;
}

/* What accept() gives lacks the defaults the header promises. */
static int adopt_accepted(SOCKET s, int af)
{
    u_long off = 0;
    int r;
    /* A handle value is reused as soon as it is free: forget any old
     * socket of this value that was closed without xsock_close. */
    xsock__win_nb_forget(s);
    if (!XSOCK__OS(SetHandleInformation)((HANDLE)s, HANDLE_FLAG_INHERIT, 0)) return xsock__sys_error();
    /* As in xsock__sys_open, whatever accept copies from the listener. */
    if (af != AF_UNIX && (r = setopt_int(s, SOL_SOCKET, SO_OOBINLINE, 1)) < 0) return r;
    /* accept() copies the listener's non-blocking mode; Linux does not,
     * and the header promises Linux's blocking socket. */
    return XSOCK__OS(ioctlsocket)(s, (long)FIONBIO, &off) == 0 ? 0 : xsock__sys_error();
}

/* SIO_UDP_CONNRESET / SIO_UDP_NETRESET: whether ICMP errors fail a recv. */
static void udp_reports(SOCKET s, DWORD code, BOOL on)
{
    DWORD got = 0;
    XSOCK__OS(WSAIoctl)(s, code, &on, (DWORD)sizeof on, NULL, 0, &got, NULL, NULL);
}

int xsock__sys_open(xsock_t *out, int af, int type)
{
    int st = type == XSOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM, r, inherit_done = 1;
    SOCKET s;
    if ((r = xsock__sys_startup()) < 0) return r;
    /* WSA_FLAG_OVERLAPPED is what socket() would give: SO_RCVTIMEO and
     * friends work, and so would IOCP. */
    s = XSOCK__OS(WSASocketW)(af, st, 0, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
        /* Windows before 7 SP1 does not know the flag: clear it after. */
        s = XSOCK__OS(WSASocketW)(af, st, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
        inherit_done = 0;
    }
    if (s == INVALID_SOCKET) return xsock__sys_error();
    if (!inherit_done && !XSOCK__OS(SetHandleInformation)((HANDLE)s, HANDLE_FLAG_INHERIT, 0))
        return close_keep_error(s, xsock__sys_error());
    xsock__win_nb_forget(s); /* see adopt_accepted */
    /* Reuse (options.c has the table): a stream socket gets neither
     * SO_REUSEADDR nor SO_EXCLUSIVEADDRUSE, so a restarted server rebinds
     * while its old connections live on or sit in TIME_WAIT, and a second
     * live listener still gets WSAEADDRINUSE ("Using SO_REUSEADDR and
     * SO_EXCLUSIVEADDRUSE"; libuv's src/win/tcp.c sets neither). A datagram
     * socket is exclusive, as a POSIX one without SO_REUSEADDR is. */
    if (st == SOCK_DGRAM && af != AF_UNIX &&
        (r = setopt_int(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)) < 0)
        return close_keep_error(s, r);
    /* Urgent data reads inline, as one more byte: otherwise select puts a
     * healthy connection in its except set (XSOCK_POLLERR) until someone
     * calls recv(MSG_OOB). The same on POSIX. */
    if (st == SOCK_STREAM && af != AF_UNIX && (r = setopt_int(s, SOL_SOCKET, SO_OOBINLINE, 1)) < 0)
        return close_keep_error(s, r);
    /* Windows defaults to v6-only, Linux to dual-stack: say it. */
    if (af == AF_INET6 && (r = setopt_int(s, IPPROTO_IPV6, IPV6_V6ONLY, 1)) < 0)
        return close_keep_error(s, r);
    if (st == SOCK_DGRAM) {
        /* Otherwise an ICMP port-unreachable for an earlier sendto makes the
         * next recvfrom fail with WSAECONNRESET, and an ICMP time-exceeded
         * with WSAENETRESET, which Linux never does for an unconnected
         * socket (libuv's src/win/udp.c turns both off too). A connected
         * socket gets the first back (xsock__sys_connect). Best effort:
         * without them UDP still works. */
        udp_reports(s, SIO_UDP_CONNRESET, FALSE);
        udp_reports(s, SIO_UDP_NETRESET, FALSE);
    }
    *out = (xsock_t)s;
    return 0;
}

static int is_broadcast(const xsock_addr *addr)
{
    const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)addr->storage.bytes;
    return CSA(addr)->sa_family == AF_INET && in->sin_addr.s_addr == htonl(INADDR_BROADCAST);
}

int xsock__sys_close(xsock_t s)
{
    u_long off = 0;
    /* First: once closesocket returns, another thread may get this value. */
    xsock__win_nb_forget(XSOCK__S(s));
    if (XSOCK__OS(closesocket)(XSOCK__S(s)) == 0) return 0;
    /* A non-blocking socket with SO_LINGER on is not closed but refused
     * with WSAEWOULDBLOCK; POSIX close lingers whatever the mode. */
    if (WSAGetLastError() == WSAEWOULDBLOCK && XSOCK__OS(ioctlsocket)(XSOCK__S(s), (long)FIONBIO, &off) == 0 &&
        XSOCK__OS(closesocket)(XSOCK__S(s)) == 0)
        return 0;
    return xsock__sys_error();
}

int xsock__sys_bind(xsock_t s, const xsock_addr *addr)
{
    int e;
    if (XSOCK__OS(bind)(XSOCK__S(s), CSA(addr), addr->len) == 0) return 0;
    e = WSAGetLastError();
    /* A port held by an exclusive socket (XSOCK_OPT_EXCLUSIVE, or another
     * program's SO_EXCLUSIVEADDRUSE) is refused with WSAEACCES, not
     * WSAEADDRINUSE ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"; Wine
     * does the same): the port is taken, so say so. The native code stays
     * 10013. bind's other WSAEACCES, the broadcast address without
     * SO_BROADCAST, keeps XSOCK_EACCES. */
    if (e == WSAEACCES && !is_broadcast(addr)) return xsock__fail(XSOCK_EADDRINUSE, e);
    return xsock__fail(xsock__sys_map_error(e), e);
}

int xsock__sys_listen(xsock_t s, int backlog)
{
    /* Windows' SOMAXCONN is INT_MAX, "as many as the system allows". */
    if (backlog < 0) backlog = SOMAXCONN;
    return XSOCK__OS(listen)(XSOCK__S(s), backlog) == 0 ? 0 : xsock__sys_error();
}

int xsock__sys_accept(xsock_t s, xsock_t *client, xsock_addr *peer)
{
    xsock_addr tmp;
    xsock_addr *a = peer ? peer : &tmp;
    int len = (int)sizeof a->storage, r;
    SOCKET c;
    int wait_ms;
    /* A listener with a timeout is non-blocking in the OS (nonblock.c) but
     * blocking for the caller: wait for a connection as accept would. The
     * timeouts are for transfers; Windows' never applied to accept. */
    while ((c = XSOCK__OS(accept)(XSOCK__S(s), SA(a), &len)) == INVALID_SOCKET &&
           WSAGetLastError() == WSAEWOULDBLOCK && xsock__win_wait_for(XSOCK__S(s), 0, &wait_ms)) {
        if ((r = xsock__sys_wait(s, XSOCK_POLLIN, -1)) < 0) return r;
        len = (int)sizeof a->storage;
    }
    if (c == INVALID_SOCKET) {
        int e = WSAGetLastError();
        /* A connection reset while it waited in the backlog: BSD and macOS
         * say ECONNABORTED for that, which servers know to skip. Windows
         * says WSAECONNRESET, Wine 8 WSAENOTCONN (accept on a socket that
         * does not listen is WSAEINVAL, so nothing else means that here). */
        if (e == WSAECONNRESET || e == WSAENOTCONN) return xsock__fail(XSOCK_ECONNABORTED, e);
        return xsock__sys_error();
    }
    if ((r = adopt_accepted(c, SA(a)->sa_family)) < 0) return close_keep_error(c, r);
    a->len = len;
    *client = (xsock_t)c;
    return 0;
}

static int is_loopback(const xsock_addr *addr)
{
    static const unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (CSA(addr)->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)addr->storage.bytes;
        return ((const unsigned char *)&in->sin_addr)[0] == 127;
    }
    if (CSA(addr)->sa_family == AF_INET6) {
        const unsigned char *ip =
            (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)addr->storage.bytes)
                ->sin6_addr;
        return memcmp(ip, v6, 16) == 0 || (memcmp(ip, mapped, 12) == 0 && ip[12] == 127);
    }
    return 0;
}

/* Windows answers a RST to its SYN by sending the SYN again, twice, so a
 * refused connect takes about 2 s even on loopback, where a refusal is
 * final. No SYN retransmissions there makes it fail at once, as on Linux
 * (libuv and Go do the same). The "none" value exists from Windows 10 1709
 * (build 16299) on; an older Windows reads the same byte (0xFE) as a count
 * and would retry 254 times. Failure cannot tell the two apart, so the
 * build decides, read with RtlGetVersion (GetVersionEx lies to programs
 * without a manifest), as Go's src/internal/poll/fd_windows.go (through
 * windows.SupportTCPInitialRTONoSYNRetransmissions) and libuv do. An older
 * Windows gets a count of one retry. Best effort: a UDP socket says no. */
static int syn_none_known(void)
{
    static volatile LONG known = -1; /* -1 not asked yet, else 0/1 */
    typedef LONG(WINAPI * rtl_get_version_fn)(OSVERSIONINFOW *);
    HMODULE ntdll;
    FARPROC f;
    OSVERSIONINFOW v;
    LONG k = known;
    if (k >= 0) return (int)k;
    memset(&v, 0, sizeof v);
    v.dwOSVersionInfoSize = (DWORD)sizeof v;
    ntdll = GetModuleHandleW(L"ntdll.dll");
    f = ntdll ? GetProcAddress(ntdll, "RtlGetVersion") : NULL;
    k = f != NULL && ((rtl_get_version_fn)(void (*)(void))f)(&v) == 0 &&
        (v.dwMajorVersion > 10 || (v.dwMajorVersion == 10 && v.dwBuildNumber >= 16299));
    InterlockedExchange(&known, k);
    return (int)k;
}

static void no_syn_retries(SOCKET s)
{
    TCP_INITIAL_RTO_PARAMETERS p;
    DWORD got = 0;
    int native = WSAGetLastError();
    memset(&p, 0, sizeof p);
    p.Rtt = TCP_INITIAL_RTO_UNSPECIFIED_RTT;
    p.MaxSynRetransmissions = (UCHAR)(syn_none_known() ? TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS : 1);
    XSOCK__OS(WSAIoctl)(s, SIO_TCP_INITIAL_RTO, &p, (DWORD)sizeof p, NULL, 0, &got, NULL, NULL);
    WSASetLastError(native);
}

/* 1 for a datagram socket; for the rare paths only (one getsockopt). */
static int is_dgram(SOCKET s)
{
    int type = 0, len = (int)sizeof type, native = WSAGetLastError();
    int r = XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0 && type == SOCK_DGRAM;
    WSASetLastError(native);
    return r;
}

int xsock__sys_connect(xsock_t s, const xsock_addr *addr)
{
    int e, wait_ms;
    if (is_loopback(addr)) no_syn_retries(XSOCK__S(s));
    if (XSOCK__OS(connect)(XSOCK__S(s), CSA(addr), addr->len) == 0) {
        /* A connected datagram socket has one peer: that its port is
         * closed is news for the caller, as on Linux (xsock__sys_open
         * turned the report off for the unconnected socket). */
        if (is_dgram(XSOCK__S(s))) udp_reports(XSOCK__S(s), SIO_UDP_CONNRESET, TRUE);
        return 0;
    }
    e = WSAGetLastError();
    /* A socket with a timeout is non-blocking in the OS only (nonblock.c):
     * finish the connect as a blocking one would. */
    if (e == WSAEWOULDBLOCK && xsock__win_wait_for(XSOCK__S(s), 1, &wait_ms)) {
        int r = xsock__sys_wait(s, XSOCK_POLLOUT, -1);
        return r < 0 ? r : xsock__sys_socket_error(s);
    }
    /* Winsock's "in progress" for a non-blocking connect. */
    if (e == WSAEWOULDBLOCK) return xsock__fail(XSOCK_EINPROGRESS, e);
    return xsock__fail(xsock__sys_map_error(e), e);
}

/* ---- the timed connect: ConnectEx -----------------------------------------
 * The generic timed connect (src/common/socket.c) makes the socket
 * non-blocking for the attempt and puts back the mode it found, but Windows
 * cannot read FIONBIO back: a socket made non-blocking outside xsock
 * (ioctlsocket, an adopted socket) came back blocking. ConnectEx, issued
 * overlapped, waits without touching the mode at all. Microsoft's
 * "ConnectEx function" page: the socket must be bound and unconnected, the
 * function pointer comes from WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER,
 * WSAID_CONNECTEX), and getpeername, getsockname, getsockopt and shutdown
 * work on the socket only after setsockopt(SO_UPDATE_CONNECT_CONTEXT). It
 * is for connection-oriented sockets only: a datagram socket (and AF_UNIX)
 * keeps the generic path, which its connect never waits in anyway. */
#ifndef SO_UPDATE_CONNECT_CONTEXT
#  define SO_UPDATE_CONNECT_CONTEXT 0x7010 /* mswsock.h */
#endif
#ifndef SIO_GET_EXTENSION_FUNCTION_POINTER
#  define SIO_GET_EXTENSION_FUNCTION_POINTER _WSAIORW(IOC_WS2, 6)
#endif
typedef BOOL(PASCAL *connectex_fn)(SOCKET, const struct sockaddr *, int, PVOID, DWORD, LPDWORD,
                                   LPOVERLAPPED);

/* ConnectEx needs a bound socket: an unbound one (getsockname says
 * WSAEINVAL) gets the wildcard of its family and port 0, what connect
 * would pick by itself. */
static int bind_if_unbound(SOCKET s, int af)
{
    xsock_addr a;
    int len = (int)sizeof a.storage;
    if (XSOCK__OS(getsockname)(s, SA(&a), &len) == 0) return 0;
    if (WSAGetLastError() != WSAEINVAL) return xsock__sys_error();
    memset(&a, 0, sizeof a);
    SA(&a)->sa_family = (ADDRESS_FAMILY)af; /* all zero: the wildcard, port 0 */
    len = af == AF_INET ? (int)sizeof(struct sockaddr_in) : (int)sizeof(struct sockaddr_in6);
    return XSOCK__OS(bind)(s, SA(&a), len) == 0 ? 0 : xsock__sys_error();
}

/* Waits for the ConnectEx on ov: its Win32 result (0 for connected), or
 * ERROR_TIMEOUT when timeout_ms passed first. The I/O writes to ov until it
 * is over, so on a timeout it is cancelled (CancelIoEx) and the
 * cancellation waited for (Microsoft's "CancelIoEx function": completion is
 * still reported, with ERROR_OPERATION_ABORTED, or the result if it won
 * the race). *done says whether it is over: a cancellation not reported
 * within CANCEL_WAIT_MS leaves ov and its event to the I/O for good (a
 * small leak) rather than hang. Under Wine 8 and heavy load, one run in 25
 * of win_truth.timed_connect_timeout_clean hung with an unbounded wait
 * here (its cause not pinned down); with the bound it took 22 s, not 1 s. */
#define CANCEL_WAIT_MS 10000
static DWORD connectex_wait(SOCKET s, OVERLAPPED *ov, HANDLE ev, int timeout_ms, int *done)
{
    DWORD got = 0, w = WaitForSingleObject(ev, (DWORD)timeout_ms);
    int timed_out = w != WAIT_OBJECT_0;
    *done = 1;
    if (timed_out) {
        CancelIoEx((HANDLE)s, ov); /* ERROR_NOT_FOUND: it completed meanwhile */
        if (WaitForSingleObject(ev, CANCEL_WAIT_MS) != WAIT_OBJECT_0 &&
            !GetOverlappedResult((HANDLE)s, ov, &got, FALSE) && GetLastError() == ERROR_IO_INCOMPLETE) {
            *done = 0;
            return ERROR_TIMEOUT;
        }
    }
    if (GetOverlappedResult((HANDLE)s, ov, &got, FALSE)) return 0;
    w = GetLastError();
    return timed_out && w == ERROR_OPERATION_ABORTED ? ERROR_TIMEOUT : w;
}

int xsock__sys_connect_timed(xsock_t s, const xsock_addr *addr, int timeout_ms)
{
    static const GUID connectex_id = {0x25a207b9, 0xddf3, 0x4660, {0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e}};
    SOCKET sk = XSOCK__S(s);
    WSAPROTOCOL_INFOW info;
    connectex_fn connectex = NULL;
    OVERLAPPED *ov; /* on the heap: see connectex_wait */
    HANDLE ev;
    DWORD got = 0, e = 0;
    int len = (int)sizeof info, r, done = 1;
    if (XSOCK__OS(getsockopt)(sk, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) != 0)
        return xsock__sys_error();
    if (info.iSocketType != SOCK_STREAM || (info.iAddressFamily != AF_INET && info.iAddressFamily != AF_INET6))
        return 1; /* the generic path */
    /* The pointer belongs to the socket's provider: asked each time, as
     * the timed connect is no fast path. */
    if (XSOCK__OS(WSAIoctl)(sk, SIO_GET_EXTENSION_FUNCTION_POINTER, (LPVOID)&connectex_id,
                            (DWORD)sizeof connectex_id, &connectex, (DWORD)sizeof connectex, &got, NULL,
                            NULL) != 0)
        return xsock__sys_error();
    if (connectex == NULL) return xsock__fail(XSOCK_ENOTSUP, WSAEOPNOTSUPP);
    if ((r = bind_if_unbound(sk, info.iAddressFamily)) < 0) return r;
    if (is_loopback(addr)) no_syn_retries(sk);
    if ((ov = (OVERLAPPED *)XSOCK__OS(calloc)(1, sizeof *ov)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
    if ((ev = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL) {
        XSOCK__OS(free)(ov);
        return xsock__fail(XSOCK_ENOMEM, (int)GetLastError());
    }
    /* The low bit keeps the completion off an I/O completion port the
     * socket may be tied to outside xsock ("GetQueuedCompletionStatus
     * function": a valid event handle with the low-order bit set). */
    ov->hEvent = (HANDLE)((ULONG_PTR)ev | 1);
    if (connectex(sk, CSA(addr), addr->len, NULL, 0, NULL, ov)) {
        e = 0; /* connected at once; Winsock still signals the event */
    } else if ((e = (DWORD)WSAGetLastError()) == ERROR_IO_PENDING) {
        e = connectex_wait(sk, ov, ev, timeout_ms, &done);
    }
    if (done) {
        CloseHandle(ev);
        XSOCK__OS(free)(ov);
    }
    /* A connect already under way (a non-blocking xsock_connect before):
     * ConnectEx refuses it at once, WSAEALREADY on Windows (its page),
     * WSAEINVAL under Wine. The generic path waits for that attempt within
     * the timeout, as on POSIX. */
    if (e == WSAEALREADY || e == WSAEINVAL) return 1;
    if (e == ERROR_TIMEOUT) return xsock__fail(XSOCK_ETIMEDOUT, WSAETIMEDOUT);
    if (e != 0) { /* a Win32 code: the WSA one is recorded, what an untimed connect says */
        r = xsock__win_wsa_error(e);
        return xsock__fail(xsock__sys_map_error(r), r);
    }
    /* Without it getpeername says WSAENOTCONN and shutdown fails. */
    if (XSOCK__OS(setsockopt)(sk, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0) != 0)
        return xsock__sys_error();
    return 0;
}

int xsock__sys_socket_error(xsock_t s)
{
    int err = 0, len = (int)sizeof err;
    if (XSOCK__OS(getsockopt)(XSOCK__S(s), SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0)
        return xsock__sys_error();
    if (err == 0) return 0;
    return xsock__fail(xsock__sys_map_error(err), err);
}

/* ---- transfers ------------------------------------------------------------ */

/* The error path of every transfer. WSAETIMEDOUT (SO_RCVTIMEO/SO_SNDTIMEO)
 * and WSAEWOULDBLOCK already mean what the header says. WSAECONNABORTED is
 * the local stack giving up on a connection the peer reset or stopped
 * answering, where POSIX says ECONNRESET/EPIPE: the header promises those. */
static xsock_ssize_t transfer_error(SOCKET s)
{
    int e = WSAGetLastError();
    xsock__set_native_error(e);
    if (e == WSAECONNABORTED) return XSOCK_ECONNRESET;
    /* A connected datagram socket told of an ICMP port unreachable (see
     * xsock__sys_connect): Linux says ECONNREFUSED there. */
    if (e == WSAECONNRESET && is_dgram(s)) return XSOCK_ECONNREFUSED;
    return xsock__sys_map_error(e);
}

/* After a transfer failed: a socket that is non-blocking in the OS only
 * because it has a timeout (nonblock.c) answers "would block" where the
 * caller expects a blocking call, so wait for it, within the timeout, and
 * have the call made again (1). 2: a receive after XSOCK_SHUT_RD found
 * nothing queued, which reads as the end of the stream. 0: report the
 * failure as it is; < 0: the code to return (XSOCK_ETIMEDOUT: the socket
 * stays as good as before). */
int xsock__win_wait_again(SOCKET s, int sending, ULONGLONG *start)
{
    int ms = -1, r;
    if (WSAGetLastError() != WSAEWOULDBLOCK || (r = xsock__win_wait_for(s, sending, &ms)) == 0) return 0;
    if (r == 2) return 2; /* read side shut and nothing queued: end of stream */
    if (*start == 0) {
        *start = GetTickCount64();
    } else if (ms >= 0) {
        ULONGLONG spent = GetTickCount64() - *start;
        ms = spent >= (ULONGLONG)ms ? 0 : ms - (int)spent;
    }
    r = xsock__sys_wait((xsock_t)s, sending ? XSOCK_POLLOUT : XSOCK_POLLIN, ms);
    if (r < 0) return r;
    if (r == 0) return xsock__fail(XSOCK_ETIMEDOUT, WSAETIMEDOUT);
    return 1;
}

static XSOCK__NOINLINE xsock_ssize_t send_failed(SOCKET s, const char *buf, int len)
{
    ULONGLONG start = 0;
    int r, n;
    while ((r = xsock__win_wait_again(s, 1, &start)) > 0)
        if ((n = XSOCK__OS(send)(s, buf, len, 0)) >= 0) return n;
    return r < 0 ? r : transfer_error(s);
}

static XSOCK__NOINLINE xsock_ssize_t recv_failed(SOCKET s, char *buf, int len)
{
    ULONGLONG start = 0;
    int r, n;
    for (;;) {
        /* After shutdown(SD_RECEIVE) Linux reads end of stream; Windows errs. */
        if (WSAGetLastError() == WSAESHUTDOWN) return 0;
        if ((r = xsock__win_wait_again(s, 0, &start)) <= 0) break;
        if (r == 2) return 0;
        if ((n = XSOCK__OS(recv)(s, buf, len, 0)) >= 0) return n;
    }
    return r < 0 ? r : transfer_error(s);
}

xsock_ssize_t xsock__sys_send(xsock_t s, const void *buf, size_t len)
{
    int n = XSOCK__OS(send)(XSOCK__S(s), (const char *)buf, (int)len, 0);
    return n >= 0 ? (xsock_ssize_t)n : send_failed(XSOCK__S(s), (const char *)buf, (int)len);
}

xsock_ssize_t xsock__sys_recv(xsock_t s, void *buf, size_t len)
{
    int n = XSOCK__OS(recv)(XSOCK__S(s), (char *)buf, (int)len, 0);
    return n >= 0 ? (xsock_ssize_t)n : recv_failed(XSOCK__S(s), (char *)buf, (int)len);
}

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

xsock_ssize_t xsock__sys_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr *to)
{
    ULONGLONG start = 0;
    int n, r;
    do {
        n = XSOCK__OS(sendto)(XSOCK__S(s), (const char *)buf, (int)len, 0, CSA(to), to->len);
        if (n >= 0) return n;
    } while ((r = xsock__win_wait_again(XSOCK__S(s), 1, &start)) > 0);
    return r < 0 ? r : transfer_error(XSOCK__S(s));
}

xsock_ssize_t xsock__sys_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr *from)
{
    xsock_addr tmp;
    xsock_addr *a = from ? from : &tmp;
    ULONGLONG start = 0;
    int alen, n, r;
    do {
        alen = (int)sizeof a->storage;
        memset(a, 0, sizeof *a);
        n = XSOCK__OS(recvfrom)(XSOCK__S(s), (char *)buf, (int)len, 0, SA(a), &alen);
        /* A connected stream socket leaves the address alone: say "none". */
        a->len = SA(a)->sa_family != 0 ? alen : 0;
        if (n >= 0) return n;
        /* The truncated datagram's bytes and sender are filled in, as
         * POSIX's MSG_TRUNC case; both give XSOCK_EMSGSIZE. */
    } while ((r = xsock__win_wait_again(XSOCK__S(s), 0, &start)) == 1);
    if (r == 2) return 0;
    return r < 0 ? r : transfer_error(XSOCK__S(s));
}

/* XSOCK_SHUT_RD means what Linux's SHUT_RD does: xsock_recv returns 0
 * once nothing is queued, and what the peer still sends is taken in (and
 * can be read), never refused. Windows' SD_RECEIVE (and SD_BOTH) instead
 * resets the connection when data is queued or arrives later (Microsoft's
 * shutdown page), so the read side is only remembered (nonblock.c) and
 * the OS is asked for SD_SEND at most. The peer is told nothing, on every
 * OS: TCP has no way to. */
int xsock__sys_shutdown(xsock_t s, int how)
{
    xsock_addr peer;
    int r;
    if (how == XSOCK_SHUT_WR || how == XSOCK_SHUT_RDWR) {
        if (XSOCK__OS(shutdown)(XSOCK__S(s), SD_SEND) != 0) return xsock__sys_error();
    } else if ((r = xsock__sys_peer_addr(s, &peer)) < 0) {
        return r; /* not connected: WSAENOTCONN, as shutdown says */
    }
    return how == XSOCK_SHUT_WR ? 0 : xsock__win_shut_read(XSOCK__S(s));
}

/* Linux names an unbound socket's address as the wildcard of its family
 * with port 0; Windows fails with WSAEINVAL. Answer as Linux does. */
static int unbound_addr(SOCKET s, xsock_addr *out)
{
    WSAPROTOCOL_INFOW info;
    int len = (int)sizeof info, native = WSAGetLastError();
    if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) != 0)
        return xsock__fail(XSOCK_EINVAL, native);
    memset(out, 0, sizeof *out);
    SA(out)->sa_family = (ADDRESS_FAMILY)info.iAddressFamily;
    switch (info.iAddressFamily) {
    case AF_INET: out->len = (int)sizeof(struct sockaddr_in); return 0;
    case AF_INET6: out->len = (int)sizeof(struct sockaddr_in6); return 0;
    case AF_UNIX: out->len = (int)sizeof(ADDRESS_FAMILY); return 0;
    default: memset(out, 0, sizeof *out); return xsock__fail(XSOCK_EINVAL, native);
    }
}

int xsock__sys_local_addr(xsock_t s, xsock_addr *out)
{
    int len = (int)sizeof out->storage;
    memset(out, 0, sizeof *out);
    if (XSOCK__OS(getsockname)(XSOCK__S(s), SA(out), &len) != 0) {
        if (WSAGetLastError() == WSAEINVAL) return unbound_addr(XSOCK__S(s), out);
        return xsock__sys_error();
    }
    out->len = len;
    return 0;
}

int xsock__sys_peer_addr(xsock_t s, xsock_addr *out)
{
    int len = (int)sizeof out->storage;
    memset(out, 0, sizeof *out);
    if (XSOCK__OS(getpeername)(XSOCK__S(s), SA(out), &len) != 0) return xsock__sys_error();
    out->len = len;
    return 0;
}

#endif /* _WIN32 */
