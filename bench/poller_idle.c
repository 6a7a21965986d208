/*
 * xsock_poller_idle: what one wait costs when thousands of clients are idle
 * and one is active. Two modes:
 *
 *   xsock_poller_idle [idle_clients] [iterations]    (default 5000 2000)
 *
 *     POSIX only: each poller backend (epoll or kqueue, and the poll
 *     fallback, picked with the XSOCK_POLLER environment variable) and
 *     xsock_poll, which hands the OS every socket on every call. Prints a
 *     Markdown table of the median of 5 rounds.
 *
 *   xsock_poller_idle --scale [small] [large] [ms]   (default 100 5000 250)
 *
 *     Every platform (the only mode on Windows): the poller backend the
 *     library picks by itself (xsock_poller_backend names it), one wait with
 *     one socket ready among `small` idle ones and among `large` idle ones,
 *     each timed for at least `ms` milliseconds, in 5 rounds that alternate
 *     the order. Prints the cost of a wait at each size and the ratio
 *     large / small, then a line "RESULT backend=... ratio=..." for
 *     bench/run_windows.sh. The ratio is the figure that means something
 *     under Wine, where every wait is a round trip to wineserver and an
 *     absolute time says nothing about Windows (issue 12: at most 2 with
 *     afd).
 *
 * It raises its own descriptor limit on POSIX (two descriptors a
 * connection). Under Wine the limit that counts is wineserver's and the
 * process's, inherited from the shell: bench/run_windows.sh raises it.
 */
#ifdef _WIN32
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
#else
#  define _POSIX_C_SOURCE 200809L
#  include <time.h>
#  include <sys/resource.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"

#define ROUNDS 5
#define SCALE_MIN_WAITS 5 /* per measurement, however slow a wait is */

static int nsock;           /* idle clients + the active one (the last) */
static int spare;           /* --scale: a connection no poller watches (nsock - 2) */
static xsock_t *cli, *srv; /* the two ends of each connection */

static double now_us(void)
{
#ifdef _WIN32
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;
    if (freq.QuadPart == 0) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1e6 / (double)freq.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
#endif
}

static void die(const char *what, int r)
{
    fprintf(stderr, "xsock_poller_idle: %s: %s\n", what, r < 0 ? xsock_strerror(r) : "unexpected");
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v)
{
    qsort(v, ROUNDS, sizeof *v, cmp_double);
    return v[ROUNDS / 2];
}

/* nsock connections on loopback TCP: cli[i] connected to srv[i]. */
static void connect_all(void)
{
    xsock_addr a;
    xsock_t l;
    int i, r;
    cli = (xsock_t *)malloc((size_t)nsock * sizeof *cli);
    srv = (xsock_t *)malloc((size_t)nsock * sizeof *srv);
    if (cli == NULL || srv == NULL) die("memory", XSOCK_ENOMEM);
    if ((r = xsock_tcp_listen(&l, "127.0.0.1", 0, -1)) < 0) die("listen", r);
    xsock_local_addr(l, &a);
    for (i = 0; i < nsock; i++) {
        if ((r = xsock_open(&cli[i], XSOCK_INET, XSOCK_STREAM)) < 0) die("open", r);
        if ((r = xsock_connect(cli[i], &a, 5000)) < 0) die("connect", r);
        if ((r = xsock_accept(l, &srv[i], NULL)) < 0) die("accept", r);
    }
    xsock_close(l);
}

static void close_all(void)
{
    int i;
    for (i = 0; i < nsock; i++) {
        xsock_close(cli[i]);
        xsock_close(srv[i]);
    }
    free(cli);
    free(srv);
}

/* ---- --scale: the library's own backend at two sizes ------------------------ */

static char active_tag; /* the active socket's udata; the idle ones have NULL */

/* One measurement: a fresh poller with `idle` idle sockets and the active
 * one, which holds a byte it never reads (level-triggered: every wait
 * reports it). Each wait must report that socket alone, else the figure
 * would time something else. Microseconds per wait; *waits how many. */
static double scale_one(int idle, double min_us, const char **name, long *waits, double *pair_us)
{
    xsock_poller *p;
    xsock_event ev[8];
    double t0, t, wait_us;
    long n = 0;
    int i, r;
    char b;
    if ((r = xsock_poller_create(&p)) < 0) die("create", r);
    *name = xsock_poller_backend(p);
    for (i = 0; i < idle; i++)
        if ((r = xsock_poller_add(p, srv[i], XSOCK_POLLIN, NULL)) < 0) die("add", r);
    if ((r = xsock_poller_add(p, srv[nsock - 1], XSOCK_POLLIN, &active_tag)) < 0) die("add", r);
    if ((r = (int)xsock_send(cli[nsock - 1], "x", 1)) != 1) die("send", r);
    /* Untimed: the byte is on its way through loopback. */
    if ((r = xsock_poller_wait(p, ev, 8, 5000)) != 1 || ev[0].udata != &active_tag) die("wait", r);
    t0 = now_us();
    do { /* the clock costs little beside a wait, even epoll's */
        if ((r = xsock_poller_wait(p, ev, 8, 5000)) != 1) die("wait", r);
        if (ev[0].udata != &active_tag || !(ev[0].events & XSOCK_POLLIN))
            die("wait: an idle socket reported, or not POLLIN", 0);
        n++;
        t = now_us() - t0;
    } while (n < SCALE_MIN_WAITS || t < min_us);
    if ((r = (int)xsock_recv(srv[nsock - 1], &b, 1)) != 1) die("recv", r);
    *waits = n;
    wait_us = t / (double)n;
    /* The control: a send and a recv on a connection that no poller
     * watches, while this one holds its polls. A cost that grows with N
     * here is not the wait's: it is paid by every socket call of the
     * process (under Wine 8, wineserver walks the list of every pending
     * AFD poll whenever a socket's state changes: server/sock.c,
     * sock_get_poll_events). */
    t0 = now_us();
    n = 0;
    do {
        if ((r = (int)xsock_send(cli[spare], "y", 1)) != 1) die("send", r);
        if ((r = (int)xsock_recv(srv[spare], &b, 1)) != 1) die("recv", r);
        t = now_us() - t0;
    } while (++n < SCALE_MIN_WAITS || t < min_us);
    *pair_us = t / (double)n;
    xsock_poller_destroy(p);
    return wait_us;
}

static int run_scale(int small, int large, double min_ms)
{
    double cost[2][ROUNDS], ratio[ROUNDS], lo[2], hi[2], pair[2][ROUNDS], pratio[ROUNDS];
    const int size[2] = {small, large};
    const char *name = "", *first = NULL;
    long waits[2] = {0, 0}, w;
    int i, k, j;

    for (i = 0; i < ROUNDS; i++) {
        for (j = 0; j < 2; j++) {
            k = (i + j) % 2; /* small first in even rounds, large first in odd */
            cost[k][i] = scale_one(size[k], min_ms * 1000.0, &name, &w, &pair[k][i]);
            waits[k] += w;
            if (first == NULL) first = name;
            if (strcmp(first, name) != 0) die("the backend changed between pollers", 0);
        }
        ratio[i] = cost[1][i] / cost[0][i];
        pratio[i] = pair[1][i] / pair[0][i];
    }
    for (k = 0; k < 2; k++) {
        lo[k] = hi[k] = cost[k][0];
        for (i = 1; i < ROUNDS; i++) {
            if (cost[k][i] < lo[k]) lo[k] = cost[k][i];
            if (cost[k][i] > hi[k]) hi[k] = cost[k][i];
        }
    }
    printf("backend %s: one wait with 1 socket ready among N idle ones; median of %d rounds "
           "of at least %.0f ms (and %d waits) each\n\n",
           name, ROUNDS, min_ms, SCALE_MIN_WAITS);
    printf("| backend | N idle | one wait (us) | min - max | waits timed |\n");
    printf("|---|---:|---:|---:|---:|\n");
    for (k = 0; k < 2; k++)
        printf("| %s | %d | %.2f | %.2f - %.2f | %ld |\n", name, size[k], median(cost[k]), lo[k],
               hi[k], waits[k]);
    printf("\nratio N=%d / N=%d (median of the per-round ratios): %.2f\n", large, small,
           median(ratio));
    printf("control: a send+recv pair on a connection no poller watches, beside the poller: "
           "%.2f us at N=%d, %.2f us at N=%d, ratio %.2f\n",
           median(pair[0]), small, median(pair[1]), large, median(pratio));
    printf("RESULT backend=%s small=%d large=%d small_us=%.2f large_us=%.2f ratio=%.2f "
           "pair_small_us=%.2f pair_large_us=%.2f pair_ratio=%.2f\n",
           name, small, large, median(cost[0]), median(cost[1]), median(ratio), median(pair[0]),
           median(pair[1]), median(pratio));
    return 0;
}

/* ---- the table of POSIX backends ------------------------------------------ */

#ifndef _WIN32
/* One round on a poller: wait with the active socket kept readable (the
 * level-triggered cost of a wait), and a full send + wait + recv. */
static void round_poller(const char *env, int iters, double *wait_us, double *pp_us, const char **name)
{
    xsock_poller *p;
    xsock_event ev[64];
    double t0;
    int i, r;
    char b;
    if (env != NULL) setenv("XSOCK_POLLER", env, 1);
    else unsetenv("XSOCK_POLLER");
    if ((r = xsock_poller_create(&p)) < 0) die("create", r);
    *name = xsock_poller_backend(p);
    for (i = 0; i < nsock; i++)
        if ((r = xsock_poller_add(p, srv[i], XSOCK_POLLIN, NULL)) < 0) die("add", r);
    t0 = now_us();
    for (i = 0; i < iters; i++) {
        xsock_send(cli[nsock - 1], "x", 1);
        if ((r = xsock_poller_wait(p, ev, 64, 1000)) != 1) die("wait", r);
        xsock_recv(srv[nsock - 1], &b, 1);
    }
    *pp_us = (now_us() - t0) / iters;
    xsock_send(cli[nsock - 1], "x", 1);
    t0 = now_us();
    for (i = 0; i < iters; i++)
        if ((r = xsock_poller_wait(p, ev, 64, 1000)) != 1) die("wait", r);
    *wait_us = (now_us() - t0) / iters;
    xsock_recv(srv[nsock - 1], &b, 1);
    xsock_poller_destroy(p);
}

static double round_xsock_poll(xsock_pollfd *fds, int iters)
{
    double t0;
    int i, r;
    char b;
    xsock_send(cli[nsock - 1], "x", 1);
    t0 = now_us();
    for (i = 0; i < iters; i++)
        if ((r = xsock_poll(fds, (size_t)nsock, 1000)) != 1) die("xsock_poll", r);
    xsock_recv(srv[nsock - 1], &b, 1);
    return (now_us() - t0) / iters;
}

static int run_table(int iters)
{
    static const char *envs[2] = {NULL, "poll"};
    double wait[2][ROUNDS], pp[2][ROUNDS], plain[ROUNDS];
    const char *names[2] = {"", ""};
    xsock_pollfd *fds = (xsock_pollfd *)malloc((size_t)nsock * sizeof *fds);
    int i, k;
    if (fds == NULL) die("memory", XSOCK_ENOMEM);
    for (i = 0; i < nsock; i++) {
        fds[i].sock = srv[i];
        fds[i].events = XSOCK_POLLIN;
    }
    for (i = 0; i < ROUNDS; i++) {
        for (k = 0; k < 2; k++) round_poller(envs[k], iters, &wait[k][i], &pp[k][i], &names[k]);
        plain[i] = round_xsock_poll(fds, iters / 10 + 1);
    }
    printf("%d idle clients + 1 active; median of %d rounds of %d waits\n\n", nsock - 1, ROUNDS,
           iters);
    printf("| readiness | one wait, 1 ready (us) | send + wait + recv (us) |\n|---|---:|---:|\n");
    for (k = 0; k < 2; k++)
        printf("| xsock_poller (%s) | %.2f | %.2f |\n", names[k], median(wait[k]), median(pp[k]));
    printf("| xsock_poll | %.2f | |\n", median(plain));
    free(fds);
    return 0;
}

/* Two descriptors a connection; raising the hard limit needs root. */
static int raise_limit(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t)(2 * nsock + 64)) rl.rlim_cur = (rlim_t)(2 * nsock + 64);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur) rl.rlim_max = rl.rlim_cur;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
        perror("xsock_poller_idle: setrlimit (run as root or raise ulimit -Hn)");
        return -1;
    }
    return 0;
}
#endif

static int usage(void)
{
    fprintf(stderr, "usage: xsock_poller_idle --scale [small] [large] [ms]   (small < large, "
                    "1..100000; ms >= 1)\n");
#ifndef _WIN32
    fprintf(stderr, "       xsock_poller_idle [idle_clients 1..100000] [iterations]\n");
#endif
    return 2;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 && strcmp(argv[1], "--scale") == 0, a = scale ? 2 : 1, r;
    int n1, n2 = 0, n3 = 0;
#ifdef _WIN32
    if (argc > 1 && !scale) return usage(); /* the table needs setenv: --scale only */
    scale = 1;
#endif
    if (scale) {
        n1 = argc > a ? atoi(argv[a]) : 100;
        n2 = argc > a + 1 ? atoi(argv[a + 1]) : 5000;
        n3 = argc > a + 2 ? atoi(argv[a + 2]) : 250;
        if (argc > a + 3 || n1 < 1 || n2 <= n1 || n2 > 100000 || n3 < 1) return usage();
        nsock = n2 + 2;
        spare = nsock - 2;
    } else {
        n1 = argc > 1 ? atoi(argv[1]) : 5000;
        n2 = argc > 2 ? atoi(argv[2]) : 2000;
        if (argc > 3 || n1 < 1 || n1 > 100000 || n2 < 1) return usage();
        nsock = n1 + 1;
    }
#ifndef _WIN32
    if (raise_limit() < 0) return 1;
#endif
    connect_all();
#ifdef _WIN32
    r = run_scale(n1, n2, (double)n3);
#else
    r = scale ? run_scale(n1, n2, (double)n3) : run_table(n2);
#endif
    close_all();
    return r;
}
