/*
 * xsock_bench_udp (issue 14): an echo of 64-byte datagrams over 127.0.0.1.
 * One client thread, the same raw code for every server, keeps a window of
 * datagrams in flight (default 128) and sends a new one for each echo it
 * gets back; the server thread echoes them one of four ways:
 *
 *   raw     recvfrom / sendto, one datagram at a time
 *   xsock   xsock_recvfrom / xsock_sendto, one at a time
 *   batch   xsock_recvfrom_batch / xsock_sendto_batch, 32 at a time
 *   libuv   uv_udp_init_ex(UV_UDP_RECVMMSG), the recv callback answering
 *           with uv_udp_try_send (built only when libuv was found)
 *
 * With a window of in-flight datagrams a server that takes many per call
 * finds many queued, so batching can help; the client batches (recvmmsg /
 * sendmmsg on Linux) for every server alike so that it is not the bound.
 * UDP may drop under load (a full receive buffer): the datagrams carry an
 * epoch, and when nothing comes back for --timeout-ms the client counts
 * the window as lost, starts a new epoch and fills the window again;
 * echoes of an old epoch arriving later are counted as late, not as echoes.
 *
 *   xsock_bench_udp rate [--seconds S] [--runs R] [--window K] [--impl list]
 *       echoes/s per server, rounds alternating the servers; a Markdown table
 *       as xsock_bench prints, with the lost share of what was sent.
 *   xsock_bench_udp count --impl NAME --count N
 *       until N echoes came back, then "echoed E" (the server's count): for
 *       callgrind, whose N and 2N runs bench/udp.sh differences.
 *
 * POSIX only (gcc or clang: the stop flag is a __atomic builtin): the raw
 * server and the client are BSD-socket code.
 */
#include "bench.h"
#ifndef _WIN32 /* the whole file: CMake builds it only for POSIX */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "xsock.h"
#include "xthread.h"
#ifdef XSOCK_BENCH_LIBUV
#  include <uv.h>
#endif

#define DGRAM 64
#define BATCH 32      /* the batch server's batch */
#define MAX_WINDOW 1024
#define SRV_BUF 2048  /* receive room per datagram: more than ever comes */

enum { RAW, XSOCK, BATCHED, LIBUV, NIMPL };
static const char *const names[NIMPL] = {"raw", "xsock", "batch", "libuv"};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "xsock_bench_udp: %s: errno %d\n", what, errno);
    exit(1);
}

/* ---- the servers ------------------------------------------------------------- */

typedef struct server {
    int impl;
    xsock_t sock; /* raw, xsock, batch: bound to 127.0.0.1:0, 50 ms receive timeout */
    int port;
    int stop; /* read (atomically) only after a receive timed out: nothing on the fast path */
    long echoed;
    long send_failed;
    xthread thread;
#ifdef XSOCK_BENCH_LIBUV
    uv_loop_t loop;
    uv_udp_t udp;
    uv_async_t wake;
    char *big; /* libuv's receive buffer: 20 chunks of 64 KiB for recvmmsg */
#endif
} server;

static void serve_raw(server *sv)
{
    char buf[SRV_BUF];
    struct sockaddr_storage from;
    int fd = (int)sv->sock;
    for (;;) {
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0) {
            if (__atomic_load_n(&sv->stop, __ATOMIC_ACQUIRE)) return;
            continue; /* the timeout (or a signal): look at stop again */
        }
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) < 0) sv->send_failed++;
        sv->echoed++;
    }
}

static void serve_xsock(server *sv)
{
    char buf[SRV_BUF];
    xsock_addr from;
    for (;;) {
        xsock_ssize_t n = xsock_recvfrom(sv->sock, buf, sizeof buf, &from);
        if (n < 0) {
            if (__atomic_load_n(&sv->stop, __ATOMIC_ACQUIRE)) return;
            continue;
        }
        if (xsock_sendto(sv->sock, buf, (size_t)n, &from) < 0) sv->send_failed++;
        sv->echoed++;
    }
}

static void serve_batch(server *sv)
{
    static char bufs[BATCH][SRV_BUF];
    xsock_dgram m[BATCH];
    int i, n, sent;
    memset(m, 0, sizeof m);
    for (i = 0; i < BATCH; i++) m[i].buf = xsock_buf_init(bufs[i], SRV_BUF);
    for (;;) {
        if ((n = xsock_recvfrom_batch(sv->sock, m, BATCH)) < 0) {
            if (__atomic_load_n(&sv->stop, __ATOMIC_ACQUIRE)) return;
            continue;
        }
        /* Each goes back as it came: its own length, to its source. */
        for (i = 0; i < n; i++) m[i].buf.len = m[i].len;
        sent = xsock_sendto_batch(sv->sock, m, (size_t)n);
        if (sent < n) sv->send_failed += n - (sent < 0 ? 0 : sent);
        for (i = 0; i < n; i++) m[i].buf.len = SRV_BUF;
        sv->echoed += n;
    }
}

#ifdef XSOCK_BENCH_LIBUV
static void uv_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    server *sv = (server *)h->data;
    (void)suggested;
    /* libuv takes one recvmmsg slot per 64 KiB of the buffer, up to 20
     * (UV__MMSG_MAXWIDTH; src/unix/udp.c, uv__udp_recvmmsg). */
    *buf = uv_buf_init(sv->big, 20u * 65536u);
}

static void uv_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *addr,
                    unsigned flags)
{
    server *sv = (server *)h->data;
    uv_buf_t b;
    (void)flags;
    if (nread <= 0 || addr == NULL) return; /* nothing more now, or the batch's end (UV_UDP_MMSG_FREE) */
    b = uv_buf_init(buf->base, (unsigned)nread);
    if (uv_udp_try_send(h, &b, 1, addr) < 0) sv->send_failed++;
    sv->echoed++;
}

static void uv_wake(uv_async_t *a)
{
    server *sv = (server *)a->data;
    uv_close((uv_handle_t *)&sv->udp, NULL);
    uv_close((uv_handle_t *)&sv->wake, NULL);
}

static void serve_libuv(server *sv)
{
    uv_run(&sv->loop, UV_RUN_DEFAULT);
}

static void uv_open(server *sv)
{
    struct sockaddr_in a;
    struct sockaddr_storage got;
    int len = (int)sizeof got, r;
    if ((sv->big = (char *)malloc(20u * 65536u)) == NULL) die("malloc");
    if ((r = uv_loop_init(&sv->loop)) != 0 ||
        (r = uv_udp_init_ex(&sv->loop, &sv->udp, AF_INET | UV_UDP_RECVMMSG)) != 0 ||
        (r = uv_ip4_addr("127.0.0.1", 0, &a)) != 0 || (r = uv_udp_bind(&sv->udp, (struct sockaddr *)&a, 0)) != 0 ||
        (r = uv_udp_getsockname(&sv->udp, (struct sockaddr *)&got, &len)) != 0 ||
        (r = uv_async_init(&sv->loop, &sv->wake, uv_wake)) != 0) {
        fprintf(stderr, "xsock_bench_udp: libuv: %s\n", uv_strerror(r));
        exit(1);
    }
    sv->udp.data = sv;
    sv->wake.data = sv;
    sv->port = ntohs(((struct sockaddr_in *)&got)->sin_port);
    if ((r = uv_udp_recv_start(&sv->udp, uv_alloc, uv_recv)) != 0) {
        fprintf(stderr, "xsock_bench_udp: uv_udp_recv_start: %s\n", uv_strerror(r));
        exit(1);
    }
}
#endif

static void serve(void *arg)
{
    server *sv = (server *)arg;
    switch (sv->impl) {
    case RAW: serve_raw(sv); break;
    case XSOCK: serve_xsock(sv); break;
    case BATCHED: serve_batch(sv); break;
#ifdef XSOCK_BENCH_LIBUV
    default: serve_libuv(sv); break;
#else
    default: break;
#endif
    }
}

static void server_start(server *sv, int impl)
{
    xsock_addr a;
    memset(sv, 0, sizeof *sv);
    sv->impl = impl;
#ifdef XSOCK_BENCH_LIBUV
    if (impl == LIBUV) {
        uv_open(sv);
    } else
#endif
    {
        if (xsock_udp_bind(&sv->sock, "127.0.0.1", 0) < 0 || xsock_local_addr(sv->sock, &a) < 0 ||
            xsock_set_option(sv->sock, XSOCK_OPT_RCVTIMEO, 50) < 0)
            die("server socket");
        sv->port = xsock_addr_port(&a);
    }
    if (xthread_start(&sv->thread, serve, sv) != 0) die("thread");
}

static void server_stop(server *sv)
{
#ifdef XSOCK_BENCH_LIBUV
    if (sv->impl == LIBUV) {
        uv_async_send(&sv->wake);
        xthread_join(sv->thread);
        uv_loop_close(&sv->loop);
        free(sv->big);
        return;
    }
#endif
    __atomic_store_n(&sv->stop, 1, __ATOMIC_RELEASE);
    xthread_join(sv->thread);
    xsock_close(sv->sock);
}

/* ---- the client: the same raw code for every server ---------------------------- */

typedef struct tally {
    long sent, echoes, lost, late;
} tally;

#if defined(__linux__)
static int send_n(int fd, struct mmsghdr *mm, int n)
{
    int done = 0, r;
    while (done < n) {
        if ((r = sendmmsg(fd, mm + done, (unsigned)(n - done), 0)) <= 0) {
            if (r < 0 && (errno == EINTR || errno == ENOBUFS)) continue;
            die("sendmmsg");
        }
        done += r;
    }
    return done;
}
#endif

/* Echoes for `seconds`, or until `count` echoes came (count > 0). */
static tally drive(int port, int window, double seconds, long count, int timeout_ms)
{
    static unsigned char in[MAX_WINDOW][DGRAM];
    unsigned char out[DGRAM];
    unsigned epoch = 1;
    int inflight = 0, fd, i;
    struct sockaddr_in to;
    struct pollfd p;
    tally t;
    double t0 = now_s();
#if defined(__linux__)
    static struct mmsghdr rmm[MAX_WINDOW], smm[MAX_WINDOW];
    static struct iovec riov[MAX_WINDOW], siov;
#endif
    memset(&t, 0, sizeof t);
    memset(out, 'u', sizeof out);
    if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) die("socket");
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) die("connect");
#if defined(__linux__)
    siov.iov_base = out;
    siov.iov_len = DGRAM;
    for (i = 0; i < window; i++) {
        smm[i].msg_hdr.msg_iov = &siov;
        smm[i].msg_hdr.msg_iovlen = 1;
        riov[i].iov_base = in[i];
        riov[i].iov_len = DGRAM;
        rmm[i].msg_hdr.msg_iov = &riov[i];
        rmm[i].msg_hdr.msg_iovlen = 1;
    }
#endif
    p.fd = fd;
    p.events = POLLIN;
    for (;;) {
        int got;
        /* Fill the window. */
        if (inflight < window) {
            memcpy(out, &epoch, sizeof epoch);
#if defined(__linux__)
            send_n(fd, smm, window - inflight);
#else
            for (i = inflight; i < window; i++)
                if (send(fd, out, DGRAM, 0) != DGRAM) die("send");
#endif
            t.sent += window - inflight;
            inflight = window;
        }
        if (count > 0 ? t.echoes >= count : now_s() - t0 >= seconds) break;
        p.revents = 0;
        if ((got = poll(&p, 1, timeout_ms)) < 0 && errno != EINTR) die("poll");
        if (got <= 0) { /* the window is lost (or late): a new epoch */
            t.lost += inflight;
            inflight = 0;
            epoch++;
            continue;
        }
#if defined(__linux__)
        if ((got = recvmmsg(fd, rmm, (unsigned)window, MSG_DONTWAIT, NULL)) < 0) {
            if (errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED) continue;
            die("recvmmsg");
        }
#else
        for (got = 0; got < window; got++)
            if (recv(fd, in[got], DGRAM, MSG_DONTWAIT) < 0) break;
#endif
        for (i = 0; i < got; i++) {
            unsigned e;
            memcpy(&e, in[i], sizeof e);
            if (e == epoch) {
                t.echoes++;
                inflight--;
            } else {
                t.late++;
            }
        }
    }
    close(fd);
    return t;
}

/* One run: echoes per second, the tally and the server's count. */
static double run(int impl, int window, double seconds, long count, int timeout_ms, tally *t, long *echoed)
{
    server sv;
    double t0, t1;
    server_start(&sv, impl);
    t0 = now_s();
    *t = drive(sv.port, window, seconds, count, timeout_ms);
    t1 = now_s();
    server_stop(&sv);
    *echoed = sv.echoed;
    if (sv.send_failed) fprintf(stderr, "xsock_bench_udp: %s: %ld sends failed\n", names[impl], sv.send_failed);
    return (double)t->echoes / (t1 - t0);
}

#if defined(__linux__)
/* What batching can save on this kernel: one thread, a connected socket
 * talking to itself, 64-byte datagrams sent and received one at a time
 * against 32 per sendmmsg / recvmmsg; nanoseconds per datagram. No thread
 * wake-ups, no second CPU: the kernel's own cost per datagram and per call. */
static void kernel_floor(double seconds, double *one, double *batched)
{
    static struct mmsghdr mm[BATCH];
    static struct iovec iov[BATCH];
    static char b[BATCH][DGRAM];
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd, i, k, rounds = (int)(seconds * 2000) + 10; /* 1 s: 64,000 datagrams each way */
    double t0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0 || connect(fd, (struct sockaddr *)&a, len) != 0)
        die("floor socket");
    for (k = 0; k < BATCH; k++) {
        iov[k].iov_base = b[k];
        iov[k].iov_len = DGRAM;
        mm[k].msg_hdr.msg_iov = &iov[k];
        mm[k].msg_hdr.msg_iovlen = 1;
    }
    t0 = now_s();
    for (i = 0; i < rounds * BATCH; i++)
        if (send(fd, b[0], DGRAM, 0) != DGRAM || recv(fd, b[0], DGRAM, 0) != DGRAM) die("floor send/recv");
    *one = (now_s() - t0) * 1e9 / (rounds * BATCH);
    t0 = now_s();
    for (i = 0; i < rounds; i++)
        if (sendmmsg(fd, mm, BATCH, 0) != BATCH || recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL) != BATCH)
            die("floor sendmmsg/recvmmsg");
    *batched = (now_s() - t0) * 1e9 / (rounds * BATCH);
    close(fd);
}
#endif

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    double seconds = 0.5;
    long count = 100000;
    int runs = 5, window = 128, timeout_ms = -1, i, k, r;
    unsigned impls = 0;
    const char *what = argc > 1 ? argv[1] : "";
    for (i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--runs") == 0) runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--count") == 0) count = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--window") == 0) window = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--timeout-ms") == 0) timeout_ms = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--impl") == 0) {
            const char *s = argv[i + 1];
            while (*s) {
                size_t n = strcspn(s, ",");
                for (k = 0; k < NIMPL; k++)
                    if (strlen(names[k]) == n && strncmp(s, names[k], n) == 0) impls |= 1u << k;
                s += n;
                if (*s == ',') s++;
            }
        } else what = "";
    }
#ifndef XSOCK_BENCH_LIBUV
    impls &= ~(1u << LIBUV);
#endif
    if (impls == 0) {
        impls = (1u << NIMPL) - 1;
#ifndef XSOCK_BENCH_LIBUV
        impls &= ~(1u << LIBUV);
#endif
    }
    if (runs < 1 || runs > 99 || seconds <= 0 || count < 1 || window < 1 || window > MAX_WINDOW) what = "";
    if (xsock_init() < 0) return 1;
    if (strcmp(what, "count") == 0) {
        tally t;
        long echoed;
        for (k = 0; k < NIMPL && !(impls & (1u << k)); k++) {}
        /* Under callgrind a thread may wait long for its turn: no early "lost". */
        run(k, window, 0, count, timeout_ms > 0 ? timeout_ms : 2000, &t, &echoed);
        printf("echoed %ld\nechoes %ld lost %ld late %ld\n", echoed, t.echoes, t.lost, t.late);
        return 0;
    }
    if (strcmp(what, "rate") == 0) {
        static double v[NIMPL][99], tmp[99];
        tally sum[NIMPL];
        const char *ws = "udp echo, 64 B";
        memset(sum, 0, sizeof sum);
        /* Interleaved rounds, the order rotating, so that load that comes and
         * goes hits every server alike. */
        for (r = 0; r < runs; r++)
            for (i = 0; i < NIMPL; i++) {
                tally t;
                long echoed;
                k = (i + r) % NIMPL;
                if (!(impls & (1u << k))) continue;
                v[k][r] = run(k, window, seconds, 0, timeout_ms > 0 ? timeout_ms : 20, &t, &echoed);
                sum[k].sent += t.sent;
                sum[k].echoes += t.echoes;
                sum[k].lost += t.lost;
                sum[k].late += t.late;
            }
        printf("Window %d datagrams in flight; a window lost after %d ms without an echo.\n\n", window,
               timeout_ms > 0 ? timeout_ms : 20);
        printf("| workload | impl | median | min - max | unit | vs raw | vs libuv | lost |\n");
        printf("|---|---|---:|---:|---|---:|---:|---:|\n");
        for (k = 0; k < NIMPL; k++) {
            double lo, hi, med;
            if (!(impls & (1u << k))) continue;
            memcpy(tmp, v[k], (size_t)runs * sizeof tmp[0]);
            med = median(tmp, runs);
            lo = tmp[0];
            hi = tmp[runs - 1];
            printf("| %s | %s | %.0f | %.0f - %.0f | echoes/s | ", ws, names[k], med, lo, hi);
            if (k != RAW && (impls & (1u << RAW))) {
                for (r = 0; r < runs; r++) tmp[r] = v[k][r] / v[RAW][r];
                printf("%.3f", median(tmp, runs));
            } else {
                printf("-");
            }
            printf(" | ");
            if (k != LIBUV && (impls & (1u << LIBUV))) {
                for (r = 0; r < runs; r++) tmp[r] = v[k][r] / v[LIBUV][r];
                printf("%.3f", median(tmp, runs));
            } else {
                printf("-");
            }
            printf(" | %.2f%% |\n", sum[k].sent ? 100.0 * (double)sum[k].lost / (double)sum[k].sent : 0.0);
        }
#if defined(__linux__)
        {
            double one[99], many[99];
            for (r = 0; r < runs; r++) kernel_floor(seconds, &one[r], &many[r]);
            printf("\nWhat batching can gain on this kernel (one thread sending 64-byte datagrams to itself,"
                   " median of %d): %.0f ns per datagram one send+recv at a time, %.0f ns with sendmmsg +"
                   " recvmmsg of %d: %.2fx.\n",
                   runs, median(one, runs), median(many, runs), BATCH, median(one, runs) / median(many, runs));
        }
#endif
        return 0;
    }
    fprintf(stderr, "usage: xsock_bench_udp rate [--seconds S] [--runs R] [--window K] [--impl raw,xsock,batch,libuv]\n"
                    "       xsock_bench_udp count --impl NAME [--count N] [--window K]\n");
    return 2;
}

#endif /* !_WIN32 */
