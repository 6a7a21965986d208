/* What real Windows does that Wine hides (issue 11), each with its POSIX
 * counterpart where the promise holds on every OS: Winsock's start-up
 * count, the truncated datagram, a connected UDP socket whose peer port is
 * closed, xsock_poll with a socket listed twice, scope ids past 32 bits,
 * timeouts that leave the socket usable, XSOCK_SHUT_RD, and the timed
 * connect that keeps a mode set outside xsock. */
#include "testutil.h"
#include "open_handles.h"
#ifdef _WIN32
#  include <winsock2.h>
#else
#  include <fcntl.h>
#endif

static void talk(xsock_t a, xsock_t b)
{
    char buf[5];
    CHECK_EQ(xsock_send(a, "hello", 5), 5);
    CHECK_EQ(xsock_recv_all(b, buf, 5), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(xsock_send(b, "back!", 5), 5);
    CHECK_EQ(xsock_recv_all(a, buf, 5), 5);
    CHECK(memcmp(buf, "back!", 5) == 0);
}

/* Item 2. Sockets made before a balanced xsock_init/xsock_cleanup of some
 * other component live on: the lazy start holds a WSAStartup of its own
 * that is never given back, and xsock_cleanup gives back only what its
 * xsock_init took. (Before: the cleanup's WSACleanup closed them.) */
TEST(lazy_then_balanced_init)
{
    xsock_t c, s;
    tu_tcp_pair(XSOCK_INET, &c, &s); /* the lazy start */
    CHECK_OK(xsock_init());
    xsock_cleanup();
    talk(c, s);
    CHECK_OK(xsock_init());
    CHECK_OK(xsock_init());
    xsock_cleanup();
    xsock_cleanup();
    xsock_cleanup(); /* an extra one gives back nothing */
    talk(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Item 2. Winsock stopped behind xsock's back (other code calling
 * WSACleanup more often than WSAStartup): a clear code, XSOCK_ENOTINIT,
 * not XSOCK_EBADF. POSIX has no start-up to lose: there only the code's
 * name and text are checked. */
TEST(foreign_cleanup_says_enotinit)
{
#ifdef _WIN32
    typedef int(__stdcall * cleanup_fn)(void);
    HMODULE ws2;
    FARPROC f;
    xsock_t s;
    CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM)); /* the lazy start */
    CHECK_OK(xsock_close(s));
    ws2 = LoadLibraryA("ws2_32.dll");
    f = ws2 ? GetProcAddress(ws2, "WSACleanup") : NULL;
    CHECK(f != NULL);
    while (((cleanup_fn)(void (*)(void))f)() == 0) {} /* down to zero */
    CHECK_ERR(xsock_open(&s, XSOCK_INET, XSOCK_STREAM), XSOCK_ENOTINIT);
    CHECK_EQ(xsock_last_native_error(), 10093); /* WSANOTINITIALISED */
#endif
    CHECK_STR(xsock_err_name(XSOCK_ENOTINIT), "ENOTINIT");
    CHECK_STR(xsock_strerror(XSOCK_ENOTINIT), "the network subsystem is not started");
}

/* Item 5, the Windows half: xsock_recv of a datagram larger than the
 * buffer gives XSOCK_EMSGSIZE (WSAEMSGSIZE), as xsock_recvfrom does. The
 * POSIX half of xsock_recv (MSG_TRUNC) belongs to the POSIX transfer path
 * and its tests; here POSIX checks xsock_recvfrom, which has it already. */
TEST(udp_recv_truncated)
{
    xsock_t a, b;
    xsock_addr addr;
    char buf[4];
    CHECK_OK(xsock_udp_bind(&a, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(a, &addr));
    CHECK_OK(xsock_open(&b, XSOCK_INET, XSOCK_DGRAM));
    CHECK_EQ(xsock_sendto(b, "too long", 8, &addr), 8);
    CHECK_EQ(tu_wait(a, XSOCK_POLLIN, 5000), XSOCK_POLLIN);
#ifdef _WIN32
    CHECK_ERR(xsock_recv(a, buf, sizeof buf), XSOCK_EMSGSIZE);
#else
    CHECK_ERR(xsock_recvfrom(a, buf, sizeof buf, NULL), XSOCK_EMSGSIZE);
#endif
    CHECK(memcmp(buf, "too ", 4) == 0);
    CHECK_OK(xsock_close(a));
    CHECK_OK(xsock_close(b));
}

/* Item 5. A datagram to a closed port: an unconnected socket hears nothing
 * of it (Windows would fail the next recvfrom with WSAECONNRESET without
 * SIO_UDP_CONNRESET off; an ICMP time-exceeded likewise with WSAENETRESET,
 * SIO_UDP_NETRESET, which loopback cannot send). A connected one is told,
 * with one code: XSOCK_ECONNREFUSED (Linux ECONNREFUSED; Windows
 * WSAECONNRESET, with SIO_UDP_CONNRESET back on for it, per Microsoft's
 * "Winsock IOCTLs" page). Wine 8 reports nothing on the connected socket
 * either: there "nothing" is accepted, and the GitHub Windows jobs run the
 * strict check. */
TEST(udp_closed_port)
{
    xsock_t hole, u;
    xsock_addr addr;
    char buf[8];
    int rev;
    CHECK_OK(xsock_udp_bind(&hole, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(hole, &addr));
    CHECK_OK(xsock_close(hole)); /* nothing listens there now */

    CHECK_OK(xsock_udp_bind(&u, "127.0.0.1", 0));
    CHECK_EQ(xsock_sendto(u, "x", 1, &addr), 1);
    CHECK_EQ(tu_wait(u, XSOCK_POLLIN, 300), 0);
    CHECK_EQ(xsock_sendto(u, "x", 1, &addr), 1);
    CHECK_EQ(tu_wait(u, XSOCK_POLLIN, 300), 0);
    CHECK_OK(xsock_close(u));

    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_connect(u, &addr, -1));
    CHECK_EQ(xsock_send(u, "x", 1), 1);
    rev = tu_wait(u, XSOCK_POLLIN, 2000);
    if (rev == 0 && tu_under_wine()) {
        printf("wine: the connected socket heard nothing of the closed port\n");
        CHECK_OK(xsock_close(u));
        return;
    }
    CHECK(rev != 0);
    CHECK_ERR(xsock_recv(u, buf, sizeof buf), XSOCK_ECONNREFUSED);
    CHECK_OK(xsock_close(u));
}

/* Item 8. Each entry reports only what it asked for (plus ERR/HUP), also
 * when one socket appears twice, as poll() does. */
TEST(poll_socket_listed_twice)
{
    xsock_t c, s;
    xsock_pollfd p[3];
    char ch;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p[0].sock = s;
    p[0].events = XSOCK_POLLIN;
    p[1].sock = s;
    p[1].events = XSOCK_POLLOUT;
    p[2].sock = c;
    p[2].events = XSOCK_POLLIN;
    CHECK_EQ(xsock_poll(p, 3, 5000), 1);
    CHECK_EQ(p[0].revents, 0);
    CHECK_EQ(p[1].revents, XSOCK_POLLOUT);
    CHECK_EQ(p[2].revents, 0);
    CHECK_EQ(xsock_send(c, "x", 1), 1);
    CHECK_EQ(tu_wait(s, XSOCK_POLLIN, 5000), XSOCK_POLLIN);
    CHECK_EQ(xsock_poll(p, 3, 5000), 2);
    CHECK_EQ(p[0].revents, XSOCK_POLLIN);
    CHECK_EQ(p[1].revents, XSOCK_POLLOUT);
    CHECK_EQ(p[2].revents, 0);
    CHECK_EQ(xsock_recv(s, &ch, 1), 1);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Item 8. A scope id must fit 32 bits on every OS: where unsigned long is
 * 32 bits (Win64, 32-bit systems) "4294967296" wrapped to 0 and passed. */
TEST(scope_overflow)
{
    static const char *const bad[] = {"[fe80::1%4294967296]:80", "fe80::1%4294967296",
                                      "[fe80::1%4294967306]:80", "[fe80::1%9999999999]:80",
                                      "[fe80::1%42949672950]:80"};
    xsock_addr a;
    char text[XSOCK_ADDRSTRLEN];
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (xsock_addr_parse(&a, bad[i]) != XSOCK_EINVAL) XTEST_FAIL("%s was accepted", bad[i]);
    CHECK_OK(xsock_addr_parse(&a, "[fe80::1%4294967295]:80"));
    CHECK_OK(xsock_addr_format(&a, text, sizeof text));
    CHECK_STR(text, "[fe80::1%4294967295]:80");
    CHECK_OK(xsock_addr_parse(&a, "fe80::1%0429496729"));
}

/* Item 4. After XSOCK_ETIMEDOUT the socket is as good as before, on every
 * OS: no byte lost or doubled, later transfers work. Windows' own
 * SO_SNDTIMEO/SO_RCVTIMEO leave it "in an indeterminate state" (Microsoft's
 * setsockopt page), so xsock waits and then calls there; Wine maps them to
 * Linux's and cannot show the difference: the GitHub Windows jobs run this
 * test against the real thing. */
#define CHUNK 65536
TEST(timeouts_keep_the_stream)
{
    static unsigned char buf[CHUNK];
    xsock_t c, s;
    size_t sent = 0, got = 0;
    xsock_ssize_t r = 0;
    int i;
    char ch;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDBUF, 65536));
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVBUF, 65536));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 200));
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 200));
    /* Still blocking for the caller, timeouts or not. */
    CHECK_EQ(tu_wait(c, XSOCK_POLLOUT, 0), XSOCK_POLLOUT);
    CHECK_ERR(xsock_recv(s, &ch, 1), XSOCK_ETIMEDOUT);
    CHECK_ERR(xsock_recv(s, &ch, 1), XSOCK_ETIMEDOUT);
    /* Fill until the send times out; count exactly what was taken. */
    for (i = 0; i < 4096; i++) {
        tu_fill(buf, CHUNK, sent);
        r = xsock_send(c, buf, CHUNK);
        if (r < 0) break;
        sent += (size_t)r;
    }
    CHECK_ERR(r, XSOCK_ETIMEDOUT);
    CHECK(sent > 0);
    /* Everything taken arrives, in order, then the stream goes on. */
    while (got < sent) {
        size_t want = sent - got < CHUNK ? sent - got : CHUNK;
        r = (xsock_ssize_t)CHECK_OK(xsock_recv(s, buf, want));
        CHECK(r > 0);
        if (!tu_check_fill(buf, (size_t)r, got)) XTEST_FAIL("bytes %lu.. changed", (unsigned long)got);
        got += (size_t)r;
    }
    CHECK_ERR(xsock_recv(s, &ch, 1), XSOCK_ETIMEDOUT);
    tu_fill(buf, 100, sent);
    CHECK_EQ(xsock_send_all(c, buf, 100), 100);
    CHECK_EQ(xsock_recv_all(s, buf, 100), 100);
    CHECK(tu_check_fill(buf, 100, sent));
    /* A non-blocking socket with a timeout still says EAGAIN at once, and
     * is blocking again when asked. */
    CHECK_OK(xsock_set_nonblocking(s, 1));
    CHECK_ERR(xsock_recv(s, &ch, 1), XSOCK_EAGAIN);
    CHECK_OK(xsock_set_nonblocking(s, 0));
    CHECK_ERR(xsock_recv(s, &ch, 1), XSOCK_ETIMEDOUT);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 0));
    CHECK_EQ(xsock_send(c, "z", 1), 1);
    CHECK_EQ(xsock_recv(s, &ch, 1), 1);
    CHECK_EQ(ch, 'z');
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Item 4 on Windows: a listener and a connecting socket with a timeout
 * stay blocking for accept and for connect (the timeouts are for
 * transfers; xsock keeps such a socket non-blocking in the OS). */
TEST(timeouts_keep_blocking_calls)
{
    xsock_t l, c, s;
    xsock_addr a;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_set_option(l, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 100));
    CHECK_OK(xsock_connect(c, &a, -1)); /* blocking: no EINPROGRESS */
    CHECK_OK(xsock_accept(l, &s, NULL));
    talk(c, s);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(l));
}

/* Item 7. XSOCK_SHUT_RD means one thing: xsock_recv returns 0 once nothing
 * is queued (also on a non-blocking socket), data the peer sends later is
 * taken in and can still be read, and the connection is never reset for it
 * (Windows' SD_RECEIVE would reset it: Microsoft's shutdown page; under
 * Wine the late data read as the end of the stream). The other direction
 * goes on. XSOCK_SHUT_RDWR is XSOCK_SHUT_WR plus that. */
TEST(shut_rd_one_meaning)
{
    xsock_t c, s;
    char buf[8];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_EQ(xsock_send_all(c, "early", 5), 5);
    CHECK_EQ(tu_wait(s, XSOCK_POLLIN, 5000), XSOCK_POLLIN);
    CHECK_OK(xsock_shutdown(s, XSOCK_SHUT_RD));
    CHECK_EQ(xsock_recv_all(s, buf, 5), 5); /* what was queued is still there */
    CHECK(memcmp(buf, "early", 5) == 0);
    CHECK_EQ(xsock_recv(s, buf, sizeof buf), 0);
    CHECK_OK(xsock_set_nonblocking(s, 1));
    CHECK_EQ(xsock_recv(s, buf, sizeof buf), 0);
    CHECK_OK(xsock_set_nonblocking(s, 0));
    CHECK_EQ(xsock_send_all(c, "late", 4), 4); /* no reset for it */
    CHECK_EQ(tu_wait(s, XSOCK_POLLIN, 5000), XSOCK_POLLIN);
    CHECK_EQ(xsock_recv_all(s, buf, 4), 4);
    CHECK(memcmp(buf, "late", 4) == 0);
    CHECK_EQ(xsock_send_all(s, "reply", 5), 5);
    CHECK_EQ(xsock_recv_all(c, buf, 5), 5);
    CHECK(memcmp(buf, "reply", 5) == 0);
    /* With both sides shut, data that still comes may reset the
     * connection (Linux does, in FIN_WAIT with its read side shut): only
     * the end of stream is promised. */
    CHECK_OK(xsock_shutdown(s, XSOCK_SHUT_RDWR));
    CHECK_EQ(xsock_recv(c, buf, sizeof buf), 0); /* the peer sees the end */
    CHECK_EQ(xsock_recv(s, buf, sizeof buf), 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    /* Not connected: XSOCK_ENOTCONN on every OS. */
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_shutdown(c, XSOCK_SHUT_RD), XSOCK_ENOTCONN);
    CHECK_OK(xsock_close(c));
}

/* Item 8. The timed connect leaves the blocking mode alone, whether it
 * connects, is refused or times out, also for a socket made non-blocking
 * outside xsock: fcntl on POSIX, ioctlsocket(FIONBIO) on Windows, which
 * cannot read the mode back (there the timed connect of a stream socket is
 * ConnectEx, which never touches the mode; before, it set the socket
 * blocking after the connect). */
static void set_nb_outside(xsock_t s)
{
#ifdef _WIN32
    u_long on = 1;
    CHECK(ioctlsocket((SOCKET)s, (long)FIONBIO, &on) == 0);
#else
    int fl = fcntl(s, F_GETFL);
    CHECK(fl >= 0);
    CHECK(fcntl(s, F_SETFL, fl | O_NONBLOCK) == 0);
#endif
}

/* A watchdog for a recv that must not wait: if it blocks, the peer sends a
 * byte after a while, so the test fails (recv 1, not XSOCK_EAGAIN) instead
 * of hanging. A bound on a failure, not a timing check. */
struct watchdog {
    xsock_t peer;
    xmutex m;
    int done, fired;
};

static void watchdog_run(void *arg)
{
    struct watchdog *w = (struct watchdog *)arg;
    int i, done = 0;
    for (i = 0; i < 1000 && !done; i++) { /* about 10 s */
        xthread_sleep_ms(10);
        xmutex_lock(&w->m);
        done = w->done;
        xmutex_unlock(&w->m);
    }
    if (!done) {
        w->fired = 1;
        xsock_send(w->peer, "!", 1);
    }
}

static long long recv_guarded(xsock_t c, xsock_t peer)
{
    struct watchdog w;
    xthread t;
    char b;
    long long r;
    w.peer = peer;
    w.done = w.fired = 0;
    xmutex_init(&w.m);
    CHECK(xthread_start(&t, watchdog_run, &w) == 0);
    r = xsock_recv(c, &b, 1);
    xmutex_lock(&w.m);
    w.done = 1;
    xmutex_unlock(&w.m);
    xthread_join(t);
    xmutex_destroy(&w.m);
    if (w.fired) XTEST_FAIL("the recv waited: the timed connect made the socket blocking");
    return r;
}

TEST(timed_connect_keeps_mode)
{
    xsock_t l, c, s, holder;
    xsock_addr a, refused;
    char chunk[16384];
    int i, r = 0;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    set_nb_outside(c);
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_EQ(recv_guarded(c, s), XSOCK_EAGAIN); /* still non-blocking */
#ifndef _WIN32
    CHECK(fcntl(c, F_GETFL) & O_NONBLOCK);
#endif
    /* A full send buffer says XSOCK_EAGAIN at once (a blocking socket
     * would wait here for ever: the peer never reads). */
    memset(chunk, 'x', sizeof chunk);
    for (i = 0; i < 100000 && (r = (int)xsock_send(c, chunk, sizeof chunk)) > 0; i++) {
    }
    CHECK_ERR(r, XSOCK_EAGAIN);
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(c));

    /* A blocking socket stays blocking: a receive timeout waits and says
     * XSOCK_ETIMEDOUT, where a non-blocking socket says XSOCK_EAGAIN. */
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_ERR(xsock_recv(c, chunk, 1), XSOCK_ETIMEDOUT);
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));

    tu_refused_addr(&holder, XSOCK_INET, &refused);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    set_nb_outside(c);
    CHECK_ERR(xsock_connect(c, &refused, 5000), XSOCK_ECONNREFUSED);
#ifndef _WIN32
    CHECK(fcntl(c, F_GETFL) & O_NONBLOCK);
#endif
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &refused, 5000), XSOCK_ECONNREFUSED);
#ifndef _WIN32
    CHECK((fcntl(c, F_GETFL) & O_NONBLOCK) == 0);
#endif
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(holder));
}

/* Item 8. A socket the timed connect connected knows its peer and can be
 * shut down (Windows: ConnectEx leaves both to SO_UPDATE_CONNECT_CONTEXT,
 * Microsoft's "ConnectEx function" page; Wine answers either way), on
 * both families, bound before the call or not. */
static void timed_connect_peer(int family, int bind_first)
{
    xsock_t l, c, s;
    xsock_addr a, peer, mine;
    char b;
    tu_listen(&l, family, &a);
    CHECK_OK(xsock_open(&c, family, XSOCK_STREAM));
    if (bind_first) {
        CHECK_OK(xsock_addr_loopback(&mine, family, 0));
        CHECK_OK(xsock_bind(c, &mine));
    }
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_peer_addr(c, &peer));
    CHECK_EQ(xsock_addr_port(&peer), xsock_addr_port(&a));
    CHECK(xsock_addr_equal(&peer, &a));
    CHECK_OK(xsock_local_addr(c, &mine));
    CHECK(xsock_addr_port(&mine) > 0);
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_OK(xsock_shutdown(c, XSOCK_SHUT_WR));
    CHECK_EQ(xsock_recv(s, &b, 1), 0); /* the peer sees the end */
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
}

TEST(timed_connect_peer)
{
    timed_connect_peer(XSOCK_INET, 0);
    timed_connect_peer(XSOCK_INET, 1);
    timed_connect_peer(XSOCK_INET6, 0);
}

#define FILL_MAX 64

/* Item 8. A timed connect that times out leaves nothing behind (Windows:
 * the cancelled ConnectEx's event) and the socket closes cleanly; every
 * attempt at a listener whose full backlog drops the SYN (Linux, so also
 * Wine) ends in XSOCK_ETIMEDOUT. Windows' own stack answers a full backlog
 * with RST (its listen() page: WSAECONNREFUSED), accepted there. */
TEST(timed_connect_timeout_clean)
{
    xsock_t l, filled[FILL_MAX], c;
    xsock_addr a, la;
    int n = 0, r = 0, i, timeouts = 0;
    long before, after;
    CHECK_OK(xsock_open(&l, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_addr_loopback(&la, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(l, &la));
    CHECK_OK(xsock_listen(l, 1));
    CHECK_OK(xsock_local_addr(l, &a));
    while (n < FILL_MAX) { /* fill the backlog */
        CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
        if ((r = xsock_connect(c, &a, 300)) != 0) break;
        filled[n++] = c;
    }
    CHECK(n < FILL_MAX);
    CHECK_OK(xsock_close(c));
    /* Progress lines: a run that hangs (once in CI, under Wine 8, cause
     * not yet known) then shows where. */
    printf("backlog full after %d connects\n", n);
    before = oh_count_self();
    for (i = 0; i < 6; i++) {
        long long t0 = tu_now_ms();
        CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
        r = xsock_connect(c, &a, 100);
        printf("timed connect %d: %s in %lld ms\n", i + 1, xsock_err_name(r), tu_now_ms() - t0);
#ifdef _WIN32
        if (r == XSOCK_ECONNREFUSED && !tu_under_wine()) r = XSOCK_ETIMEDOUT;
#endif
        CHECK_ERR(r, XSOCK_ETIMEDOUT);
        timeouts++;
        CHECK_OK(xsock_close(c));
    }
    after = oh_count_self();
    printf("%d timed out; handles before %ld, after %ld\n", timeouts, before, after);
    if (before >= 0 && after >= 0) CHECK(after <= before + 2); /* 6 leaked events would show */
    /* A timed connect after a non-blocking one that is still under way
     * waits for that attempt, on every OS (Windows' ConnectEx would refuse
     * it at once: WSAEALREADY, under Wine WSAEINVAL). */
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_set_nonblocking(c, 1));
    r = xsock_connect(c, &a, -1);
    CHECK(r == XSOCK_EINPROGRESS || r == XSOCK_ECONNREFUSED);
    if (r == XSOCK_EINPROGRESS) {
        r = xsock_connect(c, &a, 100);
#ifdef _WIN32
        if (r == XSOCK_ECONNREFUSED && !tu_under_wine()) r = XSOCK_ETIMEDOUT;
#endif
        CHECK_ERR(r, XSOCK_ETIMEDOUT);
    }
    CHECK_OK(xsock_close(c));
    for (i = 0; i < n; i++) CHECK_OK(xsock_close(filled[i]));
    CHECK_OK(xsock_close(l));
}

/* Item 6. A refused loopback connect fails at once where it is timed
 * (natively, and on the GitHub Windows runners, Windows Server 2022 =
 * build 20348 >= 16299, where the "no SYN retransmissions" value is set
 * by version, not by probing; without it Windows takes about 2 s). */
TEST(refused_loopback_is_quick)
{
    xsock_t holder, c;
    xsock_addr a;
    long long t0, took;
    tu_refused_addr(&holder, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    t0 = tu_now_ms();
    CHECK_ERR(xsock_connect(c, &a, 10000), XSOCK_ECONNREFUSED);
    took = tu_now_ms() - t0;
    if (tu_can_time() && took >= 1500) XTEST_FAIL("a refused loopback connect took %lld ms", took);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(holder));
}

XTEST_MAIN(XTEST(lazy_then_balanced_init) XTEST(foreign_cleanup_says_enotinit) XTEST(udp_recv_truncated)
               XTEST(udp_closed_port) XTEST(poll_socket_listed_twice) XTEST(scope_overflow)
                   XTEST(timeouts_keep_the_stream) XTEST(timeouts_keep_blocking_calls)
                       XTEST(shut_rd_one_meaning) XTEST(timed_connect_keeps_mode)
                           XTEST(timed_connect_peer) XTEST(timed_connect_timeout_clean)
                               XTEST(refused_loopback_is_quick))
