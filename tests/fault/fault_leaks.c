/* Every call that opens or allocates, failed at each of its steps in turn
 * (fi_sweep.h): the right code comes back and nothing is left open or
 * allocated, on every failure path. */
#include <stdlib.h>
#include "testutil.h"
#include "fi_sweep.h"

/* ---- xsock_open ------------------------------------------------------- */

typedef struct open_ctx {
    int family, type;
    xsock_t s;
} open_ctx;

static int open_run(void *p)
{
    open_ctx *c = (open_ctx *)p;
    return xsock_open(&c->s, c->family, c->type);
}

static void open_undo(void *p, int r)
{
    open_ctx *c = (open_ctx *)p;
    if (r >= 0) CHECK_OK(xsock_close(c->s));
    else CHECK(c->s == XSOCK_INVALID);
}

TEST(open)
{
    static const char *const names[4] = {"open INET STREAM", "open INET DGRAM",
                                         "open INET6 STREAM", "open INET6 DGRAM"};
    open_ctx c;
    fi_op op;
    int i;
    fi_install();
    for (i = 0; i < 4; i++) {
        c.family = i < 2 ? XSOCK_INET : XSOCK_INET6;
        c.type = i % 2 == 0 ? XSOCK_STREAM : XSOCK_DGRAM;
        op.name = names[i];
        op.ctx = &c;
        op.setup = NULL;
        op.run = open_run;
        op.undo = open_undo;
        CHECK(fi_sweep(&op) >= 1);
    }
}

/* ---- xsock_socketpair --------------------------------------------------- */

static int pair_run(void *p)
{
    return xsock_socketpair((xsock_t *)p);
}

static void pair_undo(void *p, int r)
{
    xsock_t *pair = (xsock_t *)p;
    if (r < 0) {
        CHECK(pair[0] == XSOCK_INVALID && pair[1] == XSOCK_INVALID);
        return;
    }
    CHECK_EQ(xsock_send(pair[0], "p", 1), 1); /* a working pair, whatever path made it */
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

/* POSIX: one socketpair() call. Windows: a listener, a connect, an accept
 * and a token exchange, over AF_UNIX where it works, else over loopback TCP:
 * a failure at any of their steps closes all three sockets. */
TEST(socketpair)
{
    xsock_t pair[2];
    fi_op op;
    fi_install();
    op.name = "socketpair";
    op.ctx = pair;
    op.setup = NULL;
    op.run = pair_run;
    op.undo = pair_undo;
    CHECK(fi_sweep(&op) >= 1);
#ifdef _WIN32
    /* The TCP fallback for sure (where AF_UNIX works, the sweep above
     * took it; under Wine, which has no AF_UNIX, it took TCP already). */
    fi_fail(FI_SOCKET, 1, 1, WSAEAFNOSUPPORT);
    pair_undo(pair, pair_run(pair)); /* AF_UNIX refused: never tried again */
    fi_clear();
    pair_undo(pair, pair_run(pair));
    op.name = "socketpair over TCP";
    CHECK(fi_sweep(&op) >= 10);
#endif
}

/* ---- the one-liners ----------------------------------------------------- */

typedef struct bind_ctx {
    const char *host;
    int tcp;
    xsock_t s;
} bind_ctx;

static int bind_run(void *p)
{
    bind_ctx *c = (bind_ctx *)p;
    return c->tcp ? xsock_tcp_listen(&c->s, c->host, 0, 4) : xsock_udp_bind(&c->s, c->host, 0);
}

static void bind_undo(void *p, int r)
{
    bind_ctx *c = (bind_ctx *)p;
    if (r >= 0) CHECK_OK(xsock_close(c->s));
    else CHECK(c->s == XSOCK_INVALID);
}

TEST(listen_and_bind)
{
    static const char *const hosts[3] = {"127.0.0.1", NULL, "::1"};
    static const char *const names[6] = {"tcp_listen 127.0.0.1", "udp_bind 127.0.0.1",
                                         "tcp_listen NULL", "udp_bind NULL",
                                         "tcp_listen ::1", "udp_bind ::1"};
    bind_ctx c;
    fi_op op;
    int i;
    fi_install();
    for (i = 0; i < 6; i++) {
        c.host = hosts[i / 2];
        c.tcp = i % 2 == 0;
        op.name = names[i];
        op.ctx = &c;
        op.setup = NULL;
        op.run = bind_run;
        op.undo = bind_undo;
        CHECK(fi_sweep(&op) >= 3);
    }
}

typedef struct conn_ctx {
    xsock_t l, c, s;
    int port, timeout_ms;
} conn_ctx;

static void conn_setup(void *p)
{
    conn_ctx *c = (conn_ctx *)p;
    xsock_addr a;
    tu_listen(&c->l, XSOCK_INET, &a);
    c->port = xsock_addr_port(&a);
}

static int conn_run(void *p)
{
    conn_ctx *c = (conn_ctx *)p;
    return xsock_tcp_connect(&c->c, "127.0.0.1", c->port, c->timeout_ms);
}

static void conn_undo(void *p, int r)
{
    conn_ctx *c = (conn_ctx *)p;
    char b;
    if (r >= 0) {
        CHECK_OK(xsock_accept(c->l, &c->s, NULL));
        CHECK_EQ(xsock_send(c->c, "c", 1), 1);
        CHECK_EQ(xsock_recv(c->s, &b, 1), 1);
        CHECK_OK(xsock_close(c->c));
        CHECK_OK(xsock_close(c->s));
    } else {
        CHECK(c->c == XSOCK_INVALID);
    }
    CHECK_OK(xsock_close(c->l)); /* and a connection still in its backlog */
}

/* The timed connect sets non-blocking mode, connects, waits, reads
 * SO_ERROR and restores the mode: a failure at any step closes the socket
 * and keeps its reason. The plain one is the same without the wait. */
TEST(tcp_connect)
{
    conn_ctx c;
    fi_op op;
    fi_install();
    op.ctx = &c;
    op.setup = conn_setup;
    op.run = conn_run;
    op.undo = conn_undo;
    op.name = "tcp_connect, 5000 ms";
    c.timeout_ms = 5000;
    CHECK(fi_sweep(&op) >= 5);
    op.name = "tcp_connect, no timeout";
    c.timeout_ms = -1;
    CHECK(fi_sweep(&op) >= 3);
}

static void accept_setup(void *p)
{
    conn_ctx *c = (conn_ctx *)p;
    xsock_addr a;
    tu_listen(&c->l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c->c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c->c, &a, 5000));
}

static int accept_run(void *p)
{
    conn_ctx *c = (conn_ctx *)p;
    xsock_addr peer;
    return xsock_accept(c->l, &c->s, &peer);
}

static void accept_undo(void *p, int r)
{
    conn_ctx *c = (conn_ctx *)p;
    if (r >= 0) CHECK_OK(xsock_close(c->s));
    else CHECK(c->s == XSOCK_INVALID);
    CHECK_OK(xsock_close(c->c));
    CHECK_OK(xsock_close(c->l));
}

TEST(accept)
{
    conn_ctx c;
    fi_op op;
    fi_install();
    op.name = "accept";
    op.ctx = &c;
    op.setup = accept_setup;
    op.run = accept_run;
    op.undo = accept_undo;
    CHECK(fi_sweep(&op) >= 1);
}

/* ---- readiness: xsock_poll past 64 entries, and the poller --------------- */

#define NSOCK 70 /* past 64: the heap paths of xsock_poll and the tables */

typedef struct poll_ctx {
    xsock_t s[NSOCK];
    xsock_pollfd fds[NSOCK];
    xsock_event evs[NSOCK];
    xsock_poller *p;
} poll_ctx;

static void socks_setup(void *p)
{
    poll_ctx *c = (poll_ctx *)p;
    int i;
    for (i = 0; i < NSOCK; i++) CHECK_OK(xsock_udp_bind(&c->s[i], "127.0.0.1", 0));
    c->p = NULL;
}

static void socks_undo(void *p, int r)
{
    poll_ctx *c = (poll_ctx *)p;
    int i;
    (void)r;
    xsock_poller_destroy(c->p);
    for (i = 0; i < NSOCK; i++) CHECK_OK(xsock_close(c->s[i]));
}

static int poll_run(void *p)
{
    poll_ctx *c = (poll_ctx *)p;
    int i, r;
    for (i = 0; i < NSOCK; i++) {
        c->fds[i].sock = c->s[i];
        c->fds[i].events = XSOCK_POLLIN | XSOCK_POLLOUT;
    }
    if ((r = xsock_poll(c->fds, NSOCK, 1000)) >= 0) CHECK_EQ(r, NSOCK); /* all writable */
    return r;
}

TEST(poll_past_64)
{
    static poll_ctx c;
    fi_op op;
    fi_install();
    op.name = "poll of 70 sockets";
    op.ctx = &c;
    op.setup = socks_setup;
    op.run = poll_run;
    op.undo = socks_undo;
    CHECK(fi_sweep(&op) >= 2);
}

static int poller_run(void *p)
{
    poll_ctx *c = (poll_ctx *)p;
    int i, r;
    if ((r = xsock_poller_create(&c->p)) < 0) {
        CHECK(c->p == NULL);
        return r;
    }
    for (i = 0; i < NSOCK; i++)
        if ((r = xsock_poller_add(c->p, c->s[i], XSOCK_POLLIN | XSOCK_POLLOUT, &c->s[i])) < 0)
            return r;
    if ((r = xsock_poller_wait(c->p, c->evs, NSOCK, 1000)) < 0) return r;
    CHECK_EQ(r, NSOCK);
    if ((r = xsock_poller_modify(c->p, c->s[0], XSOCK_POLLIN, NULL)) < 0) return r;
    if ((r = xsock_poller_remove(c->p, c->s[1])) < 0) return r;
    if ((r = xsock_poller_wake(c->p)) < 0) return r;
    if ((r = xsock_poller_wait(c->p, c->evs, NSOCK, 1000)) < 0) return r;
    /* An AFD poll that could not be submitted reports its socket as an
     * error (XSOCK_POLLERR with what it watches): s[0] too, then. */
    if (r == NSOCK - 1 && fi_step_hit() == FI_AFD_POLL) return 0;
    CHECK_EQ(r, NSOCK - 2);
    return 0;
}

/* Create, add 70 sockets (the tables grow), wait, modify, remove, wake,
 * wait, destroy. POSIX: on each backend this OS has. */
TEST(poller)
{
    static poll_ctx c;
    fi_op op;
    fi_install();
    op.name = "poller";
    op.ctx = &c;
    op.setup = socks_setup;
    op.run = poller_run;
    op.undo = socks_undo;
#ifdef _WIN32
    /* A step that fails AFD's start falls back to select: what select sets
     * up once for good (the record of non-blocking sockets) is put in place
     * first, by one run on it, as the sweep requires. (Under Wine a sweep
     * of each backend would take too long for one test.) */
    CHECK(SetEnvironmentVariableA("XSOCK_POLLER", "select"));
    socks_setup(&c);
    socks_undo(&c, (int)CHECK_OK(poller_run(&c)));
    CHECK(SetEnvironmentVariableA("XSOCK_POLLER", NULL));
#endif
    CHECK(fi_sweep(&op) >= 5);
#ifndef _WIN32
    CHECK(setenv("XSOCK_POLLER", "poll", 1) == 0);
    op.name = "poller (poll)";
    CHECK(fi_sweep(&op) >= 5);
    CHECK(unsetenv("XSOCK_POLLER") == 0);
#endif
}

XTEST_MAIN(XTEST(open) XTEST(socketpair) XTEST(listen_and_bind) XTEST(tcp_connect) XTEST(accept)
               XTEST(poll_past_64) XTEST(poller))
