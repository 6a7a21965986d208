/*
 * The fault tests' side of src/fault.h: hooks for every OS call the
 * library makes, which count the calls, the descriptors (POSIX) or sockets
 * (Windows) opened and closed, and the allocations, and fake the faults a
 * test plans: a call that fails with a given errno / WSA code, a transfer
 * that moves fewer bytes than asked. Only programs linked with xsock_fi
 * (tests/fault/CMakeLists.txt) can use it.
 *
 * A planned EINTR is faked the way a signal makes it: a connect or close
 * first really happens (the connect goes on in the background, the
 * descriptor is gone), a poll first really waits (up to 10 ms); other calls
 * fail before they start.
 */
#ifndef FI_H
#define FI_H

#include <stddef.h>
#include "fault.h"

/* The error a test fakes: the POSIX errno or the Winsock code. */
#ifdef _WIN32
#  define FI_E(posix, win) (win)
#else
#  include <errno.h>
#  define FI_E(posix, win) (posix)
#endif

/* One entry per kind of OS call; a name stands for the call of each OS
 * that does the job (FI_SOCKET: socket / WSASocketW, FI_POLL: poll /
 * select, FI_ALLOC: malloc, calloc and realloc). */
enum fi_fn {
    FI_SOCKET, FI_CLOSE, FI_BIND, FI_LISTEN, FI_ACCEPT, FI_CONNECT, FI_SHUTDOWN,
    FI_SEND, FI_RECV, FI_SENDTO, FI_RECVFROM, FI_GETSOCKNAME, FI_GETPEERNAME,
    FI_SETSOCKOPT, FI_GETSOCKOPT, FI_POLL, FI_RESOLVE, FI_ALLOC, FI_FREE,
    /* POSIX only */
    FI_SOCKETPAIR, FI_FCNTL, FI_PIPE, FI_READ, FI_WRITE,
    FI_EPOLL_CREATE, FI_EPOLL_CTL, FI_EPOLL_WAIT, FI_EVENTFD, FI_KQUEUE, FI_KEVENT,
    /* Windows only */
    FI_IOCTLSOCKET, FI_WSAIOCTL, FI_SETHANDLEINFO,
    /* ntdll's, under the AFD poller: NtCreateFile of \Device\Afd and
     * NtDeviceIoControlFile (a poll). They fail with an NTSTATUS; err is
     * the Win32 code the library records for it (RtlNtStatusToDosError):
     * ERROR_FILE_NOT_FOUND for STATUS_OBJECT_NAME_NOT_FOUND (no such
     * device), any other for STATUS_INSUFFICIENT_RESOURCES, whose code is
     * ERROR_NO_SYSTEM_RESOURCES (1450; the sweep's). */
    FI_AFD_OPEN, FI_AFD_POLL,
    FI_NFN
};

/* Points every entry of xsock__os at its hook, and clears all plans and
 * counters. Call it first in every test. */
void fi_install(void);
/* The name of a call, for messages. */
const char *fi_name(int fn);

/* ---- plans: one per call; a new one replaces the old ------------------ */

/* Counting from the next call of fn as 1: calls nth .. nth+times-1 fail
 * with err (times < 0: every call from nth on). For FI_ALLOC err is
 * ignored: the allocation returns NULL. */
void fi_fail(int fn, long nth, long times, int err);
/* Every every-th call of fn fails with err. */
void fi_fail_every(int fn, long every, int err);
/* Every send/recv (FI_SEND, FI_RECV) moves at most max bytes (0: no cap). */
void fi_cap(int fn, size_t max);
/* No more plans (counters stay). */
void fi_clear(void);

/* ---- the sweep: a fault at each step in turn -------------------------- */

/* Counting from the next call of any kind as 1, the nth call that can
 * fail (all but close and free) fails with the error the OS gives when it
 * runs out: EMFILE / WSAEMFILE for a call that makes a descriptor or
 * socket, no memory for an allocation or a name lookup, ENOBUFS /
 * WSAENOBUFS for the others. 0 turns it off. */
void fi_step(long nth);
/* Which call the step hit (FI_NFN: none yet), the native code it faked,
 * and the XSOCK_E* code that stands for it. */
int fi_step_hit(void);
int fi_step_native(void);
int fi_step_code(void);

/* ---- counters ----------------------------------------------------------- */

void fi_reset_counts(void);
long fi_calls(int fn);
/* Descriptors / sockets opened minus closed, allocations minus frees,
 * since the last reset. */
long fi_open_balance(void);
long fi_alloc_balance(void);

#endif /* FI_H */
