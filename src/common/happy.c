/* xsock_connect_any: Happy Eyeballs (RFC 8305) over the public calls. A
 * dead path costs 250 ms, not a whole timeout, before the next is tried. */
#include <stdlib.h>
#include "xsock_internal.h"

#define XSOCK__HAPPY_MAX 256
/* RFC 8305 section 5: "Connection Attempt Delay ... 250 ms". */
#define XSOCK__HAPPY_DELAY_MS 250

/* RFC 8305 section 4: interleave the families, the first address's family
 * first, keeping the order within each family. */
static void interleave(const xsock_addr *addrs, size_t n, size_t *order)
{
    int first = XSOCK__CSA(&addrs[0])->sa_family;
    size_t a = 0, b = 0, k = 0;
    while (k < n) {
        while (a < n && XSOCK__CSA(&addrs[a])->sa_family != first) a++;
        if (a < n) order[k++] = a++;
        while (b < n && XSOCK__CSA(&addrs[b])->sa_family == first) b++;
        if (b < n) order[k++] = b++;
    }
}

struct race {
    xsock_pollfd *fds; /* the attempts under way; XSOCK_INVALID when done */
    size_t started;
    int err;        /* the last failure */
    int failed_now; /* an attempt failed: start the next without delay */
};

static void close_keep(xsock_t s)
{
    int native = xsock_last_native_error();
    xsock_close(s);
    xsock__set_native_error(native);
}

/* Starts the attempt at addr: 1 connected at once (*won set), 0 under
 * way, < 0 failed at once. */
static int start(struct race *r, const xsock_addr *addr, xsock_t *won)
{
    xsock_t s;
    int rc = xsock_open(&s, xsock_addr_family(addr), XSOCK_STREAM);
    if (rc < 0) return rc;
    if ((rc = xsock_set_nonblocking(s, 1)) == 0) rc = xsock_connect(s, addr, -1);
    if (rc == 0) {
        *won = s;
        return 1;
    }
    if (rc != XSOCK_EINPROGRESS) {
        close_keep(s);
        r->failed_now = 1;
        return rc;
    }
    r->fds[r->started].sock = s;
    r->fds[r->started].events = XSOCK_POLLOUT;
    r->fds[r->started].revents = 0;
    r->started++;
    return 0;
}

/* Waits up to wait_ms for an attempt to finish: 1 and *won when one
 * connected, 0 otherwise (failures closed, their error kept). */
static int settle(struct race *r, int wait_ms, xsock_t *won)
{
    size_t i;
    int rc = xsock_poll(r->fds, r->started, wait_ms);
    if (rc <= 0) return rc;
    for (i = 0; i < r->started; i++) {
        xsock_t s = r->fds[i].sock;
        if (s == XSOCK_INVALID || r->fds[i].revents == 0) continue;
        r->fds[i].revents = 0;
        if ((rc = xsock_connect_result(s)) == 0) {
            r->fds[i].sock = XSOCK_INVALID;
            *won = s;
            return 1;
        }
        r->err = rc;
        r->failed_now = 1;
        close_keep(s);
        r->fds[i].sock = XSOCK_INVALID;
    }
    return 0;
}

static size_t pending(const struct race *r)
{
    size_t i, k = 0;
    for (i = 0; i < r->started; i++) k += r->fds[i].sock != XSOCK_INVALID;
    return k;
}

int xsock_connect_any(xsock_t *out, const xsock_addr *addrs, size_t n, int timeout_ms)
{
    struct race r;
    size_t *order, next = 0, i;
    xsock_t won = XSOCK_INVALID;
    long long t0, last_start = 0;
    int rc;
    if (out == NULL) return xsock__fail(XSOCK_EINVAL, 0);
    *out = XSOCK_INVALID;
    if (addrs == NULL || n == 0 || n > XSOCK__HAPPY_MAX) return xsock__fail(XSOCK_EINVAL, 0);
    for (i = 0; i < n; i++)
        if ((rc = xsock__addr_check(&addrs[i])) < 0) return rc;
    if ((rc = xsock__sys_startup()) < 0) return rc;
    order = (size_t *)malloc(n * sizeof *order);
    r.fds = (xsock_pollfd *)malloc(n * sizeof *r.fds);
    if (order == NULL || r.fds == NULL) {
        free(order);
        free(r.fds);
        return xsock__fail(XSOCK_ENOMEM, 0);
    }
    interleave(addrs, n, order);
    r.started = 0;
    r.failed_now = 0;
    r.err = XSOCK_ECONNREFUSED;
    t0 = xsock__sys_now_ms();
    for (;;) {
        long long now = xsock__sys_now_ms(), left = -1, wait;
        if (timeout_ms >= 0 && (left = (long long)timeout_ms - (now - t0)) <= 0) {
            r.err = xsock__fail(XSOCK_ETIMEDOUT, 0);
            break;
        }
        /* Start the next one when the delay is up, an attempt failed or
         * nothing is under way (RFC 8305 section 5). */
        if (next < n && (r.failed_now || pending(&r) == 0 || now - last_start >= XSOCK__HAPPY_DELAY_MS)) {
            r.failed_now = 0;
            rc = start(&r, &addrs[order[next++]], &won);
            last_start = now;
            if (rc == 1) break;
            if (rc < 0) r.err = rc;
            continue;
        }
        if (pending(&r) == 0) break; /* every attempt failed */
        wait = next < n ? XSOCK__HAPPY_DELAY_MS - (now - last_start) : -1;
        if (left >= 0 && (wait < 0 || wait > left)) wait = left;
        if ((rc = settle(&r, (int)wait, &won)) == 1) break;
        if (rc < 0) {
            r.err = rc;
            break;
        }
    }
    for (i = 0; i < r.started; i++)
        if (r.fds[i].sock != XSOCK_INVALID) close_keep(r.fds[i].sock);
    free(order);
    free(r.fds);
    if (won == XSOCK_INVALID) return xsock__fail(r.err, xsock_last_native_error());
    if ((rc = xsock_set_nonblocking(won, 0)) < 0) {
        close_keep(won);
        return rc;
    }
    *out = won;
    return 0;
}
