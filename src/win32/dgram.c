/* Windows datagram batches: Winsock has no recvmmsg/sendmmsg (nor does
 * Wine), so a loop (src/common/dgram.c). */
#include "win32/win32.h"
#ifdef _WIN32

int xsock__sys_recv_batch(xsock_t s, xsock_dgram *msgs, size_t n)
{
    return xsock__recv_batch_loop(s, msgs, n);
}

int xsock__sys_send_batch(xsock_t s, const xsock_dgram *msgs, size_t n)
{
    return xsock__send_batch_loop(s, msgs, n);
}

#endif /* _WIN32 */
