/* Signals and blocking calls (POSIX; Windows has no such signals, and the
 * tests there only check that the setting is kept per thread).
 *
 * Timeouts hold under signals: Linux returns EINTR from a socket call with
 * SO_RCVTIMEO/SO_SNDTIMEO even under SA_RESTART (signal(7)), and a plain
 * retry starts the whole timeout again, so a SIGALRM every 50 ms kept a
 * 300 ms timeout from ever firing. And xsock_set_interruptible(1) lets a
 * signal end a blocking call with XSOCK_EINTR. */
#include <string.h>
#include "testutil.h"
#include "xsock.h"

#ifndef _WIN32
#  include <errno.h>
#  include <signal.h>
#  include <sys/time.h>
#  include "alarms.h"


/* A 300 ms timeout under a SIGALRM every 50 ms (with SA_RESTART, which
 * Linux ignores for socket calls with a timeout) ends with XSOCK_ETIMEDOUT
 * within 300 to 1,000 ms. Without a deadline it took over 3 s here: the
 * timeout fired only after the 60th signal, when the handler stopped. */
#  define CHECK_TIMEOUT_UNDER_SIGNALS(call) CHECK_STOPPED_UNDER_SIGNALS(call, 0)
/* send_all may move some bytes before its timeout: then the count is the
 * answer (fwrite's contract), as long as it is short. */
#  define CHECK_STOPPED_UNDER_SIGNALS(call, short_count_of)                                   \
      do {                                                                                    \
          long long t0_, took_;                                                               \
          xsock_ssize_t r_, limit_ = (xsock_ssize_t)(short_count_of);                         \
          alarms_start(50, 60, 1);                                                            \
          t0_ = tu_now_ms();                                                                  \
          r_ = (call);                                                                        \
          took_ = tu_now_ms() - t0_;                                                          \
          alarms_stop();                                                                      \
          printf("%s: %lld ms, %d signals, %s\n", #call, took_, (int)alarms,                 \
                 r_ < 0 ? xsock_err_name((int)r_) : "bytes");                                 \
          if (r_ >= 0 && limit_ > 0)                                                          \
              CHECK(r_ > 0 && r_ < limit_);                                                   \
          else                                                                                \
              CHECK_ERR(r_, XSOCK_ETIMEDOUT);                                                 \
          CHECK(alarms >= 3);                                                                 \
          if (took_ < 280 || took_ > 1000)                                                    \
              XTEST_FAIL("a 300 ms timeout under signals took %lld ms", took_);               \
      } while (0)

static void recv_timeout_under_signals_posix(void)
{
    xsock_t c, s;
    char buf[16];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 300));
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_recv(c, buf, sizeof buf));
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_recv_all(c, buf, sizeof buf));
    /* The socket still works after the timeout. */
    CHECK_EQ(xsock_send(s, "ok", 2), 2);
    CHECK_EQ(xsock_recv_all(c, buf, 2), 2);
    CHECK(memcmp(buf, "ok", 2) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

static void recvfrom_timeout_under_signals_posix(void)
{
    xsock_t u;
    xsock_addr a, from;
    char buf[16];
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(u, &a));
    CHECK_OK(xsock_local_addr(u, &a));
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, 300));
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_recvfrom(u, buf, sizeof buf, &from));
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_recv(u, buf, sizeof buf));
    CHECK_EQ(xsock_sendto(u, "dg", 2, &a), 2);
    CHECK_EQ(xsock_recvfrom(u, buf, sizeof buf, &from), 2);
    CHECK(xsock_addr_equal(&from, &a));
    CHECK_OK(xsock_close(u));
}

static void accept_timeout_under_signals_posix(void)
{
    xsock_t l, c, s;
    xsock_addr a;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_set_option(l, XSOCK_OPT_RCVTIMEO, 300));
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_accept(l, &s, NULL));
    CHECK(s == XSOCK_INVALID);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
}

/* Fills c's send buffer and the peer's receive buffer. A buffer size set
 * by hand stops Linux from growing them later (tcp(7)), which would let a
 * blocking send through after all. */
static void fill(xsock_t c)
{
    static char junk[65536];
    int quiet = 0, tries;
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDBUF, 65536));
    CHECK_OK(xsock_set_nonblocking(c, 1));
    /* Until a pause frees no room: loopback moves queued bytes on to the
     * peer's buffer for a while after the first EAGAIN. */
    for (tries = 0; tries < 100 && quiet < 2; tries++) {
        int moved = 0;
        while (xsock_send(c, junk, sizeof junk) > 0) moved = 1;
        quiet = moved ? 0 : quiet + 1;
        xthread_sleep_ms(50);
    }
    CHECK_OK(xsock_set_nonblocking(c, 0));
}

static void send_timeout_under_signals_posix(void)
{
    xsock_t c, s;
    static char big[1 << 20];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVBUF, 65536));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 300));
    fill(c);
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_send(c, big, sizeof big));
    CHECK_STOPPED_UNDER_SIGNALS(xsock_send_all(c, big, sizeof big), sizeof big);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Two buffers over buf (n bytes). */
static void two_bufs(xsock_buf b[2], char *buf, size_t n)
{
    b[0].base = buf;
    b[0].len = n / 2;
    b[1].base = buf + n / 2;
    b[1].len = n - n / 2;
}

/* xsock_sendv / xsock_recvv keep the deadline under signals as send/recv
 * do (issue 10; before, they retried EINTR themselves and started the
 * whole timeout again). */
static void vector_timeout_under_signals_posix(void)
{
    xsock_t c, s;
    xsock_buf b[2];
    static char big[1 << 20];
    char buf[16];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    two_bufs(b, buf, sizeof buf);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 300));
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_recvv(c, b, 2));
    CHECK_EQ(xsock_send(s, "ok", 2), 2); /* still usable */
    CHECK_EQ(xsock_recvv(c, b, 2), 2);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVBUF, 65536));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 300));
    fill(c);
    two_bufs(b, big, sizeof big);
    CHECK_TIMEOUT_UNDER_SIGNALS(xsock_sendv(c, b, 2));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* Data is neither lost nor repeated when signals keep interrupting a
 * transfer that has a timeout (the retry after EINTR does not block). */
static void transfer_intact_under_signals_posix(void)
{
    xsock_t c, s;
    static unsigned char out[8 << 20], in[8 << 20];
    xsock_ssize_t got = 0, r;
    size_t sent = 0;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 5000));
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 5000));
    CHECK_OK(xsock_set_nonblocking(c, 1));
    tu_fill(out, sizeof out, 0);
    alarms_start(1, 1000000, 1);
    while ((size_t)got < sizeof in) {
        if (sent < sizeof out && (r = xsock_send(c, out + sent, sizeof out - sent)) > 0) sent += (size_t)r;
        r = xsock_recv(s, in + got, sizeof in - (size_t)got);
        if (r <= 0) XTEST_FAIL("recv under signals gave %s", xsock_err_name((int)r));
        got += r;
    }
    alarms_stop();
    printf("%d signals during 8 MiB\n", (int)alarms);
    CHECK(tu_check_fill(in, sizeof in, 0));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* ---- xsock_set_interruptible ------------------------------------------------ */


#  define CHECK_EINTR(call)                                                                   \
      do {                                                                                    \
          long long t0_ = tu_now_ms();                                                        \
          xsock_ssize_t r_;                                                                   \
          one_alarm(100);                                                                     \
          r_ = (call);                                                                        \
          alarms_stop();                                                                      \
          CHECK_ERR(r_, XSOCK_EINTR);                                                         \
          CHECK_EQ(xsock_last_native_error(), EINTR);                                                                \
          CHECK_EQ(alarms, 1);                                                                \
          if (tu_now_ms() - t0_ > 3000) XTEST_FAIL("%s took %lld ms", #call, tu_now_ms() - t0_); \
      } while (0)

/* A stop flag set by a signal handler can end a blocking server. */
static void interruptible_calls_posix(void)
{
    xsock_t l, c, s, u;
    xsock_addr a;
    xsock_pollfd p;
    static char big[1 << 20];
    char buf[16];
    CHECK_EQ(xsock_set_interruptible(1), 0);
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_EINTR(xsock_accept(l, &s, NULL));
    CHECK(s == XSOCK_INVALID);

    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_accept(l, &s, NULL));
    CHECK_EINTR(xsock_recv(c, buf, sizeof buf));
    /* recv_all: with bytes in hand the count, without them the code. */
    CHECK_EQ(xsock_send(s, "abc", 3), 3);
    one_alarm(100);
    CHECK_EQ(xsock_recv_all(c, buf, 10), 3);
    alarms_stop();
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_EINTR(xsock_recv_all(c, buf, 10));
    /* A timeout set as well does not hide the signal. */
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 5000));
    CHECK_EINTR(xsock_recv(c, buf, sizeof buf));
    fill(c);
    CHECK_EINTR(xsock_send(c, big, sizeof big));
    p.sock = c;
    p.events = XSOCK_POLLOUT;
    CHECK_EINTR(xsock_poll(&p, 1, -1));
    CHECK_EINTR(xsock_poll(&p, 1, 5000));

    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(u, &a));
    CHECK_EINTR(xsock_recvfrom(u, buf, sizeof buf, NULL));

    /* Off again: the same signal no longer ends the call. */
    CHECK_EQ(xsock_set_interruptible(0), 1);
    CHECK_OK(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, 400));
    one_alarm(100);
    CHECK_ERR(xsock_recvfrom(u, buf, sizeof buf, NULL), XSOCK_ETIMEDOUT);
    alarms_stop();
    CHECK_EQ(alarms, 1);
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
    CHECK_OK(xsock_close(l));
}

/* xsock_set_interruptible(1) ends a blocking xsock_recvv / xsock_sendv
 * with XSOCK_EINTR too. The 2 s timeouts only bound a failure: a call that
 * retried the signal away would end with XSOCK_ETIMEDOUT instead. */
static void vector_interruptible_posix(void)
{
    xsock_t c, s;
    xsock_buf b[2];
    static char big[1 << 20];
    char buf[16];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 2000));
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 2000));
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_RCVBUF, 65536));
    CHECK_EQ(xsock_set_interruptible(1), 0);
    two_bufs(b, buf, sizeof buf);
    CHECK_EINTR(xsock_recvv(c, b, 2));
    fill(c);
    two_bufs(b, big, sizeof big);
    CHECK_EINTR(xsock_sendv(c, b, 2));
    CHECK_EQ(xsock_set_interruptible(0), 1);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

#endif /* _WIN32 */

/* Windows has no signals that interrupt a socket call: there the tests say
 * so; only the setting itself, per thread, is checked on both. */
#ifdef _WIN32
#  define ON_POSIX(fn) printf("no POSIX signals on Windows: nothing to interrupt\n")
#else
#  define ON_POSIX(fn) fn()
#endif

TEST(recv_timeout_under_signals)
{
    ON_POSIX(recv_timeout_under_signals_posix);
}

TEST(recvfrom_timeout_under_signals)
{
    ON_POSIX(recvfrom_timeout_under_signals_posix);
}

TEST(accept_timeout_under_signals)
{
    ON_POSIX(accept_timeout_under_signals_posix);
}

TEST(send_timeout_under_signals)
{
    ON_POSIX(send_timeout_under_signals_posix);
}

TEST(transfer_intact_under_signals)
{
    ON_POSIX(transfer_intact_under_signals_posix);
}

TEST(interruptible_calls)
{
    ON_POSIX(interruptible_calls_posix);
}

TEST(vector_timeout_under_signals)
{
    ON_POSIX(vector_timeout_under_signals_posix);
}

TEST(vector_interruptible)
{
    ON_POSIX(vector_interruptible_posix);
}

static int other_thread_setting = -1;
static void other_thread(void *arg)
{
    (void)arg;
    other_thread_setting = xsock_set_interruptible(0);
}

/* The setting is the calling thread's: another thread starts with 0. */
TEST(interruptible_per_thread)
{
    xthread t;
    CHECK_EQ(xsock_set_interruptible(1), 0);
    CHECK_EQ(xthread_start(&t, other_thread, NULL), 0);
    xthread_join(t);
    CHECK_EQ(other_thread_setting, 0);
    CHECK_EQ(xsock_set_interruptible(0), 1);
}

XTEST_MAIN(XTEST(recv_timeout_under_signals) XTEST(recvfrom_timeout_under_signals)
               XTEST(accept_timeout_under_signals) XTEST(send_timeout_under_signals)
                   XTEST(transfer_intact_under_signals) XTEST(interruptible_calls)
                       XTEST(interruptible_per_thread) XTEST(vector_timeout_under_signals)
                           XTEST(vector_interruptible))
