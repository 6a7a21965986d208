/*
 * Fault injection, for the tests only (tests/fault/).
 *
 * Every OS call a backend makes that can fail is written XSOCK__OS(name)(...).
 * In a normal build that is the plain call: the library pays nothing, not an
 * instruction. The test-only copy of the library (xsock_fi, built with
 * XSOCK_FAULT_INJECTION) calls through xsock__os instead, a table of function
 * pointers that starts out at the real calls (src/fault.c) and that a test
 * may point elsewhere, to make any call fail, be interrupted or move fewer
 * bytes than asked, on either backend, as SQLite's overridable system calls
 * and c-ares' socket functions allow.
 *
 * A new OS call in a backend: wrap it, and give it an entry here and in
 * src/fault.c.
 */
#ifndef XSOCK_FAULT_H
#define XSOCK_FAULT_H

#ifndef XSOCK_FAULT_INJECTION
#  define XSOCK__OS(fn) fn
#else
#  define XSOCK__OS(fn) (*xsock__os.fn)

#  include <stdlib.h>
#  include "xsock_internal.h"

#  ifdef _WIN32
typedef struct xsock__os_table {
    SOCKET(WSAAPI *WSASocketW)(int, int, int, LPWSAPROTOCOL_INFOW, GROUP, DWORD);
    int(WSAAPI *closesocket)(SOCKET);
    int(WSAAPI *bind)(SOCKET, const struct sockaddr *, int);
    int(WSAAPI *listen)(SOCKET, int);
    SOCKET(WSAAPI *accept)(SOCKET, struct sockaddr *, int *);
    int(WSAAPI *connect)(SOCKET, const struct sockaddr *, int);
    int(WSAAPI *shutdown)(SOCKET, int);
    int(WSAAPI *send)(SOCKET, const char *, int, int);
    int(WSAAPI *recv)(SOCKET, char *, int, int);
    int(WSAAPI *sendto)(SOCKET, const char *, int, int, const struct sockaddr *, int);
    int(WSAAPI *recvfrom)(SOCKET, char *, int, int, struct sockaddr *, int *);
    int(WSAAPI *getsockname)(SOCKET, struct sockaddr *, int *);
    int(WSAAPI *getpeername)(SOCKET, struct sockaddr *, int *);
    int(WSAAPI *setsockopt)(SOCKET, int, int, const char *, int);
    int(WSAAPI *getsockopt)(SOCKET, int, int, char *, int *);
    int(WSAAPI *ioctlsocket)(SOCKET, long, u_long *);
    int(WSAAPI *WSAIoctl)(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPWSAOVERLAPPED,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE);
    /* The SDK's type (MinGW-w64 says const PTIMEVAL: see src/fault.c). */
    int(WSAAPI *select)(int, fd_set *, fd_set *, fd_set *, const struct timeval *);
    int(WSAAPI *getaddrinfo)(PCSTR, PCSTR, const ADDRINFOA *, PADDRINFOA *);
    BOOL(WINAPI *SetHandleInformation)(HANDLE, DWORD, DWORD);
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    /* The day-one calls (issue 13). */
    int(WSAAPI *WSASend)(SOCKET, LPWSABUF, DWORD, LPDWORD, DWORD, LPWSAOVERLAPPED,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE);
    int(WSAAPI *WSARecv)(SOCKET, LPWSABUF, DWORD, LPDWORD, LPDWORD, LPWSAOVERLAPPED,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE);
    /* ntdll's, for the AFD poller (issue 12; src/win32/afd.h, whose types
     * these are): opening \Device\Afd, and a poll. */
    LONG(NTAPI *NtCreateFile)(PHANDLE, ACCESS_MASK, PVOID, PVOID, PLARGE_INTEGER, ULONG, ULONG, ULONG,
                              ULONG, PVOID, ULONG);
    LONG(NTAPI *NtDeviceIoControlFile)(HANDLE, HANDLE, PVOID, PVOID, PVOID, ULONG, PVOID, ULONG, PVOID,
                                       ULONG);
} xsock__os_table;
#  else
#    include <netdb.h>
#    include <poll.h>
#    include <time.h>
struct epoll_event;
struct kevent;
typedef struct xsock__os_table {
    int (*socket)(int, int, int);
    int (*socketpair)(int, int, int, int *);
    int (*close)(int);
    /* Plain sockaddr pointers: glibc's own prototypes take a transparent
     * union under _GNU_SOURCE, so src/fault.c fills these with wrappers. */
    int (*bind)(int, const struct sockaddr *, socklen_t);
    int (*listen)(int, int);
    int (*accept)(int, struct sockaddr *, socklen_t *);
    /* Linux and the BSDs, where src/posix/socket.c uses it. */
    int (*accept4)(int, struct sockaddr *, socklen_t *, int);
    int (*connect)(int, const struct sockaddr *, socklen_t);
    int (*shutdown)(int, int);
    ssize_t (*send)(int, const void *, size_t, int);
    ssize_t (*recv)(int, void *, size_t, int);
    ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    ssize_t (*recvmsg)(int, struct msghdr *, int);
    int (*getsockname)(int, struct sockaddr *, socklen_t *);
    int (*getpeername)(int, struct sockaddr *, socklen_t *);
    int (*setsockopt)(int, int, int, const void *, socklen_t);
    int (*getsockopt)(int, int, int, void *, socklen_t *);
    int (*fcntl)(int, int, ...);
    int (*poll)(struct pollfd *, nfds_t, int);
    int (*pipe)(int *);
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*write)(int, const void *, size_t);
    /* Linux's poller. */
    int (*epoll_create1)(int);
    int (*epoll_ctl)(int, int, int, struct epoll_event *);
    int (*epoll_wait)(int, struct epoll_event *, int, int);
    int (*eventfd)(unsigned int, int);
    /* The BSDs' and macOS's poller. */
    int (*kqueue)(void);
    int (*kevent)(int, const struct kevent *, int, struct kevent *, int, const struct timespec *);
    int (*getaddrinfo)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    /* The day-one calls (issue 13). */
    ssize_t (*sendmsg)(int, const struct msghdr *, int);
} xsock__os_table;
#  endif

extern xsock__os_table xsock__os;
/* The real calls, as xsock__os holds them at start: a test's hook calls
 * these to do what it does not fake. */
extern const xsock__os_table xsock__os_real;
#endif /* XSOCK_FAULT_INJECTION */

#endif /* XSOCK_FAULT_H */
