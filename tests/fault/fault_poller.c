/* The poller's wait under faked signals (POSIX): an interrupted wait goes
 * on, for the time that is left (timeout > 0), until something is ready
 * (< 0), or with one more look (0), as the header says ("signals do not cut
 * it short"). epoll's common wait hands an interruption to its slower path
 * (wait_long in src/posix/poller_epoll.c), which keeps the deadline. */
#include "testutil.h"
#include "fi.h"

/* A poller watching c for input, with u as its udata. */
static xsock_poller *watching(xsock_t c, void *u)
{
    xsock_poller *p = NULL;
    CHECK_OK(xsock_poller_create(&p));
    CHECK_OK(xsock_poller_add(p, c, XSOCK_POLLIN, u));
    printf("backend %s\n", xsock_poller_backend(p));
    return p;
}

/* Ends what watching() began: no more faults, the poller and the pair gone. */
static void unwatch(xsock_poller *p, xsock_t c, xsock_t s)
{
    fi_clear();
    xsock_poller_destroy(p);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

#ifndef _WIN32
/* The OS call the poller's backend waits in. */
static int wait_call(const xsock_poller *p)
{
    const char *b = xsock_poller_backend(p);
    if (strcmp(b, "epoll") == 0) return FI_EPOLL_WAIT;
    if (strcmp(b, "kqueue") == 0) return FI_KEVENT;
    return FI_POLL;
}

/* Five signals, nothing ready: the wait still ends after about 300 ms. */
TEST(interrupted_wait_keeps_its_timeout)
{
    xsock_t c, s;
    xsock_event ev[4];
    xsock_poller *p;
    long long t0, spent;
    long before;
    int u, fn;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p = watching(c, &u);
    fn = wait_call(p);
    fi_fail(fn, 1, 5, EINTR);
    before = fi_calls(fn);
    t0 = tu_now_ms();
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 300), 0);
    spent = tu_now_ms() - t0;
    CHECK_EQ(fi_calls(fn) - before, 6);
    if (tu_can_time() && (spent < 290 || spent > 3000)) XTEST_FAIL("a 300 ms wait took %lld ms", spent);
    unwatch(p, c, s);
}

/* Without a timeout, three signals and then the ready socket's event; with
 * timeout 0, a signal and then the look that finds it. */
TEST(interrupted_wait_goes_on)
{
    xsock_t c, s;
    xsock_event ev[4];
    xsock_poller *p;
    long before;
    int u, fn;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p = watching(c, &u);
    fn = wait_call(p);
    CHECK_EQ(xsock_send(s, "x", 1), 1);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 5000), 1); /* it has arrived */

    fi_fail(fn, 1, 3, EINTR);
    before = fi_calls(fn);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, -1), 1);
    CHECK_EQ(fi_calls(fn) - before, 4);
    CHECK(ev[0].sock == c && ev[0].udata == &u && ev[0].events == XSOCK_POLLIN);

    fi_fail(fn, 1, 1, EINTR);
    before = fi_calls(fn);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 0), 1);
    CHECK_EQ(fi_calls(fn) - before, 2);
    CHECK(ev[0].sock == c && ev[0].udata == &u);

    /* Any other failure is the answer. */
    fi_fail(fn, 1, 1, ENOMEM);
    CHECK_ERR(xsock_poller_wait(p, ev, 4, -1), XSOCK_ENOMEM);
    unwatch(p, c, s);
}

/* Windows' AFD poller (below): nothing of it on POSIX. */
TEST(afd_poll_fails)
{
    printf("no AFD poller on POSIX\n");
}

TEST(afd_cannot_start)
{
    printf("no AFD poller on POSIX\n");
}
#else
/* Winsock has no signals; select's own failures are passed on. */
TEST(interrupted_wait_keeps_its_timeout)
{
    printf("Winsock has no signals: nothing interrupts select\n");
}

TEST(interrupted_wait_goes_on)
{
    xsock_t c, s;
    xsock_event ev[4];
    xsock_poller *p = NULL;
    int u;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p = watching(c, &u);
    CHECK_EQ(xsock_send(s, "x", 1), 1);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 5000), 1);
    CHECK(ev[0].sock == c && ev[0].udata == &u);
    unwatch(p, c, s);
}

/* An AFD poll that cannot be submitted (ntdll's NtDeviceIoControlFile
 * failing with STATUS_INSUFFICIENT_RESOURCES): the socket is reported
 * with XSOCK_POLLERR and its watched events, as the header says of an
 * error, and polled again by the next wait. A socket's first poll is its
 * group's shared one (src/win32/poller_afd.c): that fails first, then the
 * socket's own. */
TEST(afd_poll_fails)
{
    xsock_t c, s;
    xsock_event ev[4];
    xsock_poller *p = NULL;
    int u;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    p = watching(c, &u);
    CHECK_STR(xsock_poller_backend(p), "afd");
    fi_fail(FI_AFD_POLL, 1, -1, ERROR_NO_SYSTEM_RESOURCES);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 1000), 1);
    CHECK(ev[0].sock == c && ev[0].udata == &u);
    CHECK_EQ(ev[0].events, XSOCK_POLLERR | XSOCK_POLLIN);
    printf("%ld polls failed\n", fi_calls(FI_AFD_POLL));
    CHECK(fi_calls(FI_AFD_POLL) >= 2); /* the shared one, then its own */
    fi_clear();
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 0), 0); /* polled again: nothing to read */
    CHECK_EQ(xsock_send(s, "x", 1), 1);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 5000), 1);
    CHECK(ev[0].sock == c && ev[0].udata == &u);
    CHECK_EQ(ev[0].events, XSOCK_POLLIN);
    unwatch(p, c, s);
}

/* \Device\Afd missing at create (ntdll's NtCreateFile failing with
 * STATUS_OBJECT_NAME_NOT_FOUND): the poller is a select one
 * ("win32-select"), whole. Out of resources at create: that error, no
 * poller. An AFD handle that cannot be had later, for the 33rd socket's
 * group, fails that add with the error, and the next add gets one. */
TEST(afd_cannot_start)
{
    xsock_t c, s, u[33];
    xsock_event ev[4];
    xsock_poller *p = NULL;
    int tag, i;
    fi_install();
    tu_tcp_pair(XSOCK_INET, &c, &s);
    fi_fail(FI_AFD_OPEN, 1, 1, ERROR_FILE_NOT_FOUND);
    CHECK_OK(xsock_poller_create(&p));
    CHECK_EQ(fi_calls(FI_AFD_OPEN), 1);
    CHECK_STR(xsock_poller_backend(p), "win32-select");
    CHECK_OK(xsock_poller_add(p, c, XSOCK_POLLIN, &tag));
    CHECK_EQ(xsock_send(s, "x", 1), 1);
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 5000), 1);
    CHECK(ev[0].sock == c && ev[0].udata == &tag && ev[0].events == XSOCK_POLLIN);
    xsock_poller_destroy(p);
    fi_fail(FI_AFD_OPEN, 1, 1, ERROR_NO_SYSTEM_RESOURCES);
    CHECK_ERR(xsock_poller_create(&p), XSOCK_ENOBUFS);
    CHECK(p == NULL);
    CHECK_EQ(xsock_last_native_error(), ERROR_NO_SYSTEM_RESOURCES);
    fi_clear();
    CHECK_OK(xsock_poller_create(&p));
    CHECK_STR(xsock_poller_backend(p), "afd");
    for (i = 0; i < 33; i++) CHECK_OK(xsock_udp_bind(&u[i], "127.0.0.1", 0));
    for (i = 0; i < 32; i++) CHECK_OK(xsock_poller_add(p, u[i], XSOCK_POLLIN, &u[i]));
    fi_fail(FI_AFD_OPEN, 1, 1, ERROR_NO_SYSTEM_RESOURCES);
    CHECK_ERR(xsock_poller_add(p, u[32], XSOCK_POLLIN, &u[32]), XSOCK_ENOBUFS);
    CHECK_EQ(xsock_last_native_error(), ERROR_NO_SYSTEM_RESOURCES);
    CHECK_OK(xsock_poller_add(p, u[32], XSOCK_POLLIN | XSOCK_POLLOUT, &u[32]));
    CHECK_EQ(xsock_poller_wait(p, ev, 4, 5000), 1); /* a UDP socket can send */
    CHECK(ev[0].sock == u[32] && ev[0].events == XSOCK_POLLOUT);
    fi_clear();
    xsock_poller_destroy(p);
    for (i = 0; i < 33; i++) CHECK_OK(xsock_close(u[i]));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}
#endif

XTEST_MAIN(XTEST(interrupted_wait_keeps_its_timeout) XTEST(interrupted_wait_goes_on)
               XTEST(afd_poll_fails) XTEST(afd_cannot_start))
