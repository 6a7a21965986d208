/* Set-up with the raw platform calls, and the benchmarks' clock. */
#include "raw.h"

#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#  include <windows.h>
#else
#  include <fcntl.h>
#  include <netinet/in.h>
#  include <netinet/tcp.h>
#  include <arpa/inet.h>
#  include <time.h>
#endif

double bench_now(void)
{
#ifdef _WIN32
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;
    if (freq.QuadPart == 0) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart / (double)freq.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#endif
}

int raw_error(void)
{
#ifdef _WIN32
    return WSAGetLastError();
#else
    return errno;
#endif
}

static void raw_set_error(int e)
{
#ifdef _WIN32
    WSASetLastError(e);
#else
    errno = e;
#endif
}

static raw_sock raw_fail(const char *what, raw_sock s)
{
    char code[32];
    snprintf(code, sizeof code, "native error %d", raw_error());
    bench_fail(what, code);
    if (s != RAW_INVALID) raw_close(s);
    return RAW_INVALID;
}

int raw_init(void)
{
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return -1;
#endif
    return 0;
}

static raw_sock raw_socket(void)
{
#ifdef SOCK_CLOEXEC
    return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
#else
    return socket(AF_INET, SOCK_STREAM, 0);
#endif
}

static void loopback(struct sockaddr_in *sin, int port)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons((unsigned short)port);
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

raw_sock raw_listen(int *port)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    raw_sock s = raw_socket();
    if (s == RAW_INVALID) return raw_fail("socket", s);
    loopback(&sin, 0);
    if (bind(s, (struct sockaddr *)&sin, sizeof sin) != 0) return raw_fail("bind", s);
    if (listen(s, SOMAXCONN) != 0) return raw_fail("listen", s);
    if (getsockname(s, (struct sockaddr *)&sin, &len) != 0) return raw_fail("getsockname", s);
    *port = ntohs(sin.sin_port);
    return s;
}

raw_sock raw_connect(int port)
{
    struct sockaddr_in sin;
    raw_sock s = raw_socket();
    if (s == RAW_INVALID) return RAW_INVALID;
    loopback(&sin, port);
    if (connect(s, (struct sockaddr *)&sin, sizeof sin) != 0) {
        int e = raw_error();
        raw_close(s);
        raw_set_error(e);
        return RAW_INVALID;
    }
    return s;
}

raw_sock raw_accept(raw_sock listener)
{
#if defined(__linux__) || defined(__FreeBSD__)
    raw_sock s = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
#else
    raw_sock s = accept(listener, NULL, NULL);
#endif
    return s == RAW_INVALID ? raw_fail("accept", s) : s;
}

int raw_set_nodelay(raw_sock s)
{
    int on = 1;
    return setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof on) == 0 ? 0 : -1;
}

int raw_set_nonblocking(raw_sock s, int on)
{
#ifdef _WIN32
    u_long mode = on ? 1 : 0;
    return ioctlsocket(s, (long)FIONBIO, &mode) == 0 ? 0 : -1; /* FIONBIO is unsigned */
#else
    int fl = fcntl(s, F_GETFL);
    if (fl < 0) return -1;
    return fcntl(s, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK)) == 0 ? 0 : -1;
#endif
}

int raw_send_all(raw_sock s, const void *buf, size_t len)
{
    const char *p = (const char *)buf;
    while (len > 0) {
        long n = (long)raw_send(s, p, len);
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int raw_recv_all(raw_sock s, void *buf, size_t len)
{
    char *p = (char *)buf;
    while (len > 0) {
        long n = (long)raw_recv(s, p, len);
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
