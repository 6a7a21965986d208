/* The fault-injection table at start: every entry the real call (see
 * fault.h). Compiled only into the test-only library xsock_fi. */
#ifndef XSOCK_FAULT_INJECTION
#  error "src/fault.c belongs to the test-only library xsock_fi (XSOCK_FAULT_INJECTION)"
#endif

#include "posix/posix.h"
#include "win32/win32.h"
#include "fault.h"

#ifdef _WIN32

#define REAL_CALLS                                                                          \
    {WSASocketW, closesocket, bind, listen, accept, connect, shutdown, send, recv, sendto,      \
     recvfrom, getsockname, getpeername, setsockopt, getsockopt, ioctlsocket, WSAIoctl, select, \
     getaddrinfo, SetHandleInformation, malloc, calloc, realloc, free, WSASend, WSARecv}

#else /* POSIX */

#ifdef __linux__
#  include <sys/epoll.h>
#  include <sys/eventfd.h>
#  define EPOLL_CALLS epoll_create1, epoll_ctl, epoll_wait, eventfd
#else
#  define EPOLL_CALLS NULL, NULL, NULL, NULL
#endif
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
#  include <sys/event.h>
#  define KQUEUE_CALLS kqueue, kevent
#else
#  define KQUEUE_CALLS NULL, NULL
#endif

/* glibc declares these with a transparent union for the address under
 * _GNU_SOURCE: a wrapper gives the table's plain pointer type. */
static int real_bind(int s, const struct sockaddr *a, socklen_t n) { return bind(s, a, n); }
static int real_connect(int s, const struct sockaddr *a, socklen_t n) { return connect(s, a, n); }
static int real_accept(int s, struct sockaddr *a, socklen_t *n) { return accept(s, a, n); }
static int real_getsockname(int s, struct sockaddr *a, socklen_t *n)
{
    return getsockname(s, a, n);
}
static int real_getpeername(int s, struct sockaddr *a, socklen_t *n)
{
    return getpeername(s, a, n);
}
static ssize_t real_sendto(int s, const void *b, size_t len, int f, const struct sockaddr *a,
                           socklen_t n)
{
    return sendto(s, b, len, f, a, n);
}
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
static int real_accept4(int s, struct sockaddr *a, socklen_t *n, int f)
{
    return accept4(s, a, n, f);
}
#  define ACCEPT4 real_accept4
#else
#  define ACCEPT4 NULL
#endif

#define REAL_CALLS                                                                         \
    {socket, socketpair, close, real_bind, listen, real_accept, ACCEPT4, real_connect,         \
     shutdown, send, recv, real_sendto, recvmsg, real_getsockname, real_getpeername,           \
     setsockopt, getsockopt, fcntl, poll, pipe, read, write, EPOLL_CALLS, KQUEUE_CALLS,        \
     getaddrinfo, malloc, calloc, realloc, free, sendmsg}

#endif /* _WIN32 */

const xsock__os_table xsock__os_real = REAL_CALLS;
/* What the backends call through; a test re-points entries. */
xsock__os_table xsock__os = REAL_CALLS;
