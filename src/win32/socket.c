/* Winsock sockets: creation with the promised defaults, connect, transfers. */
#include "win32/win32.h"
#ifdef _WIN32

#include <string.h>
#include <mstcpip.h>

/* mswsock.h has it, but pulls in more than this one constant. */
#ifndef SIO_UDP_CONNRESET
#  define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
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
static int adopt_accepted(SOCKET s)
{
    u_long off = 0;
    /* A handle value is reused as soon as it is free: forget any old
     * socket of this value that was closed without xsock_close. */
    xsock__win_nb_forget(s);
    if (!XSOCK__OS(SetHandleInformation)((HANDLE)s, HANDLE_FLAG_INHERIT, 0)) return xsock__sys_error();
    /* accept() copies the listener's non-blocking mode; Linux does not,
     * and the header promises Linux's blocking socket. */
    return XSOCK__OS(ioctlsocket)(s, (long)FIONBIO, &off) == 0 ? 0 : xsock__sys_error();
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
    /* Windows' SO_REUSEADDR would let another process bind over a live
     * listener; SO_EXCLUSIVEADDRUSE refuses that, and still lets a
     * restarted server rebind (see the caveat in xsock.h). */
    if (st == SOCK_STREAM && af != AF_UNIX &&
        (r = setopt_int(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)) < 0)
        return close_keep_error(s, r);
    /* Windows defaults to v6-only, Linux to dual-stack: say it. */
    if (af == AF_INET6 && (r = setopt_int(s, IPPROTO_IPV6, IPV6_V6ONLY, 1)) < 0)
        return close_keep_error(s, r);
    if (st == SOCK_DGRAM) {
        /* Otherwise an ICMP port-unreachable for an earlier sendto makes the
         * next recvfrom fail with WSAECONNRESET, which Linux never does for
         * an unconnected socket. Best effort: without it UDP still works. */
        BOOL report = FALSE;
        DWORD got = 0;
        XSOCK__OS(WSAIoctl)(s, SIO_UDP_CONNRESET, &report, sizeof report, NULL, 0, &got, NULL, NULL);
    }
    *out = (xsock_t)s;
    return 0;
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
    return XSOCK__OS(bind)(XSOCK__S(s), CSA(addr), addr->len) == 0 ? 0 : xsock__sys_error();
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
    SOCKET c = XSOCK__OS(accept)(XSOCK__S(s), SA(a), &len);
    if (c == INVALID_SOCKET) {
        int e = WSAGetLastError();
        /* A connection reset while it waited in the backlog: BSD and macOS
         * say ECONNABORTED for that, which servers know to skip. Windows
         * says WSAECONNRESET, Wine 8 WSAENOTCONN (accept on a socket that
         * does not listen is WSAEINVAL, so nothing else means that here). */
        if (e == WSAECONNRESET || e == WSAENOTCONN) return xsock__fail(XSOCK_ECONNABORTED, e);
        return xsock__sys_error();
    }
    if ((r = adopt_accepted(c)) < 0) return close_keep_error(c, r);
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
 * (libuv and Go do the same). Best effort: Windows 10 1709 knows the
 * "none" value, older ones at least 1; a UDP socket just says no. */
static void no_syn_retries(SOCKET s)
{
    TCP_INITIAL_RTO_PARAMETERS p;
    DWORD got = 0;
    memset(&p, 0, sizeof p);
    p.Rtt = TCP_INITIAL_RTO_UNSPECIFIED_RTT;
    p.MaxSynRetransmissions = TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS;
    if (XSOCK__OS(WSAIoctl)(s, SIO_TCP_INITIAL_RTO, &p, sizeof p, NULL, 0, &got, NULL, NULL) != 0) {
        p.MaxSynRetransmissions = 1;
        XSOCK__OS(WSAIoctl)(s, SIO_TCP_INITIAL_RTO, &p, sizeof p, NULL, 0, &got, NULL, NULL);
    }
}

int xsock__sys_connect(xsock_t s, const xsock_addr *addr)
{
    int e;
    if (is_loopback(addr)) no_syn_retries(XSOCK__S(s));
    if (XSOCK__OS(connect)(XSOCK__S(s), CSA(addr), addr->len) == 0) return 0;
    e = WSAGetLastError();
    /* Winsock's "in progress" for a non-blocking connect. */
    if (e == WSAEWOULDBLOCK) return xsock__fail(XSOCK_EINPROGRESS, e);
    return xsock__fail(xsock__sys_map_error(e), e);
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
static xsock_ssize_t transfer_error(void)
{
    int e = WSAGetLastError();
    xsock__set_native_error(e);
    return e == WSAECONNABORTED ? XSOCK_ECONNRESET : xsock__sys_map_error(e);
}

xsock_ssize_t xsock__sys_send(xsock_t s, const void *buf, size_t len)
{
    int n = XSOCK__OS(send)(XSOCK__S(s), (const char *)buf, (int)len, 0);
    return n >= 0 ? (xsock_ssize_t)n : transfer_error();
}

xsock_ssize_t xsock__sys_recv(xsock_t s, void *buf, size_t len)
{
    int n = XSOCK__OS(recv)(XSOCK__S(s), (char *)buf, (int)len, 0);
    if (n >= 0) return n;
    /* After shutdown(SD_RECEIVE) Linux reads end of stream; Windows errs. */
    if (WSAGetLastError() == WSAESHUTDOWN) return 0;
    return transfer_error();
}

xsock_ssize_t xsock__sys_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr *to)
{
    int n = XSOCK__OS(sendto)(XSOCK__S(s), (const char *)buf, (int)len, 0, CSA(to), to->len);
    return n >= 0 ? (xsock_ssize_t)n : transfer_error();
}

xsock_ssize_t xsock__sys_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr *from)
{
    xsock_addr tmp;
    xsock_addr *a = from ? from : &tmp;
    int alen = (int)sizeof a->storage, n;
    memset(a, 0, sizeof *a);
    n = XSOCK__OS(recvfrom)(XSOCK__S(s), (char *)buf, (int)len, 0, SA(a), &alen);
    /* A connected stream socket leaves the address alone: say "none". */
    a->len = SA(a)->sa_family != 0 ? alen : 0;
    if (n >= 0) return n;
    /* The truncated datagram's bytes and sender are filled in, as POSIX's
     * MSG_TRUNC case; both give XSOCK_EMSGSIZE. */
    return transfer_error();
}

int xsock__sys_shutdown(xsock_t s, int how)
{
    int h = how == XSOCK_SHUT_RD ? SD_RECEIVE : how == XSOCK_SHUT_WR ? SD_SEND : SD_BOTH;
    return XSOCK__OS(shutdown)(XSOCK__S(s), h) == 0 ? 0 : xsock__sys_error();
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
