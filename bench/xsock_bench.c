/*
 * xsock_bench: the same socket work through raw platform calls, through
 * xsock and through libuv, in one run, alternating them so that noise from
 * the rest of the machine hits every implementation alike.
 *
 *   xsock_bench pingpong|throughput|accept|echo|all [options]
 *   xsock_bench pairs --impl raw|xsock --count N   (for callgrind: see run.sh)
 *
 * Prints a Markdown table (median, min - max, and the median of the per-round
 * ratios against raw and libuv), or JSON with --json.
 */
#include "bench.h"
#include "raw.h"
#include "xsock.h"
#include "xthread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#  include <signal.h>
#  include <sys/resource.h>
#endif

double bench_fail(const char *what, const char *detail)
{
    fprintf(stderr, "xsock_bench: %s: %s\n", what, detail);
    fflush(stderr);
    return -1;
}

double bench_xfail(const char *what, int code)
{
    char detail[96];
    snprintf(detail, sizeof detail, "%.40s (native %d)", xsock_strerror(code),
             xsock_last_native_error());
    return bench_fail(what, detail);
}

/* How often the timed loops read the clock: rarely enough to cost nothing,
 * often enough to stop within a few milliseconds. */
#define CLOCK_EVERY 64

/* ---- connected pairs ------------------------------------------------------ */

/* listener, client end, server end of one loopback TCP connection. */
typedef struct raw_conn { raw_sock l, c, s; } raw_conn;
typedef struct xs_conn { xsock_t l, c, s; } xs_conn;

static int raw_pair(raw_conn *p)
{
    int port;
    p->c = p->s = RAW_INVALID;
    if ((p->l = raw_listen(&port)) == RAW_INVALID) return -1;
    if ((p->c = raw_connect(port)) == RAW_INVALID) return (int)bench_fail("connect", "failed");
    if ((p->s = raw_accept(p->l)) == RAW_INVALID) return -1;
    if (raw_set_nodelay(p->c) != 0 || raw_set_nodelay(p->s) != 0)
        return (int)bench_fail("TCP_NODELAY", "failed");
    return 0;
}

static void raw_unpair(raw_conn *p)
{
    if (p->l != RAW_INVALID) raw_close(p->l);
    if (p->c != RAW_INVALID) raw_close(p->c);
    if (p->s != RAW_INVALID) raw_close(p->s);
}

static int xs_listen(xsock_t *l, xsock_addr *addr)
{
    int r;
    if ((r = xsock_tcp_listen(l, "127.0.0.1", 0, -1)) < 0) return (int)bench_xfail("listen", r);
    if ((r = xsock_local_addr(*l, addr)) < 0) return (int)bench_xfail("local_addr", r);
    return 0;
}

static int xs_pair(xs_conn *p)
{
    xsock_addr addr;
    int r;
    p->l = p->c = p->s = XSOCK_INVALID;
    if (xs_listen(&p->l, &addr) < 0) return -1;
    if ((r = xsock_open(&p->c, XSOCK_INET, XSOCK_STREAM)) < 0) return (int)bench_xfail("open", r);
    if ((r = xsock_connect(p->c, &addr, -1)) < 0) return (int)bench_xfail("connect", r);
    if ((r = xsock_accept(p->l, &p->s, NULL)) < 0) return (int)bench_xfail("accept", r);
    if ((r = xsock_set_option(p->c, XSOCK_OPT_NODELAY, 1)) < 0 ||
        (r = xsock_set_option(p->s, XSOCK_OPT_NODELAY, 1)) < 0)
        return (int)bench_xfail("NODELAY", r);
    return 0;
}

static void xs_unpair(xs_conn *p)
{
    if (p->l != XSOCK_INVALID) xsock_close(p->l);
    if (p->c != XSOCK_INVALID) xsock_close(p->c);
    if (p->s != XSOCK_INVALID) xsock_close(p->s);
}

/* One side's thread: the socket, the size, and what it counted. */
typedef struct peer {
    raw_sock rs;
    xsock_t xs;
    size_t size;
    double bytes;
    int failed;
    xflag stop; /* the accept workload's acceptor: time to go */
} peer;

/* ---- pingpong: one message of o->size bytes back and forth ----------------- */

static void raw_pong(void *arg)
{
    peer *p = (peer *)arg;
    char *buf = (char *)malloc(p->size);
    while (buf && raw_recv_all(p->rs, buf, p->size) == 0 && raw_send_all(p->rs, buf, p->size) == 0) {}
    free(buf);
}

static double raw_pingpong(const bench_opts *o)
{
    raw_conn c;
    peer pong;
    xthread t;
    char *buf = (char *)calloc(1, o->size);
    double t0, now, trips = 0, r = -1;
    int i;
    if (raw_pair(&c) < 0 || buf == NULL) goto done;
    pong.rs = c.s;
    pong.size = o->size;
    if (xthread_start(&t, raw_pong, &pong) != 0) goto done;
    t0 = now = bench_now();
    while (now - t0 < o->seconds) {
        for (i = 0; i < CLOCK_EVERY; i++)
            if (raw_send_all(c.c, buf, o->size) != 0 || raw_recv_all(c.c, buf, o->size) != 0) break;
        if (i < CLOCK_EVERY) break;
        trips += CLOCK_EVERY;
        now = bench_now();
    }
    r = i < CLOCK_EVERY ? bench_fail("pingpong", "connection failed") : trips / (now - t0);
    raw_close(c.c); /* the pong thread sees the end of stream and returns */
    c.c = RAW_INVALID;
    xthread_join(t);
done:
    raw_unpair(&c);
    free(buf);
    return r;
}

static void xs_pong(void *arg)
{
    peer *p = (peer *)arg;
    xsock_ssize_t want = (xsock_ssize_t)p->size;
    char *buf = (char *)malloc(p->size);
    while (buf && xsock_recv_all(p->xs, buf, p->size) == want &&
           xsock_send_all(p->xs, buf, p->size) == want) {}
    free(buf);
}

static double xs_pingpong(const bench_opts *o)
{
    xs_conn c;
    peer pong;
    xthread t;
    xsock_ssize_t want = (xsock_ssize_t)o->size;
    char *buf = (char *)calloc(1, o->size);
    double t0, now, trips = 0, r = -1;
    int i;
    if (xs_pair(&c) < 0 || buf == NULL) goto done;
    pong.xs = c.s;
    pong.size = o->size;
    if (xthread_start(&t, xs_pong, &pong) != 0) goto done;
    t0 = now = bench_now();
    while (now - t0 < o->seconds) {
        for (i = 0; i < CLOCK_EVERY; i++)
            if (xsock_send_all(c.c, buf, o->size) != want || xsock_recv_all(c.c, buf, o->size) != want)
                break;
        if (i < CLOCK_EVERY) break;
        trips += CLOCK_EVERY;
        now = bench_now();
    }
    r = i < CLOCK_EVERY ? bench_fail("pingpong", "connection failed") : trips / (now - t0);
    xsock_close(c.c);
    c.c = XSOCK_INVALID;
    xthread_join(t);
done:
    xs_unpair(&c);
    free(buf);
    return r;
}

/* ---- throughput: one stream of o->size writes, Gbit/s ---------------------- */

static void raw_sink(void *arg)
{
    peer *p = (peer *)arg;
    char *buf = (char *)malloc(p->size);
    long n;
    while (buf && (n = (long)raw_recv(p->rs, buf, p->size)) > 0) p->bytes += (double)n;
    free(buf);
}

static double raw_throughput(const bench_opts *o)
{
    raw_conn c;
    peer sink;
    xthread t;
    char *buf = (char *)calloc(1, o->size);
    double t0, now, r = -1;
    int i, failed = 0;
    if (raw_pair(&c) < 0 || buf == NULL) goto done;
    sink.rs = c.s;
    sink.size = o->size;
    sink.bytes = 0;
    if (xthread_start(&t, raw_sink, &sink) != 0) goto done;
    t0 = now = bench_now();
    while (!failed && now - t0 < o->seconds) {
        for (i = 0; i < CLOCK_EVERY && !failed; i++) failed = raw_send_all(c.c, buf, o->size) != 0;
        now = bench_now();
    }
    raw_close(c.c);
    c.c = RAW_INVALID;
    xthread_join(t);
    r = failed ? bench_fail("throughput", "send failed") : sink.bytes * 8 / 1e9 / (bench_now() - t0);
done:
    raw_unpair(&c);
    free(buf);
    return r;
}

static void xs_sink(void *arg)
{
    peer *p = (peer *)arg;
    char *buf = (char *)malloc(p->size);
    xsock_ssize_t n;
    while (buf && (n = xsock_recv(p->xs, buf, p->size)) > 0) p->bytes += (double)n;
    free(buf);
}

static double xs_throughput(const bench_opts *o)
{
    xs_conn c;
    peer sink;
    xthread t;
    xsock_ssize_t want = (xsock_ssize_t)o->size;
    char *buf = (char *)calloc(1, o->size);
    double t0, now, r = -1;
    int i, failed = 0;
    if (xs_pair(&c) < 0 || buf == NULL) goto done;
    sink.xs = c.s;
    sink.size = o->size;
    sink.bytes = 0;
    if (xthread_start(&t, xs_sink, &sink) != 0) goto done;
    t0 = now = bench_now();
    while (!failed && now - t0 < o->seconds) {
        for (i = 0; i < CLOCK_EVERY && !failed; i++)
            failed = xsock_send_all(c.c, buf, o->size) != want;
        now = bench_now();
    }
    xsock_close(c.c);
    c.c = XSOCK_INVALID;
    xthread_join(t);
    r = failed ? bench_fail("throughput", "send failed") : sink.bytes * 8 / 1e9 / (bench_now() - t0);
done:
    xs_unpair(&c);
    free(buf);
    return r;
}

/* ---- accept: connect + accept + close, o->clients connections in flight ----
 * The client keeps a ring of connections; it waits for the oldest to be
 * closed by the server (so the server side holds the TIME_WAIT, as a real
 * server's does), closes it and opens a new one in its place. */

static void raw_acceptor(void *arg)
{
    peer *p = (peer *)arg;
    raw_sock c;
    while (!xflag_get(&p->stop) && (c = raw_accept(p->rs)) != RAW_INVALID) raw_close(c);
    /* Closing the listener resets what waits in its backlog, so a client
     * blocked on a connection we never accepted learns it at once. */
    raw_close(p->rs);
}

static double raw_accept_bench(const bench_opts *o)
{
    raw_sock *ring = (raw_sock *)malloc((size_t)o->clients * sizeof *ring), wake;
    peer acc;
    xthread t;
    double t0, now, cycles = 0, r = -1;
    int port, i, n = 0, k = 0, failed = 0;
    char byte;
    if (ring == NULL || (acc.rs = raw_listen(&port)) == RAW_INVALID) goto done;
    xflag_init(&acc.stop);
    if (xthread_start(&t, raw_acceptor, &acc) != 0) {
        xflag_destroy(&acc.stop);
        raw_close(acc.rs);
        goto done;
    }
    for (n = 0; n < o->clients && (ring[n] = raw_connect(port)) != RAW_INVALID; n++) {}
    failed = n < o->clients;
    t0 = now = bench_now();
    while (!failed && now - t0 < o->seconds) {
        for (i = 0; i < CLOCK_EVERY && !failed; i++) {
            failed = raw_recv(ring[k], &byte, 1) != 0;
            raw_close(ring[k]);
            if ((ring[k] = raw_connect(port)) == RAW_INVALID) {
                ring[k] = ring[--n]; /* keep the ring dense for the clean-up */
                failed = 1;
            }
            k = (k + 1) % o->clients;
        }
        cycles += i;
        now = bench_now();
    }
    r = failed ? bench_fail("accept", "a connection failed") : cycles / (now - t0);
    xflag_set(&acc.stop);
    if ((wake = raw_connect(port)) != RAW_INVALID) raw_close(wake); /* the acceptor sees stop */
    xthread_join(t);
    xflag_destroy(&acc.stop);
done:
    for (i = 0; i < n; i++) raw_close(ring[i]);
    free(ring);
    return r;
}

static void xs_acceptor(void *arg)
{
    peer *p = (peer *)arg;
    xsock_t c;
    while (!xflag_get(&p->stop) && xsock_accept(p->xs, &c, NULL) >= 0) xsock_close(c);
    xsock_close(p->xs);
}

static int xs_connect_to(xsock_t *s, const xsock_addr *addr)
{
    int r = xsock_open(s, XSOCK_INET, XSOCK_STREAM);
    if (r >= 0 && (r = xsock_connect(*s, addr, -1)) < 0) {
        xsock_close(*s);
        *s = XSOCK_INVALID;
    }
    return r;
}

static double xs_accept_bench(const bench_opts *o)
{
    xsock_t *ring = (xsock_t *)malloc((size_t)o->clients * sizeof *ring), wake;
    xsock_addr addr;
    peer acc;
    xthread t;
    double t0, now, cycles = 0, r = -1;
    int i, n = 0, k = 0, failed = 0;
    char byte;
    if (ring == NULL || xs_listen(&acc.xs, &addr) < 0) goto done;
    xflag_init(&acc.stop);
    if (xthread_start(&t, xs_acceptor, &acc) != 0) {
        xflag_destroy(&acc.stop);
        xsock_close(acc.xs);
        goto done;
    }
    for (n = 0; n < o->clients && xs_connect_to(&ring[n], &addr) >= 0; n++) {}
    failed = n < o->clients;
    t0 = now = bench_now();
    while (!failed && now - t0 < o->seconds) {
        for (i = 0; i < CLOCK_EVERY && !failed; i++) {
            failed = xsock_recv(ring[k], &byte, 1) != 0;
            xsock_close(ring[k]);
            if (xs_connect_to(&ring[k], &addr) < 0) {
                ring[k] = ring[--n];
                failed = 1;
            }
            k = (k + 1) % o->clients;
        }
        cycles += i;
        now = bench_now();
    }
    r = failed ? bench_fail("accept", "a connection failed") : cycles / (now - t0);
    xflag_set(&acc.stop);
    if (xs_connect_to(&wake, &addr) >= 0) xsock_close(wake);
    xthread_join(t);
    xflag_destroy(&acc.stop);
done:
    for (i = 0; i < n; i++) xsock_close(ring[i]);
    free(ring);
    return r;
}

/* ---- pairs: o->count send+recv pairs on one thread, for callgrind ----------
 * Run under callgrind with N and 2N: the difference is N pairs' worth of
 * instructions with start-up cancelled; raw against xsock gives the cost. */

static double raw_pairs(const bench_opts *o)
{
    raw_conn c;
    char buf[64] = {0};
    long i, got, n;
    double r = -1;
    if (raw_pair(&c) < 0) goto done;
    for (i = 0; i < o->count; i++) {
        if (raw_send(c.c, buf, sizeof buf) != (long)sizeof buf) break;
        for (got = 0; got < (long)sizeof buf; got += n)
            if ((n = (long)raw_recv(c.s, buf + got, sizeof buf - (size_t)got)) <= 0) break;
        if (got < (long)sizeof buf) break;
    }
    r = i < o->count ? bench_fail("pairs", "transfer failed") : (double)i;
done:
    raw_unpair(&c);
    return r;
}

static double xs_pairs(const bench_opts *o)
{
    xs_conn c;
    char buf[64] = {0};
    long i, got, n;
    double r = -1;
    if (xs_pair(&c) < 0) goto done;
    for (i = 0; i < o->count; i++) {
        if (xsock_send(c.c, buf, sizeof buf) != (xsock_ssize_t)sizeof buf) break;
        for (got = 0; got < (long)sizeof buf; got += n)
            if ((n = (long)xsock_recv(c.s, buf + got, sizeof buf - (size_t)got)) <= 0) break;
        if (got < (long)sizeof buf) break;
    }
    r = i < o->count ? bench_fail("pairs", "transfer failed") : (double)i;
done:
    xs_unpair(&c);
    return r;
}

/* ---- the runner ------------------------------------------------------------ */

static const char *const impl_names[IMPL_COUNT] = {"raw", "xsock", "libuv"};

typedef struct workload {
    const char *name;
    const char *unit;
    const char *format; /* of one figure */
    size_t size;        /* default o->size (0: not used) */
    const char *clients; /* default client counts, one row each */
    bench_fn fn[IMPL_COUNT];
} workload;

/* Without libuv its column is NULL: skipped, or an error when asked for. */
#ifdef XSOCK_BENCH_LIBUV
#  define UV(fn) fn
#else
#  define UV(fn) NULL
#endif

static const workload workloads[] = {
    {"pingpong", "round trips/s", "%.0f", 64, "1", {raw_pingpong, xs_pingpong, UV(pingpong_libuv)}},
    {"throughput", "Gbit/s", "%.2f", 65536, "1", {raw_throughput, xs_throughput, UV(throughput_libuv)}},
    {"accept", "cycles/s", "%.0f", 0, "100", {raw_accept_bench, xs_accept_bench, UV(accept_libuv)}},
    {"echo", "requests/s", "%.0f", 64, "100,1000", {echo_raw, echo_xsock, UV(echo_libuv)}},
};
#define NWORKLOADS (sizeof workloads / sizeof workloads[0])

typedef struct row {
    const workload *w;
    int clients;
    size_t size;
    double *runs[IMPL_COUNT]; /* per round; 0 where not run */
} row;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median of the per-round ratios a/b: pairs taken in the same round saw the
 * same machine, so this resists load that drifts during the whole run. */
static double paired_ratio(const double *a, const double *b, int n, double *tmp)
{
    int i;
    for (i = 0; i < n; i++) tmp[i] = a[i] / b[i];
    return median(tmp, n);
}

static void usage(void)
{
    fputs("usage: xsock_bench pingpong|throughput|accept|echo|all [options]\n"
          "       xsock_bench pairs --impl raw|xsock [--count N]\n"
          "  --impl raw|xsock|libuv|all   (or a comma list; default all)\n"
          "  --seconds S    length of each timed run (default 0.5)\n"
          "  --runs N       rounds, alternating the implementations (default 3)\n"
          "  --size BYTES   message / write size (default 64; throughput 65536)\n"
          "  --clients N[,N...]  connections in flight (accept 100; echo 100,1000)\n"
          "  --count N      pairs for the callgrind workload (default 100000)\n"
          "  --requests N   echo: stop after N responses instead of --seconds\n"
          "  --json         machine-readable output\n",
          stderr);
}

static unsigned parse_impls(const char *s)
{
    unsigned m = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        int k;
        if (n == 3 && strncmp(s, "all", 3) == 0) m |= (1u << IMPL_COUNT) - 1;
        for (k = 0; k < IMPL_COUNT; k++)
            if (strlen(impl_names[k]) == n && strncmp(s, impl_names[k], n) == 0) m |= 1u << k;
        s += n;
        if (*s == ',') s++;
    }
    return m;
}

static void print_figure(const char *format, double v)
{
    printf(format, v);
}

static void print_table(row *rows, int nrows, int runs, unsigned impls)
{
    double *tmp = (double *)malloc((size_t)runs * sizeof *tmp);
    int i, k;
    printf("| workload | impl | median | min - max | unit | vs raw | vs libuv |\n");
    printf("|---|---|---:|---:|---|---:|---:|\n");
    for (i = 0; i < nrows; i++) {
        row *r = &rows[i];
        for (k = 0; k < IMPL_COUNT; k++) {
            double *v = r->runs[k];
            if (!(impls & (1u << k)) || v == NULL) continue;
            if (r->clients > 1)
                printf("| %s, %d clients | %s | ", r->w->name, r->clients, impl_names[k]);
            else
                printf("| %s, %lu B | %s | ", r->w->name, (unsigned long)r->size, impl_names[k]);
            memcpy(tmp, v, (size_t)runs * sizeof *tmp);
            print_figure(r->w->format, median(tmp, runs));
            printf(" | ");
            print_figure(r->w->format, tmp[0]);
            printf(" - ");
            print_figure(r->w->format, tmp[runs - 1]);
            printf(" | %s | ", r->w->unit);
            if (k != IMPL_RAW && r->runs[IMPL_RAW])
                printf("%.3f", paired_ratio(v, r->runs[IMPL_RAW], runs, tmp));
            else
                printf("-");
            printf(" | ");
            if (k != IMPL_LIBUV && r->runs[IMPL_LIBUV])
                printf("%.3f", paired_ratio(v, r->runs[IMPL_LIBUV], runs, tmp));
            else
                printf("-");
            printf(" |\n");
        }
    }
    free(tmp);
}

static void print_json(row *rows, int nrows, int runs, double seconds)
{
    double *tmp = (double *)malloc((size_t)runs * sizeof *tmp);
    int i, k, j, first = 1;
    printf("{\"seconds\": %g, \"runs\": %d, \"results\": [", seconds, runs);
    for (i = 0; i < nrows; i++) {
        row *r = &rows[i];
        for (k = 0; k < IMPL_COUNT; k++) {
            double *v = r->runs[k];
            if (v == NULL) continue;
            printf("%s\n  {\"workload\": \"%s\", \"impl\": \"%s\", \"clients\": %d, \"size\": %lu, "
                   "\"unit\": \"%s\", \"values\": [",
                   first ? "" : ",", r->w->name, impl_names[k], r->clients,
                   (unsigned long)r->size, r->w->unit);
            first = 0;
            for (j = 0; j < runs; j++) printf("%s%g", j ? ", " : "", v[j]);
            memcpy(tmp, v, (size_t)runs * sizeof *tmp);
            printf("], \"median\": %g, \"min\": %g, \"max\": %g", median(tmp, runs), tmp[0],
                   tmp[runs - 1]);
            if (k != IMPL_RAW && r->runs[IMPL_RAW])
                printf(", \"vs_raw\": %.4f", paired_ratio(v, r->runs[IMPL_RAW], runs, tmp));
            if (k != IMPL_LIBUV && r->runs[IMPL_LIBUV])
                printf(", \"vs_libuv\": %.4f", paired_ratio(v, r->runs[IMPL_LIBUV], runs, tmp));
            printf("}");
        }
    }
    printf("\n]}\n");
    free(tmp);
}

int main(int argc, char **argv)
{
    bench_opts o;
    const char *what, *clients = NULL;
    unsigned impls = (1u << IMPL_COUNT) - 1, explicit_impls = 0;
    int runs = 3, json = 0, i, k, round, nrows = 0;
    size_t size = 0;
    row rows[16];
    const workload *w;

    if (argc < 2 || argv[1][0] == '-') {
        usage();
        return 2;
    }
    what = argv[1];
    o.seconds = 0.5;
    o.count = 100000;
    o.requests = 0;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0) {
            json = 1;
            continue;
        }
        if (v == NULL) {
            usage();
            return 2;
        }
        i++;
        if (strcmp(a, "--impl") == 0)
            explicit_impls = impls = parse_impls(v);
        else if (strcmp(a, "--seconds") == 0)
            o.seconds = atof(v);
        else if (strcmp(a, "--runs") == 0)
            runs = atoi(v);
        else if (strcmp(a, "--size") == 0)
            size = (size_t)atol(v);
        else if (strcmp(a, "--clients") == 0)
            clients = v;
        else if (strcmp(a, "--count") == 0)
            o.count = atol(v);
        else if (strcmp(a, "--requests") == 0)
            o.requests = atol(v);
        else {
            usage();
            return 2;
        }
    }
    if (impls == 0 || runs < 1 || runs > 1000 || o.seconds <= 0 || o.count < 1) {
        usage();
        return 2;
    }

#ifndef _WIN32
    {
        /* A peer gone mid-run must be an error, not a death (libuv writes
         * without MSG_NOSIGNAL); and 1,000 clients need 2,000+ descriptors. */
        struct rlimit rl;
        signal(SIGPIPE, SIG_IGN);
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }
#endif
    if (raw_init() != 0) {
        bench_fail("WSAStartup", "failed");
        return 1;
    }

    if (strcmp(what, "pairs") == 0) {
        double r;
        o.size = 64;
        if (explicit_impls == (1u << IMPL_RAW))
            r = raw_pairs(&o);
        else if (explicit_impls == (1u << IMPL_XSOCK))
            r = xs_pairs(&o);
        else {
            usage();
            return 2;
        }
        if (r < 0) return 1;
        printf("%.0f pairs\n", r);
        return 0;
    }

    /* One row per workload and client count. */
    for (w = workloads; w < workloads + NWORKLOADS; w++) {
        const char *c;
        if (strcmp(what, "all") != 0 && strcmp(what, w->name) != 0) continue;
        c = clients ? clients : w->clients;
        while (*c && nrows < (int)(sizeof rows / sizeof rows[0])) {
            row *r = &rows[nrows++];
            r->w = w;
            r->clients = atoi(c);
            r->size = size ? size : w->size;
            if (r->clients < 1) {
                usage();
                return 2;
            }
            for (k = 0; k < IMPL_COUNT; k++) {
                r->runs[k] = NULL;
                if (!(impls & (1u << k))) continue;
                if (w->fn[k] == NULL) {
                    if (!(explicit_impls & (1u << k))) continue;
                    fprintf(stderr, "xsock_bench: %s through %s: libuv was not found when "
                            "this program was built\n", w->name, impl_names[k]);
                    return 2;
                }
                r->runs[k] = (double *)calloc((size_t)runs, sizeof(double));
            }
            c += strcspn(c, ",");
            if (*c == ',') c++;
        }
    }
    if (nrows == 0) {
        usage();
        return 2;
    }

    /* Rounds: each implementation once per round, the order rotating, so
     * neither drift nor going first favours one of them. */
    for (i = 0; i < nrows; i++) {
        row *r = &rows[i];
        o.clients = r->clients;
        o.size = r->size;
        for (round = 0; round < runs; round++) {
            for (k = 0; k < IMPL_COUNT; k++) {
                int impl = (k + round) % IMPL_COUNT;
                double v;
                if (r->runs[impl] == NULL) continue;
                v = r->w->fn[impl](&o);
                if (v < 0) {
                    fprintf(stderr, "xsock_bench: %s through %s failed\n", r->w->name,
                            impl_names[impl]);
                    return 1;
                }
                r->runs[impl][round] = v;
            }
        }
    }

    if (json)
        print_json(rows, nrows, runs, o.seconds);
    else
        print_table(rows, nrows, runs, impls);
    for (i = 0; i < nrows; i++)
        for (k = 0; k < IMPL_COUNT; k++) free(rows[i].runs[k]);
    return 0;
}
