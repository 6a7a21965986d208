/* Forced in (-include) by the compat.* tests, which compile src/posix for
 * macOS (-D__APPLE__) with this machine's glibc
 * headers. On those systems _DARWIN_C_SOURCE / __BSD_VISIBLE (set by
 * src/posix/posix.h) show every socket extra; glibc wants _GNU_SOURCE for
 * the same. The socket options glibc lacks get the values of XNU's
 * bsd/sys/socket.h: the test is whether the code compiles, not what the
 * numbers do. */
#ifndef XSOCK_COMPAT_PLATFORM_H
#define XSOCK_COMPAT_PLATFORM_H

#ifndef _GNU_SOURCE
#  define _GNU_SOURCE
#endif

#ifdef __APPLE__
#  define SO_NOSIGPIPE 0x1022  /* XNU bsd/sys/socket.h: no SIGPIPE on EPIPE */
#  define SO_LINGER_SEC 0x1080 /* XNU bsd/sys/socket.h: linger in seconds */
#endif

#endif
