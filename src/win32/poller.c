/* The Windows poller: picks a backend at create and dispatches to it.
 *
 * AFD polls on an I/O completion port (poller_afd.c) cost per wait what is
 * ready, as epoll does; select() (poller_select.c) costs what is watched,
 * but needs nothing undocumented. select is taken when AFD cannot start
 * (no \Device\Afd, ntdll without the calls, a layered provider that hides
 * the base socket), and when the environment says XSOCK_POLLER=select, so
 * that the test suite proves the fallback on a system that never needs it. */
#include "win32/win32.h"
#ifdef _WIN32

#include <string.h>

/* XSOCK_POLLER=select; GetEnvironmentVariableA, as getenv is MSVC's C4996. */
static int select_wanted(void)
{
    char v[16];
    DWORD n = GetEnvironmentVariableA("XSOCK_POLLER", v, (DWORD)sizeof v);
    return n > 0 && n < (DWORD)sizeof v && strcmp(v, "select") == 0;
}

int xsock__sys_poller_create(xsock_poller **out)
{
    if (!select_wanted()) {
        int r = xsock__win_afd_create(out);
        /* Out of memory or handles is an answer; only "cannot here" falls back. */
        if (r != XSOCK_ENOTSUP) return r;
    }
    return xsock__win_select_create(out);
}

int xsock__sys_poller_add(xsock_poller *p, xsock_t s, int events, void *udata)
{
    return p->ops->add(p, s, events, udata);
}

int xsock__sys_poller_modify(xsock_poller *p, xsock_t s, int events, void *udata)
{
    return p->ops->modify(p, s, events, udata);
}

int xsock__sys_poller_remove(xsock_poller *p, xsock_t s)
{
    return p->ops->remove(p, s);
}

void xsock__sys_poller_forget(xsock_poller *p, xsock_t s)
{
    DWORD saved = GetLastError(); /* xsock_close reports its own close only */
    int native = xsock_last_native_error();
    p->ops->forget(p, s);
    xsock__set_native_error(native);
    SetLastError(saved);
}

/* The registry's lock (src/common/poller.c): static, so it needs no
 * start-up, as init.c's. */
static SRWLOCK registry_lock = SRWLOCK_INIT;

void xsock__sys_poller_lock(int on)
{
    if (on)
        AcquireSRWLockExclusive(&registry_lock);
    else
        ReleaseSRWLockExclusive(&registry_lock);
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

#endif /* _WIN32 */
