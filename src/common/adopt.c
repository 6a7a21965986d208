/* xsock_adopt: checks once for every OS. */
#include "xsock_internal.h"

int xsock_adopt(xsock_t s)
{
    int r;
    if (s == XSOCK_INVALID) return xsock__fail(XSOCK_EBADF, 0);
    /* A program that made its socket itself may not have started xsock. */
    if ((r = xsock__sys_startup()) < 0) return r;
    return xsock__sys_adopt(s);
}
