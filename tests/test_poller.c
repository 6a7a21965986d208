/* The poller: every call, on every backend. tests/CMakeLists.txt runs each
 * test twice on POSIX, the second time with XSOCK_POLLER=poll, so both the
 * OS's own backend (epoll, kqueue) and the poll() fallback pass the same
 * suite; the Windows build runs it under Wine. */
#include "testutil.h"

#ifndef _WIN32
#  include <stdlib.h>
#  include <sys/resource.h>
#endif

#define PIN XSOCK_POLLIN
#define POUT XSOCK_POLLOUT

/* The backend this run must get. */
static const char *expected_backend(void)
{
#if defined(_WIN32)
    return "win32-select";
#else
    const char *env = getenv("XSOCK_POLLER");
    if (env != NULL && strcmp(env, "poll") == 0) return "poll";
#  if defined(__linux__)
    return "epoll";
#  elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
      defined(__OpenBSD__) || defined(__DragonFly__)
    return "kqueue";
#  else
    return "poll";
#  endif
#endif
}

/* Whether the backend must say XSOCK_POLLHUP when the peer closes: epoll
 * and kqueue do, and so does poll() where it has POLLRDHUP (Linux).
 * Windows' select cannot tell a hang-up from data. */
static int must_hup(const xsock_poller *p)
{
    const char *b = xsock_poller_backend(p);
#ifdef __linux__
    if (strcmp(b, "poll") == 0) return 1;
#endif
    return strcmp(b, "epoll") == 0 || strcmp(b, "kqueue") == 0;
}

static xsock_poller *make(void)
{
    xsock_poller *p = NULL;
    CHECK_OK(xsock_poller_create(&p));
    CHECK(p != NULL);
    CHECK_STR(xsock_poller_backend(p), expected_backend());
    return p;
}

/* Waits once; exactly one event expected, for s: its events are returned. */
static int wait_only(xsock_poller *p, xsock_t s, void *udata, int timeout_ms)
{
    xsock_event ev[4];
    int n = (int)CHECK_OK(xsock_poller_wait(p, ev, 4, timeout_ms));
    if (n != 1) XTEST_FAIL("wait gave %d events, expected 1", n);
    CHECK(ev[0].sock == s);
    CHECK(ev[0].udata == udata);
    return ev[0].events;
}

static void no_event(xsock_poller *p)
{
    xsock_event ev[4];
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 0), 0);
}

TEST(create_destroy)
{
    xsock_poller *p = make();
    printf("backend: %s\n", xsock_poller_backend(p));
    no_event(p); /* empty: a wait just times out */
    xsock_poller_destroy(p);
    xsock_poller_destroy(NULL);
    CHECK_STR(xsock_poller_backend(NULL), "");
}

TEST(bad_arguments)
{
    xsock_poller *p = make();
    xsock_t pair[2], dead;
    xsock_event ev[2];
    int x;
    CHECK_OK(xsock_socketpair(pair));
    CHECK_ERR(xsock_poller_create(NULL), XSOCK_EINVAL);

    CHECK_ERR(xsock_poller_add(NULL, pair[0], PIN, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_add(p, XSOCK_INVALID, PIN, NULL), XSOCK_EBADF);
    CHECK_ERR(xsock_poller_add(p, pair[0], 0, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_add(p, pair[0], XSOCK_POLLERR, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_add(p, pair[0], PIN | 0x100, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_add(p, pair[0], -1, NULL), XSOCK_EINVAL);
#ifndef _WIN32
    CHECK_ERR(xsock_poller_add(p, -5, PIN, NULL), XSOCK_EBADF);
    CHECK_ERR(xsock_poller_add(p, 1 << 29, PIN, NULL), XSOCK_EBADF); /* never sizes a table */
#endif
    /* A closed socket (nothing is opened meanwhile to take its handle). */
    CHECK_OK(xsock_open(&dead, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_close(dead));
    CHECK_ERR(xsock_poller_add(p, dead, PIN, NULL), XSOCK_EBADF);

    CHECK_ERR(xsock_poller_modify(NULL, pair[0], PIN, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_modify(p, XSOCK_INVALID, PIN, NULL), XSOCK_EBADF);
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, &x));
    CHECK_ERR(xsock_poller_modify(p, pair[0], 0, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_modify(p, pair[0], XSOCK_POLLHUP, NULL), XSOCK_EINVAL);

    CHECK_ERR(xsock_poller_remove(NULL, pair[0]), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_remove(p, XSOCK_INVALID), XSOCK_EBADF);

    CHECK_ERR(xsock_poller_wait(NULL, ev, 2, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_wait(p, NULL, 2, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_wait(p, ev, 0, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_wait(p, ev, -1, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_wake(NULL), XSOCK_EINVAL);

    /* None of that disturbed what was added. */
    CHECK_EQ(xsock_send(pair[1], "k", 1), 1);
    CHECK_EQ(wait_only(p, pair[0], &x, 5000), PIN);
    CHECK_OK(xsock_poller_remove(p, pair[0]));
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

/* Twice added or never added: XSOCK_EINVAL, on every backend. */
TEST(add_twice_remove_missing)
{
    xsock_poller *p = make();
    xsock_t pair[2];
    int a, b;
    CHECK_OK(xsock_socketpair(pair));
    CHECK_ERR(xsock_poller_remove(p, pair[0]), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_modify(p, pair[0], PIN, NULL), XSOCK_EINVAL);
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, &a));
    CHECK_ERR(xsock_poller_add(p, pair[0], PIN, &b), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_add(p, pair[0], POUT, &b), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_remove(p, pair[1]), XSOCK_EINVAL);
    /* The failed add changed nothing: still PIN, still &a. */
    CHECK_EQ(xsock_send(pair[1], "k", 1), 1);
    CHECK_EQ(wait_only(p, pair[0], &a, 5000), PIN);
    CHECK_OK(xsock_poller_remove(p, pair[0]));
    CHECK_ERR(xsock_poller_remove(p, pair[0]), XSOCK_EINVAL);
    CHECK_ERR(xsock_poller_modify(p, pair[0], PIN, NULL), XSOCK_EINVAL);
    /* Removed, it may be added again. */
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, &b));
    CHECK_EQ(wait_only(p, pair[0], &b, 5000), PIN);
    xsock_poller_destroy(p); /* with a socket still added: fine */
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

/* Level-triggered: reported by every wait until the data is read. */
TEST(readable)
{
    xsock_poller *p = make();
    xsock_t pair[2];
    char buf[8];
    int tag;
    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, &tag));
    no_event(p);
    CHECK_EQ(xsock_send(pair[1], "abc", 3), 3);
    CHECK_EQ(wait_only(p, pair[0], &tag, 5000), PIN);
    CHECK_EQ(wait_only(p, pair[0], &tag, 0), PIN);
    CHECK_EQ(wait_only(p, pair[0], &tag, 5000), PIN);
    CHECK_EQ(xsock_recv_all(pair[0], buf, 3), 3);
    no_event(p);
    CHECK_OK(xsock_poller_remove(p, pair[0]));
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

/* modify changes what is watched and the udata that comes back. */
TEST(writable_modify)
{
    xsock_poller *p = make();
    xsock_t c, s;
    int one, two, three;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_poller_add(p, c, PIN, &one));
    no_event(p); /* writable, but that is not watched */
    CHECK_OK(xsock_poller_modify(p, c, PIN | POUT, &two));
    CHECK_EQ(wait_only(p, c, &two, 5000), POUT);
    CHECK_EQ(xsock_send(s, "x", 1), 1);
    CHECK(tu_wait(c, PIN, 5000) & PIN);
    CHECK_EQ(wait_only(p, c, &two, 5000), PIN | POUT);
    CHECK_OK(xsock_poller_modify(p, c, POUT, &three));
    CHECK_EQ(wait_only(p, c, &three, 5000), POUT); /* readable, but not watched now */
    CHECK_OK(xsock_poller_modify(p, c, PIN, &one));
    CHECK_EQ(wait_only(p, c, &one, 5000), PIN);
    CHECK_OK(xsock_poller_remove(p, c));
    no_event(p);
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* A listener is readable when a connection waits; UDP when a datagram does. */
TEST(listener_and_udp)
{
    xsock_poller *p = make();
    xsock_t l, c, a, u1, u2;
    xsock_addr la, ua;
    char buf[8];
    tu_listen(&l, XSOCK_INET, &la);
    CHECK_OK(xsock_poller_add(p, l, PIN, &l));
    no_event(p);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &la, 5000));
    CHECK_EQ(wait_only(p, l, &l, 5000), PIN);
    CHECK_OK(xsock_accept(l, &a, NULL));
    no_event(p);
    CHECK_OK(xsock_poller_remove(p, l));

    CHECK_OK(xsock_udp_bind(&u1, "127.0.0.1", 0));
    CHECK_OK(xsock_udp_bind(&u2, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(u1, &ua));
    CHECK_OK(xsock_poller_add(p, u1, PIN, NULL));
    no_event(p);
    CHECK_EQ(xsock_sendto(u2, "dg", 2, &ua), 2);
    CHECK_EQ(wait_only(p, u1, NULL, 5000), PIN);
    CHECK_EQ(xsock_recvfrom(u1, buf, sizeof buf, NULL), 2);
    no_event(p);
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(u1));
    CHECK_OK(xsock_close(u2));
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
}

struct waker {
    xsock_poller *p;
    int delay_ms;
};

static void wake_later(void *arg)
{
    struct waker *w = (struct waker *)arg;
    xthread_sleep_ms(w->delay_ms);
    CHECK_OK(xsock_poller_wake(w->p));
}

/* A wait with a long timeout, on an idle socket, returns 0 at the wake. */
TEST(wake_other_thread)
{
    xsock_poller *p = make();
    xsock_t pair[2];
    xsock_event ev[4];
    struct waker w;
    xthread t;
    long long t0, took;
    int round;
    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, NULL));
    w.p = p;
    w.delay_ms = 100;
    for (round = 0; round < 3; round++) { /* the wake is consumed every time */
        CHECK_EQ(xthread_start(&t, wake_later, &w), 0);
        t0 = tu_now_ms();
        CHECK_EQ(xsock_poller_wait(p, ev, 4, 60000), 0);
        took = tu_now_ms() - t0;
        xthread_join(t);
        if (tu_can_time() && took >= 20000) XTEST_FAIL("the wake took %lld ms", took);
    }
    /* Woken while a socket is ready: the socket is still reported. */
    CHECK_EQ(xsock_send(pair[1], "r", 1), 1);
    CHECK_OK(xsock_poller_wake(p));
    CHECK_EQ(wait_only(p, pair[0], NULL, 5000), PIN);
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

/* A wake with no wait under way is kept for the next one; several count
 * as one. */
TEST(wake_before_wait)
{
    xsock_poller *p = make();
    xsock_event ev[4];
    long long t0, took;
    int i;
    CHECK_OK(xsock_poller_wake(p));
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 60000), 0);
    took = tu_now_ms() - t0;
    if (tu_can_time() && took >= 20000) XTEST_FAIL("a pending wake took %lld ms", took);
    for (i = 0; i < 100; i++) CHECK_OK(xsock_poller_wake(p));
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 60000), 0);
    /* All consumed: this one runs to its timeout. */
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 200), 0);
    took = tu_now_ms() - t0;
    if (tu_can_time() && took < 150) XTEST_FAIL("a wake outlived its wait: %lld ms", took);
    xsock_poller_destroy(p);
}

TEST(timeout)
{
    xsock_poller *p = make();
    xsock_t pair[2];
    xsock_event ev[4];
    long long t0, took;
    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, NULL));
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 150), 0);
    took = tu_now_ms() - t0;
    if (tu_can_time() && (took < 100 || took >= 5000)) XTEST_FAIL("a 150 ms wait took %lld ms", took);
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 0), 0);
    took = tu_now_ms() - t0;
    if (tu_can_time() && took >= 1000) XTEST_FAIL("a 0 ms wait took %lld ms", took);
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

/* A closed peer reads as XSOCK_POLLIN (and XSOCK_POLLHUP where the OS
 * tells), and recv then gives 0. */
TEST(peer_close)
{
    xsock_poller *p = make();
    xsock_t c, s;
    char b;
    int ev;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_poller_add(p, c, PIN, &c));
    no_event(p);
    CHECK_OK(xsock_close(s));
    ev = wait_only(p, c, &c, 5000);
    printf("peer closed: events 0x%x\n", (unsigned)ev);
    CHECK(ev & PIN);
    CHECK(!(ev & POUT));
    if (must_hup(p)) CHECK(ev & XSOCK_POLLHUP);
    CHECK_EQ(xsock_recv(c, &b, 1), 0);
    CHECK(wait_only(p, c, &c, 5000) & PIN); /* still, level-triggered */
    CHECK_OK(xsock_poller_remove(p, c));
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(c));
}

/* A reset peer reads as XSOCK_POLLIN too; recv gives the reset. */
TEST(peer_reset)
{
    xsock_poller *p = make();
    xsock_t c, s;
    char b;
    int ev;
    xsock_ssize_t r;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_poller_add(p, c, PIN, NULL));
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_LINGER, 0));
    CHECK_OK(xsock_close(s));
    ev = wait_only(p, c, NULL, 5000);
    printf("peer reset: events 0x%x\n", (unsigned)ev);
    CHECK(ev & PIN);
    if (must_hup(p)) CHECK(ev & XSOCK_POLLHUP);
    r = xsock_recv(c, &b, 1);
#ifdef _WIN32
    /* Windows says WSAECONNRESET; Wine 8 returns 0 (an orderly end) for a
     * reset peer (DESIGN.md). Both end the stream. */
    CHECK(r == XSOCK_ECONNRESET || r == 0);
#else
    CHECK_ERR(r, XSOCK_ECONNRESET);
#endif
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(c));
}

/* A refused non-blocking connect shows as XSOCK_POLLERR|XSOCK_POLLOUT on
 * every backend (Windows: from select's except set, not WSAPoll), next to
 * an idle socket that stays quiet. */
TEST(failed_connect)
{
    xsock_poller *p = make();
    xsock_t holder, c, pair[2];
    xsock_addr a;
    int r, ev;
    tu_refused_addr(&holder, XSOCK_INET, &a);
    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, pair));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_nonblocking(c, 1));
    r = xsock_connect(c, &a, -1);
    if (r == XSOCK_EINPROGRESS) {
        CHECK_OK(xsock_poller_add(p, c, POUT, &c));
        ev = wait_only(p, c, &c, 10000);
        printf("failed connect: events 0x%x\n", (unsigned)ev);
        CHECK(ev & XSOCK_POLLERR);
        CHECK(ev & POUT);
        r = xsock_connect_result(c);
        CHECK_OK(xsock_poller_remove(p, c));
    } else {
        printf("loopback refused at once (%s)\n", xsock_err_name(r));
    }
    CHECK_ERR(r, XSOCK_ECONNREFUSED);
    no_event(p);
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
    CHECK_OK(xsock_close(holder));
}

#define MANY 200

static xsock_t clients[MANY], servers[MANY];

/* MANY connections: clients[i] connected to servers[i]. */
static void many_pairs(void)
{
    xsock_t l;
    xsock_addr a;
    int i;
#ifndef _WIN32
    struct rlimit rl; /* 2 * MANY sockets and the suite's own */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4 * MANY && rl.rlim_max >= 4 * MANY) {
        rl.rlim_cur = 4 * MANY;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
#endif
    tu_listen(&l, XSOCK_INET, &a); /* each is accepted at once: a backlog of 16 is room enough */
    for (i = 0; i < MANY; i++) {
        CHECK_OK(xsock_open(&clients[i], XSOCK_INET, XSOCK_STREAM));
        CHECK_OK(xsock_connect(clients[i], &a, 10000));
        CHECK_OK(xsock_accept(l, &servers[i], NULL));
    }
    CHECK_OK(xsock_close(l));
}

static void many_close(void)
{
    int i;
    for (i = 0; i < MANY; i++) {
        CHECK_OK(xsock_close(clients[i]));
        CHECK_OK(xsock_close(servers[i]));
    }
}

/* Index of the server socket an event names, checked against its udata. */
static int server_of(const xsock_event *e)
{
    int i = (int)((xsock_t *)e->udata - servers);
    CHECK(i >= 0 && i < MANY);
    CHECK(servers[i] == e->sock);
    return i;
}

/* Far more than Windows' 64: every third of 200 sockets ready at once,
 * each reported once with its own udata; then every one writable. */
TEST(many_sockets)
{
    xsock_poller *p = make();
    static xsock_event ev[MANY + 8];
    static int seen[MANY];
    char b;
    int i, n, want = 0;
    many_pairs();
    for (i = 0; i < MANY; i++) CHECK_OK(xsock_poller_add(p, servers[i], PIN, &servers[i]));
    no_event(p);
    for (i = 0; i < MANY; i += 3) {
        CHECK_EQ(xsock_send(clients[i], "m", 1), 1);
        want++;
    }
    /* Loopback delivers at once, but give a slow system (Wine) time. */
    for (i = 0; i < MANY; i += 3) CHECK(tu_wait(servers[i], PIN, 10000) & PIN);
    n = (int)CHECK_OK(xsock_poller_wait(p, ev, MANY + 8, 10000));
    CHECK_EQ(n, want);
    for (i = 0; i < n; i++) {
        int k = server_of(&ev[i]);
        CHECK_EQ(k % 3, 0);
        CHECK_EQ(ev[i].events, PIN);
        CHECK_EQ(seen[k]++, 0);
    }
    for (i = 0; i < MANY; i += 3) CHECK_EQ(xsock_recv(servers[i], &b, 1), 1);
    no_event(p);
    /* The last one alone, and the first alone. */
    CHECK_EQ(xsock_send(clients[MANY - 1], "z", 1), 1);
    CHECK_EQ(wait_only(p, servers[MANY - 1], &servers[MANY - 1], 10000), PIN);
    CHECK_EQ(xsock_recv(servers[MANY - 1], &b, 1), 1);
    CHECK_EQ(xsock_send(clients[0], "a", 1), 1);
    CHECK_EQ(wait_only(p, servers[0], &servers[0], 10000), PIN);
    CHECK_EQ(xsock_recv(servers[0], &b, 1), 1);
    for (i = 0; i < MANY; i++) CHECK_OK(xsock_poller_modify(p, servers[i], POUT, &servers[i]));
    CHECK_EQ(xsock_poller_wait(p, ev, MANY + 8, 10000), MANY);
    for (i = 0; i < MANY; i++) CHECK_EQ(ev[i].events, POUT);
    /* Half removed: only the other half is reported. */
    for (i = 0; i < MANY; i += 2) CHECK_OK(xsock_poller_remove(p, servers[i]));
    n = (int)CHECK_OK(xsock_poller_wait(p, ev, MANY + 8, 10000));
    CHECK_EQ(n, MANY / 2);
    for (i = 0; i < n; i++) CHECK_EQ(server_of(&ev[i]) % 2, 1);
    xsock_poller_destroy(p);
    many_close();
}

/* More ready than max: each wait gives at most max, and, as nobody reads,
 * the following waits give the others their turn. */
TEST(max_smaller_than_ready)
{
    xsock_poller *p = make();
    xsock_event ev[3];
    int seen[MANY], i, k, n, distinct = 0;
    many_pairs();
    for (i = 0; i < MANY; i++) CHECK_OK(xsock_poller_add(p, servers[i], PIN, &servers[i]));
    for (i = 0; i < 10; i++) CHECK_EQ(xsock_send(clients[i * 17], "f", 1), 1);
    for (i = 0; i < 10; i++) CHECK(tu_wait(servers[i * 17], PIN, 10000) & PIN);
    memset(seen, 0, sizeof seen);
    for (k = 0; k < 20; k++) {
        n = (int)CHECK_OK(xsock_poller_wait(p, ev, 3, 10000));
        CHECK_EQ(n, 3);
        for (i = 0; i < n; i++) {
            int s = server_of(&ev[i]);
            CHECK_EQ(s % 17, 0);
            if (seen[s]++ == 0) distinct++;
        }
    }
    if (distinct != 10) XTEST_FAIL("20 waits of 3 saw %d of the 10 ready sockets", distinct);
    /* max 1 works too. */
    CHECK_EQ(xsock_poller_wait(p, ev, 1, 10000), 1);
    xsock_poller_destroy(p);
    many_close();
}

/* Closed without remove: no crash, the socket is dropped by itself, and a
 * new socket (perhaps with the same handle) may then be added. */
TEST(closed_without_remove)
{
    xsock_poller *p = make();
    xsock_t pair[2], other[2], again[2];
    xsock_event ev[4];
    int r;
    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_socketpair(other));
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, pair));
    CHECK_OK(xsock_poller_add(p, other[0], PIN, other));
    CHECK_EQ(xsock_send(pair[1], "d", 1), 1);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 0), 0);
    CHECK_EQ(xsock_send(other[1], "o", 1), 1);
    CHECK_EQ(wait_only(p, other[0], other, 5000), PIN);
    /* Removing it now is an error (which one depends on the system), not a crash. */
    r = xsock_poller_remove(p, pair[0]);
    printf("remove after close: %s\n", xsock_err_name(r));
    CHECK(r == XSOCK_EINVAL || r == XSOCK_EBADF);
    CHECK_OK(xsock_socketpair(again));
    CHECK_OK(xsock_poller_add(p, again[0], PIN, again));
    CHECK_EQ(xsock_send(again[1], "n", 1), 1);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 5000), 2);
    CHECK(ev[0].udata != pair && ev[1].udata != pair);
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(other[0]));
    CHECK_OK(xsock_close(other[1]));
    CHECK_OK(xsock_close(again[0]));
    CHECK_OK(xsock_close(again[1]));
}

/* Two pollers watch the same socket independently. */
TEST(two_pollers)
{
    xsock_poller *p = make(), *q = make();
    xsock_t pair[2];
    int a, b;
    CHECK_OK(xsock_socketpair(pair));
    CHECK_OK(xsock_poller_add(p, pair[0], PIN, &a));
    CHECK_OK(xsock_poller_add(q, pair[0], PIN, &b));
    CHECK_EQ(xsock_send(pair[1], "2", 1), 1);
    CHECK_EQ(wait_only(p, pair[0], &a, 5000), PIN);
    CHECK_EQ(wait_only(q, pair[0], &b, 5000), PIN);
    CHECK_OK(xsock_poller_remove(p, pair[0]));
    no_event(p);
    CHECK_EQ(wait_only(q, pair[0], &b, 5000), PIN);
    xsock_poller_destroy(p);
    xsock_poller_destroy(q);
    CHECK_OK(xsock_close(pair[0]));
    CHECK_OK(xsock_close(pair[1]));
}

XTEST_MAIN(XTEST(create_destroy) XTEST(bad_arguments) XTEST(add_twice_remove_missing)
               XTEST(readable) XTEST(writable_modify) XTEST(listener_and_udp)
                   XTEST(wake_other_thread) XTEST(wake_before_wait) XTEST(timeout)
                       XTEST(peer_close) XTEST(peer_reset) XTEST(failed_connect)
                           XTEST(many_sockets) XTEST(max_smaller_than_ready)
                               XTEST(closed_without_remove) XTEST(two_pollers))
