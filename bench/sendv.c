/*
 * xsock_bench_sendv: one message of three buffers (a 16-byte header, 1 KiB
 * of body, a 16-byte trailer) sent four ways over loopback TCP: raw
 * writev (Windows: WSASend), one xsock_sendv, three xsock_send calls, and
 * a copy into one buffer then one xsock_send.
 *
 *   xsock_bench_sendv rate [--seconds S] [--runs R]   messages/s, median of R runs
 *   xsock_bench_sendv pairs --impl raw|sendv|send3|copy --count N
 *       N messages sent and read back on one thread, for callgrind
 *       (bench/run_sendv.sh differences N and 2N).
 */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#include "xthread.h"
#ifdef _WIN32
#  include <winsock2.h>
#else
#  include <signal.h>
#  include <sys/uio.h>
#  include <time.h>
#endif

#define MSG (16 + 1024 + 16)

enum { RAW, SENDV, SEND3, COPY, NIMPL };
static const char *const names[NIMPL] = {"raw", "sendv", "send3", "copy"};

static char head[16], body[1024], tail[16];

static double now_s(void)
{
#ifdef _WIN32
    static LARGE_INTEGER f;
    LARGE_INTEGER c;
    if (f.QuadPart == 0) QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
#endif
}

/* Sends one message the impl's way: MSG, or < 0. */
static long send_one(int impl, xsock_t s, xsock_buf *bufs, char *flat)
{
    long n;
    switch (impl) {
    case RAW: {
#ifdef _WIN32
        DWORD sent = 0;
        if (WSASend((SOCKET)s, (WSABUF *)bufs, 3, &sent, 0, NULL, NULL) != 0) return -1;
        n = (long)sent;
#else
        n = (long)writev(s, (const struct iovec *)(const void *)bufs, 3);
#endif
        break;
    }
    case SENDV: n = (long)xsock_sendv(s, bufs, 3); break;
    case SEND3:
        if (xsock_send(s, head, sizeof head) != (xsock_ssize_t)sizeof head) return -1;
        if (xsock_send(s, body, sizeof body) != (xsock_ssize_t)sizeof body) return -1;
        n = (long)xsock_send(s, tail, sizeof tail);
        return n == (long)sizeof tail ? MSG : -1;
    default:
        memcpy(flat, head, sizeof head);
        memcpy(flat + 16, body, sizeof body);
        memcpy(flat + 16 + 1024, tail, sizeof tail);
        n = (long)xsock_send(s, flat, MSG);
        break;
    }
    /* A blocking stream send takes it all; a short one is finished plainly. */
    if (n > 0 && n < MSG) {
        char whole[MSG];
        memcpy(whole, head, 16);
        memcpy(whole + 16, body, 1024);
        memcpy(whole + 1040, tail, 16);
        if (xsock_send_all(s, whole + n, (size_t)(MSG - n)) < 0) return -1;
        n = MSG;
    }
    return n;
}

static int pair(xsock_t *c, xsock_t *srv)
{
    xsock_t l;
    xsock_addr a;
    int one = 1;
    if (xsock_tcp_listen(&l, "127.0.0.1", 0, 1) < 0 || xsock_local_addr(l, &a) < 0) return -1;
    if (xsock_tcp_connect(c, "127.0.0.1", xsock_addr_port(&a), 5000) < 0) return -1;
    if (xsock_accept(l, srv, NULL) < 0) return -1;
    xsock_close(l);
    return xsock_set_option(*c, XSOCK_OPT_NODELAY, one);
}

static void init_bufs(xsock_buf *b)
{
    memset(head, 'h', sizeof head);
    memset(body, 'b', sizeof body);
    memset(tail, 't', sizeof tail);
    b[0] = xsock_buf_init(head, sizeof head);
    b[1] = xsock_buf_init(body, sizeof body);
    b[2] = xsock_buf_init(tail, sizeof tail);
}

static void drain(void *arg)
{
    static char sink[1 << 16];
    xsock_t s = *(xsock_t *)arg;
    while (xsock_recv(s, sink, sizeof sink) > 0) {
    }
}

/* Messages per second for seconds, a reader thread draining. */
static double rate(int impl, double seconds)
{
    xsock_t c, s;
    xsock_buf b[3];
    char flat[MSG];
    xthread t;
    long msgs = 0;
    double t0, t1;
    init_bufs(b);
    if (pair(&c, &s) < 0 || xthread_start(&t, drain, &s) != 0) return -1;
    t0 = now_s();
    do {
        int i;
        for (i = 0; i < 256; i++, msgs++)
            if (send_one(impl, c, b, flat) != MSG) return -1;
        t1 = now_s();
    } while (t1 - t0 < seconds);
    xsock_shutdown(c, XSOCK_SHUT_WR);
    xthread_join(t);
    xsock_close(c);
    xsock_close(s);
    return (double)msgs / (t1 - t0);
}

/* count messages, each read back on the same thread with one plain recv
 * loop (the same for every impl, so the difference is the send side). */
static int pairs(int impl, long count)
{
    xsock_t c, s;
    xsock_buf b[3];
    char flat[MSG], in[MSG];
    long i;
    init_bufs(b);
    if (pair(&c, &s) < 0) return -1;
    for (i = 0; i < count; i++) {
        if (send_one(impl, c, b, flat) != MSG) return -1;
        if (xsock_recv_all(s, in, MSG) != MSG) return -1;
    }
    xsock_close(c);
    xsock_close(s);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    double seconds = 1.0;
    long count = 100000;
    int runs = 5, impl = -1, i, k;
    const char *what = argc > 1 ? argv[1] : "";
#ifndef _WIN32
    signal(SIGPIPE, SIG_IGN); /* raw writev has no MSG_NOSIGNAL */
#endif
    for (i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--runs") == 0) runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--count") == 0) count = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--impl") == 0)
            for (k = 0; k < NIMPL; k++)
                if (strcmp(argv[i + 1], names[k]) == 0) impl = k;
    }
    if (runs < 1 || runs > 99 || seconds <= 0 || count < 1) what = "";
    if (xsock_init() < 0) return 1;
    if (strcmp(what, "pairs") == 0 && impl >= 0) {
        if (pairs(impl, count) < 0) {
            fprintf(stderr, "xsock_bench_sendv: pairs failed\n");
            return 1;
        }
        printf("%ld messages\n", count);
        return 0;
    }
    if (strcmp(what, "rate") == 0) {
        double v[NIMPL][99], raw_med = 0;
        int r;
        /* Interleaved runs, so that a change of load hits every impl alike. */
        for (r = 0; r < runs; r++)
            for (k = 0; k < NIMPL; k++)
                if ((v[k][r] = rate(k, seconds)) < 0) {
                    fprintf(stderr, "xsock_bench_sendv: %s failed\n", names[k]);
                    return 1;
                }
        printf("| way | messages/s (median of %d) | min - max | vs raw writev |\n", runs);
        printf("| --- | ---: | --- | ---: |\n");
        for (k = 0; k < NIMPL; k++) {
            double med;
            qsort(v[k], (size_t)runs, sizeof v[k][0], cmp);
            med = v[k][runs / 2];
            if (k == RAW) raw_med = med;
            printf("| %s | %.0f | %.0f - %.0f | %.2f |\n", names[k], med, v[k][0], v[k][runs - 1],
                   med / raw_med);
        }
        return 0;
    }
    fprintf(stderr, "usage: xsock_bench_sendv rate [--seconds S] [--runs R]\n"
                    "       xsock_bench_sendv pairs --impl raw|sendv|send3|copy [--count N]\n");
    return 2;
}
