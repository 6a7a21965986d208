/* Out of memory where the library allocates: xsock_poll past 64 entries
 * and the poller. XSOCK_ENOMEM comes back, nothing leaks, and what was
 * there before still works. */
#include "testutil.h"
#include "fi.h"

#define N 65

static void fill(xsock_pollfd *fds, size_t n, const xsock_t *s, size_t ns)
{
    size_t i;
    for (i = 0; i < n; i++) {
        fds[i].sock = s[i % ns]; /* a socket may stand in several entries */
        fds[i].events = XSOCK_POLLOUT;
    }
}

/* Up to 64 entries xsock_poll uses the stack; past that it allocates
 * (POSIX: one pollfd array; Windows: three fd_sets). Each allocation
 * failing in turn gives XSOCK_ENOMEM and frees the ones before it. */
TEST(poll_enomem)
{
    xsock_t s[3];
    xsock_pollfd fds[N];
    long before, allocs, k;
    int i;
    fi_install();
    for (i = 0; i < 3; i++) CHECK_OK(xsock_udp_bind(&s[i], "127.0.0.1", 0));
    fill(fds, N, s, 3);

    before = fi_calls(FI_ALLOC);
    CHECK_EQ(xsock_poll(fds, 64, 1000), 64);
    CHECK_EQ(fi_calls(FI_ALLOC), before);
    CHECK_EQ(xsock_poll(fds, N, 1000), N);
    allocs = fi_calls(FI_ALLOC) - before;
    CHECK_EQ(allocs, FI_E(1, 3));
    CHECK_EQ(fi_alloc_balance(), 0);

    for (k = 1; k <= allocs; k++) {
        fi_reset_counts();
        fi_fail(FI_ALLOC, k, 1, 0);
        CHECK_ERR(xsock_poll(fds, N, 1000), XSOCK_ENOMEM);
        CHECK_EQ(xsock_last_native_error(), FI_E(ENOMEM, WSA_NOT_ENOUGH_MEMORY));
        CHECK_EQ(fi_alloc_balance(), 0);
    }
    fi_clear();
    CHECK_EQ(xsock_poll(fds, N, 1000), N);
    for (i = 0; i < 3; i++) CHECK_OK(xsock_close(s[i]));
}

#define MANY 200

/* A poller that cannot grow refuses the one socket and keeps the others. */
TEST(poller_enomem)
{
    static xsock_t s[MANY];
    static xsock_event evs[MANY];
    xsock_poller *p = NULL;
    long grew;
    int i, n, added;
    fi_install();
    for (i = 0; i < MANY; i++) CHECK_OK(xsock_udp_bind(&s[i], "127.0.0.1", 0));

    /* Creating it with no memory at all (POSIX would fall back to poll()
     * if only epoll's allocation failed). */
    fi_fail(FI_ALLOC, 1, -1, 0);
    CHECK_ERR(xsock_poller_create(&p), XSOCK_ENOMEM);
    CHECK_EQ(xsock_last_native_error(), FI_E(ENOMEM, WSA_NOT_ENOUGH_MEMORY));
    CHECK(p == NULL);
    CHECK_EQ(fi_alloc_balance(), 0);
    fi_clear();
    CHECK_OK(xsock_poller_create(&p));
    printf("backend %s\n", xsock_poller_backend(p));

    /* Adding until a table must grow, with every allocation failing. */
    fi_fail(FI_ALLOC, 1, -1, 0);
    for (added = 0; added < MANY; added++) {
        int r = xsock_poller_add(p, s[added], XSOCK_POLLOUT, &s[added]);
        if (r < 0) {
            CHECK_ERR(r, XSOCK_ENOMEM);
            break;
        }
    }
    if (added == MANY) XTEST_FAIL("%d sockets added without an allocation", MANY);
    printf("the table grows at socket %d\n", added + 1);
    grew = fi_calls(FI_ALLOC);
    /* The poller is unharmed: it reports the sockets it has. */
    n = xsock_poller_wait(p, evs, MANY, added > 0 ? 1000 : 0);
    if (n == XSOCK_ENOMEM) { /* epoll: the first wait sizes its buffer */
        fi_clear();
        n = xsock_poller_wait(p, evs, MANY, added > 0 ? 1000 : 0);
    }
    CHECK_EQ(n, added);
    for (i = 0; i < n; i++) CHECK(*(xsock_t *)evs[i].udata == evs[i].sock);
    fi_clear();
    /* With memory again the same socket goes in, and the rest after it. */
    for (i = added; i < MANY; i++) CHECK_OK(xsock_poller_add(p, s[i], XSOCK_POLLOUT, &s[i]));
    CHECK(fi_calls(FI_ALLOC) > grew);
    CHECK_EQ(xsock_poller_wait(p, evs, MANY, 1000), MANY);
    for (i = 0; i < MANY; i++) CHECK(*(xsock_t *)evs[i].udata == evs[i].sock);

    /* A wait that needs a bigger buffer (epoll, kqueue) and gets none. */
    xsock_poller_destroy(p);
    CHECK_OK(xsock_poller_create(&p));
    for (i = 0; i < MANY; i++) CHECK_OK(xsock_poller_add(p, s[i], XSOCK_POLLOUT, &s[i]));
    CHECK_EQ(xsock_poller_wait(p, evs, 1, 1000), 1);
    fi_fail(FI_ALLOC, 1, -1, 0);
    n = xsock_poller_wait(p, evs, MANY, 1000);
    CHECK(n == MANY || n == XSOCK_ENOMEM); /* poll and select need no more memory to wait */
    fi_clear();
    CHECK_EQ(xsock_poller_wait(p, evs, MANY, 1000), MANY);

    xsock_poller_destroy(p);
    for (i = 0; i < MANY; i++) CHECK_OK(xsock_close(s[i]));
}

XTEST_MAIN(XTEST(poll_enomem) XTEST(poller_enomem))
