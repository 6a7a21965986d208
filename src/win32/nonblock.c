/* Non-blocking mode. Winsock can set FIONBIO but never report it, and the
 * timed connect must put a socket back as it found it, so xsock keeps the
 * set of sockets it made non-blocking: a sorted array under a lock (a
 * lookup is a binary search; changes are a memmove, cheap next to the
 * system call beside them). */
#include "win32/win32.h"
#ifdef _WIN32

#include <stdlib.h>
#include <string.h>

static SRWLOCK lock = SRWLOCK_INIT;
static SOCKET *set;     /* sorted, no duplicates */
static size_t len; /* sockets in the set */
static size_t cap; /* room for */

/* Index of s in the set, or where it would go; *found says which. */
static size_t find(SOCKET s, int *found)
{
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < len && set[lo] == s;
    return lo;
}

static void remove_locked(SOCKET s)
{
    int found;
    size_t i = find(s, &found);
    if (!found) return;
    memmove(set + i, set + i + 1, (len - i - 1) * sizeof *set);
    len--;
}

/* Needs room for one more (reserve_locked). */
static void insert_locked(SOCKET s)
{
    int found;
    size_t i = find(s, &found);
    if (found) return;
    memmove(set + i + 1, set + i, (len - i) * sizeof *set);
    set[i] = s;
    len++;
}

/* Room for one more, reserved before the mode changes so that a failed
 * allocation never leaves the OS and the set disagreeing. */
static int reserve_locked(void)
{
    SOCKET *p;
    size_t n;
    if (len < cap) return 0;
    n = cap ? cap * 2 : 16;
    if (n > (size_t)-1 / sizeof *set || (p = (SOCKET *)XSOCK__OS(realloc)(set, n * sizeof *set)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
    set = p;
    cap = n;
    return 0;
}

int xsock__sys_get_nonblocking(xsock_t s)
{
    int found;
    AcquireSRWLockShared(&lock);
    find(XSOCK__S(s), &found);
    ReleaseSRWLockShared(&lock);
    return found;
}

int xsock__sys_set_nonblocking(xsock_t s, int on)
{
    u_long mode = on ? 1 : 0;
    int r = 0;
    AcquireSRWLockExclusive(&lock);
    if (on) r = reserve_locked();
    if (r == 0 && XSOCK__OS(ioctlsocket)(XSOCK__S(s), (long)FIONBIO, &mode) != 0) r = xsock__sys_error();
    if (r == 0 && on) insert_locked(XSOCK__S(s));
    if (r == 0 && !on) remove_locked(XSOCK__S(s));
    ReleaseSRWLockExclusive(&lock);
    return r;
}

/* Called before a socket is closed (after closesocket another thread may
 * get the same handle value at once) and when one is born, in case an old
 * socket with its value was closed behind xsock's back. */
void xsock__win_nb_forget(SOCKET s)
{
    AcquireSRWLockExclusive(&lock);
    remove_locked(s);
    ReleaseSRWLockExclusive(&lock);
}

#endif /* _WIN32 */
