/* Included first by every src/win32 file: what the Winsock files share
 * beyond the internal platform interface. */
#ifndef XSOCK_WIN32_H
#define XSOCK_WIN32_H

/* Outside the guard: elsewhere each file then still declares something,
 * as ISO C wants of a translation unit, and compiles to nothing. */
#include "xsock_internal.h"
#include "fault.h" /* XSOCK__OS(): the OS calls, which tests may fake */
#include <stddef.h>

#ifdef _WIN32

/* xsock_t and SOCKET are both pointer-sized unsigned integers. */
#define XSOCK__S(s) ((SOCKET)(s))

/* The per-socket registry (nonblock.c): Windows cannot say whether a
 * socket is non-blocking, so xsock remembers which ones it made so, and
 * the timeouts it emulates. */
void xsock__win_nb_forget(SOCKET s);
/* Receive (send 0) / send (send 1) timeout in ms, 0 for none. Kept here,
 * not in SO_RCVTIMEO/SO_SNDTIMEO (see nonblock.c). */
int xsock__win_set_timeout(SOCKET s, int send, DWORD ms);
DWORD xsock__win_timeout(SOCKET s, int send);
/* XSOCK_SHUT_RD on Windows (socket.c): remembered, not SD_RECEIVE. */
int xsock__win_shut_read(SOCKET s);
/* After WSAEWOULDBLOCK: 1 if the caller sees a blocking socket, so the
 * transfer must wait (*wait_ms: the timeout, -1 for none) and go again;
 * 2 for a receive after XSOCK_SHUT_RD: the end of the stream (0 bytes);
 * 0 if "would block" is the caller's answer. */
int xsock__win_wait_for(SOCKET s, int send, int *wait_ms);
/* After a transfer failed on s (socket.c): 1 when it waited and the call
 * should be made again (a socket non-blocking in the OS only for its
 * timeout), 2 for the end of stream after XSOCK_SHUT_RD, 0 to report the
 * failure as it is, < 0 the code to return (XSOCK_ETIMEDOUT). *start is 0
 * before the first wait of a call. Every blocking transfer goes through it. */
int xsock__win_wait_again(SOCKET s, int sending, ULONGLONG *start);

/* A select() set for any number of sockets (poll.c, poller.c). Winsock's
 * fd_set is a count and an array, not a bitmap, and select reads as many
 * sockets as the count says: a block laid out as an fd_set (a u_int count,
 * then the SOCKETs from offsetof(fd_set, fd_array) on) holds any number.
 * The SDK declares fd_array[FD_SETSIZE], so the sockets are reached through
 * a pointer into the block, never by indexing fd_array past its 64 entries;
 * select gets the block as an fd_set *. FD_SET would stop at FD_SETSIZE,
 * so sets are filled with XSOCK__WIN_SET_ADD. An fd_set of the SDK's size
 * is such a block for up to FD_SETSIZE sockets. */
typedef struct xsock__win_set xsock__win_set; /* never complete: a block */
#define XSOCK__WIN_SET_BYTES(n) (offsetof(fd_set, fd_array) + (n) * sizeof(SOCKET))
#define XSOCK__WIN_SET_COUNT(set) (*(u_int *)(void *)(set))
#define XSOCK__WIN_SET_SOCKETS(set) ((SOCKET *)(void *)((char *)(set) + offsetof(fd_set, fd_array)))
#define XSOCK__WIN_SET_FDS(set) ((fd_set *)(void *)(set))
#define XSOCK__WIN_SET_ADD(set, s) (XSOCK__WIN_SET_SOCKETS(set)[XSOCK__WIN_SET_COUNT(set)++] = (s))
/* Room for n sockets, or NULL (too many, or out of memory); free() it. */
xsock__win_set *xsock__win_set_alloc(size_t n);
/* Sorts a set and drops repeats; then xsock__win_set_has searches it. */
void xsock__win_set_sort(xsock__win_set *set);
int xsock__win_set_has(const xsock__win_set *set, SOCKET s);

/* The poller: poller.c picks a backend at create and dispatches to it.
 * Each backend's poller starts with this. */
struct xsock__win_poller_ops {
    const char *name;
    int (*add)(xsock_poller *p, xsock_t s, int events, void *udata);
    int (*modify)(xsock_poller *p, xsock_t s, int events, void *udata);
    int (*remove)(xsock_poller *p, xsock_t s);
    void (*forget)(xsock_poller *p, xsock_t s);
    int (*wait)(xsock_poller *p, xsock_event *evs, int max, int timeout_ms);
    int (*wake)(xsock_poller *p);
    void (*destroy)(xsock_poller *p);
};
struct xsock_poller {
    const struct xsock__win_poller_ops *ops;
};
/* AFD polls on a completion port (poller_afd.c): XSOCK_ENOTSUP when this
 * system cannot give them, and then select (poller_select.c) serves. */
int xsock__win_afd_create(xsock_poller **out);
/* A Win32 error code as the WSA code of the same fault (error.c). */
int xsock__win_wsa_error(DWORD e);
int xsock__win_select_create(xsock_poller **out);

#endif /* _WIN32 */
#endif /* XSOCK_WIN32_H */
