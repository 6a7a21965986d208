/*
 * Load and soak, library level: thousands of connections made and closed,
 * a thousand at once, thousands of socketpairs. Afterwards the process
 * holds as many descriptors (Windows: handles) as before, so nothing
 * leaked on the way. Nothing is timed.
 *
 * Sizes: natively the full counts; under Wine (each call a round trip to
 * wineserver) a fifth to a half of them, about 3 s a test here, so that a
 * slower Wine still stays well within a minute or two. SOAK_FULL=1 in the
 * environment runs the full counts under Wine too (10-20 s a test here).
 */
#include "testutil.h"
#include "open_handles.h"
#include "xcrt.h"
#ifndef _WIN32
#  include <sys/resource.h>
#endif

#define WAIT_MS 30000 /* bounds each wait; only a hung test meets it */

/* Windows and Wine hold handles that come and go by themselves (thread
 * pool workers, Winsock's per-thread events, the handles wineserver caches
 * for a process): a leak of one handle per connection would show here as
 * thousands, these as a few. POSIX descriptors do not drift at all. */
#ifdef _WIN32
#  define SLACK 16
#else
#  define SLACK 0
#endif

static int scaled(int native, int wine)
{
    char full[64];
    return tu_under_wine() && !xcrt_getenv("SOAK_FULL", full, sizeof full) ? wine : native;
}

/* Whether the count is back to the baseline; prints both. */
static void check_handles(const char *what, long before)
{
    long after = oh_count_self();
    printf("%s: %ld open before, %ld after\n", what, before, after);
    if (before < 0 || after < 0) return; /* cannot be told here: said above */
    if (after > before + SLACK)
        XTEST_FAIL("%s: %ld descriptors/handles before, %ld after: a leak", what, before, after);
}

/* Room for n more descriptors than in use (POSIX soft limit: often 1024). */
static void need_descriptors(long n)
{
#ifndef _WIN32
    struct rlimit rl;
    rlim_t want = (rlim_t)(n + oh_count_self() + 64);
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
        CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
        if (rl.rlim_cur < want)
            XTEST_FAIL("need %ld descriptors, the hard limit is %ld", (long)want,
                       (long)rl.rlim_max);
    }
#else
    (void)n; /* no such limit on Windows sockets */
#endif
}

/* One connection: connect (it completes from the listener's backlog, so
 * one thread does both ends), a byte each way, the server side closes
 * first (TIME_WAIT stays on the listener's port, not on a client port),
 * the client reads the end and closes. */
static void one_cycle(xsock_t l, const xsock_addr *a, int i)
{
    xsock_t c, s;
    char b = (char)i, got = 0;
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, a, WAIT_MS));
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_EQ(xsock_send(c, &b, 1), 1);
    CHECK_EQ(xsock_recv(s, &got, 1), 1);
    CHECK_EQ(got, b);
    CHECK_EQ(xsock_send(s, &got, 1), 1);
    CHECK_OK(xsock_close(s));
    CHECK_EQ(xsock_recv(c, &got, 1), 1);
    CHECK_EQ(xsock_recv(c, &got, 1), 0);
    CHECK_OK(xsock_close(c));
}

TEST(connect_close_cycles)
{
    int n = scaled(10000, 2000), i;
    xsock_t l;
    xsock_addr a;
    long before;
    tu_listen(&l, XSOCK_INET, &a);
    for (i = 0; i < 100; i++) one_cycle(l, &a, i); /* what is set up once, is */
    before = oh_count_self();
    for (i = 0; i < n; i++) {
        one_cycle(l, &a, i);
        if ((i + 1) % 1000 == 0 && before >= 0 && oh_count_self() > before + SLACK)
            XTEST_FAIL("after %d cycles %ld open, %ld before", i + 1, oh_count_self(), before);
    }
    printf("%d connect/close cycles\n", n);
    check_handles("connect/close cycles", before);
    CHECK_OK(xsock_close(l));
}

/* Windows makes a socketpair from a listener, a connect, an accept and a
 * token: the most calls per pair of any path, each a place to leak. */
TEST(socketpair_cycles)
{
    int n = scaled(10000, 1000), i;
    xsock_t p[2];
    long before;
    char b;
    for (i = 0; i < 10; i++) {
        CHECK_OK(xsock_socketpair(p));
        CHECK_OK(xsock_close(p[0]));
        CHECK_OK(xsock_close(p[1]));
    }
    before = oh_count_self();
    for (i = 0; i < n; i++) {
        CHECK_OK(xsock_socketpair(p));
        CHECK_EQ(xsock_send(p[0], "s", 1), 1);
        CHECK_EQ(xsock_recv(p[1], &b, 1), 1);
        CHECK_OK(xsock_close(p[i % 2]));
        CHECK_OK(xsock_close(p[1 - i % 2]));
    }
    printf("%d socketpairs\n", n);
    check_handles("socketpairs", before);
}

/* ---- a thousand clients at once, one server thread ----------------------- */

#define MSG 100
#define ROUNDS 3

typedef struct server {
    xsock_t l;
    int expect; /* connections to serve before it stops */
    int served, failed;
} server;

/* Echo: each readable client is read once and what came is sent back; a
 * client that ended is closed. Stops once every expected connection has
 * come and gone. */
static void serve(void *arg)
{
    server *sv = (server *)arg;
    xsock_poller *p;
    xsock_event evs[64];
    int open = 0;
    if (xsock_poller_create(&p) < 0 || xsock_poller_add(p, sv->l, XSOCK_POLLIN, NULL) < 0) {
        sv->failed = 1;
        return;
    }
    while (sv->served < sv->expect || open > 0) {
        int n = xsock_poller_wait(p, evs, 64, WAIT_MS), i;
        if (n <= 0) { /* an error, or nothing for WAIT_MS: give up */
            sv->failed = 1;
            break;
        }
        for (i = 0; i < n; i++) {
            char buf[MSG * 2];
            xsock_ssize_t got;
            xsock_t c = evs[i].sock;
            if (evs[i].udata == NULL) { /* the listener */
                if (xsock_accept(sv->l, &c, NULL) < 0 ||
                    xsock_poller_add(p, c, XSOCK_POLLIN, &sv->served) < 0) {
                    sv->failed = 1;
                    continue;
                }
                sv->served++;
                open++;
                continue;
            }
            got = xsock_recv(c, buf, sizeof buf);
            if (got > 0 && xsock_send_all(c, buf, (size_t)got) == got) continue;
            if (got < 0) sv->failed = 1;
            xsock_poller_remove(p, c);
            xsock_close(c);
            open--;
        }
    }
    xsock_poller_destroy(p);
}

TEST(thousand_clients_at_once)
{
    int n = scaled(1000, 500), i, r;
    xsock_t *c = (xsock_t *)calloc((size_t)n, sizeof *c);
    xsock_pollfd *fds = (xsock_pollfd *)calloc((size_t)n, sizeof *fds);
    size_t *got = (size_t *)calloc((size_t)n, sizeof *got);
    unsigned char msg[MSG], buf[MSG];
    server sv;
    xthread t;
    xsock_addr a;
    long before;
    CHECK(c != NULL && fds != NULL && got != NULL);
    need_descriptors(2L * n);
    tu_listen(&sv.l, XSOCK_INET, &a);
    CHECK_OK(xsock_listen(sv.l, -1)); /* the OS's longest backlog */
    sv.expect = n;
    sv.served = sv.failed = 0;
    before = oh_count_self();
    CHECK(xthread_start(&t, serve, &sv) == 0);
    for (i = 0; i < n; i++) {
        CHECK_OK(xsock_open(&c[i], XSOCK_INET, XSOCK_STREAM));
        CHECK_OK(xsock_connect(c[i], &a, WAIT_MS));
        CHECK_OK(xsock_set_option(c[i], XSOCK_OPT_RCVTIMEO, WAIT_MS));
    }
    for (r = 0; r < ROUNDS; r++) {
        int left = n;
        for (i = 0; i < n; i++) { /* all send, then all read: every one is open meanwhile */
            tu_fill(msg, MSG, (size_t)(i * ROUNDS + r) * MSG); /* its own bytes each */
            CHECK_EQ(xsock_send_all(c[i], msg, MSG), MSG);
            got[i] = 0;
        }
        /* xsock_poll over them all: past 64 on Windows too. */
        while (left > 0) {
            int ready;
            for (i = 0; i < n; i++) {
                fds[i].sock = got[i] == MSG ? XSOCK_INVALID : c[i];
                fds[i].events = XSOCK_POLLIN;
            }
            ready = (int)CHECK_OK(xsock_poll(fds, (size_t)n, WAIT_MS));
            if (ready == 0) XTEST_FAIL("round %d: %d echoes missing", r, left);
            for (i = 0; i < n; i++) {
                xsock_ssize_t k;
                if (fds[i].revents == 0) continue;
                k = xsock_recv(c[i], buf, MSG - got[i]);
                if (k <= 0)
                    XTEST_FAIL("client %d: %s", i, k == 0 ? "closed" : xsock_strerror((int)k));
                if (!tu_check_fill(buf, (size_t)k, (size_t)(i * ROUNDS + r) * MSG + got[i]))
                    XTEST_FAIL("client %d: wrong bytes", i);
                got[i] += (size_t)k;
                if (got[i] == MSG) left--;
            }
        }
    }
    for (i = 0; i < n; i++) CHECK_OK(xsock_close(c[i]));
    xthread_join(t);
    CHECK(!sv.failed);
    CHECK_EQ(sv.served, n);
    printf("%d clients at once, %d rounds each\n", n, ROUNDS);
    check_handles("clients at once", before);
    CHECK_OK(xsock_close(sv.l));
    free(c);
    free(fds);
    free(got);
}

XTEST_MAIN(XTEST(connect_close_cycles) XTEST(socketpair_cycles) XTEST(thousand_clients_at_once))
