/* Winsock start-up. WSAStartup and WSACleanup keep a count of their own,
 * and the WSACleanup that brings it to zero closes every socket of the
 * process, whoever opened it. So:
 *  - the lazy start (first use) takes one WSAStartup that is never given
 *    back: a process that has used xsock keeps Winsock until it exits, and
 *    a balanced xsock_init/xsock_cleanup elsewhere cannot close its sockets;
 *  - xsock_init / xsock_cleanup pass straight through to WSAStartup /
 *    WSACleanup, so they nest with Winsock's own count (and with other
 *    libraries' calls) and never release more than they took.
 * The fast path reads a flag that, once set, stays set: no call can run
 * after a WSACleanup of xsock's own making. */
#include "win32/win32.h"
#ifdef _WIN32

static SRWLOCK lock = SRWLOCK_INIT;
/* 1 once the lazy, permanent WSAStartup has been made; never cleared. An
 * aligned LONG read is atomic, and a stale 0 only sends the caller to the
 * lock. */
static volatile LONG started;
static long refs; /* xsock_init calls not yet matched by xsock_cleanup; under the lock */

static int wsa_startup(void)
{
    WSADATA wsa;
    int e = WSAStartup(MAKEWORD(2, 2), &wsa); /* returns its error; no WSAGetLastError yet */
    if (e != 0) return xsock__fail(xsock__sys_map_error(e), e);
    if (LOBYTE(wsa.wVersion) != 2 || HIBYTE(wsa.wVersion) != 2) {
        WSACleanup();
        return xsock__fail(XSOCK_ENOTSUP, WSAVERNOTSUPPORTED);
    }
    return 0;
}

int xsock__sys_startup(void)
{
    int r = 0;
    if (started) return 0;
    AcquireSRWLockExclusive(&lock);
    if (!started && (r = wsa_startup()) == 0) InterlockedExchange(&started, 1);
    ReleaseSRWLockExclusive(&lock);
    return r;
}

int xsock__sys_init(void)
{
    int r;
    AcquireSRWLockExclusive(&lock);
    r = wsa_startup();
    if (r == 0) refs++;
    ReleaseSRWLockExclusive(&lock);
    return r;
}

void xsock__sys_cleanup(void)
{
    AcquireSRWLockExclusive(&lock);
    /* An extra xsock_cleanup does nothing: it must not release someone
     * else's WSAStartup. */
    if (refs > 0) {
        refs--;
        WSACleanup();
    }
    ReleaseSRWLockExclusive(&lock);
}

#endif /* _WIN32 */
