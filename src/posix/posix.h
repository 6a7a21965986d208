/* Included first by every src/posix file: -std=c99 hides the POSIX and
 * BSD socket extras (accept4, MSG_NOSIGNAL, SO_NOSIGPIPE, clock_gettime),
 * and each libc has its own switch to show them again. */
#ifndef XSOCK_POSIX_H
#define XSOCK_POSIX_H
#ifndef _WIN32

#if defined(__linux__) || defined(__CYGWIN__)
#  ifndef _GNU_SOURCE
#    define _GNU_SOURCE
#  endif
#elif defined(__APPLE__)
#  ifndef _DARWIN_C_SOURCE
#    define _DARWIN_C_SOURCE
#  endif
#elif defined(__NetBSD__)
#  ifndef _NETBSD_SOURCE
#    define _NETBSD_SOURCE
#  endif
#else
#  ifndef __BSD_VISIBLE
#    define __BSD_VISIBLE 1
#  endif
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include "xsock_internal.h"
#include "fault.h" /* XSOCK__OS(): the OS calls, which tests may fake */

/* After sendmsg (sending 1) / recvmsg on fd failed: EINTR and the deadline
 * as for send/recv (socket.c's call_failed), then the transfer error; the
 * bytes moved by a retry, or XSOCK_E*. */
ssize_t xsock__posix_msg_failed(int fd, struct msghdr *msg, int sending);
/* Milliseconds on a monotonic clock, for waits that must hold across EINTR. */
long long xsock__posix_now_ms(void);
/* What is left of a wait of timeout_ms begun at start_ms; -1 for "forever". */
int xsock__posix_left_ms(int timeout_ms, long long start_ms);

#endif /* _WIN32 */
#endif /* XSOCK_POSIX_H */
