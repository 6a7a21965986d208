/* Lengths at the edges of xsock_send / xsock_recv: above INT_MAX (a partial
 * transfer, never an error) and 0 (0 at once, nothing consumed). On Linux
 * the POSIX backend leaves both to the kernel on a stream socket (see
 * SEND_RARE in src/posix/socket.c); elsewhere xsock caps the length. */
#ifndef _WIN32
#  define _DEFAULT_SOURCE 1  /* MAP_ANONYMOUS, MAP_NORESERVE beside _POSIX_C_SOURCE */
#  define _DARWIN_C_SOURCE 1 /* the same on macOS */
#endif
#include "testutil.h"

#include <limits.h>
#ifdef _WIN32
#  include <windows.h>
#else
#  include <sys/mman.h>
#  ifndef MAP_ANONYMOUS
#    define MAP_ANONYMOUS MAP_ANON
#  endif
#  ifndef MAP_NORESERVE
#    define MAP_NORESERVE 0
#  endif
#endif

/* A readable and writable region of n bytes, untouched: the OS backs only
 * the pages a transfer writes. NULL when the OS will not give it. */
static char *big_region(size_t n)
{
#ifdef _WIN32
    return (char *)VirtualAlloc(NULL, n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
#else
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : (char *)p;
#endif
}

static void big_free(char *p, size_t n)
{
#ifdef _WIN32
    (void)n;
    VirtualFree(p, 0, MEM_RELEASE);
#else
    munmap(p, n);
#endif
}

/* A length above INT_MAX moves at most INT_MAX bytes and is no error: the
 * send takes what fits in the socket's buffer (non-blocking), the receive
 * what is queued. Linux cuts such a length itself, to 2 GiB - 4 KiB. */
TEST(huge_length_partial)
{
    xsock_t c, s;
    xsock_ssize_t n, m;
    size_t huge;
    char *big;
    if (sizeof(size_t) <= 4) {
        printf("a 32-bit size_t: no length above INT_MAX but SIZE_MAX, refused as buf-less elsewhere\n");
        return;
    }
    huge = (size_t)INT_MAX + 4097;
    if ((big = big_region(huge)) == NULL) XTEST_FAIL("no %lu bytes of address space", (unsigned long)huge);
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_nonblocking(c, 1));
    CHECK_OK(xsock_set_nonblocking(s, 1));
    big[0] = 'x';
    n = (xsock_ssize_t)CHECK_OK(xsock_send(c, big, huge));
    CHECK(n > 0 && n <= INT_MAX);
    m = (xsock_ssize_t)CHECK_OK(xsock_recv(s, big, huge));
    CHECK(m > 0 && m <= n);
    CHECK_EQ(big[0], 'x');
    big_free(big, huge);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));
}

/* len 0: 0 at once on a stream, also blocking with nothing queued; on a
 * datagram socket too, and the datagram stays queued whole. */
TEST(zero_length)
{
    xsock_t c, s, u, v;
    xsock_addr ua;
    xsock_pollfd pf;
    char b[16];
    long long t0;
    tu_tcp_pair(XSOCK_INET, &c, &s);
    CHECK_OK(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 3000));
    t0 = tu_now_ms();
    CHECK_EQ(xsock_recv(c, b, 0), 0);
    if (tu_can_time() && tu_now_ms() - t0 >= 1500) XTEST_FAIL("recv of 0 bytes waited");
    CHECK_EQ(xsock_send(s, "ok", 2), 2);
    CHECK_EQ(xsock_recv_all(c, b, 2), 2);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(s));

    CHECK_OK(xsock_udp_bind(&u, "127.0.0.1", 0));
    CHECK_OK(xsock_local_addr(u, &ua));
    CHECK_OK(xsock_udp_bind(&v, "127.0.0.1", 0));
    CHECK_EQ(xsock_sendto(v, "hello", 5, &ua), 5);
    pf.sock = u;
    pf.events = XSOCK_POLLIN;
    CHECK_EQ(xsock_poll(&pf, 1, 5000), 1);
    CHECK_EQ(xsock_recv(u, b, 0), 0);
    CHECK_EQ(xsock_recv(u, b, sizeof b), 5);
    CHECK(memcmp(b, "hello", 5) == 0);
    CHECK_ERR(xsock_recv(XSOCK_INVALID, b, 0), XSOCK_EBADF);
    CHECK_OK(xsock_close(u));
    CHECK_OK(xsock_close(v));
}

XTEST_MAIN(XTEST(huge_length_partial) XTEST(zero_length))
