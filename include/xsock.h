/*
 * xsock - one portable socket API over POSIX sockets and Winsock 2.
 *
 * Every call returns >= 0 on success and a negative XSOCK_E* code on failure;
 * xsock_last_native_error() keeps the errno / WSA code of this thread's last
 * failure. This header includes no system socket header: include <windows.h>
 * before or after it as you like. Plain C99.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef XSOCK_H
#define XSOCK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- export control ---------------------------------------------------- */
/* Define XSOCK_SHARED when using xsock as a DLL / shared library (the CMake
 * package does this for you). XSOCK_BUILDING is set only while building xsock. */
#if defined(XSOCK_SHARED) && defined(_WIN32)
#  if defined(XSOCK_BUILDING)
#    define XSOCK_API __declspec(dllexport)
#  else
#    define XSOCK_API __declspec(dllimport)
#  endif
#elif defined(XSOCK_SHARED) && defined(__GNUC__) && __GNUC__ >= 4
#  define XSOCK_API __attribute__((visibility("default")))
#else
#  define XSOCK_API
#endif

/* ---- version ----------------------------------------------------------- */
#define XSOCK_VERSION_MAJOR 0
#define XSOCK_VERSION_MINOR 1
#define XSOCK_VERSION_PATCH 0
#define XSOCK_VERSION_HEX \
    ((XSOCK_VERSION_MAJOR << 16) | (XSOCK_VERSION_MINOR << 8) | XSOCK_VERSION_PATCH)

/* ---- handles and sizes ------------------------------------------------- */
#ifdef _WIN32
/* A Winsock SOCKET is a UINT_PTR: never squeeze it into an int. */
typedef uintptr_t xsock_t;
#  define XSOCK_INVALID ((xsock_t)~(uintptr_t)0)
#else
typedef int xsock_t;
#  define XSOCK_INVALID ((xsock_t)-1)
#endif

/* Signed byte counts: a count >= 0, or a negative XSOCK_E* code. */
typedef ptrdiff_t xsock_ssize_t;

/* ---- constants --------------------------------------------------------- */
enum {
    XSOCK_INET = 1,  /* IPv4 */
    XSOCK_INET6 = 2, /* IPv6 */
    XSOCK_UNIX = 3   /* local (AF_UNIX); Windows 10 1803+ only */
};

enum {
    XSOCK_STREAM = 1, /* TCP, or a stream AF_UNIX socket */
    XSOCK_DGRAM = 2   /* UDP */
};

enum {
    XSOCK_SHUT_RD = 0,
    XSOCK_SHUT_WR = 1,
    XSOCK_SHUT_RDWR = 2
};

/* ---- errors -------------------------------------------------------------
 * One list: X(name, value, text). The values are xsock's own and the same on
 * every OS; xsock_last_native_error() gives the OS's code. */
#define XSOCK_ERRNO_MAP(X)                                                        \
    X(EAGAIN, -1, "operation would block")                                        \
    X(EINPROGRESS, -2, "connection in progress")                                  \
    X(ETIMEDOUT, -3, "timed out")                                                 \
    X(ECONNREFUSED, -4, "connection refused")                                     \
    X(ECONNRESET, -5, "connection reset by peer")                                 \
    X(ECONNABORTED, -6, "connection aborted")                                     \
    X(EPIPE, -7, "broken pipe: the peer is gone or the socket is shut down")      \
    X(ENOTCONN, -8, "socket is not connected")                                    \
    X(EADDRINUSE, -9, "address already in use")                                   \
    X(EADDRNOTAVAIL, -10, "address not available")                                \
    X(EAFNOSUPPORT, -11, "address family not supported")                          \
    X(ENETUNREACH, -12, "network is unreachable")                                 \
    X(EHOSTUNREACH, -13, "host is unreachable")                                   \
    X(EMSGSIZE, -14, "message too long")                                          \
    X(EINVAL, -15, "invalid argument")                                            \
    X(EBADF, -16, "bad or closed socket")                                         \
    X(EACCES, -17, "permission denied")                                           \
    X(EMFILE, -18, "too many open sockets")                                       \
    X(ENOBUFS, -19, "no buffer space available")                                  \
    X(ENOMEM, -20, "out of memory")                                               \
    X(ENOTFOUND, -21, "host name not found")                                      \
    X(ENOTSUP, -22, "operation not supported")                                    \
    X(EISCONN, -23, "socket is already connected")                                \
    X(EUNKNOWN, -24, "unknown error")                                             \
    X(EINTR, -25, "interrupted by a signal (only when asked for)")               \
    X(ENOENT, -26, "no such file or directory")                                   \
    X(ENAMETOOLONG, -27, "name or path too long")                                 \
    X(ELOOP, -28, "too many symbolic links in the path")                          \
    X(EPROTO, -29, "protocol error")                                              \
    X(ENOTINIT, -30, "the network subsystem is not started")

enum {
#define XSOCK__ERR_ENUM(name, value, text) XSOCK_##name = (value),
    XSOCK_ERRNO_MAP(XSOCK__ERR_ENUM)
#undef XSOCK__ERR_ENUM
    XSOCK__ERR_MIN = -30
};

/* Static text for any code (also codes it does not know); never NULL. */
XSOCK_API const char *xsock_strerror(int err);
/* "EAGAIN", "ECONNREFUSED", ...; "EUNKNOWN" for a code it does not know. */
XSOCK_API const char *xsock_err_name(int err);
/* errno (POSIX) or WSAGetLastError() (Windows) of this thread's last failed
 * xsock call; a getaddrinfo failure gives its EAI_* code. 0 if none yet. */
XSOCK_API int xsock_last_native_error(void);

/* ---- lifecycle ----------------------------------------------------------
 * Optional: the first call that needs the network starts Winsock by itself,
 * once, thread-safely, and keeps it until the process ends, so that no
 * xsock_cleanup (xsock's or another component's) can close the sockets of
 * the process. xsock_init/xsock_cleanup pass through to WSAStartup /
 * WSACleanup, nesting with Winsock's own count: each xsock_cleanup gives
 * back one xsock_init, and an extra xsock_cleanup does nothing. A call that
 * finds Winsock stopped by other code gives XSOCK_ENOTINIT. Both are no-ops
 * on POSIX. */
XSOCK_API int xsock_init(void);
XSOCK_API void xsock_cleanup(void);
XSOCK_API unsigned long xsock_version(void); /* XSOCK_VERSION_HEX */
XSOCK_API const char *xsock_version_string(void); /* "0.1.0" */

/* ---- addresses ----------------------------------------------------------
 * A value type big enough for any socket address (IPv4, IPv6, AF_UNIX).
 * Treat it as opaque; zero it or fill it with one of the functions below. */
typedef struct xsock_addr {
    union {
        unsigned char bytes[128];
        long long align_ll;
        void *align_p;
        double align_d;
    } storage;
    int len; /* length of the native sockaddr in storage; 0 = empty */
} xsock_addr;

/* Longest text xsock_addr_format can write, with the terminating NUL. */
#define XSOCK_ADDRSTRLEN 112

/* Numeric text only: "1.2.3.4:80", "[::1]:80", "[fe80::1%2]:80"; the port
 * may be left out (port 0), and so may the brackets of an IPv6 address that
 * has no port ("::1"). The scope may be an interface name ("%eth0").
 * Bad input: XSOCK_EINVAL: out or text NULL, text anything else. */
XSOCK_API int xsock_addr_parse(xsock_addr *out, const char *text);
/* Writes "1.2.3.4:80", "[::1]:80" (RFC 5952; a scope by its interface's
 * name where the OS knows one, "[fe80::1%eth0]:80") or an AF_UNIX path into buf;
 * returns the length written (without NUL).
 * Bad input: XSOCK_EINVAL: addr NULL or empty, buf NULL, cap 0;
 * XSOCK_EAFNOSUPPORT: addr of an unknown family; XSOCK_ENOBUFS: cap too
 * small (buf then holds ""). */
XSOCK_API int xsock_addr_format(const xsock_addr *addr, char *buf, size_t cap);
/* Resolves host (a name or numeric text) for TCP/UDP. family_or_0 is
 * XSOCK_INET, XSOCK_INET6 or 0 for both. Fills up to max addresses with the
 * given port; returns how many it stored (>= 1), or XSOCK_ENOTFOUND. Names
 * under ".invalid" fail at once without a lookup (RFC 6761).
 * Bad input: XSOCK_EINVAL: host NULL or "", out NULL, max 0, port outside
 * 0..65535; XSOCK_EAFNOSUPPORT: family_or_0 another value; XSOCK_ENOTFOUND,
 * without a lookup: host no name (a character not a letter, digit or one
 * of "-_.:%", a label over 63 bytes, over 253 bytes in all). */
XSOCK_API int xsock_addr_resolve(const char *host, int port, int family_or_0,
                                 xsock_addr *out, size_t max);
/* The wildcard (0.0.0.0 or ::) / loopback (127.0.0.1 or ::1) address.
 * Bad input: XSOCK_EINVAL: out NULL, family unknown, port outside
 * 0..65535; XSOCK_EAFNOSUPPORT: family XSOCK_UNIX. */
XSOCK_API int xsock_addr_any(xsock_addr *out, int family, int port);
XSOCK_API int xsock_addr_loopback(xsock_addr *out, int family, int port);
/* An AF_UNIX address for a path: at most the platform's sun_path less its
 * NUL (107 bytes on Linux and Windows, 103 on macOS and the BSDs).
 * Bad input: XSOCK_EINVAL: out or path NULL, path "" or longer. */
XSOCK_API int xsock_addr_unix(xsock_addr *out, const char *path);
/* The port (0..65535) / sets it.
 * Bad input: XSOCK_EINVAL: addr NULL or empty, port outside 0..65535;
 * XSOCK_EAFNOSUPPORT: addr of a family without ports (AF_UNIX, unknown). */
XSOCK_API int xsock_addr_port(const xsock_addr *addr);
XSOCK_API int xsock_addr_set_port(xsock_addr *addr, int port);
/* XSOCK_INET, XSOCK_INET6 or XSOCK_UNIX.
 * Bad input: XSOCK_EINVAL: addr NULL or empty; XSOCK_EAFNOSUPPORT: an
 * unknown family. */
XSOCK_API int xsock_addr_family(const xsock_addr *addr);
/* 1 when both hold the same family, address and port (and scope); else 0,
 * also when either is NULL, empty or of an unknown family. */
XSOCK_API int xsock_addr_equal(const xsock_addr *a, const xsock_addr *b);

/* ---- sockets ------------------------------------------------------------
 * New sockets are blocking, close-on-exec / not inheritable, never raise
 * SIGPIPE; TCP sockets read urgent (MSG_OOB) data inline, as one more byte
 * of the stream (SO_OOBINLINE), so it is never an error. Stream sockets
 * may rebind a port at once after a restart, while the old server's
 * connections live on or sit in TIME_WAIT, and a second live listener on
 * it still gets XSOCK_EADDRINUSE (XSOCK_OPT_REUSEADDR); datagram sockets
 * start exclusive (XSOCK_OPT_EXCLUSIVE; XSOCK_OPT_SHAREPORT shares). A bind
 * to a port that is taken gives XSOCK_EADDRINUSE on every OS (also where
 * Windows says WSAEACCES: xsock_last_native_error keeps 10013). IPv6
 * sockets start v6-only on every OS (XSOCK_OPT_V6ONLY turns that off).
 *
 * Bad input, below: "s" stands for XSOCK_EBADF when s is XSOCK_INVALID or
 * a closed handle; "addr" for XSOCK_EINVAL when the address is NULL or
 * empty (or too short for its family) and XSOCK_EAFNOSUPPORT when it is of
 * an unknown family or of another than the socket's. A call with an
 * out-handle leaves it XSOCK_INVALID after any error. */

/* Bad input: XSOCK_EINVAL: out NULL, type not XSOCK_STREAM/XSOCK_DGRAM;
 * XSOCK_EAFNOSUPPORT: family unknown (or XSOCK_UNIX where the OS has none). */
XSOCK_API int xsock_open(xsock_t *out, int family, int type);
/* Closes and releases the handle. Bad input: s. */
XSOCK_API int xsock_close(xsock_t s);
/* Bad input: s, addr. */
XSOCK_API int xsock_bind(xsock_t s, const xsock_addr *addr);
/* backlog < 0 or larger than the OS allows means the OS maximum, read when
 * called (Linux: /proc/sys/net/core/somaxconn; macOS, BSD: the sysctl
 * kern.ipc.somaxconn), not the compile-time SOMAXCONN (128 on macOS).
 * Bad input: s; XSOCK_ENOTSUP: s a datagram socket. */
XSOCK_API int xsock_listen(xsock_t s, int backlog);
/* The accepted socket is blocking whatever the listener's mode (as on
 * Linux; Windows would otherwise copy the listener's). peer may be NULL.
 * Bad input: s; XSOCK_EINVAL: client NULL, s not listening; XSOCK_ENOTSUP:
 * s a datagram socket. */
XSOCK_API int xsock_accept(xsock_t s, xsock_t *client, xsock_addr *peer);
/* timeout_ms < 0: as the OS connect does (a non-blocking socket returns
 * XSOCK_EINPROGRESS; wait for XSOCK_POLLOUT, then xsock_connect_result).
 * timeout_ms >= 0: waits at most that long whatever the socket's mode and
 * gives XSOCK_ECONNREFUSED / XSOCK_ETIMEDOUT / ... truthfully on every OS;
 * the socket keeps the blocking mode it had, also one set outside xsock
 * (fcntl, ioctlsocket): POSIX reads the mode and puts it back; Windows,
 * which cannot read FIONBIO, connects a TCP socket with ConnectEx, which
 * never changes it (and binds an unbound socket to its family's wildcard
 * first, as connect would). After this call's XSOCK_ETIMEDOUT close the
 * socket.
 * AF_UNIX: a listener whose backlog is full makes the timed connect wait its
 * timeout (XSOCK_ETIMEDOUT; the plain non-blocking one says XSOCK_EAGAIN, as
 * Linux does); a path that is not there gives XSOCK_ENOENT, a symbolic link
 * loop XSOCK_ELOOP, a path too long XSOCK_ENAMETOOLONG, the path of a socket
 * of another type XSOCK_EPROTO, one nobody listens on XSOCK_ECONNREFUSED.
 * Bad input: s, addr. */
XSOCK_API int xsock_connect(xsock_t s, const xsock_addr *addr, int timeout_ms);
/* After a non-blocking connect reported writable: 0 if connected, else the
 * reason it failed (SO_ERROR). Bad input: s. */
XSOCK_API int xsock_connect_result(xsock_t s);

/* Bytes sent / received, or a negative code. recv returns 0 at the peer's
 * orderly end of stream (and for len 0). A receive timeout (XSOCK_OPT_RCVTIMEO)
 * gives XSOCK_ETIMEDOUT, also under signals (see xsock_set_interruptible),
 * after which the socket stays usable on every OS (no byte lost or
 * doubled); a non-blocking socket with nothing to do gives XSOCK_EAGAIN.
 * recv on a datagram socket gives XSOCK_EMSGSIZE for a datagram longer
 * than len, as recvfrom does. A send to a reset or closed peer gives XSOCK_EPIPE or
 * XSOCK_ECONNRESET and never a signal. Lengths above INT_MAX are capped
 * (a partial transfer of at most INT_MAX bytes; Linux: 2 GiB - 4 KiB), as
 * Winsock takes an int.
 * Bad input: s; XSOCK_EINVAL: buf NULL and len > 0 (len 0 gives 0 at once). */
XSOCK_API xsock_ssize_t xsock_send(xsock_t s, const void *buf, size_t len);
XSOCK_API xsock_ssize_t xsock_recv(xsock_t s, void *buf, size_t len);
/* Loop over partial transfers, as fwrite and fread do, the same on every
 * OS: they return len; or, when something stops them part way (a timeout,
 * XSOCK_EAGAIN on a non-blocking socket, a reset, XSOCK_EINTR when asked
 * for, or for recv_all the peer's end of stream), the number of bytes that
 * moved, and the next call tells why. The error itself only when nothing
 * moved. No byte is ever lost to the caller.
 * Bad input: as xsock_send, and XSOCK_EINVAL: len > PTRDIFF_MAX. */
XSOCK_API xsock_ssize_t xsock_send_all(xsock_t s, const void *buf, size_t len);
XSOCK_API xsock_ssize_t xsock_recv_all(xsock_t s, void *buf, size_t len);
/* Datagrams. recvfrom's from may be NULL. A datagram larger than len is
 * truncated and gives XSOCK_EMSGSIZE on every OS (the data is lost).
 * Bad input: s; XSOCK_EINVAL: buf NULL and len > 0; sendto: addr (to). */
XSOCK_API xsock_ssize_t xsock_sendto(xsock_t s, const void *buf, size_t len,
                                     const xsock_addr *to);
XSOCK_API xsock_ssize_t xsock_recvfrom(xsock_t s, void *buf, size_t len,
                                       xsock_addr *from);
/* XSOCK_SHUT_WR: the peer reads the end of the stream; sending ends here.
 * XSOCK_SHUT_RD: this side reads no more: xsock_recv returns 0 once nothing
 * is queued (also non-blocking); the peer is not told, and what it sends
 * later is taken in (and can still be read), never answered with a reset
 * (Linux's SHUT_RD; on Windows xsock only remembers it, as SD_RECEIVE would
 * reset). xsock_poll need not report the end as XSOCK_POLLIN there.
 * XSOCK_SHUT_RDWR: both; data the peer sends after it may reset the
 * connection (Linux does). XSOCK_ENOTCONN when s is not connected.
 * Bad input: s; XSOCK_EINVAL: how not XSOCK_SHUT_RD/WR/RDWR. */
XSOCK_API int xsock_shutdown(xsock_t s, int how);
/* Bad input: s; XSOCK_EINVAL: out NULL. */
XSOCK_API int xsock_local_addr(xsock_t s, xsock_addr *out);
XSOCK_API int xsock_peer_addr(xsock_t s, xsock_addr *out);
/* Signals (POSIX). By default a signal never ends a blocking xsock call:
 * it is made again, and a timeout set with XSOCK_OPT_RCVTIMEO/SNDTIMEO
 * still holds (within twice its length: the clock starts at the first
 * signal). xsock_set_interruptible(1) changes that for the calling thread
 * only: a signal that interrupts a blocking accept, connect, send, recv,
 * sendto, recvfrom, sendv, recvv, send_all, recv_all or xsock_poll ends it with
 * XSOCK_EINTR (send_all/recv_all: the count, if bytes moved), so a handler
 * that sets a stop flag can end a blocking server. Install that handler
 * without SA_RESTART: with it the kernel restarts some calls itself. An
 * interrupted connect goes on in the background (wait for XSOCK_POLLOUT).
 * The poller's wait is not covered: use xsock_poller_wake. Returns the
 * previous setting (0 or 1); Windows has no such signals: only the setting
 * changes there. */
XSOCK_API int xsock_set_interruptible(int on);

/* Two connected stream sockets. POSIX: socketpair(AF_UNIX). Windows: AF_UNIX
 * where it works, else loopback TCP whose peer is checked with a random
 * token, so no other process can slip in between.
 * Bad input: XSOCK_EINVAL: pair NULL. */
XSOCK_API int xsock_socketpair(xsock_t pair[2]);

/* ---- options ------------------------------------------------------------ */
/* on: non-zero for non-blocking. Bad input: s. */
XSOCK_API int xsock_set_nonblocking(xsock_t s, int on);

/* Port reuse: each option means one thing on every OS.
 *
 *  option (0/1)       meaning                       Linux / macOS, BSD / Windows
 *  REUSEADDR          stream: a restarted server    SO_REUSEADDR / SO_REUSEADDR /
 *   (stream default)  rebinds at once; a second     neither SO_REUSEADDR nor
 *                     live listener still gets      SO_EXCLUSIVEADDRUSE (0 sets
 *                     XSOCK_EADDRINUSE              SO_EXCLUSIVEADDRUSE)
 *  EXCLUSIVE          nobody else may bind the      no SO_REUSEADDR/SO_REUSEPORT /
 *   (datagram         port; a restart waits out     same / SO_EXCLUSIVEADDRUSE
 *   default)          old connections (TIME_WAIT)
 *  SHAREPORT          datagram: sockets that all    SO_REUSEADDR / SO_REUSEADDR +
 *                     ask share one port, each      SO_REUSEPORT / SO_REUSEADDR
 *                     gets multicast + broadcast
 *  REUSEPORT_LB       the kernel spreads a port's   SO_REUSEPORT / FreeBSD
 *                     connections or datagrams      SO_REUSEPORT_LB, else ENOTSUP
 *                     among the sockets on it       / XSOCK_ENOTSUP
 *
 * REUSEADDR is a stream option and SHAREPORT a datagram one (XSOCK_EINVAL on
 * the other type); EXCLUSIVE 1 turns the other three off, and 0 turns the
 * type's own sharing on (REUSEADDR or SHAREPORT). Sources: Microsoft's
 * "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", socket(7) (SO_REUSEADDR,
 * SO_REUSEPORT), libuv src/win/tcp.c and src/unix/udp.c; docs/API.md. */
enum xsock_option {
    XSOCK_OPT_REUSEADDR = 1, /* 0/1: restart rebinds at once (stream; see above) */
    XSOCK_OPT_NODELAY,       /* 0/1: TCP_NODELAY */
    XSOCK_OPT_KEEPALIVE,     /* 0/1 */
    XSOCK_OPT_RCVBUF,        /* bytes; reads back what the OS granted (Linux's
                                doubling undone; it caps and rounds requests) */
    XSOCK_OPT_SNDBUF,        /* bytes; as XSOCK_OPT_RCVBUF */
    XSOCK_OPT_RCVTIMEO,      /* ms, 0 = none; expiry gives XSOCK_ETIMEDOUT, socket
                                usable; reads back as set (the OS may round up to its tick) */
    XSOCK_OPT_SNDTIMEO,      /* ms, 0 = none; as XSOCK_OPT_RCVTIMEO (Windows:
                                a wait, then the call) */
    XSOCK_OPT_V6ONLY,        /* 0/1, IPv6 sockets only */
    XSOCK_OPT_BROADCAST,     /* 0/1, datagram sockets */
    XSOCK_OPT_LINGER,        /* seconds to linger on close, -1 = off; macOS
                                holds at most 327 (longer is cut to that) */
    XSOCK_OPT_EXCLUSIVE,     /* 0/1: no other socket may bind this port (see above) */
    XSOCK_OPT_SHAREPORT,     /* 0/1: datagram sockets share a port (multicast) */
    XSOCK_OPT_REUSEPORT_LB,  /* 0/1: kernel load-balances a port (ENOTSUP on Windows) */
    XSOCK_OPT_MULTICAST_TTL, /* 0..255: hops of multicast sent (default 1; 0 = this host) */
    XSOCK_OPT_MULTICAST_LOOP, /* 0/1: multicast sent comes back to this host's members (default 1) */
    XSOCK_OPT_MULTICAST_IF,  /* interface index multicast leaves by, 0 = the OS's choice */
    XSOCK_OPT_TTL            /* 1..255: hops of unicast sent (IPv6: unicast hops) */
};
/* Bad input: s; XSOCK_EINVAL: opt unknown, value out of its range (get:
 * value NULL), or an option s does not have (XSOCK_OPT_V6ONLY on IPv4,
 * bound or not, on every OS; XSOCK_OPT_NODELAY or XSOCK_OPT_REUSEADDR on
 * UDP; XSOCK_OPT_SHAREPORT on TCP); XSOCK_ENOTSUP: XSOCK_OPT_REUSEPORT_LB
 * where the OS has no load balancing (Windows, macOS, NetBSD, OpenBSD). */
XSOCK_API int xsock_set_option(xsock_t s, int opt, int value);
XSOCK_API int xsock_get_option(xsock_t s, int opt, int *value);

/* ---- readiness ----------------------------------------------------------- */
#define XSOCK_POLLIN 0x01  /* readable, or a connection to accept, or peer closed */
#define XSOCK_POLLOUT 0x04 /* writable, or a non-blocking connect finished */
#define XSOCK_POLLERR 0x08 /* an error is pending (e.g. a failed connect); output only */
#define XSOCK_POLLHUP 0x10 /* peer hung up, where the OS can tell; output only */

typedef struct xsock_pollfd {
    xsock_t sock;   /* XSOCK_INVALID entries are skipped (revents 0) */
    short events;   /* XSOCK_POLLIN | XSOCK_POLLOUT */
    short revents;  /* set by xsock_poll */
} xsock_pollfd;

/* Waits until an entry is ready or timeout_ms passes (< 0: forever; signals
 * do not cut it short unless xsock_set_interruptible(1): XSOCK_EINTR).
 * Each entry gets only the events it asked for, plus
 * XSOCK_POLLERR/XSOCK_POLLHUP, also when a socket is listed more than once.
 * Returns how many entries have revents != 0, 0 on
 * timeout, XSOCK_EBADF if an entry is a closed socket. No limit of 64
 * sockets on Windows, and a failed connect shows as POLLERR|POLLOUT there
 * too (no reliance on WSAPoll).
 * Bad input: XSOCK_EINVAL: fds NULL and n > 0, n > INT_MAX. */
XSOCK_API int xsock_poll(xsock_pollfd *fds, size_t n, int timeout_ms);

/* ---- scalable readiness: the poller ---------------------------------------
 * A set of sockets that stays registered between waits, for servers with
 * many clients: xsock_poll hands the OS every socket on every call. The
 * backend is picked at create: epoll (Linux), kqueue (macOS, BSD), or poll()
 * on other POSIX systems, when the better one fails, or when the environment
 * says XSOCK_POLLER=poll; on Windows AFD polls on a completion port
 * ("afd"), or select() over a set of any size when AFD cannot start or the
 * environment says XSOCK_POLLER=select (no limit of 64 sockets, and failed
 * connects are seen, with either).
 *
 * Level-triggered everywhere: every wait reports a socket for as long as it
 * is ready. A socket is reported with the events it is watched for that
 * hold, plus XSOCK_POLLERR (an error is pending, e.g. a failed connect) and
 * XSOCK_POLLHUP (the peer closed or reset, where the OS tells: not
 * Windows' select), asked or not. An error also sets the watched
 * XSOCK_POLLIN/XSOCK_POLLOUT, and a hang-up the watched XSOCK_POLLIN, so
 * the next recv or send or xsock_connect_result meets it: a closed or
 * reset peer always reads as XSOCK_POLLIN.
 *
 * Threads: xsock_poller_wake may be called from any thread at any time; the
 * other calls on one poller must not overlap each other (make them from the
 * thread that waits, or serialize them yourself). xsock_close of a socket
 * that is added counts as such a call on each poller it is added to.
 *
 * xsock_close takes a socket out of every poller it is added to before
 * closing it: no wait reports it again, also when a forked child or a copy
 * still holds it, and a new socket given the same handle is a new socket
 * (its own udata). A forked child's xsock_close leaves its parent's pollers
 * alone. A socket closed by other means (close(2), closesocket) is dropped
 * by the next wait where the OS can tell, never reported with a newer
 * socket's udata on epoll, but one a child still holds may be reported
 * until its handle is reused, and poll() and select() may take a socket
 * that reuses its handle before the next wait for the old one: close with
 * xsock_close.
 *
 * A poller's own handles (its wake descriptor, its epoll or kqueue
 * descriptor, its completion port and AFD handles) are never the user's:
 * add, modify and remove refuse them with XSOCK_EINVAL, or XSOCK_EBADF for
 * a handle that is no socket at all (Windows' port and AFD handles). */
typedef struct xsock_poller xsock_poller;

typedef struct xsock_event {
    xsock_t sock; /* the ready socket */
    short events; /* XSOCK_POLLIN | XSOCK_POLLOUT | XSOCK_POLLERR | XSOCK_POLLHUP */
    void *udata;  /* as given to xsock_poller_add / xsock_poller_modify */
} xsock_event;

/* A new, empty poller in *out (NULL on failure). XSOCK_EINVAL for out NULL,
 * XSOCK_ENOMEM, XSOCK_EMFILE, XSOCK_ENOBUFS (the system is out of other
 * resources). */
XSOCK_API int xsock_poller_create(xsock_poller **out);
/* Starts watching s for events: XSOCK_POLLIN, XSOCK_POLLOUT or both (to
 * watch for nothing, remove it). udata comes back with every event of s.
 * XSOCK_EINVAL: p NULL, events 0 or with other bits, or s already added.
 * XSOCK_EBADF: s is XSOCK_INVALID or not an open socket. XSOCK_ENOMEM,
 * XSOCK_ENOBUFS (Windows: no AFD handle for a new group of 32). */
XSOCK_API int xsock_poller_add(xsock_poller *p, xsock_t s, int events, void *udata);
/* Replaces the events and udata of an added socket. Errors as for
 * xsock_poller_add, but XSOCK_EINVAL when s is not added (a closed handle:
 * XSOCK_EBADF or XSOCK_EINVAL, as the OS sees it). */
XSOCK_API int xsock_poller_modify(xsock_poller *p, xsock_t s, int events, void *udata);
/* Stops watching s. XSOCK_EINVAL: p NULL or s not added. XSOCK_EBADF: s is
 * XSOCK_INVALID (or, on some systems, already closed). */
XSOCK_API int xsock_poller_remove(xsock_poller *p, xsock_t s);
/* Waits until an added socket is ready, xsock_poller_wake is called or
 * timeout_ms passes (< 0: forever; 0: only looks; signals do not cut it
 * short). Stores at most max events, one per socket, and returns how many:
 * 0 after a timeout or a wake. When more sockets are ready than max, the
 * following waits take their turn with the others: with n ready and none
 * read, every one comes within n / max waits (rounded up). An event that an earlier
 * one of the same batch made stale (its socket removed) is yours to skip.
 * XSOCK_EINVAL: p or evs NULL, or max <= 0. */
XSOCK_API int xsock_poller_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms);
/* Makes a wait in another thread return (0 if nothing else is ready); with
 * no wait under way, the next one returns at once. Wakes before a wait count
 * as one. Thread-safe. XSOCK_EINVAL for p NULL. */
XSOCK_API int xsock_poller_wake(xsock_poller *p);
/* Frees the poller. Its sockets stay open: close them yourself. NULL is fine. */
XSOCK_API void xsock_poller_destroy(xsock_poller *p);
/* "epoll", "kqueue", "poll", "afd" or "win32-select"; "" for NULL. Static text. */
XSOCK_API const char *xsock_poller_backend(const xsock_poller *p);

/* ---- one-liners for the tutorial flows ---------------------------------- */
/* A listening TCP socket. host NULL: every interface, dual-stack (:: with
 * v6-only off) where the OS has IPv6, else 0.0.0.0; "::" is dual-stack the
 * same way. A name that resolves to both families ("localhost") listens on
 * its IPv4 address, where clients look first (its IPv6 ones only if no IPv4
 * one can be bound). port 0 picks a free one (read it with
 * xsock_local_addr). backlog < 0: the OS maximum.
 * Bad input: XSOCK_EINVAL: out NULL, host "", port outside 0..65535;
 * XSOCK_ENOTFOUND: host no name (as for xsock_addr_resolve). */
XSOCK_API int xsock_tcp_listen(xsock_t *out, const char *host, int port, int backlog);
/* Resolves host and races its addresses with xsock_connect_any (Happy
 * Eyeballs): timeout_ms (< 0: no bound) bounds the whole.
 * Bad input: as xsock_tcp_listen, and XSOCK_EINVAL: host NULL. */
XSOCK_API int xsock_tcp_connect(xsock_t *out, const char *host, int port, int timeout_ms);
/* A bound UDP socket; host NULL, "::" and names as for xsock_tcp_listen.
 * Bad input: as xsock_tcp_listen. */
XSOCK_API int xsock_udp_bind(xsock_t *out, const char *host, int port);


/* ---- day-one calls: scatter/gather, peek, keepalive timing, ... ---------
 * What a program ported from C#, Java or BSD sockets reaches for first
 * (docs/PORTING.md lists each beside the call it replaces). */

/* One buffer of a scatter/gather transfer, laid out as the OS's own (POSIX
 * struct iovec {base, len}; Windows WSABUF {ULONG len, char *buf}) so that
 * an array goes to sendmsg/recvmsg or WSASend/WSARecv as it is, without a
 * copy (libuv's uv_buf_t does the same). Set base and len by name or with
 * xsock_buf_init: the order of the fields differs between the OSes. */
#ifdef _WIN32
typedef struct xsock_buf {
    unsigned long len; /* ULONG: at most 4 GiB - 1 per buffer */
    char *base;
} xsock_buf;
#else
typedef struct xsock_buf {
    char *base;
    size_t len;
} xsock_buf;
#endif

/* Most buffers one xsock_sendv / xsock_recvv takes: IOV_MAX of Linux,
 * macOS and the BSDs (POSIX promises only 16; xsock does not build where
 * the OS allows fewer). Windows has no limit of its own: the same here. */
#define XSOCK_IOV_MAX 1024

/* A buffer of len bytes at base. On Windows a length above 4 GiB - 1 is
 * cut there (a partial transfer, as for the INT_MAX cap below). */
XSOCK_API xsock_buf xsock_buf_init(void *base, size_t len);
/* One send / receive over count buffers, in order: bytes moved or a
 * negative code, as xsock_send / xsock_recv (partial transfers happen; the
 * same timeout, non-blocking, EPIPE and end-of-stream answers). A total
 * above INT_MAX is a partial transfer: the leading buffers that fit, or
 * (xsock_sendv on Linux) what the OS takes, at most 2 GiB - 4 KiB. count 0, or buffers of 0 bytes in all, give 0 at once. recvv
 * on a datagram socket: one datagram spread over the buffers; a larger one
 * gives XSOCK_EMSGSIZE (the data is lost) on every OS.
 * Bad input: s; XSOCK_EINVAL: bufs NULL and count > 0, count >
 * XSOCK_IOV_MAX, a buffer with base NULL and len > 0 (xsock_recvv checks
 * before it reads; xsock_sendv, to stay as fast as writev, learns it from
 * the OS, so on POSIX the bytes before that buffer may be sent, and
 * counted, first). */
XSOCK_API xsock_ssize_t xsock_sendv(xsock_t s, const xsock_buf *bufs, size_t count);
XSOCK_API xsock_ssize_t xsock_recvv(xsock_t s, xsock_buf *bufs, size_t count);


/* Copies up to len bytes of what xsock_recv would give, leaving them queued
 * (MSG_PEEK): the same blocking, timeout and end-of-stream answers. On a
 * datagram socket a datagram larger than len gives XSOCK_EMSGSIZE, as
 * xsock_recv does, but stays queued whole.
 * Bad input: s; XSOCK_EINVAL: buf NULL and len > 0 (len 0 gives 0 at once). */
XSOCK_API xsock_ssize_t xsock_peek(xsock_t s, void *buf, size_t len);
/* Bytes a receive can take now without blocking (C#'s Socket.Available,
 * Java's InputStream.available()): on a stream socket what is queued (0
 * also at the end of the stream: xsock_recv tells the two apart); on a
 * datagram socket the size of the next datagram on every OS (Windows'
 * FIONREAD, and macOS's, give the whole queue: xsock asks otherwise).
 * Bad input: s; XSOCK_EINVAL: s a listening socket. */
XSOCK_API xsock_ssize_t xsock_available(xsock_t s);


/* The OS's own words for a native code as xsock_last_native_error() gives
 * it: an errno (strerror_r), a WSA or other Windows code (FormatMessage,
 * in UTF-8), a getaddrinfo EAI_* code (gai_strerror; Windows' EAI codes
 * are WSA codes; on POSIX only where they are negative, as with glibc and
 * musl: elsewhere they overlap errno values, whose text wins). Thread-safe.
 * Writes the text and its NUL to buf and returns its length (no trailing
 * newline or period); a code the OS has no text for gives
 * "unknown error <n>".
 * Bad input: XSOCK_EINVAL: buf NULL or cap 0; XSOCK_ENOBUFS: cap too small
 * (buf then holds ""). */
XSOCK_API int xsock_native_strerror(int native, char *buf, size_t cap);


/* TCP keepalive on (on != 0) or off, with its timing: idle_s seconds of
 * silence before the first probe, interval_s seconds between probes, count
 * unanswered probes before the connection is dropped (the next call then
 * fails, XSOCK_ETIMEDOUT or XSOCK_ECONNRESET). 0 for any of the three keeps
 * the OS's default for it (Linux: 7200 s, 75 s, 9 probes); with on 0 they
 * are ignored. Linux and the BSDs: TCP_KEEPIDLE, TCP_KEEPINTVL,
 * TCP_KEEPCNT; macOS: TCP_KEEPALIVE for the idle time. Windows 10 1709 and
 * later: TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT. Where Windows refuses
 * those (older Windows; Wine 8): SIO_KEEPALIVE_VALS, which sets idle and
 * interval together, so a 0 there means Windows' documented defaults (2 h,
 * 1 s), and which has no count: that Windows always sends 10 probes, and
 * count is ignored.
 * Bad input: s; XSOCK_EINVAL: idle_s or interval_s outside 0..32767, count
 * outside 0..127 (Linux's limits, kept on every OS), s a datagram socket. */
XSOCK_API int xsock_set_keepalive(xsock_t s, int on, int idle_s, int interval_s, int count);


/* The close that loses no data: shuts down the sending side (the peer
 * reads the end of the stream after every byte sent), reads and discards
 * until the peer ends its side or timeout_ms passes (< 0: no bound), then
 * closes. A plain close with unread data queued makes the OS reset the
 * connection (RST), and the peer may then lose the last bytes sent to it;
 * this is the close Microsoft recommends ("Graceful Shutdown, Linger
 * Options, and Socket Closure"). Returns 0 when the peer ended its side,
 * XSOCK_ETIMEDOUT when it did not in time, or the error met. s is closed
 * on every return but XSOCK_EBADF for XSOCK_INVALID.
 * Bad input: s; XSOCK_ENOTSUP: s a datagram socket (closed all the same). */
XSOCK_API int xsock_close_graceful(xsock_t s, int timeout_ms);


/* Takes in a socket made elsewhere (systemd or launchd socket activation,
 * another library) and gives it the defaults of an xsock socket, after
 * which every call works on it: not inherited by child processes, no
 * SIGPIPE (where the OS needs a socket option for that), blocking (xsock
 * must know the mode, and Windows cannot be asked: call
 * xsock_set_nonblocking afterwards if you want it so), and on Windows a
 * datagram socket gets no WSAECONNRESET from an earlier ICMP error. Its
 * address, options and connection are left as they are.
 * Bad input: XSOCK_EBADF: s XSOCK_INVALID, closed, or no socket. */
XSOCK_API int xsock_adopt(xsock_t s);


/* Racing connect (Happy Eyeballs, RFC 8305): connects a new TCP socket to
 * the first of addrs[0..n-1] that answers. The families are interleaved
 * as RFC 8305 section 4 orders them (the family of addrs[0] first, then
 * the other, then back), a new attempt starts every 250 ms or as soon as
 * one fails, the first to connect wins and the others are closed.
 * timeout_ms bounds the whole (< 0: each attempt as long as the OS lets
 * it). The socket in *out is blocking, as from xsock_open. Returns 0, or
 * XSOCK_ETIMEDOUT, or the error of the last attempt that failed.
 * Bad input: XSOCK_EINVAL: out NULL, addrs NULL, n 0, n > 256; any
 * address as "addr" above. */
XSOCK_API int xsock_connect_any(xsock_t *out, const xsock_addr *addrs, size_t n, int timeout_ms);


/* One address of one network interface (xsock_interfaces). */
#define XSOCK_IF_UP 0x1        /* the interface is up (Windows: operational) */
#define XSOCK_IF_LOOPBACK 0x2  /* a loopback interface */
#define XSOCK_IF_MULTICAST 0x4 /* it can send and receive multicast */
#define XSOCK_IFNAMESIZE 64
typedef struct xsock_interface {
    /* The OS's name for it, as scope text takes it ("eth0", "lo0"; on
     * Windows if_indextoname's "ethernet_32768"), cut to 63 bytes. */
    char name[XSOCK_IFNAMESIZE];
    unsigned int index;  /* the interface index (an IPv6 scope id), > 0 */
    xsock_addr addr;     /* the address, port 0 */
    int prefix_len;      /* of the netmask: 0..32 (IPv4), 0..128 (IPv6) */
    unsigned int flags;  /* XSOCK_IF_* */
} xsock_interface;

/* The IPv4 and IPv6 addresses of this host's interfaces, one entry per
 * address (getifaddrs; Windows GetAdaptersAddresses). Fills at most max
 * entries of out and returns how many there are, which may exceed max (as
 * snprintf does): call with max 0 to size the array.
 * Scope text: xsock_addr_parse takes a scope by name as well as by number
 * ("[fe80::1%eth0]:80", if_nametoindex) and xsock_addr_format writes the
 * name where the OS knows one (if_indextoname) and it fits.
 * Bad input: XSOCK_EINVAL: out NULL and max > 0. */
XSOCK_API int xsock_interfaces(xsock_interface *out, size_t max);

/* ---- multicast -------------------------------------------------------------
 * Join (leave) a multicast group on a datagram socket of the group's family
 * (an IPv6 socket joins IPv6 groups only): any-source with source NULL,
 * source-specific (only datagrams from source) otherwise. ifindex is an
 * interface index (xsock_interfaces), 0 for the OS's choice; an IPv4 join
 * uses that interface's first IPv4 address. Bind the port first (and set
 * XSOCK_OPT_SHAREPORT for several receivers on one port). The options
 * XSOCK_OPT_MULTICAST_* and XSOCK_OPT_TTL apply to the socket's family.
 * XSOCK_OPT_MULTICAST_LOOP: POSIX applies it to the sender, Winsock to the
 * receiver ("IPPROTO_IP socket options", Microsoft): set it on both.
 * Bad input: s; XSOCK_EINVAL: group NULL, not a multicast address or not
 * of s's family, source a multicast address or of another family, ifindex
 * < 0; XSOCK_EADDRNOTAVAIL: an IPv4 join or XSOCK_OPT_MULTICAST_IF on an
 * interface without an IPv4 address, leaving a group not joined. */
XSOCK_API int xsock_mcast_join(xsock_t s, const xsock_addr *group, const xsock_addr *source_or_NULL,
                               int ifindex);
XSOCK_API int xsock_mcast_leave(xsock_t s, const xsock_addr *group, const xsock_addr *source_or_NULL,
                                int ifindex);

/* ---- datagram batches -------------------------------------------------------
 * One datagram of a batch. Send: buf and addr (the destination); len and
 * flags are not read. Receive: buf is where it goes; addr is set to the
 * source, len to the bytes stored, flags to XSOCK_DGRAM_TRUNC when the
 * datagram was longer than buf (the rest is lost) or 0. */
#define XSOCK_DGRAM_TRUNC 0x1
typedef struct xsock_dgram {
    xsock_buf buf;
    xsock_addr addr;
    size_t len;
    int flags;
} xsock_dgram;

/* Receives up to n datagrams: on a blocking socket it waits for the first
 * (as xsock_recvfrom, timeouts included), then takes what is already
 * queued; returns how many (>= 1). A non-blocking socket with nothing
 * queued gives XSOCK_EAGAIN. Linux: one recvmmsg (MSG_WAITFORONE) for up
 * to 64; elsewhere a loop; the same results everywhere.
 * Bad input: s; XSOCK_EINVAL: msgs NULL with n > 0, a buf with base NULL
 * and len > 0. n 0 returns 0; n above INT_MAX is taken as INT_MAX. */
XSOCK_API int xsock_recvfrom_batch(xsock_t s, xsock_dgram *msgs, size_t n);
/* Sends msgs[0..n) in order, each to its addr; returns how many were sent
 * (an error only if the first fails; a later failure ends the batch and
 * xsock_last_native_error says why). Linux: sendmmsg; elsewhere a loop.
 * Bad input: as xsock_recvfrom_batch, and a msgs[i].addr the socket cannot
 * send to (XSOCK_EINVAL / XSOCK_EAFNOSUPPORT, checked before any is sent). */
XSOCK_API int xsock_sendto_batch(xsock_t s, const xsock_dgram *msgs, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* XSOCK_H */
