/*
 * The internal platform interface: what src/posix and src/win32 each
 * implement, once, so that src/common (argument checks, address text, error
 * names, the timed connect, the one-liners) is written a single time.
 *
 * Conventions: every xsock__sys_* function returns >= 0 or a negative
 * XSOCK_E* code, and on an OS failure has already recorded the native code
 * (xsock__sys_error). Callers in src/common have checked every argument:
 * the backends trust pointers, lengths (<= INT_MAX), families and options.
 */
#ifndef XSOCK_INTERNAL_H
#define XSOCK_INTERNAL_H

#ifdef _WIN32
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#  include <windows.h>
typedef int xsock__socklen;
#else
#  include <sys/types.h>
#  include <sys/socket.h>
#  include <sys/un.h>
#  include <netinet/in.h>
#  include <arpa/inet.h>
typedef socklen_t xsock__socklen;
#endif

#include <limits.h>
#include "xsock.h"

#if defined(_MSC_VER)
#  define XSOCK__TLS __declspec(thread)
#else
#  define XSOCK__TLS __thread
#endif

/* For a rare path that must stay out of line, so that the common path of a
 * hot function needs no stack frame or saved registers (send/recv). */
#if defined(_MSC_VER)
#  define XSOCK__NOINLINE __declspec(noinline)
#elif defined(__GNUC__)
#  define XSOCK__NOINLINE __attribute__((noinline))
#else
#  define XSOCK__NOINLINE
#endif

/* The room for an AF_UNIX path, with its NUL: the platform's sun_path (108
 * bytes on Linux, 104 on macOS and the BSDs: <sys/un.h>). Windows'
 * afunix.h is missing from older SDKs and MinGW; the layout is fixed. */
#ifdef _WIN32
#  define XSOCK__UNIX_PATH_MAX 108
#  ifndef AF_UNIX
#    define AF_UNIX 1
#  endif
struct xsock__sockaddr_un {
    ADDRESS_FAMILY sun_family;
    char sun_path[XSOCK__UNIX_PATH_MAX];
};
#else
#  define xsock__sockaddr_un sockaddr_un
#  define XSOCK__UNIX_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)
#endif

#define XSOCK__SA(a) ((struct sockaddr *)(void *)(a)->storage.bytes)
#define XSOCK__CSA(a) ((const struct sockaddr *)(const void *)(a)->storage.bytes)

/* ---- src/common: shared helpers ------------------------------------------ */

/* Records native as this thread's last native error and returns code. */
int xsock__fail(int code, int native);
/* Stores native as this thread's last native error, nothing else. */
void xsock__set_native_error(int native);
/* Whether this thread asked that a signal end a blocking call
 * (xsock_set_interruptible): then EINTR gives XSOCK_EINTR, not a retry. */
int xsock__interruptible(void);
/* XSOCK_INET -> AF_INET, ...; -1 for an unknown family. */
int xsock__af_from_family(int family);
/* AF_INET -> XSOCK_INET, ...; XSOCK_EAFNOSUPPORT for others. */
int xsock__family_from_af(int af);
/* Checks that addr holds a usable sockaddr (set length, known family). */
int xsock__addr_check(const xsock_addr *addr);

/* ---- each backend ---------------------------------------------------------- */

/* Lazy, thread-safe, one-time start-up (WSAStartup); cheap when done. */
int xsock__sys_startup(void);
/* Ref-counted explicit start-up and release (xsock_init / xsock_cleanup). */
int xsock__sys_init(void);
void xsock__sys_cleanup(void);

/* Records this thread's errno / WSAGetLastError() and returns its XSOCK_E*. */
int xsock__sys_error(void);
/* Maps a native errno / WSA code to XSOCK_E* (no recording). */
int xsock__sys_map_error(int native);

/* Creates a socket of native family af and XSOCK_STREAM/XSOCK_DGRAM type,
 * with the defaults the header promises (blocking, not inherited, no SIGPIPE,
 * restartable listener, v6-only). */
int xsock__sys_open(xsock_t *out, int af, int type);
int xsock__sys_close(xsock_t s);
int xsock__sys_bind(xsock_t s, const xsock_addr *addr);
/* backlog < 0 means the OS maximum. */
int xsock__sys_listen(xsock_t s, int backlog);
/* Accepts a blocking, non-inherited, no-SIGPIPE socket; peer may be NULL. */
int xsock__sys_accept(xsock_t s, xsock_t *client, xsock_addr *peer);
/* One connect call: 0, XSOCK_EINPROGRESS (non-blocking), or an error. */
int xsock__sys_connect(xsock_t s, const xsock_addr *addr);
/* The timed connect's answer to XSOCK_EAGAIN from a non-blocking connect
 * (Linux, AF_UNIX: the listener's backlog is full, and poll cannot wait for
 * room): tries again until timeout_ms passes, then XSOCK_ETIMEDOUT. Winsock
 * never says WSAEWOULDBLOCK for a connect that did not start: r as it is. */
#ifdef _WIN32
#  define xsock__sys_connect_again(s, addr, r, timeout_ms) ((void)(s), (void)(addr), (void)(timeout_ms), (r))
#else
int xsock__sys_connect_again(xsock_t s, const xsock_addr *addr, int r, int timeout_ms);
#endif
/* The timed connect (timeout_ms >= 0) where the backend has one of its
 * own: 0 or XSOCK_E* as xsock_connect answers, or 1 for the generic path
 * (non-blocking connect, wait, restore the mode). Windows: ConnectEx for
 * TCP sockets, as FIONBIO cannot be read back (src/win32/socket.c). */
#ifdef _WIN32
int xsock__sys_connect_timed(xsock_t s, const xsock_addr *addr, int timeout_ms);
#else
#  define xsock__sys_connect_timed(s, addr, timeout_ms) ((void)(s), (void)(addr), (void)(timeout_ms), 1)
#endif
/* Waits up to timeout_ms (< 0 forever, EINTR retried on the remaining time)
 * for XSOCK_POLLIN/POLLOUT on one socket; returns the revents, 0 on timeout.
 * A failed connect must show as XSOCK_POLLERR (Windows: not via WSAPoll). */
int xsock__sys_wait(xsock_t s, int events, int timeout_ms);
/* The pending SO_ERROR as 0 or XSOCK_E* (recorded as the native error). */
int xsock__sys_socket_error(xsock_t s);
/* Whether s is non-blocking (1/0); Windows cannot ask, so it remembers. */
int xsock__sys_get_nonblocking(xsock_t s);
int xsock__sys_set_nonblocking(xsock_t s, int on);
/* xsock_send and xsock_recv are defined in each backend, so that the OS
 * call follows these checks without a jump between layers; what they catch
 * goes to xsock__send_rare / xsock__recv_rare (src/common/socket.c). Two
 * tests each, kept apart: joined in one expression gcc may compute both
 * with setcc and or. No XSOCK_INVALID test: the OS refuses -1 /
 * INVALID_SOCKET with EBADF / WSAENOTSOCK, which is XSOCK_EBADF as well. */
#define XSOCK__SEND_RARE(buf, len) ((buf) == NULL ? 1 : (len) > (size_t)INT_MAX)
#define XSOCK__RECV_RARE(buf, len) ((buf) == NULL ? 1 : (len) - 1 >= (size_t)INT_MAX) /* len 0 too */
xsock_ssize_t xsock__send_rare(xsock_t s, const void *buf, size_t len);
xsock_ssize_t xsock__recv_rare(xsock_t s, void *buf, size_t len);
/* One transfer each; len <= INT_MAX. EAGAIN on a blocking socket (a timeout
 * set by option expired) is XSOCK_ETIMEDOUT, on a non-blocking one XSOCK_EAGAIN. */
xsock_ssize_t xsock__sys_send(xsock_t s, const void *buf, size_t len);
xsock_ssize_t xsock__sys_recv(xsock_t s, void *buf, size_t len);
xsock_ssize_t xsock__sys_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr *to);
/* A truncated datagram gives XSOCK_EMSGSIZE; from may be NULL. */
xsock_ssize_t xsock__sys_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr *from);
/* how is XSOCK_SHUT_*. */
int xsock__sys_shutdown(xsock_t s, int how);
int xsock__sys_local_addr(xsock_t s, xsock_addr *out);
int xsock__sys_peer_addr(xsock_t s, xsock_addr *out);
/* opt is a known XSOCK_OPT_*, value already range-checked. */
int xsock__sys_set_option(xsock_t s, int opt, int value);
int xsock__sys_get_option(xsock_t s, int opt, int *value);
/* xsock_poll after its argument checks (n <= INT_MAX). */
int xsock__sys_poll(xsock_pollfd *fds, size_t n, int timeout_ms);
int xsock__sys_socketpair(xsock_t pair[2]);
/* getaddrinfo for a checked host; af is AF_UNSPEC/AF_INET/AF_INET6. Stores up
 * to max addresses with port set; returns the count or XSOCK_ENOTFOUND etc. */
int xsock__sys_resolve(const char *host, int af, int port, xsock_addr *out, size_t max);

/* ---- the poller: src/common/poller.c checks, each backend does the rest ----
 * The common layer has checked p, out, evs != NULL, s != XSOCK_INVALID,
 * events a non-empty subset of XSOCK_POLLIN|XSOCK_POLLOUT, max > 0, and has
 * started the OS (xsock__sys_startup) before create. */

/* A new poller (POSIX: picks epoll/kqueue/poll; Windows: AFD or select). */
int xsock__sys_poller_create(xsock_poller **out);
/* XSOCK_EINVAL if s is already added, XSOCK_EBADF if it is not open. */
int xsock__sys_poller_add(xsock_poller *p, xsock_t s, int events, void *udata);
/* XSOCK_EINVAL if s is not added. */
int xsock__sys_poller_modify(xsock_poller *p, xsock_t s, int events, void *udata);
/* XSOCK_EINVAL if s is not added. */
int xsock__sys_poller_remove(xsock_poller *p, xsock_t s);
/* Fills up to max events (one per socket); 0 on timeout or wake. */
int xsock__sys_poller_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms);
/* Thread-safe; a wake already pending is not an error. */
int xsock__sys_poller_wake(xsock_poller *p);
void xsock__sys_poller_destroy(xsock_poller *p);
const char *xsock__sys_poller_backend(const xsock_poller *p);
/* s is about to be closed by xsock_close: p stops watching it, quietly (no
 * error recorded); only called for an s that p's add accepted. */
void xsock__sys_poller_forget(xsock_poller *p, xsock_t s);
/* Takes (on 1) or releases (on 0) the one lock of src/common/poller.c's
 * registry of which poller holds which socket. */
void xsock__sys_poller_lock(int on);
/* src/common/poller.c: takes s out of every poller it is added to; called
 * by xsock_close before the OS closes s. */
void xsock__poller_forget(xsock_t s);

#ifndef _WIN32
/* POSIX has several backends behind one struct: each backend's poller
 * starts with this, and src/posix/poller.c dispatches through ops. */
struct xsock__poller_ops {
    const char *name;
    int (*add)(xsock_poller *p, int fd, int events, void *udata);
    int (*modify)(xsock_poller *p, int fd, int events, void *udata);
    int (*remove)(xsock_poller *p, int fd);
    void (*forget)(xsock_poller *p, int fd);
    int (*wait)(xsock_poller *p, xsock_event *evs, int max, int timeout_ms);
    int (*wake)(xsock_poller *p);
    void (*destroy)(xsock_poller *p);
};
struct xsock_poller {
    const struct xsock__poller_ops *ops;
};
/* Each backend's constructor; XSOCK_ENOTSUP where the OS lacks it. */
int xsock__epoll_create(xsock_poller **out);
int xsock__kqueue_create(xsock_poller **out);
int xsock__pollfb_create(xsock_poller **out);
/* XSOCK_EBADF unless fd is open; then makes index fd fit a table of
 * elem-byte entries (new ones zeroed). A wild number never sizes it. */
int xsock__poller_table_fit(void **table, size_t *cap, size_t elem, int fd);
/* A non-blocking, close-on-exec pipe for wakes: fds[0] read, fds[1] write. */
int xsock__poller_pipe(int fds[2]);
/* Writes a wake byte (a full pipe already holds one); drains them all. */
int xsock__poller_pipe_wake(int wfd);
void xsock__poller_pipe_drain(int rfd);
#endif


/* ---- the day-one calls (issue 13): each backend ------------------------------
 * The common layer has checked s, the buffers (count 1..XSOCK_IOV_MAX, no
 * NULL base with a length, a total <= INT_MAX) and every other argument. */

/* The error path of a transfer, shared by the calls below: EINTR is the
 * caller's to retry; EAGAIN on a blocking socket (a timeout set by option
 * expired) is XSOCK_ETIMEDOUT, on a non-blocking one XSOCK_EAGAIN; as
 * xsock__sys_send/recv answer. Records the native code. */
xsock_ssize_t xsock__sys_transfer_error(xsock_t s);
/* How many leading buffers fit in INT_MAX bytes in all (0: not even the
 * first); *null_base says whether any has base NULL and len > 0. */
size_t xsock__vector_fit(const xsock_buf *bufs, size_t count, int *null_base);
/* One sendmsg / WSASend (recvmsg / WSARecv) over the caller's array as it
 * is; recvv gives XSOCK_EMSGSIZE for a truncated datagram. sendv is given
 * count 1..XSOCK_IOV_MAX only, its buffers unchecked: a NULL base with a
 * length is XSOCK_EINVAL and a total past INT_MAX moves the leading
 * buffers that fit (xsock__vector_fit), as the backend finds out. */
xsock_ssize_t xsock__sys_sendv(xsock_t s, const xsock_buf *bufs, size_t count);
xsock_ssize_t xsock__sys_recvv(xsock_t s, xsock_buf *bufs, size_t count);
/* XSOCK_STREAM or XSOCK_DGRAM (SO_TYPE); XSOCK_EBADF for no socket. */
int xsock__sys_socket_type(xsock_t s);
/* recv with MSG_PEEK, len 1..INT_MAX; a truncated datagram: XSOCK_EMSGSIZE. */
xsock_ssize_t xsock__sys_peek(xsock_t s, void *buf, size_t len);
/* Bytes queued (stream) or the size of the next datagram. */
xsock_ssize_t xsock__sys_available(xsock_t s);
/* The OS's text for a native code into buf (cap >= 1): its length, or
 * XSOCK_ENOBUFS with buf "". */
int xsock__sys_native_strerror(int native, char *buf, size_t cap);
/* Copies text (n bytes, no NUL needed) into buf with a NUL: n, or
 * XSOCK_ENOBUFS with buf "" when cap <= n. Trailing spaces, newlines and
 * one final period are dropped first. */
int xsock__put_text(const char *text, size_t n, char *buf, size_t cap);
/* "unknown error <n>" into buf, as xsock__put_text. */
int xsock__put_unknown(int native, char *buf, size_t cap);
/* Keepalive on/off and its timing (0: the OS default); s is a stream socket. */
int xsock__sys_set_keepalive(xsock_t s, int on, int idle_s, int interval_s, int count);
/* Milliseconds on a monotonic clock (graceful close, racing connect). */
long long xsock__sys_now_ms(void);
/* Gives a socket made elsewhere xsock's defaults (not inherited, no
 * SIGPIPE, blocking, Windows' bookkeeping); XSOCK_EBADF for no socket. */
int xsock__sys_adopt(xsock_t s);
/* The interfaces' addresses: fills up to max of out, returns how many exist. */
int xsock__sys_interfaces(xsock_interface *out, size_t max);
/* if_nametoindex: the index of a named interface, 0 if there is none. */
unsigned long xsock__sys_scope_index(const char *name);
/* if_indextoname into buf (cap >= 1): the name's length, or < 0 if the
 * index has none or it does not fit. */
int xsock__sys_scope_name(unsigned long index, char *buf, size_t cap);

/* ---- multicast (src/common/mcast.c; src/posix/mcast.c, src/win32/mcast.c) --
 * xsock_set/get_option hand the XSOCK_OPT_MULTICAST_* and XSOCK_OPT_TTL
 * options (value checked) to these; they find the socket's family. */
int xsock__mcast_set_option(xsock_t s, int opt, int value);
int xsock__mcast_get_option(xsock_t s, int opt, int *value);
/* Join/leave: setsockopt(level, name) with the membership request that
 * src/common/mcast.c built (len bytes at req), its error recorded. */
int xsock__sys_mcast(xsock_t s, int level, int name, const void *req, size_t len);
/* An option of an IPv4 (v6 0) or IPv6 socket; IPv4's XSOCK_OPT_MULTICAST_IF
 * goes by address (*ifaddr), the others by value. */
int xsock__sys_mcast_set(xsock_t s, int v6, int opt, int value, const struct in_addr *ifaddr);
int xsock__sys_mcast_get(xsock_t s, int v6, int opt, int *value, struct in_addr *ifaddr);

/* ---- datagram batches (src/common/dgram.c) ---------------------------------
 * n >= 1 checked entries. The first datagram as xsock_recvfrom /
 * xsock_sendto would move it (timeouts, signals and errors alike; a
 * truncated one flagged), then, without waiting, the ones already queued /
 * the rest, stopping at the first failure (its native error recorded):
 * how many (>= 1) or the first one's negative code. Linux: recvmmsg /
 * sendmmsg; elsewhere the loops below. */
int xsock__sys_recv_batch(xsock_t s, xsock_dgram *msgs, size_t n);
int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n);
int xsock__recv_one(xsock_t s, xsock_dgram *m);
int xsock__recv_batch_loop(xsock_t s, xsock_dgram *msgs, size_t n);
int xsock__send_batch_loop(xsock_t s, const xsock_dgram *msgs, size_t n);

#endif /* XSOCK_INTERNAL_H */
