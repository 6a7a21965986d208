/*
 * Helpers shared by the tests: loopback listeners and connected pairs on a
 * port the OS picks, a server thread, a clock, and "are we under Wine?"
 * (Wine is a real Winsock but 30-100x slower: nothing is timed there).
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include "xtest.h"
#include "xthread.h"

#ifdef _WIN32
/* xthread.h brought in <windows.h>. */
#else
#  include <time.h>
#endif

/* Milliseconds on a monotonic clock. */
static inline long long tu_now_ms(void)
{
#ifdef _WIN32
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;
    if (freq.QuadPart == 0) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (long long)(now.QuadPart * 1000 / freq.QuadPart);
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
}

/* 1 when this Windows program runs under Wine: timings mean nothing there,
 * and a few behaviours differ from Windows (DESIGN.md lists them). */
static inline int tu_under_wine(void)
{
#ifdef _WIN32
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
    return 0;
#endif
}

/* Whether elapsed times may be checked: natively and on real Windows. */
static inline int tu_can_time(void)
{
    return !tu_under_wine();
}

/* A listener on the loopback address of family (port 0); its address,
 * with the port the OS picked, goes to *addr. */
static inline void tu_listen(xsock_t *l, int family, xsock_addr *addr)
{
    xsock_addr a;
    CHECK_OK(xsock_open(l, family, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&a, family, 0));
    CHECK_OK(xsock_bind(*l, &a));
    CHECK_OK(xsock_listen(*l, 16));
    CHECK_OK(xsock_local_addr(*l, addr));
    CHECK(xsock_addr_port(addr) > 0);
}

/* A connected TCP pair over loopback: client and the accepted server side.
 * Loopback connects complete from the backlog, so no thread is needed. */
static inline void tu_tcp_pair(int family, xsock_t *client, xsock_t *server)
{
    xsock_t l;
    xsock_addr a;
    tu_listen(&l, family, &a);
    CHECK_OK(xsock_open(client, family, XSOCK_STREAM));
    CHECK_OK(xsock_connect(*client, &a, 5000));
    CHECK_OK(xsock_accept(l, server, NULL));
    CHECK_OK(xsock_close(l));
}

/* A port on which nothing listens, held by a bound socket so that no other
 * program can take it meanwhile: connects to it are refused. */
static inline void tu_refused_addr(xsock_t *holder, int family, xsock_addr *addr)
{
    xsock_addr a;
    CHECK_OK(xsock_open(holder, family, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&a, family, 0));
    CHECK_OK(xsock_bind(*holder, &a));
    CHECK_OK(xsock_local_addr(*holder, addr));
}

/* Fills buf with a pattern that depends on the offset, so that a lost,
 * repeated or reordered chunk shows. */
static inline void tu_fill(unsigned char *buf, size_t n, size_t offset)
{
    size_t i;
    for (i = 0; i < n; i++) buf[i] = (unsigned char)((offset + i) * 31u + ((offset + i) >> 11));
}

static inline int tu_check_fill(const unsigned char *buf, size_t n, size_t offset)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (buf[i] != (unsigned char)((offset + i) * 31u + ((offset + i) >> 11))) return 0;
    return 1;
}

/* Waits up to timeout_ms for events on one socket; returns revents. */
static inline int tu_wait(xsock_t s, short events, int timeout_ms)
{
    xsock_pollfd p;
    p.sock = s;
    p.events = events;
    p.revents = 0;
    CHECK_OK(xsock_poll(&p, 1, timeout_ms));
    return p.revents;
}

#endif /* TESTUTIL_H */
