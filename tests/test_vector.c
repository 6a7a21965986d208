/* Scatter/gather: xsock_sendv / xsock_recvv, and the xsock_buf layout that
 * lets an array go to the OS without a copy. */
#include "testutil.h"
#ifdef _WIN32
#  include <winsock2.h>
#else
#  include <sys/uio.h>
#  include <unistd.h>
#endif

/* Receives exactly n bytes spread over bufs with xsock_recvv, moving the
 * array on after each partial read as a caller would. */
static void recvv_all(xsock_t s, xsock_buf *bufs, size_t count, size_t n)
{
    size_t got = 0;
    while (got < n) {
        xsock_ssize_t r = xsock_recvv(s, bufs, count);
        size_t k = (size_t)CHECK_OK(r);
        CHECK(k > 0);
        got += k;
        while (k > 0 && count > 0) {
            if (k >= (size_t)bufs[0].len) {
                k -= (size_t)bufs[0].len;
                bufs++;
                count--;
            } else {
                bufs[0].base += k;
                bufs[0].len -= (unsigned long)k;
                k = 0;
            }
        }
    }
    CHECK_EQ(got, n);
}

TEST(sendv_recvv_stream)
{
    xsock_t c, s;
    unsigned char out[1056], in[1056];
    xsock_buf b[3];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    tu_fill(out, sizeof out, 0);
    /* A 16-byte header, 1 KiB of body, a 16-byte trailer: one call. */
    b[0] = xsock_buf_init(out, 16);
    b[1] = xsock_buf_init(out + 16, 1024);
    b[2] = xsock_buf_init(out + 1040, 16);
    CHECK_EQ(xsock_sendv(c, b, 3), 1056);
    CHECK_EQ(xsock_recv_all(s, in, sizeof in), 1056);
    CHECK(memcmp(in, out, sizeof in) == 0);
    /* The other way round, into buffers cut elsewhere. */
    CHECK_EQ(xsock_send_all(s, out, sizeof out), 1056);
    memset(in, 0, sizeof in);
    b[0] = xsock_buf_init(in, 1);
    b[1] = xsock_buf_init(in + 1, 1000);
    b[2] = xsock_buf_init(in + 1001, 55);
    recvv_all(c, b, 3, sizeof in);
    CHECK(memcmp(in, out, sizeof in) == 0);
    /* End of stream reads as 0, as xsock_recv. */
    CHECK_OK(xsock_shutdown(s, XSOCK_SHUT_WR));
    b[0] = xsock_buf_init(in, 10);
    CHECK_EQ(xsock_recvv(c, b, 1), 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* The promise behind the struct: an xsock_buf array is what the OS takes. */
TEST(buf_layout_is_the_os_array)
{
    xsock_t c, s;
    char in[12];
    xsock_buf b[2];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    b[0] = xsock_buf_init((void *)"hello ", 6);
    b[1] = xsock_buf_init((void *)"world!", 6);
    CHECK(b[0].len == 6 && memcmp(b[1].base, "world!", 6) == 0);
#ifdef _WIN32
    {
        DWORD sent = 0;
        CHECK(WSASend((SOCKET)c, (WSABUF *)b, 2, &sent, 0, NULL, NULL) == 0);
        CHECK_EQ(sent, 12);
        CHECK(sizeof(WSABUF) == sizeof(xsock_buf));
    }
#else
    CHECK_EQ(writev(c, (const struct iovec *)(const void *)b, 2), 12);
    CHECK(sizeof(struct iovec) == sizeof(xsock_buf));
#endif
    CHECK_EQ(xsock_recv_all(s, in, 12), 12);
    CHECK(memcmp(in, "hello world!", 12) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(iov_max)
{
    static xsock_buf b[XSOCK_IOV_MAX + 1];
    static unsigned char out[XSOCK_IOV_MAX], in[XSOCK_IOV_MAX];
    xsock_t c, s;
    size_t i;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    tu_fill(out, sizeof out, 7);
    for (i = 0; i < XSOCK_IOV_MAX + 1; i++) b[i] = xsock_buf_init(out + (i % XSOCK_IOV_MAX), 1);
    /* One past the limit is refused before anything moves... */
    CHECK_ERR(xsock_sendv(c, b, XSOCK_IOV_MAX + 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_recvv(c, b, XSOCK_IOV_MAX + 1), XSOCK_EINVAL);
    /* ...the limit itself works, on every OS. */
    CHECK_EQ(xsock_sendv(c, b, XSOCK_IOV_MAX), XSOCK_IOV_MAX);
    CHECK_EQ(xsock_recv_all(s, in, sizeof in), XSOCK_IOV_MAX);
    CHECK(memcmp(in, out, sizeof in) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

TEST(bad_input)
{
    xsock_t c, s;
    char buf[16];
    xsock_buf b[2];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    b[0] = xsock_buf_init(buf, sizeof buf);
    CHECK_ERR(xsock_sendv(c, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_recvv(c, NULL, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_sendv(XSOCK_INVALID, b, 1), XSOCK_EBADF);
    CHECK_ERR(xsock_recvv(XSOCK_INVALID, b, 1), XSOCK_EBADF);
    /* Nothing to move: 0 at once (a blocking recv with no data waits not). */
    CHECK_EQ(xsock_sendv(c, NULL, 0), 0);
    CHECK_EQ(xsock_recvv(c, NULL, 0), 0);
    CHECK_EQ(xsock_recvv(c, b, 0), 0);
    b[1] = xsock_buf_init(NULL, 0);
    b[0] = xsock_buf_init(buf, 0);
    CHECK_EQ(xsock_recvv(c, b, 2), 0);
    /* A NULL base with a length: refused. xsock_recvv checks first;
     * xsock_sendv learns it from the OS, and on POSIX the bytes before it
     * may go first, counted (Linux sends "abc" and says 3), never lost. */
    b[0] = xsock_buf_init((void *)"abc", 3);
    b[1] = xsock_buf_init(NULL, 5);
    CHECK_ERR(xsock_recvv(c, b, 2), XSOCK_EINVAL);
    {
        xsock_ssize_t r = xsock_sendv(c, b, 2);
        if (r == 3) {
            CHECK_EQ(xsock_recv_all(s, buf, 3), 3);
            CHECK(memcmp(buf, "abc", 3) == 0);
            CHECK_ERR(xsock_sendv(c, b + 1, 1), XSOCK_EINVAL);
        } else {
            CHECK_ERR(r, XSOCK_EINVAL);
        }
    }
    CHECK_ERR(xsock_sendv(c, b + 1, 1), XSOCK_EINVAL);
    /* A NULL base of 0 bytes is no error. */
    b[1] = xsock_buf_init(NULL, 0);
    CHECK_EQ(xsock_sendv(c, b, 2), 3);
    CHECK_EQ(xsock_recv_all(s, buf, 3), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* A total above INT_MAX moves the leading buffers that fit, as xsock_send
 * caps its length. The second buffer's length is a lie no OS call may
 * see: passed on, the OS would read or write past the array. xsock_recvv
 * (and, on Windows, xsock_sendv) cut the array before the call; POSIX
 * xsock_sendv hands a real one to the OS, which caps it (Linux at 2 GiB -
 * 4 KiB) or refuses it (macOS: EINVAL, then cut): that needs a 2 GiB
 * buffer, not tested here. */
TEST(total_over_int_max_is_partial)
{
    xsock_t c, s;
    char buf[16];
    xsock_buf b[2];
    tu_tcp_pair(XSOCK_INET, &c, &s);
    b[0] = xsock_buf_init((void *)"0123456789abcdef", 16);
    b[1] = xsock_buf_init(buf, (size_t)0x7fffffff);
#ifdef _WIN32
    CHECK_EQ(xsock_sendv(c, b, 2), 16);
    CHECK_EQ(xsock_recv_all(s, buf, 16), 16);
    CHECK(memcmp(buf, "0123456789abcdef", 16) == 0);
#endif
    CHECK_EQ(xsock_send_all(s, "xyz", 3), 3);
    b[0] = xsock_buf_init(buf, 3);
    CHECK_EQ(xsock_recvv(c, b, 2), 3);
    CHECK(memcmp(buf, "xyz", 3) == 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* The same answers as xsock_recv / xsock_send for calls that would block. */
TEST(timeout_and_nonblocking)
{
    xsock_t c, s;
    static char big[1 << 16];
    char buf[8];
    xsock_buf b[2];
    int sent = 0, i;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    b[0] = xsock_buf_init(buf, 4);
    b[1] = xsock_buf_init(buf + 4, 4);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_ERR(xsock_recvv(c, b, 2), XSOCK_ETIMEDOUT);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    CHECK_ERR(xsock_recvv(c, b, 2), XSOCK_EAGAIN);
    /* Fill the send side until it would block. */
    b[0] = xsock_buf_init(big, sizeof big / 2);
    b[1] = xsock_buf_init(big + sizeof big / 2, sizeof big / 2);
    for (i = 0; i < 4096; i++) {
        xsock_ssize_t n = xsock_sendv(c, b, 2);
        if (n == XSOCK_EAGAIN) break;
        CHECK_OK(n);
        sent += (int)n;
    }
    CHECK(i < 4096 && sent > 0);
    CHECK_ERR(xsock_sendv(c, b, 2), XSOCK_EAGAIN);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* A send to a reset peer: an error code, never SIGPIPE (the process would
 * die of it here). */
TEST(sendv_to_closed_peer)
{
    xsock_t c, s;
    char data[1024];
    xsock_buf b[2];
    xsock_ssize_t r = 0;
    int i;
    memset(data, 'x', sizeof data);
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(s, XSOCK_OPT_LINGER, 0)); /* close sends RST */
    CHECK_OK(xsock_close(s));
    b[0] = xsock_buf_init(data, 512);
    b[1] = xsock_buf_init(data + 512, 512);
    for (i = 0; i < 1000 && r >= 0; i++) {
        r = xsock_sendv(c, b, 2);
        if (r >= 0) xthread_sleep_ms(1);
    }
    CHECK(r == XSOCK_EPIPE || r == XSOCK_ECONNRESET);
    CHECK_OK(xsock_close(c));
}

/* One datagram over several buffers; a larger one is XSOCK_EMSGSIZE on
 * every OS (Windows says WSAEMSGSIZE, POSIX sets MSG_TRUNC). */
TEST(recvv_datagram)
{
    xsock_t u, v;
    xsock_addr ua, va;
    char big[100], p1[30], p2[30];
    xsock_buf b[2];
    CHECK_OK(xsock_open(&u, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_open(&v, XSOCK_INET, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_loopback(&ua, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(u, &ua));
    CHECK_OK(xsock_local_addr(u, &ua));
    CHECK_OK(xsock_addr_loopback(&va, XSOCK_INET, 0));
    CHECK_OK(xsock_bind(v, &va));
    CHECK_OK(xsock_local_addr(v, &va));
    CHECK_OK(xsock_connect(v, &ua, -1));
    memset(big, 'B', sizeof big);
    CHECK_EQ(xsock_sendto(v, big, sizeof big, &ua), 100);
    CHECK_EQ(xsock_sendto(v, "0123456789012345678901234567890123456789abcdefghij", 50, &ua), 50);
    b[0] = xsock_buf_init(p1, sizeof p1);
    b[1] = xsock_buf_init(p2, sizeof p2);
    CHECK(tu_wait(u, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_ERR(xsock_recvv(u, b, 2), XSOCK_EMSGSIZE);
    CHECK(tu_wait(u, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_EQ(xsock_recvv(u, b, 2), 50);
    CHECK(memcmp(p1, "012345678901234567890123456789", 30) == 0);
    CHECK(memcmp(p2, "0123456789abcdefghij", 20) == 0);
    /* sendv on a connected datagram socket: one datagram. */
    b[0] = xsock_buf_init((void *)"head", 4);
    b[1] = xsock_buf_init((void *)"tail", 4);
    CHECK_EQ(xsock_sendv(v, b, 2), 8);
    CHECK(tu_wait(u, XSOCK_POLLIN, 5000) & XSOCK_POLLIN);
    CHECK_EQ(xsock_recvfrom(u, big, sizeof big, NULL), 8);
    CHECK(memcmp(big, "headtail", 8) == 0);
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(v));
}

XTEST_MAIN(XTEST(sendv_recvv_stream) XTEST(buf_layout_is_the_os_array) XTEST(iov_max)
               XTEST(bad_input) XTEST(total_over_int_max_is_partial)
                   XTEST(timeout_and_nonblocking) XTEST(sendv_to_closed_peer)
                       XTEST(recvv_datagram))
