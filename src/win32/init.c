/* Winsock start-up: lazy and one-time on first use, plus the ref-counted
 * xsock_init / xsock_cleanup for a deterministic WSACleanup. At any time
 * xsock holds at most one WSAStartup, so a cleanup can never be unmatched. */
#include "win32/win32.h"
#ifdef _WIN32

static SRWLOCK lock = SRWLOCK_INIT;
/* 1 while xsock's WSAStartup is in effect. Written under the lock, read
 * without it on the fast path: an aligned LONG read is atomic, a stale 0
 * only sends the caller to the lock, and Winsock guards its own state. */
static volatile LONG started;
static long refs; /* xsock_init calls not yet matched; under the lock */

static int start_locked(void)
{
    WSADATA wsa;
    int e;
    if (started) return 0;
    e = WSAStartup(MAKEWORD(2, 2), &wsa); /* returns its error; no WSAGetLastError yet */
    if (e != 0) return xsock__fail(xsock__sys_map_error(e), e);
    if (LOBYTE(wsa.wVersion) != 2 || HIBYTE(wsa.wVersion) != 2) {
        WSACleanup();
        return xsock__fail(XSOCK_ENOTSUP, WSAVERNOTSUPPORTED);
    }
    InterlockedExchange(&started, 1);
    return 0;
}

int xsock__sys_startup(void)
{
    int r;
    if (started) return 0;
    AcquireSRWLockExclusive(&lock);
    r = start_locked();
    ReleaseSRWLockExclusive(&lock);
    return r;
}

int xsock__sys_init(void)
{
    int r;
    AcquireSRWLockExclusive(&lock);
    r = start_locked();
    if (r == 0) refs++;
    ReleaseSRWLockExclusive(&lock);
    return r;
}

void xsock__sys_cleanup(void)
{
    AcquireSRWLockExclusive(&lock);
    if (refs > 0 && --refs == 0 && started) {
        WSACleanup();
        /* WSACleanup closed every socket: their handle values are free again. */
        xsock__win_nb_clear();
        InterlockedExchange(&started, 0);
    }
    ReleaseSRWLockExclusive(&lock);
}

#endif /* _WIN32 */
