/* Included first by every src/win32 file: what the Winsock files share
 * beyond the internal platform interface. */
#ifndef XSOCK_WIN32_H
#define XSOCK_WIN32_H

/* Outside the guard: elsewhere each file then still declares something,
 * as ISO C wants of a translation unit, and compiles to nothing. */
#include "xsock_internal.h"
#include "fault.h" /* XSOCK__OS(): the OS calls, which tests may fake */

#ifdef _WIN32

/* xsock_t and SOCKET are both pointer-sized unsigned integers. */
#define XSOCK__S(s) ((SOCKET)(s))

/* The non-blocking registry (nonblock.c): Windows cannot say whether a
 * socket is non-blocking, so xsock remembers which ones it made so. */
void xsock__win_nb_forget(SOCKET s);
void xsock__win_nb_clear(void);

/* Winsock's fd_set is a count and an array, not a bitmap (poll.c): a
 * block of the right size holds any number of sockets. FD_SET would stop
 * at FD_SETSIZE, so sets are filled with XSOCK__WIN_SET_ADD. */
fd_set *xsock__win_set_alloc(size_t n);
#define XSOCK__WIN_SET_ADD(set, s) ((set)->fd_array[(set)->fd_count++] = (s))
/* Sorts a set and drops repeats; then xsock__win_set_has searches it. */
void xsock__win_set_sort(fd_set *set);
int xsock__win_set_has(const fd_set *set, SOCKET s);

#endif /* _WIN32 */
#endif /* XSOCK_WIN32_H */
