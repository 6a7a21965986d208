/* Socket options: the XSOCK_OPT_* values in the same units as on POSIX. */
#include "win32/win32.h"
#ifdef _WIN32

#include <string.h>

/* An option that does not apply to this kind of socket (V6ONLY on IPv4,
 * ...): Linux says ENOPROTOOPT, which is XSOCK_EINVAL; Winsock says
 * WSAENOPROTOOPT or, under Wine, WSAEOPNOTSUPP. Give the same code. */
static int option_error(void)
{
    int r = xsock__sys_error();
    return r == XSOCK_ENOTSUP ? XSOCK_EINVAL : r;
}

/* level/name of the options that are one int (or DWORD) wide; 0 for LINGER. */
static int int_option(int opt, int *level, int *name)
{
    switch (opt) {
    /* Not SO_REUSEADDR: on Windows that lets another socket take a port
     * that is in use. SO_EXCLUSIVEADDRUSE gives POSIX's meaning. */
    case XSOCK_OPT_REUSEADDR: *level = SOL_SOCKET; *name = SO_EXCLUSIVEADDRUSE; return 1;
    case XSOCK_OPT_NODELAY: *level = IPPROTO_TCP; *name = TCP_NODELAY; return 1;
    case XSOCK_OPT_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return 1;
    case XSOCK_OPT_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return 1;
    case XSOCK_OPT_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return 1;
    /* Winsock takes these as a DWORD of milliseconds already. */
    case XSOCK_OPT_RCVTIMEO: *level = SOL_SOCKET; *name = SO_RCVTIMEO; return 1;
    case XSOCK_OPT_SNDTIMEO: *level = SOL_SOCKET; *name = SO_SNDTIMEO; return 1;
    case XSOCK_OPT_V6ONLY: *level = IPPROTO_IPV6; *name = IPV6_V6ONLY; return 1;
    case XSOCK_OPT_BROADCAST: *level = SOL_SOCKET; *name = SO_BROADCAST; return 1;
    default: return 0;
    }
}

int xsock__sys_set_option(xsock_t s, int opt, int value)
{
    int level, name;
    struct linger l;
    if (int_option(opt, &level, &name)) {
        DWORD v = (DWORD)value; /* the caller checked value >= 0 */
        return XSOCK__OS(setsockopt)(XSOCK__S(s), level, name, (const char *)&v, (int)sizeof v) == 0
                   ? 0
                   : option_error();
    }
    /* XSOCK_OPT_LINGER; the caller kept value within u_short. */
    l.l_onoff = (u_short)(value >= 0);
    l.l_linger = (u_short)(value >= 0 ? value : 0);
    return XSOCK__OS(setsockopt)(XSOCK__S(s), SOL_SOCKET, SO_LINGER, (const char *)&l, (int)sizeof l) == 0
               ? 0
               : option_error();
}

int xsock__sys_get_option(xsock_t s, int opt, int *value)
{
    int level, name, len;
    struct linger l;
    if (int_option(opt, &level, &name)) {
        /* Some options come back as one byte (a BOOLEAN), others as a BOOL
         * or DWORD: start from zero so that any width reads right. */
        DWORD v = 0;
        len = (int)sizeof v;
        if (XSOCK__OS(getsockopt)(XSOCK__S(s), level, name, (char *)&v, &len) != 0) return option_error();
        if (opt == XSOCK_OPT_RCVBUF || opt == XSOCK_OPT_SNDBUF || opt == XSOCK_OPT_RCVTIMEO ||
            opt == XSOCK_OPT_SNDTIMEO)
            *value = v > (DWORD)INT_MAX ? INT_MAX : (int)v;
        else
            *value = v != 0;
        return 0;
    }
    memset(&l, 0, sizeof l);
    len = (int)sizeof l;
    if (XSOCK__OS(getsockopt)(XSOCK__S(s), SOL_SOCKET, SO_LINGER, (char *)&l, &len) != 0)
        return option_error();
    *value = l.l_onoff ? (int)l.l_linger : -1;
    return 0;
}

#endif /* _WIN32 */
