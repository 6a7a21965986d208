/* xsock_interfaces: checks once for every OS, and the netmask arithmetic
 * both backends share. */
#include "xsock_internal.h"

int xsock_interfaces(xsock_interface *out, size_t max)
{
    int r;
    if (out == NULL && max > 0) return xsock__fail(XSOCK_EINVAL, 0);
    if ((r = xsock__sys_startup()) < 0) return r;
    return xsock__sys_interfaces(out, max);
}
