/* Readiness with select(), not WSAPoll: before Windows 10 2004 WSAPoll
 * never reports a failed non-blocking connect, which select shows in the
 * "except" set. Winsock's fd_set is a count and an array, not a bitmap, so
 * a heap block of the right size holds any number of sockets: no 64 limit. */
#include "win32/win32.h"
#ifdef _WIN32

#include <stddef.h>
#include <stdlib.h>

xsock__win_set *xsock__win_set_alloc(size_t n)
{
    if (n > ((size_t)-1 - offsetof(fd_set, fd_array)) / sizeof(SOCKET)) return NULL;
    return (xsock__win_set *)XSOCK__OS(malloc)(XSOCK__WIN_SET_BYTES(n));
}

static int cmp_socket(const void *a, const void *b)
{
    SOCKET x = *(const SOCKET *)a, y = *(const SOCKET *)b;
    return x < y ? -1 : x > y;
}

/* Sorted and without repeats: select is given each socket once even when
 * fds names it twice, and its answer is searched in log time. */
void xsock__win_set_sort(xsock__win_set *set)
{
    SOCKET *a = XSOCK__WIN_SET_SOCKETS(set);
    u_int i, n = 0, count = XSOCK__WIN_SET_COUNT(set);
    qsort(a, count, sizeof(SOCKET), cmp_socket);
    for (i = 0; i < count; i++)
        if (n == 0 || a[n - 1] != a[i]) a[n++] = a[i];
    XSOCK__WIN_SET_COUNT(set) = n;
}

int xsock__win_set_has(const xsock__win_set *set, SOCKET s)
{
    const SOCKET *a = (const SOCKET *)(const void *)((const char *)set + offsetof(fd_set, fd_array));
    u_int count = *(const u_int *)(const void *)set;
    return bsearch(&s, a, count, sizeof(SOCKET), cmp_socket) != NULL;
}

/* select fails on three empty sets: with nothing to watch, just wait. */
static int nap(int timeout_ms)
{
    Sleep(timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
    return 0;
}

/* Only what this entry asked for: the sets are shared by every entry, so
 * a socket listed twice (once for reading, once for writing) would else
 * get the other entry's events too, which poll() never gives. */
static short revents_of(const xsock_pollfd *p, const xsock__win_set *r, const xsock__win_set *w,
                        const xsock__win_set *e)
{
    short rev = 0, asked = (short)(p->events & (XSOCK_POLLIN | XSOCK_POLLOUT));
    if ((asked & XSOCK_POLLIN) && xsock__win_set_has(r, XSOCK__S(p->sock))) rev |= XSOCK_POLLIN;
    if ((asked & XSOCK_POLLOUT) && xsock__win_set_has(w, XSOCK__S(p->sock))) rev |= XSOCK_POLLOUT;
    /* A failed connect lands here (urgent data does not: SO_OOBINLINE, see
     * xsock__sys_open). As POSIX poll does, an error also wakes whoever
     * waits to read or to write, whose next call then reports it. Windows
     * cannot tell a hang-up from data: a closed peer shows as POLLIN and
     * recv returns 0. */
    if (xsock__win_set_has(e, XSOCK__S(p->sock))) rev |= (short)(XSOCK_POLLERR | asked);
    return rev;
}

int xsock__sys_poll(xsock_pollfd *fds, size_t n, int timeout_ms)
{
    fd_set stack[3]; /* each an xsock__win_set for up to FD_SETSIZE sockets */
    xsock__win_set *set[3];
    struct timeval tv;
    size_t i, valid = 0;
    int r, k, ready = 0;
    for (i = 0; i < n; i++) {
        fds[i].revents = 0;
        valid += fds[i].sock != XSOCK_INVALID;
    }
    if (valid == 0) return nap(timeout_ms);
    for (k = 0; k < 3; k++) {
        set[k] = valid <= FD_SETSIZE ? (xsock__win_set *)(void *)&stack[k] : xsock__win_set_alloc(valid);
        if (set[k] == NULL) {
            while (k-- > 0) XSOCK__OS(free)(set[k]);
            return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
        }
        XSOCK__WIN_SET_COUNT(set[k]) = 0;
    }
    for (i = 0; i < n; i++) {
        SOCKET s = XSOCK__S(fds[i].sock);
        if (fds[i].sock == XSOCK_INVALID) continue;
        if (fds[i].events & XSOCK_POLLIN) XSOCK__WIN_SET_ADD(set[0], s);
        if (fds[i].events & XSOCK_POLLOUT) XSOCK__WIN_SET_ADD(set[1], s);
        XSOCK__WIN_SET_ADD(set[2], s); /* errors are reported whatever was asked, as by poll */
    }
    for (k = 0; k < 3; k++) xsock__win_set_sort(set[k]);
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    /* A closed or foreign handle gives WSAENOTSOCK: XSOCK_EBADF. */
    r = XSOCK__OS(select)(0, XSOCK__WIN_SET_FDS(set[0]), XSOCK__WIN_SET_FDS(set[1]), XSOCK__WIN_SET_FDS(set[2]),
                          timeout_ms < 0 ? NULL : &tv);
    if (r == SOCKET_ERROR) {
        r = xsock__sys_error();
    } else if (r > 0) {
        for (k = 0; k < 3; k++) xsock__win_set_sort(set[k]); /* select keeps no order */
        for (i = 0; i < n; i++) {
            if (fds[i].sock == XSOCK_INVALID) continue;
            fds[i].revents = revents_of(&fds[i], set[0], set[1], set[2]);
            ready += fds[i].revents != 0;
        }
        r = ready;
    }
    if (valid > FD_SETSIZE)
        for (k = 0; k < 3; k++) XSOCK__OS(free)(set[k]);
    return r;
}

int xsock__sys_wait(xsock_t s, int events, int timeout_ms)
{
    xsock_pollfd p;
    int r;
    p.sock = s;
    p.events = (short)events;
    p.revents = 0;
    r = xsock__sys_poll(&p, 1, timeout_ms);
    return r <= 0 ? r : p.revents;
}

#endif /* _WIN32 */
