/*
 * The libuv peers of every workload, written the way a careful libuv program
 * is: one loop per thread, uv_try_write before a queued uv_write, one read
 * buffer per loop. Built only when libuv was found.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "xthread.h"

/* As in xsock_bench.c: how often a timed loop reads the clock. */
#define CLOCK_EVERY 64

static double uv_fail(const char *what, int err)
{
    return bench_fail(what, uv_strerror(err));
}

/* ---- the server thread: echo, sink, or accept-and-close ------------------- */

enum { SRV_ECHO, SRV_SINK, SRV_ACCEPT_CLOSE };

typedef struct uvb_server {
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_async_t stop;
    int mode;
    int oneshot; /* stop when the first connection ends */
    double bytes; /* SRV_SINK: bytes read */
    xthread thread;
    int port;
    char buf[65536];
} uvb_server;

/* A write that uv_try_write could not finish, with its own copy of the rest. */
typedef struct uvb_write {
    uv_write_t req;
    char data[];
} uvb_write;

static void free_handle(uv_handle_t *h)
{
    free(h);
}

static void on_written(uv_write_t *req, int status)
{
    (void)status; /* a failed write shows up as a read error too */
    free(req);
}

/* Writes what the kernel takes now and queues the rest: 0 or a uv error. */
static int write_now(uv_stream_t *s, const char *data, size_t len)
{
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    uvb_write *w;
    int n = uv_try_write(s, &b, 1);
    if (n == (int)len) return 0;
    if (n < 0 && n != UV_EAGAIN) return n;
    if (n < 0) n = 0;
    if ((w = (uvb_write *)malloc(sizeof *w + len - (size_t)n)) == NULL) return UV_ENOMEM;
    memcpy(w->data, data + n, len - (size_t)n);
    b = uv_buf_init(w->data, (unsigned)(len - (size_t)n));
    if ((n = uv_write(&w->req, s, &b, 1, on_written)) != 0) free(w);
    return n;
}

static void srv_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    uvb_server *srv = (uvb_server *)h->data;
    (void)suggested;
    *buf = uv_buf_init(srv->buf, sizeof srv->buf);
}

static void srv_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    uvb_server *srv = (uvb_server *)s->data;
    if (nread > 0) {
        if (srv->mode == SRV_SINK) {
            srv->bytes += (double)nread;
            return;
        }
        if (write_now(s, buf->base, (size_t)nread) == 0) return;
    } else if (nread == 0) {
        return; /* EAGAIN */
    }
    uv_close((uv_handle_t *)s, free_handle);
    if (srv->oneshot) {
        uv_close((uv_handle_t *)&srv->listener, NULL);
        uv_close((uv_handle_t *)&srv->stop, NULL);
    }
}

static void srv_connection(uv_stream_t *l, int status)
{
    uvb_server *srv = (uvb_server *)l->data;
    uv_tcp_t *c;
    if (status < 0 || (c = (uv_tcp_t *)malloc(sizeof *c)) == NULL) return;
    uv_tcp_init(&srv->loop, c);
    c->data = srv;
    if (uv_accept(l, (uv_stream_t *)c) != 0 || srv->mode == SRV_ACCEPT_CLOSE) {
        uv_close((uv_handle_t *)c, free_handle);
        return;
    }
    uv_tcp_nodelay(c, 1);
    uv_read_start((uv_stream_t *)c, srv_alloc, srv_read);
}

static void close_any(uv_handle_t *h, void *arg)
{
    uvb_server *srv = (uvb_server *)arg;
    if (uv_is_closing(h)) return;
    if (h == (uv_handle_t *)&srv->listener || h == (uv_handle_t *)&srv->stop)
        uv_close(h, NULL);
    else
        uv_close(h, free_handle);
}

static void srv_on_stop(uv_async_t *a)
{
    uv_walk(a->loop, close_any, a->data);
}

static void srv_thread(void *arg)
{
    uvb_server *srv = (uvb_server *)arg;
    uv_run(&srv->loop, UV_RUN_DEFAULT);
}

/* Listens on 127.0.0.1 (port in srv->port) and runs the loop on a thread. */
static int srv_start(uvb_server *srv, int mode, int oneshot)
{
    struct sockaddr_storage ss;
    struct sockaddr_in sin;
    int len = sizeof ss, r;
    srv->mode = mode;
    srv->oneshot = oneshot;
    srv->bytes = 0;
    if ((r = uv_loop_init(&srv->loop)) != 0) return (int)uv_fail("uv_loop_init", r);
    uv_tcp_init(&srv->loop, &srv->listener);
    srv->listener.data = srv;
    uv_ip4_addr("127.0.0.1", 0, &sin);
    if ((r = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&sin, 0)) != 0 ||
        (r = uv_listen((uv_stream_t *)&srv->listener, SOMAXCONN, srv_connection)) != 0 ||
        (r = uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&ss, &len)) != 0) {
        uv_close((uv_handle_t *)&srv->listener, NULL);
        uv_run(&srv->loop, UV_RUN_DEFAULT);
        uv_loop_close(&srv->loop);
        return (int)uv_fail("listen", r);
    }
    srv->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    uv_async_init(&srv->loop, &srv->stop, srv_on_stop);
    srv->stop.data = srv;
    if (xthread_start(&srv->thread, srv_thread, srv) != 0) {
        srv_on_stop(&srv->stop);
        uv_run(&srv->loop, UV_RUN_DEFAULT);
        uv_loop_close(&srv->loop);
        return (int)bench_fail("libuv server", "no thread");
    }
    return 0;
}

/* Waits for the server thread; stops it first unless it stops by itself. */
static void srv_finish(uvb_server *srv, int tell_it)
{
    if (tell_it) uv_async_send(&srv->stop);
    xthread_join(srv->thread);
    uv_loop_close(&srv->loop);
}

/* ---- the client side: one connection on this thread's loop ------------------ */

typedef struct uvb_client {
    uv_loop_t loop;
    uv_tcp_t tcp;
    uv_connect_t creq;
    uv_write_t wreq[2];
    const bench_opts *o;
    char *msg;
    size_t got;
    double t0, end, count;
    int inflight, failed;
    char buf[65536];
} uvb_client;

static void cl_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    uvb_client *cl = (uvb_client *)h->data;
    (void)suggested;
    *buf = uv_buf_init(cl->buf, sizeof cl->buf);
}

static void cl_fail(uvb_client *cl, const char *what, int err)
{
    if (!cl->failed) uv_fail(what, err);
    cl->failed = 1;
    if (!uv_is_closing((uv_handle_t *)&cl->tcp)) uv_close((uv_handle_t *)&cl->tcp, NULL);
}

static int cl_run(uvb_client *cl, const bench_opts *o, int port, uv_connect_cb on_connect)
{
    struct sockaddr_in sin;
    int r;
    memset(cl, 0, sizeof *cl);
    cl->o = o;
    if ((cl->msg = (char *)calloc(1, o->size)) == NULL) return (int)bench_fail("libuv", "no memory");
    if ((r = uv_loop_init(&cl->loop)) != 0) {
        free(cl->msg);
        return (int)uv_fail("uv_loop_init", r);
    }
    uv_tcp_init(&cl->loop, &cl->tcp);
    cl->tcp.data = cl;
    uv_ip4_addr("127.0.0.1", port, &sin);
    if ((r = uv_tcp_connect(&cl->creq, &cl->tcp, (const struct sockaddr *)&sin, on_connect)) != 0)
        cl_fail(cl, "connect", r);
    uv_run(&cl->loop, UV_RUN_DEFAULT);
    uv_loop_close(&cl->loop);
    free(cl->msg);
    return cl->failed ? -1 : 0;
}

/* pingpong */

static void pp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    uvb_client *cl = (uvb_client *)s->data;
    int r;
    (void)buf;
    if (nread < 0) {
        cl_fail(cl, "pingpong read", (int)nread);
        return;
    }
    cl->got += (size_t)nread;
    while (cl->got >= cl->o->size) {
        cl->got -= cl->o->size;
        if ((long)++cl->count % CLOCK_EVERY == 0 &&
            (cl->end = bench_now()) - cl->t0 >= cl->o->seconds) {
            uv_close((uv_handle_t *)&cl->tcp, NULL);
            return;
        }
        if ((r = write_now(s, cl->msg, cl->o->size)) != 0) {
            cl_fail(cl, "pingpong write", r);
            return;
        }
    }
}

static void pp_connect(uv_connect_t *req, int status)
{
    uvb_client *cl = (uvb_client *)req->handle->data;
    int r;
    if (status < 0) {
        cl_fail(cl, "connect", status);
        return;
    }
    uv_tcp_nodelay(&cl->tcp, 1);
    uv_read_start((uv_stream_t *)&cl->tcp, cl_alloc, pp_read);
    cl->t0 = bench_now();
    if ((r = write_now((uv_stream_t *)&cl->tcp, cl->msg, cl->o->size)) != 0)
        cl_fail(cl, "pingpong write", r);
}

double pingpong_libuv(const bench_opts *o)
{
    uvb_server *srv = (uvb_server *)malloc(sizeof *srv);
    uvb_client *cl = (uvb_client *)malloc(sizeof *cl);
    double r = -1;
    if (srv == NULL || cl == NULL) goto done;
    if (srv_start(srv, SRV_ECHO, 1) != 0) goto done;
    if (cl_run(cl, o, srv->port, pp_connect) == 0) r = cl->count / (cl->end - cl->t0);
    srv_finish(srv, 0); /* our close ends its only connection, and so the server */
done:
    free(srv);
    free(cl);
    return r;
}

/* throughput: two writes of o->size in flight, the same buffer each time */

static void tp_written(uv_write_t *req, int status)
{
    uvb_client *cl = (uvb_client *)req->handle->data;
    uv_buf_t b;
    int r;
    if (status < 0) {
        cl_fail(cl, "throughput write", status);
        return;
    }
    if (!cl->failed && bench_now() - cl->t0 < cl->o->seconds) {
        b = uv_buf_init(cl->msg, (unsigned)cl->o->size);
        if ((r = uv_write(req, (uv_stream_t *)&cl->tcp, &b, 1, tp_written)) != 0)
            cl_fail(cl, "throughput write", r);
        return;
    }
    if (--cl->inflight == 0 && !uv_is_closing((uv_handle_t *)&cl->tcp))
        uv_close((uv_handle_t *)&cl->tcp, NULL);
}

static void tp_connect(uv_connect_t *req, int status)
{
    uvb_client *cl = (uvb_client *)req->handle->data;
    uv_buf_t b = uv_buf_init(cl->msg, (unsigned)cl->o->size);
    int i, r;
    if (status < 0) {
        cl_fail(cl, "connect", status);
        return;
    }
    cl->t0 = bench_now();
    for (i = 0; i < 2; i++) {
        if ((r = uv_write(&cl->wreq[i], (uv_stream_t *)&cl->tcp, &b, 1, tp_written)) != 0) {
            cl_fail(cl, "throughput write", r);
            return;
        }
        cl->inflight++;
    }
}

double throughput_libuv(const bench_opts *o)
{
    uvb_server *srv = (uvb_server *)malloc(sizeof *srv);
    uvb_client *cl = (uvb_client *)malloc(sizeof *cl);
    double r = -1;
    if (srv == NULL || cl == NULL) goto done;
    if (srv_start(srv, SRV_SINK, 1) != 0) goto done;
    if (cl_run(cl, o, srv->port, tp_connect) == 0) {
        srv_finish(srv, 0); /* the sink has read everything once it returns */
        r = srv->bytes * 8 / 1e9 / (bench_now() - cl->t0);
    } else {
        srv_finish(srv, 1);
    }
done:
    free(srv);
    free(cl);
    return r;
}

/* accept: o->clients connects in flight; each waits for the server's close,
 * closes, and starts the next */

typedef struct uvb_slot {
    uv_tcp_t tcp;
    uv_connect_t req;
    struct uvb_accept *a;
} uvb_slot;

typedef struct uvb_accept {
    uv_loop_t *loop;
    struct sockaddr_in addr;
    double t0, seconds, cycles;
    int failed;
    char byte[64];
} uvb_accept;

static void slot_start(uvb_slot *s);

static void slot_closed(uv_handle_t *h)
{
    uvb_slot *s = (uvb_slot *)h->data;
    if (s->a->failed || bench_now() - s->a->t0 >= s->a->seconds) return;
    s->a->cycles++;
    slot_start(s);
}

static void slot_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    uvb_slot *s = (uvb_slot *)h->data;
    (void)suggested;
    *buf = uv_buf_init(s->a->byte, sizeof s->a->byte);
}

static void slot_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    uvb_slot *s = (uvb_slot *)st->data;
    (void)buf;
    if (nread == 0) return;
    if (nread != UV_EOF) {
        if (!s->a->failed) uv_fail("accept: read", nread > 0 ? UV_EPROTO : (int)nread);
        s->a->failed = 1;
    }
    uv_close((uv_handle_t *)&s->tcp, slot_closed);
}

static void slot_connected(uv_connect_t *req, int status)
{
    uvb_slot *s = (uvb_slot *)req->handle->data;
    if (status < 0) {
        if (!s->a->failed) uv_fail("accept: connect", status);
        s->a->failed = 1;
        uv_close((uv_handle_t *)&s->tcp, slot_closed);
        return;
    }
    uv_read_start((uv_stream_t *)&s->tcp, slot_alloc, slot_read);
}

static void slot_start(uvb_slot *s)
{
    int r;
    uv_tcp_init(s->a->loop, &s->tcp);
    s->tcp.data = s;
    if ((r = uv_tcp_connect(&s->req, &s->tcp, (const struct sockaddr *)&s->a->addr,
                            slot_connected)) != 0) {
        if (!s->a->failed) uv_fail("accept: connect", r);
        s->a->failed = 1;
        uv_close((uv_handle_t *)&s->tcp, slot_closed);
    }
}

double accept_libuv(const bench_opts *o)
{
    uvb_server *srv = (uvb_server *)malloc(sizeof *srv);
    uvb_slot *slots = (uvb_slot *)calloc((size_t)o->clients, sizeof *slots);
    uv_loop_t loop;
    uvb_accept a;
    double r = -1;
    int i;
    if (srv == NULL || slots == NULL) goto done;
    if (srv_start(srv, SRV_ACCEPT_CLOSE, 0) != 0) goto done;
    if (uv_loop_init(&loop) != 0) {
        srv_finish(srv, 1);
        goto done;
    }
    memset(&a, 0, sizeof a);
    a.loop = &loop;
    a.seconds = o->seconds;
    uv_ip4_addr("127.0.0.1", srv->port, &a.addr);
    a.t0 = bench_now();
    for (i = 0; i < o->clients; i++) {
        slots[i].a = &a;
        slot_start(&slots[i]);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    srv_finish(srv, 1);
    if (!a.failed) r = a.cycles / o->seconds;
done:
    free(srv);
    free(slots);
    return r;
}

/* echo: the libuv server, driven by the same raw client as the others */

double echo_libuv(const bench_opts *o)
{
    uvb_server *srv = (uvb_server *)malloc(sizeof *srv);
    double r = -1;
    if (srv == NULL) return bench_fail("libuv", "no memory");
    if (srv_start(srv, SRV_ECHO, 0) == 0) {
        r = echo_drive(srv->port, o);
        srv_finish(srv, 1);
    }
    free(srv);
    return r;
}
