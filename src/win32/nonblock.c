/* Per-socket state Winsock will not report: whether the caller made the
 * socket non-blocking (FIONBIO can be set but never read), and its receive
 * and send timeouts.
 *
 * The timeouts are not SO_RCVTIMEO / SO_SNDTIMEO: after those expire,
 * Microsoft's setsockopt page says the socket is in an indeterminate state
 * (data may be lost) and older Windows add about 500 ms. So a socket with a
 * timeout is kept non-blocking in the OS while the caller sees a blocking
 * one: a transfer that would block waits with select for at most the
 * timeout and is then made again (socket.c), and after XSOCK_ETIMEDOUT the
 * socket is as good as before, as on POSIX. The fast path pays nothing: a
 * transfer that can go at once goes, and only "would block" looks here.
 *
 * A sorted array under a lock: a lookup is a binary search; changes are a
 * memmove, cheap next to the system call beside them. */
#include "win32/win32.h"
#ifdef _WIN32

#include <stdlib.h>
#include <string.h>

struct state {
    SOCKET s;
    int nb;         /* the caller's mode: 1 non-blocking */
    int rd_shut;    /* XSOCK_SHUT_RD was called (socket.c) */
    DWORD rcv, snd; /* timeouts in ms, 0 = none */
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct state *set; /* sorted by s, no duplicates; only sockets with state */
static size_t len;        /* entries in the set */
static size_t cap;        /* room for */

/* Index of s in the set, or where it would go; *found says which. */
static size_t find(SOCKET s, int *found)
{
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid].s < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < len && set[lo].s == s;
    return lo;
}

/* Room for one more, reserved before the mode changes so that a failed
 * allocation never leaves the OS and the set disagreeing. */
static int reserve_locked(void)
{
    struct state *p;
    size_t n;
    if (len < cap) return 0;
    n = cap ? cap * 2 : 16;
    if (n > (size_t)-1 / sizeof *set ||
        (p = (struct state *)XSOCK__OS(realloc)(set, n * sizeof *set)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
    set = p;
    cap = n;
    return 0;
}

/* Makes s's state st: sets the OS mode it needs, then stores it (or drops
 * the entry when st is all defaults). */
static int apply_locked(const struct state *st)
{
    int found, r;
    size_t i = find(st->s, &found);
    u_long os_nb = (u_long)(st->nb || st->rd_shut || st->rcv || st->snd);
    int keep = os_nb != 0;
    if (keep && !found && (r = reserve_locked()) < 0) return r;
    if (XSOCK__OS(ioctlsocket)(st->s, (long)FIONBIO, &os_nb) != 0) return xsock__sys_error();
    if (!keep) {
        if (found) {
            memmove(set + i, set + i + 1, (len - i - 1) * sizeof *set);
            len--;
        }
        return 0;
    }
    if (!found) {
        memmove(set + i + 1, set + i, (len - i) * sizeof *set);
        len++;
    }
    set[i] = *st;
    return 0;
}

/* s's state, defaults (blocking, no timeouts) if it has none. */
static struct state get_locked(SOCKET s)
{
    struct state st;
    int found;
    size_t i = find(s, &found);
    if (found) return set[i];
    st.s = s;
    st.nb = st.rd_shut = 0;
    st.rcv = st.snd = 0;
    return st;
}

int xsock__sys_get_nonblocking(xsock_t s)
{
    struct state st;
    AcquireSRWLockShared(&lock);
    st = get_locked(XSOCK__S(s));
    ReleaseSRWLockShared(&lock);
    return st.nb;
}

int xsock__sys_set_nonblocking(xsock_t s, int on)
{
    struct state st;
    int r;
    AcquireSRWLockExclusive(&lock);
    st = get_locked(XSOCK__S(s));
    st.nb = on != 0;
    r = apply_locked(&st);
    ReleaseSRWLockExclusive(&lock);
    return r;
}

int xsock__win_set_timeout(SOCKET s, int send, DWORD ms)
{
    struct state st;
    int r;
    AcquireSRWLockExclusive(&lock);
    st = get_locked(s);
    if (send)
        st.snd = ms;
    else
        st.rcv = ms;
    r = apply_locked(&st);
    ReleaseSRWLockExclusive(&lock);
    return r;
}

int xsock__win_shut_read(SOCKET s)
{
    struct state st;
    int r;
    AcquireSRWLockExclusive(&lock);
    st = get_locked(s);
    st.rd_shut = 1;
    r = apply_locked(&st);
    ReleaseSRWLockExclusive(&lock);
    return r;
}

DWORD xsock__win_timeout(SOCKET s, int send)
{
    struct state st;
    AcquireSRWLockShared(&lock);
    st = get_locked(s);
    ReleaseSRWLockShared(&lock);
    return send ? st.snd : st.rcv;
}

int xsock__win_wait_for(SOCKET s, int send, int *wait_ms)
{
    struct state st;
    DWORD ms;
    AcquireSRWLockShared(&lock);
    st = get_locked(s);
    ReleaseSRWLockShared(&lock);
    /* Read side shut: an empty receive queue is the end of the stream. */
    if (!send && st.rd_shut) return 2;
    /* Non-blocking for the caller (or made so outside xsock): "would
     * block" is the answer. */
    if (st.nb || (!st.rcv && !st.snd && !st.rd_shut)) return 0;
    ms = send ? st.snd : st.rcv;
    *wait_ms = ms == 0 ? -1 : ms > (DWORD)INT_MAX ? INT_MAX : (int)ms;
    return 1;
}

/* Called before a socket is closed (after closesocket another thread may
 * get the same handle value at once) and when one is born, in case an old
 * socket with its value was closed behind xsock's back. */
void xsock__win_nb_forget(SOCKET s)
{
    int found;
    size_t i;
    AcquireSRWLockExclusive(&lock);
    i = find(s, &found);
    if (found) {
        memmove(set + i, set + i + 1, (len - i - 1) * sizeof *set);
        len--;
    }
    ReleaseSRWLockExclusive(&lock);
}

#endif /* _WIN32 */
