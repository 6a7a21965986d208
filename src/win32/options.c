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
    case XSOCK_OPT_NODELAY: *level = IPPROTO_TCP; *name = TCP_NODELAY; return 1;
    case XSOCK_OPT_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return 1;
    case XSOCK_OPT_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return 1;
    case XSOCK_OPT_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return 1;
    case XSOCK_OPT_V6ONLY: *level = IPPROTO_IPV6; *name = IPV6_V6ONLY; return 1;
    case XSOCK_OPT_BROADCAST: *level = SOL_SOCKET; *name = SO_BROADCAST; return 1;
    default: return 0;
    }
}

/* ---- port reuse ----------------------------------------------------------
 * What the four reuse options are on Windows ("Using SO_REUSEADDR and
 * SO_EXCLUSIVEADDRUSE", Microsoft):
 *  - a socket with neither option may rebind a port whose old connections
 *    are still open or in TIME_WAIT, and a second live listener still gets
 *    WSAEADDRINUSE: that is XSOCK_OPT_REUSEADDR 1, the default of stream
 *    sockets (libuv's src/win/tcp.c sets neither option, for this reason);
 *  - SO_EXCLUSIVEADDRUSE: nobody may bind the port, not even a socket
 *    asking for SO_REUSEADDR, and a restart waits for the old connections:
 *    XSOCK_OPT_EXCLUSIVE 1, the default of datagram sockets (as on POSIX,
 *    where a socket without SO_REUSEADDR shares its port with no one);
 *  - SO_REUSEADDR lets sockets share a port: XSOCK_OPT_SHAREPORT, datagram
 *    sockets only (on a stream socket it lets another take a live port);
 *  - no load balancing: XSOCK_OPT_REUSEPORT_LB is XSOCK_ENOTSUP.
 * Winsock refuses to turn one of SO_REUSEADDR / SO_EXCLUSIVEADDRUSE on while
 * the other is on (WSAEINVAL), so the one going off goes first. */

static int get_flag(SOCKET s, int name, int *v)
{
    DWORD d = 0; /* some come back as one byte: start from zero */
    int len = (int)sizeof d;
    if (XSOCK__OS(getsockopt)(s, SOL_SOCKET, name, (char *)&d, &len) != 0) return option_error();
    *v = d != 0;
    return 0;
}

static int set_flag(SOCKET s, int name, int v)
{
    DWORD d = (DWORD)v;
    return XSOCK__OS(setsockopt)(s, SOL_SOCKET, name, (const char *)&d, (int)sizeof d) == 0 ? 0
                                                                                           : option_error();
}

/* SOCK_STREAM or SOCK_DGRAM; each reuse option belongs to one of them. */
static int sock_type(SOCKET s, int *type)
{
    int len = (int)sizeof *type;
    *type = 0;
    return XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_TYPE, (char *)type, &len) == 0 ? 0 : xsock__sys_error();
}

static int set_reuse(SOCKET s, int opt, int value)
{
    int type, share, excl, r;
    if (opt == XSOCK_OPT_REUSEPORT_LB) return xsock__fail(XSOCK_ENOTSUP, WSAEOPNOTSUPP);
    if ((r = sock_type(s, &type)) < 0) return r;
    if (opt == XSOCK_OPT_REUSEADDR && type != SOCK_STREAM) return xsock__fail(XSOCK_EINVAL, WSAENOPROTOOPT);
    if (opt == XSOCK_OPT_SHAREPORT && type != SOCK_DGRAM) return xsock__fail(XSOCK_EINVAL, WSAENOPROTOOPT);
    if (opt == XSOCK_OPT_EXCLUSIVE) {
        excl = value;
        share = !value && type == SOCK_DGRAM; /* giving up exclusive use of a datagram port shares it */
    } else {
        share = opt == XSOCK_OPT_SHAREPORT && value;
        excl = !value;
    }
    if (!share && (r = set_flag(s, SO_REUSEADDR, 0)) < 0) return r;
    if ((r = set_flag(s, SO_EXCLUSIVEADDRUSE, excl)) < 0) return r;
    return share ? set_flag(s, SO_REUSEADDR, 1) : 0;
}

static int get_reuse(SOCKET s, int opt, int *value)
{
    int type, v = 0, r;
    if (opt == XSOCK_OPT_REUSEPORT_LB) return xsock__fail(XSOCK_ENOTSUP, WSAEOPNOTSUPP);
    if ((r = sock_type(s, &type)) < 0) return r;
    if (opt == XSOCK_OPT_REUSEADDR && type != SOCK_STREAM) return xsock__fail(XSOCK_EINVAL, WSAENOPROTOOPT);
    if (opt == XSOCK_OPT_SHAREPORT && type != SOCK_DGRAM) return xsock__fail(XSOCK_EINVAL, WSAENOPROTOOPT);
    if ((r = get_flag(s, opt == XSOCK_OPT_SHAREPORT ? SO_REUSEADDR : SO_EXCLUSIVEADDRUSE, &v)) < 0)
        return r;
    *value = opt == XSOCK_OPT_REUSEADDR ? !v : v;
    return 0;
}

static int is_reuse(int opt)
{
    return opt == XSOCK_OPT_REUSEADDR || opt == XSOCK_OPT_EXCLUSIVE || opt == XSOCK_OPT_SHAREPORT ||
           opt == XSOCK_OPT_REUSEPORT_LB;
}

int xsock__sys_set_option(xsock_t s, int opt, int value)
{
    int level, name;
    struct linger l;
    if (is_reuse(opt)) return set_reuse(XSOCK__S(s), opt, value);
    /* Not SO_RCVTIMEO/SO_SNDTIMEO: see nonblock.c. */
    if (opt == XSOCK_OPT_RCVTIMEO || opt == XSOCK_OPT_SNDTIMEO)
        return xsock__win_set_timeout(XSOCK__S(s), opt == XSOCK_OPT_SNDTIMEO, (DWORD)value);
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
    if (is_reuse(opt)) return get_reuse(XSOCK__S(s), opt, value);
    if (opt == XSOCK_OPT_RCVTIMEO || opt == XSOCK_OPT_SNDTIMEO) {
        DWORD ms;
        int type, r;
        if ((r = sock_type(XSOCK__S(s), &type)) < 0) return r; /* a closed socket says so */
        ms = xsock__win_timeout(XSOCK__S(s), opt == XSOCK_OPT_SNDTIMEO);
        *value = ms > (DWORD)INT_MAX ? INT_MAX : (int)ms;
        return 0;
    }
    if (int_option(opt, &level, &name)) {
        /* Some options come back as one byte (a BOOLEAN), others as a BOOL
         * or DWORD: start from zero so that any width reads right. */
        DWORD v = 0;
        len = (int)sizeof v;
        if (XSOCK__OS(getsockopt)(XSOCK__S(s), level, name, (char *)&v, &len) != 0) return option_error();
        if (opt == XSOCK_OPT_RCVBUF || opt == XSOCK_OPT_SNDBUF)
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
