/* xsock_connect_any (Happy Eyeballs, RFC 8305) and xsock_tcp_connect over it.
 * No DNS: the addresses are loopback ones, dead or alive. */
#include "testutil.h"

#define MAX_FILL 64

/* A listener on ::1 whose backlog is full, so that its SYNs go unanswered
 * (Linux, and Wine, which uses Linux's sockets, drop a SYN when the accept
 * queue is full). Real Windows answers a full backlog with a reset instead
 * ("listen function", Microsoft docs: WSAECONNREFUSED), which the tests
 * accept: the path is dead either way. Returns 0 without IPv6. */
static int dead_v6(xsock_t *l, xsock_addr *a, xsock_t *fill, int *nfill)
{
    xsock_addr any;
    int i;
    *nfill = 0;
    if (xsock_open(l, XSOCK_INET6, XSOCK_STREAM) < 0) return 0;
    CHECK_OK(xsock_addr_loopback(&any, XSOCK_INET6, 0));
    if (xsock_bind(*l, &any) < 0) {
        xsock_close(*l);
        return 0;
    }
    CHECK_OK(xsock_listen(*l, 0));
    CHECK_OK(xsock_local_addr(*l, a));
    for (i = 0; i < MAX_FILL; i++) {
        xsock_t c;
        int r;
        CHECK_OK(xsock_open(&c, XSOCK_INET6, XSOCK_STREAM));
        r = xsock_connect(c, a, 300);
        if (r == 0) {
            fill[(*nfill)++] = c;
            continue;
        }
        CHECK(r == XSOCK_ETIMEDOUT || r == XSOCK_ECONNREFUSED);
        CHECK_OK(xsock_close(c));
        return 1; /* full */
    }
    XTEST_FAIL("the backlog of ::1 never filled");
    return 0;
}

static void undead(xsock_t l, xsock_t *fill, int nfill)
{
    int i;
    for (i = 0; i < nfill; i++) CHECK_OK(xsock_close(fill[i]));
    CHECK_OK(xsock_close(l));
}

TEST(dead_v6_then_v4)
{
    xsock_t l6, l4, c, srv, fill[MAX_FILL];
    xsock_addr addrs[2], peer;
    int nfill, timeout = tu_can_time() ? 8000 : 30000;
    long long t0, spent;
    if (!dead_v6(&l6, &addrs[0], fill, &nfill)) {
        printf("no IPv6 loopback here: nothing to race\n");
        return;
    }
    tu_listen(&l4, XSOCK_INET, &addrs[1]);
    t0 = tu_now_ms();
    CHECK_OK(xsock_connect_any(&c, addrs, 2, timeout));
    spent = tu_now_ms() - t0;
    printf("connected in %lld ms (timeout %d)\n", spent, timeout);
    CHECK_OK(xsock_peer_addr(c, &peer));
    CHECK(xsock_addr_equal(&peer, &addrs[1]));
    /* Well under the timeout: the ::1 attempt cost 250 ms, not all of it.
     * A ratio of the timeout, so that it holds under Wine as well. */
    CHECK(spent < timeout / 4);
    /* The winner is blocking, as promised. */
    CHECK_OK(xsock_accept(l4, &srv, NULL));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 50));
    {
        char b;
        CHECK_ERR(xsock_recv(c, &b, 1), XSOCK_ETIMEDOUT);
    }
    CHECK_OK(xsock_close(srv));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l4));
    undead(l6, fill, nfill);
}

/* A refused attempt starts the next at once: eight refusals in a row take
 * far less than the eight delays of 250 ms that waiting would cost. */
TEST(failure_starts_next_at_once)
{
    xsock_t holders[8], l, c, srv;
    xsock_addr addrs[9];
    long long t0, spent;
    int i;
    for (i = 0; i < 8; i++) tu_refused_addr(&holders[i], XSOCK_INET, &addrs[i]);
    tu_listen(&l, XSOCK_INET, &addrs[8]);
    t0 = tu_now_ms();
    CHECK_OK(xsock_connect_any(&c, addrs, 9, 60000));
    spent = tu_now_ms() - t0;
    printf("eight refusals and a connect in %lld ms\n", spent);
    if (tu_can_time()) CHECK(spent < 1750);
    CHECK_OK(xsock_accept(l, &srv, NULL));
    CHECK_OK(xsock_close(srv));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
    for (i = 0; i < 8; i++) CHECK_OK(xsock_close(holders[i]));
}

TEST(all_refused)
{
    xsock_t holders[3], c = 0;
    xsock_addr addrs[3];
    int i;
    for (i = 0; i < 3; i++) tu_refused_addr(&holders[i], XSOCK_INET, &addrs[i]);
    CHECK_ERR(xsock_connect_any(&c, addrs, 3, 10000), XSOCK_ECONNREFUSED);
    CHECK(c == XSOCK_INVALID);
    for (i = 0; i < 3; i++) CHECK_OK(xsock_close(holders[i]));
}

/* timeout_ms bounds the whole race. */
TEST(timeout_bounds_the_whole)
{
    xsock_t l6, c = 0, fill[MAX_FILL];
    xsock_addr a;
    int nfill, r;
    long long t0, spent;
    if (!dead_v6(&l6, &a, fill, &nfill)) {
        printf("no IPv6 loopback here: nothing to time out\n");
        return;
    }
    t0 = tu_now_ms();
    r = xsock_connect_any(&c, &a, 1, 300);
    spent = tu_now_ms() - t0;
    CHECK(c == XSOCK_INVALID);
    if (r == XSOCK_ECONNREFUSED && !tu_under_wine()) {
        printf("Windows resets a full backlog: refused, not timed out\n");
    } else {
        CHECK_ERR(r, XSOCK_ETIMEDOUT);
        if (tu_can_time()) CHECK(spent >= 250 && spent < 5000);
    }
    undead(l6, fill, nfill);
}

TEST(tcp_connect_races)
{
    xsock_t l, c, srv;
    xsock_addr a;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_tcp_connect(&c, "127.0.0.1", xsock_addr_port(&a), 5000));
    CHECK_OK(xsock_accept(l, &srv, NULL));
    CHECK_OK(xsock_close(srv));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
}

TEST(bad_input)
{
    xsock_t c;
    xsock_addr addrs[2], empty;
    CHECK_OK(xsock_addr_loopback(&addrs[0], XSOCK_INET, 9));
    memset(&empty, 0, sizeof empty);
    addrs[1] = empty;
    CHECK_ERR(xsock_connect_any(NULL, addrs, 1, 100), XSOCK_EINVAL);
    CHECK_ERR(xsock_connect_any(&c, NULL, 1, 100), XSOCK_EINVAL);
    CHECK(c == XSOCK_INVALID);
    CHECK_ERR(xsock_connect_any(&c, addrs, 0, 100), XSOCK_EINVAL);
    CHECK_ERR(xsock_connect_any(&c, addrs, 257, 100), XSOCK_EINVAL);
    CHECK_ERR(xsock_connect_any(&c, addrs, 2, 100), XSOCK_EINVAL); /* an empty address */
    CHECK(c == XSOCK_INVALID);
}

XTEST_MAIN(XTEST(dead_v6_then_v4) XTEST(failure_starts_next_at_once) XTEST(all_refused)
               XTEST(timeout_bounds_the_whole) XTEST(tcp_connect_races) XTEST(bad_input))
