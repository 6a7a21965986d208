/*
 * echo: one poller thread serves every connection; one raw client thread
 * keeps a message in flight on each of o->clients connections and counts the
 * responses. The client is the same code for every implementation, so only
 * the server differs: a raw epoll loop (poll / WSAPoll where there is no
 * epoll), xsock's poller, or libuv (bench_uv.c).
 */
#include "bench.h"
#include "raw.h"
#include "xsock.h"
#include "xthread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#  include <sys/epoll.h>
#elif !defined(_WIN32)
#  include <poll.h>
#endif

#define EVENTS_MAX 256
#define READ_BUF 65536
/* The raw server polls with this timeout to notice it should stop; the
 * xsock one is woken with xsock_poller_wake, libuv's with uv_async_send. */
#define STOP_POLL_MS 50

/* One connection of the echo server or the client. */
typedef struct conn {
    raw_sock fd;
    xsock_t xs;
    size_t got; /* client: bytes of the current response so far */
    int pi;     /* index in the poll() array, where there is no epoll */
    int used;   /* server: taken from the pool; client: has had a response */
} conn;

/* ---- raw readiness: epoll, else poll() / WSAPoll --------------------------- */

#ifdef __linux__
typedef struct rawpoll {
    int ep;
    struct epoll_event ev[EVENTS_MAX];
} rawpoll;

static int rp_open(rawpoll *p, int cap)
{
    (void)cap;
    return (p->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ? -1 : 0;
}

static int rp_add(rawpoll *p, conn *c)
{
    struct epoll_event e;
    e.events = EPOLLIN;
    e.data.ptr = c;
    return epoll_ctl(p->ep, EPOLL_CTL_ADD, c->fd, &e);
}

/* close() takes a socket out of the epoll set: nothing to do first. */
static void rp_del(rawpoll *p, conn *c)
{
    (void)p;
    (void)c;
}

static int rp_wait(rawpoll *p, int timeout_ms)
{
    int n;
    do n = epoll_wait(p->ep, p->ev, EVENTS_MAX, timeout_ms);
    while (n < 0 && errno == EINTR);
    return n;
}

#  define rp_ready(p, i) ((conn *)(p)->ev[i].data.ptr)

static void rp_close(rawpoll *p)
{
    close(p->ep);
}
#else
#  ifdef _WIN32
typedef WSAPOLLFD rp_pollfd;
#    define rp_poll(f, n, t) WSAPoll((f), (ULONG)(n), (t))
#  else
typedef struct pollfd rp_pollfd;
#    define rp_poll(f, n, t) poll((f), (nfds_t)(n), (t))
#  endif
typedef struct rawpoll {
    rp_pollfd *fds;
    conn **who, **ready;
    int n;
} rawpoll;

static int rp_open(rawpoll *p, int cap)
{
    p->n = 0;
    p->fds = (rp_pollfd *)malloc((size_t)cap * sizeof *p->fds);
    p->who = (conn **)malloc((size_t)cap * sizeof *p->who);
    p->ready = (conn **)malloc((size_t)cap * sizeof *p->ready);
    if (p->fds && p->who && p->ready) return 0;
    free(p->fds);
    free(p->who);
    free(p->ready);
    return -1;
}

static int rp_add(rawpoll *p, conn *c)
{
    p->fds[p->n].fd = c->fd;
    p->fds[p->n].events = POLLIN;
    p->fds[p->n].revents = 0;
    p->who[p->n] = c;
    c->pi = p->n++;
    return 0;
}

static void rp_del(rawpoll *p, conn *c)
{
    int i = c->pi;
    p->n--;
    p->fds[i] = p->fds[p->n];
    p->who[i] = p->who[p->n];
    p->who[i]->pi = i;
}

static int rp_wait(rawpoll *p, int timeout_ms)
{
    int i, k = 0, r = rp_poll(p->fds, p->n, timeout_ms);
    for (i = 0; r > 0 && i < p->n; i++)
        if (p->fds[i].revents) p->ready[k++] = p->who[i];
    return r < 0 ? r : k;
}

#  define rp_ready(p, i) ((p)->ready[i])

static void rp_close(rawpoll *p)
{
    free(p->fds);
    free(p->who);
    free(p->ready);
}
#endif

/* A conn from the pool, or NULL when all are in use. */
static conn *conn_get(conn *pool, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (!pool[i].used) {
            memset(&pool[i], 0, sizeof pool[i]);
            pool[i].used = 1;
            return &pool[i];
        }
    return NULL;
}

/* The rare partial send of a non-blocking socket: finish it blocking. The
 * peers never both wait on each other (the client reads whatever is ready),
 * so this cannot deadlock, and it keeps every server equally simple. */
static int raw_send_rest(raw_sock s, const char *buf, long len, long sent)
{
    int r;
    if (sent < 0) {
        if (!raw_would_block()) return -1;
        sent = 0;
    }
    raw_set_nonblocking(s, 0);
    r = raw_send_all(s, buf + sent, (size_t)(len - sent));
    raw_set_nonblocking(s, 1);
    return r;
}

static raw_sock accept_nonblocking(raw_sock l)
{
#ifdef __linux__
    return accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    raw_sock fd = accept(l, NULL, NULL);
    if (fd != RAW_INVALID) raw_set_nonblocking(fd, 1);
    return fd;
#endif
}

/* ---- the client, the same for every server --------------------------------- */

/* With o->requests (the callgrind runs) the client sends exactly that many
 * requests in all, warm-up included (at least one per connection), and
 * stops once every response is in: the server serves a fixed number, so
 * the difference of two runs is exactly the requests between them. (Counting
 * responses after warm-up and stopping at once left the warm-up's requests
 * and those in flight at the stop, up to one per connection, to the
 * scheduling: a few percent at 1000 clients, for every server.) */
double echo_drive(int port, const bench_opts *o)
{
    int n = o->clients, i, k, ready, warm = 0, idle = 0;
    long sent = n, got = 0; /* requests sent and responses taken, in all */
    conn *cl = (conn *)calloc((size_t)n, sizeof *cl);
    char *msg = (char *)calloc(1, o->size), *buf = (char *)malloc(READ_BUF);
    rawpoll rp;
    double t0 = 0, now, done = 0, r = -1;
    int rp_ok = 0;

    for (i = 0; cl && i < n; i++) cl[i].fd = RAW_INVALID;
    if (cl == NULL || msg == NULL || buf == NULL || rp_open(&rp, n) != 0) goto out;
    rp_ok = 1;
    for (i = 0; i < n; i++) {
        if ((cl[i].fd = raw_connect(port)) == RAW_INVALID) goto fail;
        if (raw_set_nodelay(cl[i].fd) != 0 || raw_set_nonblocking(cl[i].fd, 1) != 0 ||
            rp_add(&rp, &cl[i]) != 0) {
            bench_fail("echo client", "socket set-up failed");
            goto out;
        }
    }
    for (i = 0; i < n; i++) {
        long w = (long)raw_send(cl[i].fd, msg, o->size);
        if (w != (long)o->size && raw_send_rest(cl[i].fd, msg, (long)o->size, w) != 0) goto fail;
    }
    /* Timing starts once every client has had a response: the server has
     * accepted them all by then. */
    for (;;) {
        if ((ready = rp_wait(&rp, 1000)) < 0) goto fail;
        idle = ready == 0 ? idle + 1 : 0;
        if (idle > 5) {
            bench_fail("echo client", "the server stopped answering");
            goto out;
        }
        for (k = 0; k < ready; k++) {
            conn *c = rp_ready(&rp, k);
            long m = (long)raw_recv(c->fd, buf, READ_BUF);
            if (m <= 0) {
                if (m < 0 && raw_would_block()) continue;
                goto fail;
            }
            c->got += (size_t)m;
            while (c->got >= o->size) {
                long w;
                c->got -= o->size;
                got++;
                if (t0 > 0) {
                    done++;
                } else if (!c->used) {
                    c->used = 1;
                    if (++warm == n) t0 = bench_now();
                }
                if (o->requests > 0) {
                    if (sent >= o->requests) continue;
                    sent++;
                }
                w = (long)raw_send(c->fd, msg, o->size);
                if (w != (long)o->size && raw_send_rest(c->fd, msg, (long)o->size, w) != 0)
                    goto fail;
            }
        }
        if (o->requests > 0 && got == sent && sent >= o->requests) {
            now = bench_now();
            break;
        }
        if (t0 > 0 && o->requests <= 0 && (now = bench_now()) - t0 >= o->seconds) break;
    }
    r = done / (now - t0);
    goto out;
fail:
    bench_fail("echo client", "a connection failed");
out:
    for (i = 0; cl && i < n; i++)
        if (cl[i].fd != RAW_INVALID) raw_close(cl[i].fd);
    if (rp_ok) rp_close(&rp);
    free(cl);
    free(msg);
    free(buf);
    return r;
}

/* ---- the servers ------------------------------------------------------------ */

typedef struct server {
    raw_sock l;
    xsock_t xl;
    xsock_poller *p; /* the xsock server's: woken to stop */
    int clients;
    xflag stop;
    int failed;
} server;

static void raw_server(void *arg)
{
    server *sv = (server *)arg;
    int cap = sv->clients + 1, n, i;
    conn *pool = (conn *)calloc((size_t)cap, sizeof *pool), lc;
    char *buf = (char *)malloc(READ_BUF);
    rawpoll rp;

    lc.fd = sv->l;
    if (pool == NULL || buf == NULL || rp_open(&rp, cap + 1) != 0) {
        sv->failed = 1;
        goto out;
    }
    if (raw_set_nonblocking(sv->l, 1) != 0 || rp_add(&rp, &lc) != 0) sv->failed = 1;
    while (!xflag_get(&sv->stop) && !sv->failed) {
        if ((n = rp_wait(&rp, STOP_POLL_MS)) < 0) {
            sv->failed = 1;
            break;
        }
        for (i = 0; i < n; i++) {
            conn *c = rp_ready(&rp, i);
            long m;
            if (c == &lc) {
                raw_sock fd;
                while ((fd = accept_nonblocking(sv->l)) != RAW_INVALID) {
                    conn *nc = conn_get(pool, cap);
                    if (nc == NULL) {
                        raw_close(fd);
                        continue;
                    }
                    nc->fd = fd;
                    raw_set_nodelay(fd);
                    rp_add(&rp, nc);
                }
                continue;
            }
            m = (long)raw_recv(c->fd, buf, READ_BUF);
            if (m > 0) {
                long w = (long)raw_send(c->fd, buf, (size_t)m);
                if (w == m || raw_send_rest(c->fd, buf, m, w) == 0) continue;
            } else if (m < 0 && raw_would_block()) {
                continue;
            }
            rp_del(&rp, c);
            raw_close(c->fd);
            c->used = 0;
        }
    }
    rp_close(&rp);
out:
    for (i = 0; pool && i < cap; i++)
        if (pool[i].used) raw_close(pool[i].fd);
    raw_close(sv->l);
    free(pool);
    free(buf);
}

double echo_raw(const bench_opts *o)
{
    server sv;
    xthread t;
    int port;
    double r;
    memset(&sv, 0, sizeof sv);
    sv.clients = o->clients;
    if ((sv.l = raw_listen(&port)) == RAW_INVALID) return -1;
    xflag_init(&sv.stop);
    if (xthread_start(&t, raw_server, &sv) != 0) {
        xflag_destroy(&sv.stop);
        raw_close(sv.l);
        return bench_fail("echo", "no thread");
    }
    r = echo_drive(port, o);
    xflag_set(&sv.stop);
    xthread_join(t);
    xflag_destroy(&sv.stop);
    return sv.failed ? bench_fail("echo", "the raw server failed") : r;
}

static void xs_server(void *arg)
{
    server *sv = (server *)arg;
    int cap = sv->clients + 1, n, i;
    conn *pool = (conn *)calloc((size_t)cap, sizeof *pool), lc;
    char *buf = (char *)malloc(READ_BUF);
    xsock_event evs[EVENTS_MAX];
    xsock_poller *p = sv->p;

    lc.xs = sv->xl;
    if (pool == NULL || buf == NULL || xsock_set_nonblocking(sv->xl, 1) < 0 ||
        xsock_poller_add(p, sv->xl, XSOCK_POLLIN, &lc) < 0) {
        sv->failed = 1;
        goto out;
    }
    while (!xflag_get(&sv->stop)) {
        if ((n = xsock_poller_wait(p, evs, EVENTS_MAX, -1)) < 0) {
            sv->failed = 1;
            break;
        }
        for (i = 0; i < n; i++) {
            conn *c = (conn *)evs[i].udata;
            xsock_ssize_t m;
            if (c == &lc) {
                xsock_t s;
                while (xsock_accept(sv->xl, &s, NULL) >= 0) {
                    conn *nc = conn_get(pool, cap);
                    if (nc == NULL) {
                        xsock_close(s);
                        continue;
                    }
                    nc->xs = s;
                    xsock_set_nonblocking(s, 1);
                    xsock_set_option(s, XSOCK_OPT_NODELAY, 1);
                    xsock_poller_add(p, s, XSOCK_POLLIN, nc);
                }
                continue;
            }
            m = xsock_recv(c->xs, buf, READ_BUF);
            if (m > 0) {
                xsock_ssize_t w = xsock_send(c->xs, buf, (size_t)m);
                if (w == m) continue;
                if (w >= 0 || w == XSOCK_EAGAIN) {
                    /* as raw_send_rest: finish a partial send blocking */
                    xsock_set_nonblocking(c->xs, 0);
                    w = xsock_send_all(c->xs, buf + (w > 0 ? w : 0), (size_t)(m - (w > 0 ? w : 0)));
                    xsock_set_nonblocking(c->xs, 1);
                    if (w >= 0) continue;
                }
            } else if (m == XSOCK_EAGAIN) {
                continue;
            }
            xsock_poller_remove(p, c->xs);
            xsock_close(c->xs);
            c->used = 0;
        }
    }
out:
    for (i = 0; pool && i < cap; i++)
        if (pool[i].used) xsock_close(pool[i].xs);
    xsock_close(sv->xl);
    free(pool);
    free(buf);
}

double echo_xsock(const bench_opts *o)
{
    server sv;
    xthread t;
    xsock_addr addr;
    double r;
    int e;
    memset(&sv, 0, sizeof sv);
    sv.clients = o->clients;
    if ((e = xsock_tcp_listen(&sv.xl, "127.0.0.1", 0, -1)) < 0) return bench_xfail("listen", e);
    if ((e = xsock_local_addr(sv.xl, &addr)) < 0 || (e = xsock_poller_create(&sv.p)) < 0) {
        xsock_close(sv.xl);
        return bench_xfail("echo set-up", e);
    }
    xflag_init(&sv.stop);
    if (xthread_start(&t, xs_server, &sv) != 0) {
        xflag_destroy(&sv.stop);
        xsock_close(sv.xl);
        xsock_poller_destroy(sv.p);
        return bench_fail("echo", "no thread");
    }
    r = echo_drive(xsock_addr_port(&addr), o);
    xflag_set(&sv.stop);
    xsock_poller_wake(sv.p);
    xthread_join(t);
    xflag_destroy(&sv.stop);
    xsock_poller_destroy(sv.p);
    return sv.failed ? bench_fail("echo", "the xsock server failed") : r;
}
