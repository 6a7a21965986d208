/* socketpair for Windows, which has none: a listener, a connect and an
 * accept, over AF_UNIX where the OS has it (Windows 10 1803+), else over
 * loopback TCP. Any local process could connect to that listener first, so
 * the accepted side must prove to be ours: for TCP its address must be the
 * connecting socket's, and for both the connector sends a random token
 * that the accepted side must read back (as libevent and curl do). */
#include "win32/win32.h"
#ifdef _WIN32

#include <stdio.h>
#include <string.h>
#include <bcrypt.h>

#ifndef BCRYPT_USE_SYSTEM_PREFERRED_RNG
#  define BCRYPT_USE_SYSTEM_PREFERRED_RNG 0x00000002
#endif

#define TOKEN_LEN 16
#define TOKEN_WAIT_MS 5000 /* ours is already sent: only an intruder is slow */
#define TRIES 3

/* Not an XSOCK_E* code: "someone else's connection was accepted". */
#define INTRUDER 1

/* Set once AF_UNIX is known to be missing, so it is not tried each time. */
static volatile LONG no_unix;

static int random_bytes(unsigned char *buf, ULONG n)
{
    NTSTATUS st = BCryptGenRandom(NULL, buf, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    return st >= 0 ? 0 : xsock__fail(XSOCK_EUNKNOWN, (int)st);
}

/* A fresh name in the user's temp folder. Plain ASCII only: how Windows
 * reads other bytes of sun_path is not worth guessing (TCP then). */
static int unix_addr(xsock_addr *out)
{
    static volatile LONG counter;
    struct xsock__sockaddr_un *un = (struct xsock__sockaddr_un *)(void *)out->storage.bytes;
    char dir[MAX_PATH + 1];
    unsigned char rnd[4];
    DWORD n = GetTempPathA((DWORD)sizeof dir, dir), i;
    int len, r;
    if (n == 0 || n >= sizeof dir) return xsock__fail(XSOCK_EINVAL, (int)GetLastError());
    for (i = 0; i < n; i++)
        if ((unsigned char)dir[i] >= 0x80) return xsock__fail(XSOCK_EINVAL, 0);
    if ((r = random_bytes(rnd, sizeof rnd)) < 0) return r;
    memset(out, 0, sizeof *out);
    un->sun_family = AF_UNIX;
    len = snprintf(un->sun_path, sizeof un->sun_path, "%sxsock-%lu-%ld-%02x%02x%02x%02x.sock",
                   dir, (unsigned long)GetCurrentProcessId(), (long)InterlockedIncrement(&counter),
                   rnd[0], rnd[1], rnd[2], rnd[3]);
    if (len < 0 || (size_t)len >= sizeof un->sun_path) return xsock__fail(XSOCK_EINVAL, 0);
    out->len = (int)(offsetof(struct xsock__sockaddr_un, sun_path) + (size_t)len + 1);
    return 0;
}

/* The accepted side reads the token the connector sent, within a bound. */
static int check_token(xsock_t from, xsock_t to)
{
    unsigned char sent[TOKEN_LEN], got[TOKEN_LEN];
    size_t have = 0;
    int r;
    if ((r = random_bytes(sent, TOKEN_LEN)) < 0) return r;
    if ((r = (int)xsock__sys_send(from, sent, TOKEN_LEN)) < 0) return r;
    if (r != TOKEN_LEN) return INTRUDER; /* a loopback send of 16 bytes is whole */
    while (have < TOKEN_LEN) {
        xsock_ssize_t n;
        if ((r = xsock__sys_wait(to, XSOCK_POLLIN, TOKEN_WAIT_MS)) < 0) return r;
        if (r == 0) return INTRUDER;
        if ((n = xsock__sys_recv(to, got + have, TOKEN_LEN - have)) < 0) return (int)n;
        if (n == 0) return INTRUDER;
        have += (size_t)n;
    }
    return memcmp(sent, got, TOKEN_LEN) == 0 ? 0 : INTRUDER;
}

/* One attempt over af: 0 with pair filled, INTRUDER, or an XSOCK_E* code. */
static int try_pair(int af, xsock_t pair[2])
{
    xsock_t lst = XSOCK_INVALID, a = XSOCK_INVALID, b = XSOCK_INVALID;
    xsock_addr addr, peer, mine;
    int r, bound_file = 0, native;
    const char *path = NULL;

    if ((r = af == AF_UNIX ? unix_addr(&addr) : xsock_addr_loopback(&addr, XSOCK_INET, 0)) < 0)
        return r;
    if (af == AF_UNIX)
        path = ((const struct xsock__sockaddr_un *)(const void *)addr.storage.bytes)->sun_path;
    if ((r = xsock__sys_open(&lst, af, XSOCK_STREAM)) < 0) return r;
    r = xsock__sys_bind(lst, &addr);
    bound_file = r == 0 && af == AF_UNIX;
    if (r == 0) r = xsock__sys_listen(lst, 1);
    if (r == 0 && af != AF_UNIX) r = xsock__sys_local_addr(lst, &addr); /* the port picked */
    if (r == 0) r = xsock__sys_open(&a, af, XSOCK_STREAM);
    /* A connect to a listener completes from its backlog: no thread needed. */
    if (r == 0) r = xsock__sys_connect(a, &addr);
    if (r == 0) r = xsock__sys_accept(lst, &b, &peer);
    if (r == 0 && af != AF_UNIX) {
        r = xsock__sys_local_addr(a, &mine);
        if (r == 0 && !xsock_addr_equal(&peer, &mine)) r = INTRUDER;
    }
    if (r == 0) r = check_token(a, b);
    if (r == 0 && af != AF_UNIX) {
        /* Small writes go at once, as they do on a real socketpair. */
        r = xsock__sys_set_option(a, XSOCK_OPT_NODELAY, 1);
        if (r == 0) r = xsock__sys_set_option(b, XSOCK_OPT_NODELAY, 1);
    }

    native = xsock_last_native_error();
    XSOCK__OS(closesocket)(XSOCK__S(lst));
    /* The file's name is no longer needed once both ends are connected. */
    if (bound_file) DeleteFileA(path);
    if (r != 0) {
        if (a != XSOCK_INVALID) XSOCK__OS(closesocket)(XSOCK__S(a));
        if (b != XSOCK_INVALID) XSOCK__OS(closesocket)(XSOCK__S(b));
    } else {
        pair[0] = a;
        pair[1] = b;
    }
    xsock__set_native_error(native);
    return r;
}

int xsock__sys_socketpair(xsock_t pair[2])
{
    int r, i;
    if ((r = xsock__sys_startup()) < 0) return r;
    if (!no_unix) {
        if ((r = try_pair(AF_UNIX, pair)) == 0) return 0;
        if (r == XSOCK_EAFNOSUPPORT) InterlockedExchange(&no_unix, 1);
    }
    for (i = 0; i < TRIES; i++)
        if ((r = try_pair(AF_INET, pair)) != INTRUDER) return r;
    /* Someone kept taking our listener's connections: give up. */
    return xsock__fail(XSOCK_ECONNABORTED, 0);
}

#endif /* _WIN32 */
