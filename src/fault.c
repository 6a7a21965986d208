/* The fault-injection table at start: every entry the real call (see
 * fault.h). Compiled only into the test-only library xsock_fi. */
#ifndef XSOCK_FAULT_INJECTION
#  error "src/fault.c belongs to the test-only library xsock_fi (XSOCK_FAULT_INJECTION)"
#endif

#include "posix/posix.h"
#include "win32/win32.h"
#include "fault.h"

#ifdef _WIN32

/* Wrappers, not the functions themselves: Winsock's, kernel32's and (with
 * /MD) the CRT's functions are dllimport, and MSVC warns that the address of
 * a dllimport function in a static initializer is not a constant (C4232,
 * "nonstandard extension used: address of dllimport is not static, identity
 * not guaranteed"); a wrapper's address is. Only xsock_fi pays the call. */
static SOCKET WSAAPI real_WSASocketW(int af, int type, int proto, LPWSAPROTOCOL_INFOW info,
                                     GROUP g, DWORD flags)
{
    return WSASocketW(af, type, proto, info, g, flags);
}
static int WSAAPI real_closesocket(SOCKET s) { return closesocket(s); }
static int WSAAPI real_bind(SOCKET s, const struct sockaddr *a, int n) { return bind(s, a, n); }
static int WSAAPI real_listen(SOCKET s, int backlog) { return listen(s, backlog); }
static SOCKET WSAAPI real_accept(SOCKET s, struct sockaddr *a, int *n) { return accept(s, a, n); }
static int WSAAPI real_connect(SOCKET s, const struct sockaddr *a, int n)
{
    return connect(s, a, n);
}
static int WSAAPI real_shutdown(SOCKET s, int how) { return shutdown(s, how); }
static int WSAAPI real_send(SOCKET s, const char *b, int n, int f) { return send(s, b, n, f); }
static int WSAAPI real_recv(SOCKET s, char *b, int n, int f) { return recv(s, b, n, f); }
static int WSAAPI real_sendto(SOCKET s, const char *b, int n, int f, const struct sockaddr *a,
                              int an)
{
    return sendto(s, b, n, f, a, an);
}
static int WSAAPI real_recvfrom(SOCKET s, char *b, int n, int f, struct sockaddr *a, int *an)
{
    return recvfrom(s, b, n, f, a, an);
}
static int WSAAPI real_getsockname(SOCKET s, struct sockaddr *a, int *n)
{
    return getsockname(s, a, n);
}
static int WSAAPI real_getpeername(SOCKET s, struct sockaddr *a, int *n)
{
    return getpeername(s, a, n);
}
static int WSAAPI real_setsockopt(SOCKET s, int level, int name, const char *v, int n)
{
    return setsockopt(s, level, name, v, n);
}
static int WSAAPI real_getsockopt(SOCKET s, int level, int name, char *v, int *n)
{
    return getsockopt(s, level, name, v, n);
}
static int WSAAPI real_ioctlsocket(SOCKET s, long cmd, u_long *arg)
{
    return ioctlsocket(s, cmd, arg);
}
static int WSAAPI real_WSAIoctl(SOCKET s, DWORD code, LPVOID in, DWORD in_n, LPVOID out,
                                DWORD out_n, LPDWORD got, LPWSAOVERLAPPED ov,
                                LPWSAOVERLAPPED_COMPLETION_ROUTINE done)
{
    return WSAIoctl(s, code, in, in_n, out, out_n, got, ov, done);
}
/* The SDK's select takes const struct timeval * ("select function
 * (winsock2.h)"); MinGW-w64 declares it const PTIMEVAL, a const pointer to
 * a writable timeval, hence the cast. select does not write it. */
static int WSAAPI real_select(int n, fd_set *r, fd_set *w, fd_set *x, const struct timeval *t)
{
    return select(n, r, w, x, (struct timeval *)t);
}
static int WSAAPI real_getaddrinfo(PCSTR host, PCSTR port, const ADDRINFOA *hints,
                                   PADDRINFOA *res)
{
    return getaddrinfo(host, port, hints, res);
}
static BOOL WINAPI real_SetHandleInformation(HANDLE h, DWORD mask, DWORD flags)
{
    return SetHandleInformation(h, mask, flags);
}
static void *real_malloc(size_t n) { return malloc(n); }
static void *real_calloc(size_t n, size_t size) { return calloc(n, size); }
static void *real_realloc(void *p, size_t n) { return realloc(p, n); }
static void real_free(void *p) { free(p); }
static int WSAAPI real_WSASend(SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD flags,
                               LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE done)
{
    return WSASend(s, b, n, sent, flags, ov, done);
}
static int WSAAPI real_WSARecv(SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD flags,
                               LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE done)
{
    return WSARecv(s, b, n, got, flags, ov, done);
}

/* ntdll's two, found by name as the AFD poller finds them (no import
 * library declares them); a benign race finds the same address twice. */
static FARPROC ntdll_fn(const char *name)
{
    HMODULE nt = GetModuleHandleW(L"ntdll.dll");
    return nt != NULL ? GetProcAddress(nt, name) : NULL;
}
#define STATUS_NOT_IMPLEMENTED_ ((LONG)0xC0000002L)
typedef LONG(NTAPI *nt_create_file_fn)(PHANDLE, ACCESS_MASK, PVOID, PVOID, PLARGE_INTEGER, ULONG, ULONG,
                                       ULONG, ULONG, PVOID, ULONG);
typedef LONG(NTAPI *nt_ioctl_fn)(HANDLE, HANDLE, PVOID, PVOID, PVOID, ULONG, PVOID, ULONG, PVOID, ULONG);
static LONG NTAPI real_NtCreateFile(PHANDLE h, ACCESS_MASK access, PVOID attr, PVOID iosb,
                                    PLARGE_INTEGER size, ULONG fattr, ULONG share, ULONG disp,
                                    ULONG opts, PVOID ea, ULONG ealen)
{
    static nt_create_file_fn f;
    if (f == NULL) f = (nt_create_file_fn)(void (*)(void))ntdll_fn("NtCreateFile");
    return f ? f(h, access, attr, iosb, size, fattr, share, disp, opts, ea, ealen) : STATUS_NOT_IMPLEMENTED_;
}
static LONG NTAPI real_NtDeviceIoControlFile(HANDLE h, HANDLE ev, PVOID apc, PVOID ctx, PVOID iosb,
                                             ULONG code, PVOID in, ULONG inlen, PVOID out,
                                             ULONG outlen)
{
    static nt_ioctl_fn f;
    if (f == NULL) f = (nt_ioctl_fn)(void (*)(void))ntdll_fn("NtDeviceIoControlFile");
    return f ? f(h, ev, apc, ctx, iosb, code, in, inlen, out, outlen) : STATUS_NOT_IMPLEMENTED_;
}

#define REAL_CALLS                                                                          \
    {real_WSASocketW, real_closesocket, real_bind, real_listen, real_accept, real_connect,     \
     real_shutdown, real_send, real_recv, real_sendto, real_recvfrom, real_getsockname,        \
     real_getpeername, real_setsockopt, real_getsockopt, real_ioctlsocket, real_WSAIoctl,      \
     real_select, real_getaddrinfo, real_SetHandleInformation, real_malloc, real_calloc,       \
     real_realloc, real_free, real_WSASend, real_WSARecv, real_NtCreateFile,                   \
     real_NtDeviceIoControlFile}

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
