/* WSAGetLastError() -> XSOCK_E*. */
#include "win32/win32.h"
#ifdef _WIN32

int xsock__sys_map_error(int e)
{
    switch (e) {
    case 0: return 0;
    case WSAEWOULDBLOCK: return XSOCK_EAGAIN;
    case WSAEINPROGRESS:
    case WSAEALREADY: return XSOCK_EINPROGRESS;
    case WSAETIMEDOUT: return XSOCK_ETIMEDOUT;
    case WSAECONNREFUSED: return XSOCK_ECONNREFUSED;
    case WSAECONNRESET:
    case WSAENETRESET: return XSOCK_ECONNRESET;
    case WSAECONNABORTED: return XSOCK_ECONNABORTED;
    case WSAESHUTDOWN:
    case WSAEDISCON: return XSOCK_EPIPE;
    case WSAENOTCONN: return XSOCK_ENOTCONN;
    case WSAEADDRINUSE: return XSOCK_EADDRINUSE;
    case WSAEADDRNOTAVAIL: return XSOCK_EADDRNOTAVAIL;
    case WSAEAFNOSUPPORT:
    case WSAEPFNOSUPPORT:
    case WSAESOCKTNOSUPPORT:
    case WSAEPROTONOSUPPORT: return XSOCK_EAFNOSUPPORT;
    case WSAENETUNREACH:
    case WSAENETDOWN:
    case WSASYSNOTREADY: return XSOCK_ENETUNREACH;
    case WSAEHOSTUNREACH:
    case WSAEHOSTDOWN: return XSOCK_EHOSTUNREACH;
    case WSAEMSGSIZE: return XSOCK_EMSGSIZE;
    case WSAEINVAL:
    case WSAEFAULT:
    case WSA_INVALID_PARAMETER:
    case WSAENOPROTOOPT:
    case WSAEPROTOTYPE:
    case WSAEDESTADDRREQ:
    case WSAENAMETOOLONG: return XSOCK_EINVAL;
    case WSAENOTSOCK:
    case WSAEBADF:
    case WSA_INVALID_HANDLE:
    /* Winsock 2 has no WSACancelBlockingCall: a blocking call is only
     * interrupted when another thread closes its socket (Windows says
     * WSAEINTR, Wine WSA_OPERATION_ABORTED). */
    case WSAEINTR:
    case WSA_OPERATION_ABORTED: return XSOCK_EBADF;
    /* xsock's own start-up is never released (init.c): Winsock is stopped
     * only when other code called WSACleanup more often than WSAStartup. */
    case WSANOTINITIALISED: return XSOCK_ENOTINIT;
    case WSAEACCES: return XSOCK_EACCES;
    case WSAEMFILE:
    case WSAEPROCLIM: return XSOCK_EMFILE;
    case WSAENOBUFS: return XSOCK_ENOBUFS;
    case WSA_NOT_ENOUGH_MEMORY: return XSOCK_ENOMEM;
    case WSAHOST_NOT_FOUND:
    case WSANO_DATA:
    case WSATRY_AGAIN:
    case WSANO_RECOVERY:
    case WSATYPE_NOT_FOUND: return XSOCK_ENOTFOUND;
    case WSAEOPNOTSUPP:
    case WSAVERNOTSUPPORTED: return XSOCK_ENOTSUP;
    case WSAEISCONN: return XSOCK_EISCONN;
    default: return XSOCK_EUNKNOWN;
    }
}

/* A Win32 code (GetLastError, or an NTSTATUS through RtlNtStatusToDosError:
 * an overlapped result, an AFD poll) as the WSA code of the same fault:
 * ERROR_CONNECTION_REFUSED (1225) where connect says WSAECONNREFUSED.
 * libuv maps the NTSTATUS itself (uv_ntstatus_to_winsock_error,
 * src/win/winsock.c); Go's net package gets these Errno values from
 * ConnectEx (src/internal/poll/fd_windows.go) and compares them as such. */
int xsock__win_wsa_error(DWORD e)
{
    switch (e) {
    case ERROR_CONNECTION_REFUSED: return WSAECONNREFUSED;
    case ERROR_NETWORK_UNREACHABLE: return WSAENETUNREACH;
    case ERROR_HOST_UNREACHABLE: return WSAEHOSTUNREACH;
    case ERROR_PROTOCOL_UNREACHABLE: return WSAENETUNREACH;
    case ERROR_PORT_UNREACHABLE: return WSAECONNREFUSED;
    case ERROR_SEM_TIMEOUT: return WSAETIMEDOUT; /* STATUS_IO_TIMEOUT: the SYNs went unanswered */
    case ERROR_CONNECTION_ABORTED: return WSAECONNABORTED;
    case ERROR_NETNAME_DELETED: return WSAECONNRESET;
    case ERROR_ADDRESS_ALREADY_ASSOCIATED: return WSAEADDRINUSE;
    case ERROR_INVALID_NETNAME: return WSAEADDRNOTAVAIL;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_NOT_ENOUGH_QUOTA:
    case ERROR_NO_SYSTEM_RESOURCES: return WSAENOBUFS; /* STATUS_INSUFFICIENT_RESOURCES */
    case ERROR_TOO_MANY_OPEN_FILES: return WSAEMFILE;
    case ERROR_ACCESS_DENIED: return WSAEACCES;
    default: return (int)e; /* a WSA code already, or the same number (995, 87, 6) */
    }
}

int xsock__sys_error(void)
{
    int e = WSAGetLastError();
    xsock__set_native_error(e);
    return xsock__sys_map_error(e);
}

#endif /* _WIN32 */
