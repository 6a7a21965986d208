/* The POSIX poller: picks a backend at create and dispatches to it, and
 * holds what the backends share (the fd-indexed table, the wake pipe).
 *
 * epoll (poller_epoll.c) on Linux and kqueue (poller_kqueue.c) on macOS and
 * the BSDs cost per wait what is ready; poll() (poller_poll.c) costs what is
 * watched, but exists everywhere. poll is taken when the better one is
 * missing or fails to start (an old kernel, a seccomp filter), and when the
 * environment says XSOCK_POLLER=poll, so that the test suite can prove the
 * fallback on a system that would never need it. */
#include "posix/posix.h"
#ifndef _WIN32

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

int xsock__sys_poller_create(xsock_poller **out)
{
    const char *want = getenv("XSOCK_POLLER");
    if (want == NULL || strcmp(want, "poll") != 0) {
        if (xsock__epoll_create(out) == 0 || xsock__kqueue_create(out) == 0) return 0;
    }
    return xsock__pollfb_create(out);
}

/* A negative fd other than XSOCK_INVALID would index the tables: refuse it
 * here, once, for every backend. */
#define CHECK_FD(s) \
    if ((s) < 0) return xsock__fail(XSOCK_EBADF, EBADF)

int xsock__sys_poller_add(xsock_poller *p, xsock_t s, int events, void *udata)
{
    CHECK_FD(s);
    return p->ops->add(p, s, events, udata);
}

int xsock__sys_poller_modify(xsock_poller *p, xsock_t s, int events, void *udata)
{
    CHECK_FD(s);
    return p->ops->modify(p, s, events, udata);
}

int xsock__sys_poller_remove(xsock_poller *p, xsock_t s)
{
    CHECK_FD(s);
    return p->ops->remove(p, s);
}

void xsock__sys_poller_forget(xsock_poller *p, xsock_t s)
{
    int saved = errno; /* xsock_close reports its own close only */
    p->ops->forget(p, s);
    errno = saved;
}

/* A static mutex needs no start-up and no clean-up; it is in libc itself
 * on glibc 2.34 and later, macOS and the BSDs (older glibc has stubs there
 * that become real once libpthread is loaded). */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

void xsock__sys_poller_lock(int on)
{
    if (on)
        pthread_mutex_lock(&registry_lock);
    else
        pthread_mutex_unlock(&registry_lock);
}

int xsock__sys_poller_wait(xsock_poller *p, xsock_event *evs, int max, int timeout_ms)
{
    return p->ops->wait(p, evs, max, timeout_ms);
}

int xsock__sys_poller_wake(xsock_poller *p)
{
    return p->ops->wake(p);
}

void xsock__sys_poller_destroy(xsock_poller *p)
{
    p->ops->destroy(p);
}

const char *xsock__sys_poller_backend(const xsock_poller *p)
{
    return p->ops->name;
}

/* ---- shared by the backends ------------------------------------------------ */

int xsock__poller_table_fit(void **table, size_t *cap, size_t elem, int fd)
{
    size_t want = (size_t)fd + 1, n;
    unsigned char *t;
    if (XSOCK__OS(fcntl)(fd, F_GETFD) < 0) return xsock__sys_error();
    if (want <= *cap) return 0;
    for (n = *cap ? *cap : 64; n < want; n *= 2) {}
    if (n > (size_t)-1 / elem || (t = (unsigned char *)XSOCK__OS(realloc)(*table, n * elem)) == NULL)
        return xsock__fail(XSOCK_ENOMEM, ENOMEM);
    memset(t + *cap * elem, 0, (n - *cap) * elem);
    *table = t;
    *cap = n;
    return 0;
}

static int set_flags(int fd)
{
    int fl = XSOCK__OS(fcntl)(fd, F_GETFL);
    if (fl < 0 || XSOCK__OS(fcntl)(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
    return XSOCK__OS(fcntl)(fd, F_SETFD, FD_CLOEXEC);
}

int xsock__poller_pipe(int fds[2])
{
    if (XSOCK__OS(pipe)(fds) != 0) return xsock__sys_error();
    /* pipe2 would be atomic, but macOS lacks it; the window only matters to
     * a fork+exec in another thread, which would inherit a wake pipe. */
    if (set_flags(fds[0]) != 0 || set_flags(fds[1]) != 0) {
        int r = xsock__sys_error();
        XSOCK__OS(close)(fds[0]);
        XSOCK__OS(close)(fds[1]);
        fds[0] = fds[1] = -1;
        return r;
    }
    return 0;
}

int xsock__poller_pipe_wake(int wfd)
{
    char b = 1;
    ssize_t r;
    while ((r = XSOCK__OS(write)(wfd, &b, 1)) < 0 && errno == EINTR) {}
    if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return xsock__sys_error();
    return 0;
}

void xsock__poller_pipe_drain(int rfd)
{
    char buf[64];
    ssize_t r;
    do {
        r = XSOCK__OS(read)(rfd, buf, sizeof buf);
    } while (r == (ssize_t)sizeof buf || (r < 0 && errno == EINTR));
}

#endif /* _WIN32 */
