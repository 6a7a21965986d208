/*
 * xsock_poller_idle: what one wait costs when thousands of clients are idle
 * and one is active, for each POSIX poller backend (epoll or kqueue, and the
 * poll fallback) and for xsock_poll, which hands the OS every socket on every
 * call. Prints a Markdown table of the median of 5 rounds.
 *
 *   xsock_poller_idle [idle_clients] [iterations]    (default 5000 2000)
 *
 * POSIX only: it raises its own descriptor limit and picks backends with
 * the XSOCK_POLLER environment variable.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include "xsock.h"

#define ROUNDS 5

static int nsock;           /* idle clients + the active one (the last) */
static xsock_t *cli, *srv; /* the two ends of each connection */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
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

int main(int argc, char **argv)
{
    static const char *envs[2] = {NULL, "poll"};
    double wait[2][ROUNDS], pp[2][ROUNDS], plain[ROUNDS];
    const char *names[2] = {"", ""};
    int idle = argc > 1 ? atoi(argv[1]) : 5000, iters = argc > 2 ? atoi(argv[2]) : 2000;
    struct rlimit rl;
    xsock_pollfd *fds;
    xsock_addr a;
    xsock_t l;
    int i, k, r;

    if (argc > 3 || idle < 1 || idle > 100000 || iters < 1) {
        fprintf(stderr, "usage: xsock_poller_idle [idle_clients 1..100000] [iterations]\n");
        return 2;
    }
    nsock = idle + 1;
    /* Two descriptors a connection; raising the hard limit needs root. */
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t)(2 * nsock + 64)) rl.rlim_cur = (rlim_t)(2 * nsock + 64);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur) rl.rlim_max = rl.rlim_cur;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
        perror("xsock_poller_idle: setrlimit (run as root or raise ulimit -Hn)");
        return 1;
    }
    cli = (xsock_t *)malloc((size_t)nsock * sizeof *cli);
    srv = (xsock_t *)malloc((size_t)nsock * sizeof *srv);
    fds = (xsock_pollfd *)malloc((size_t)nsock * sizeof *fds);
    if (cli == NULL || srv == NULL || fds == NULL) die("memory", XSOCK_ENOMEM);
    if ((r = xsock_tcp_listen(&l, "127.0.0.1", 0, -1)) < 0) die("listen", r);
    xsock_local_addr(l, &a);
    for (i = 0; i < nsock; i++) {
        if ((r = xsock_open(&cli[i], XSOCK_INET, XSOCK_STREAM)) < 0) die("open", r);
        if ((r = xsock_connect(cli[i], &a, 5000)) < 0) die("connect", r);
        if ((r = xsock_accept(l, &srv[i], NULL)) < 0) die("accept", r);
        fds[i].sock = srv[i];
        fds[i].events = XSOCK_POLLIN;
    }
    for (i = 0; i < ROUNDS; i++) {
        for (k = 0; k < 2; k++) round_poller(envs[k], iters, &wait[k][i], &pp[k][i], &names[k]);
        plain[i] = round_xsock_poll(fds, iters / 10 + 1);
    }
    printf("%d idle clients + 1 active; median of %d rounds of %d waits\n\n", idle, ROUNDS, iters);
    printf("| readiness | one wait, 1 ready (us) | send + wait + recv (us) |\n|---|---:|---:|\n");
    for (k = 0; k < 2; k++)
        printf("| xsock_poller (%s) | %.2f | %.2f |\n", names[k], median(wait[k]), median(pp[k]));
    printf("| xsock_poll | %.2f | |\n", median(plain));
    for (i = 0; i < nsock; i++) {
        xsock_close(cli[i]);
        xsock_close(srv[i]);
    }
    xsock_close(l);
    free(cli);
    free(srv);
    free(fds);
    return 0;
}
