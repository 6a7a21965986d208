/* Winsock xsock_adopt: what socket.c gives every socket at birth. */
#include "win32/win32.h"
#ifdef _WIN32

#ifndef SIO_UDP_CONNRESET
#  define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

int xsock__sys_adopt(xsock_t s)
{
    SOCKET h = XSOCK__S(s);
    u_long off = 0;
    int type = xsock__sys_socket_type(s); /* WSAENOTSOCK for no socket: XSOCK_EBADF */
    if (type < 0) return type;
    /* Windows cannot say whether a socket is non-blocking (nonblock.c):
     * make it blocking, which is what xsock's registry then believes. */
    xsock__win_nb_forget(h);
    if (XSOCK__OS(ioctlsocket)(h, (long)FIONBIO, &off) != 0) return xsock__sys_error();
    if (!XSOCK__OS(SetHandleInformation)((HANDLE)h, HANDLE_FLAG_INHERIT, 0)) return xsock__sys_error();
    if (type == XSOCK_DGRAM) {
        /* As socket.c: no WSAECONNRESET on recvfrom for an earlier ICMP
         * port-unreachable. Best effort, as there. */
        BOOL report = FALSE;
        DWORD got = 0;
        XSOCK__OS(WSAIoctl)(h, SIO_UDP_CONNRESET, &report, sizeof report, NULL, 0, &got, NULL, NULL);
    }
    return 0;
}

#endif /* _WIN32 */
