/* Winsock scatter/gather: WSASend / WSARecv straight over the caller's
 * array (xsock_buf is laid out as WSABUF), and the transfer error path the
 * day-one calls share. */
#include "win32/win32.h"
#ifdef _WIN32

#include <stddef.h>

/* xsock_buf must be a WSABUF, field for field: the header cannot include
 * <winsock2.h>, so it declares its own and this checks it (a negative
 * array size stops the build). */
typedef char xsock__buf_is_wsabuf[(sizeof(xsock_buf) == sizeof(WSABUF) &&
                                   offsetof(xsock_buf, base) == offsetof(WSABUF, buf) &&
                                   offsetof(xsock_buf, len) == offsetof(WSABUF, len) &&
                                   sizeof(((xsock_buf *)0)->len) == sizeof(((WSABUF *)0)->len))
                                      ? 1
                                      : -1];

/* As socket.c's transfers: WSAETIMEDOUT (SO_RCVTIMEO/SO_SNDTIMEO) and
 * WSAEWOULDBLOCK already mean what the header says, and WSAECONNABORTED
 * (the local stack giving up on a reset or silent peer) is POSIX's
 * ECONNRESET. */
xsock_ssize_t xsock__sys_transfer_error(xsock_t s)
{
    int e = WSAGetLastError();
    (void)s;
    xsock__set_native_error(e);
    return e == WSAECONNABORTED ? XSOCK_ECONNRESET : xsock__sys_map_error(e);
}

/* With no OVERLAPPED and no completion routine WSASend/WSARecv act as
 * send/recv on the socket ("WSASend function", Microsoft docs): blocking or
 * not as the socket is, and SO_SNDTIMEO/SO_RCVTIMEO apply. */
xsock_ssize_t xsock__sys_sendv(xsock_t s, const xsock_buf *bufs, size_t count)
{
    DWORD sent = 0;
    ULONGLONG start = 0;
    int null_base;
    /* A pass over the buffers, cheap next to the system call: WSASend
     * would take a total past INT_MAX (xsock_ssize_t is 32 bits on 32-bit
     * Windows) and fail a NULL base only as WSAEFAULT. */
    size_t fit = xsock__vector_fit(bufs, count, &null_base);
    if (null_base) return xsock__fail(XSOCK_EINVAL, WSAEFAULT);
    if (fit == 0) return xsock__sys_send(s, bufs[0].base, (size_t)INT_MAX);
    count = fit;
    for (;;) {
        int r;
        if (XSOCK__OS(WSASend)(XSOCK__S(s), (LPWSABUF)(void *)bufs, (DWORD)count, &sent, 0, NULL, NULL) == 0)
            return (xsock_ssize_t)sent;
        /* A send timeout is a wait, then the call (socket.c). */
        if ((r = xsock__win_wait_again(XSOCK__S(s), 1, &start)) <= 0)
            return r < 0 ? r : xsock__sys_transfer_error(s);
    }
}

xsock_ssize_t xsock__sys_recvv(xsock_t s, xsock_buf *bufs, size_t count)
{
    ULONGLONG start = 0;
    int r;
    for (;;) {
        DWORD got = 0, flags = 0;
        if (XSOCK__OS(WSARecv)(XSOCK__S(s), (LPWSABUF)(void *)bufs, (DWORD)count, &got, &flags, NULL, NULL) == 0)
            return (xsock_ssize_t)got;
        /* After shutdown(SD_RECEIVE) Linux reads end of stream; Windows errs. */
        if (WSAGetLastError() == WSAESHUTDOWN) return 0;
        /* A receive timeout is a wait, then the call (socket.c). */
        if ((r = xsock__win_wait_again(XSOCK__S(s), 0, &start)) <= 0) break;
        if (r == 2) return 0;
    }
    /* A datagram larger than the buffers: WSAEMSGSIZE, XSOCK_EMSGSIZE. */
    return r < 0 ? r : xsock__sys_transfer_error(s);
}

#endif /* _WIN32 */
