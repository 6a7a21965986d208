/* Start-up (nothing to do on POSIX) and errno -> XSOCK_E*. */
#include "posix/posix.h"
#ifndef _WIN32

int xsock__sys_startup(void) { return 0; }
int xsock__sys_init(void) { return 0; }
void xsock__sys_cleanup(void) {}

int xsock__sys_map_error(int e)
{
    switch (e) {
    case 0: return 0;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return XSOCK_EAGAIN;
    case EINPROGRESS:
    case EALREADY: return XSOCK_EINPROGRESS;
    case ETIMEDOUT: return XSOCK_ETIMEDOUT;
    case ECONNREFUSED: return XSOCK_ECONNREFUSED;
    case ECONNRESET:
    case ENETRESET: return XSOCK_ECONNRESET;
    case ECONNABORTED: return XSOCK_ECONNABORTED;
    case EPIPE:
#ifdef ESHUTDOWN
    case ESHUTDOWN:
#endif
        return XSOCK_EPIPE;
    case ENOTCONN: return XSOCK_ENOTCONN;
    case EADDRINUSE: return XSOCK_EADDRINUSE;
    case EADDRNOTAVAIL: return XSOCK_EADDRNOTAVAIL;
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
#ifdef EPFNOSUPPORT
    case EPFNOSUPPORT:
#endif
#ifdef ESOCKTNOSUPPORT
    case ESOCKTNOSUPPORT:
#endif
        return XSOCK_EAFNOSUPPORT;
    case ENETUNREACH:
    case ENETDOWN: return XSOCK_ENETUNREACH;
    case EHOSTUNREACH:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
        return XSOCK_EHOSTUNREACH;
    case EMSGSIZE: return XSOCK_EMSGSIZE;
    case EINVAL:
    case EFAULT:
    case ENOPROTOOPT:
    case EDESTADDRREQ: return XSOCK_EINVAL;
    case EBADF:
    case ENOTSOCK: return XSOCK_EBADF;
    case EACCES:
    case EPERM: return XSOCK_EACCES;
    case EMFILE:
    case ENFILE: return XSOCK_EMFILE;
    case ENOBUFS: return XSOCK_ENOBUFS;
    case ENOMEM: return XSOCK_ENOMEM;
    case EOPNOTSUPP:
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
    case ENOTSUP:
#endif
        return XSOCK_ENOTSUP;
    case EISCONN: return XSOCK_EISCONN;
    case EINTR: return XSOCK_EINTR;
    /* AF_UNIX paths: connect(2), bind(2) and unix(7) list these. */
    case ENOENT:
    case ENOTDIR: return XSOCK_ENOENT; /* a part of the path is missing or no directory */
    case ENAMETOOLONG: return XSOCK_ENAMETOOLONG;
    case ELOOP: return XSOCK_ELOOP;
    case EROFS: return XSOCK_EACCES; /* bind: the path's file system is read-only */
    case EPROTO:
    case EPROTOTYPE: return XSOCK_EPROTO; /* accept(2); a path of another socket type */
    default: return XSOCK_EUNKNOWN;
    }
}

int xsock__sys_error(void)
{
    int e = errno;
    xsock__set_native_error(e);
    return xsock__sys_map_error(e);
}

int xsock__posix_left_ms(int timeout_ms, long long start_ms)
{
    long long left;
    if (timeout_ms < 0) return -1;
    left = timeout_ms - (xsock__posix_now_ms() - start_ms);
    return left > 0 ? (int)left : 0;
}

long long xsock__posix_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif /* _WIN32 */
