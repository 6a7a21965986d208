/* xsock_adopt: a socket made outside xsock gets xsock's defaults, and
 * every call works on it. */
#include "testutil.h"
#ifdef _WIN32
#  include <winsock2.h>
#else
#  include <fcntl.h>
#  include <netinet/in.h>
#  include <sys/socket.h>
#  include <unistd.h>
#endif

/* A TCP socket made with the OS's own call, inheritable and non-blocking,
 * as another library might hand it over. */
static xsock_t foreign_socket(void)
{
#ifdef _WIN32
    u_long on = 1;
    SOCKET h;
    CHECK_OK(xsock_init()); /* WSAStartup for the raw calls */
    h = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(h != INVALID_SOCKET);
    CHECK(SetHandleInformation((HANDLE)h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    CHECK(ioctlsocket(h, (long)FIONBIO, &on) == 0);
    return (xsock_t)h;
#else
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0);
    return fd;
#endif
}

static int inherited(xsock_t s)
{
#ifdef _WIN32
    DWORD flags = 0;
    CHECK(GetHandleInformation((HANDLE)s, &flags));
    return (flags & HANDLE_FLAG_INHERIT) != 0;
#else
    return (fcntl(s, F_GETFD) & FD_CLOEXEC) == 0;
#endif
}

TEST(defaults_applied)
{
    xsock_t f, l, srv;
    xsock_addr a;
    char buf[8];
    f = foreign_socket();
    CHECK(inherited(f));
    CHECK_OK(xsock_adopt(f));
    CHECK(!inherited(f));
    /* Blocking now, and xsock knows it: a receive timeout is a timeout
     * (a non-blocking socket would say XSOCK_EAGAIN), and the timed connect
     * puts the mode back as it found it. */
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_connect(f, &a, 5000));
    CHECK_OK(xsock_accept(l, &srv, NULL));
    CHECK_OK(xsock_set_option(f, XSOCK_OPT_RCVTIMEO, 100));
    CHECK_ERR(xsock_recv(f, buf, sizeof buf), XSOCK_ETIMEDOUT);
    CHECK_EQ(xsock_send_all(srv, "adopted", 7), 7);
    CHECK_EQ(xsock_recv_all(f, buf, 7), 7);
    CHECK(memcmp(buf, "adopted", 7) == 0);
    CHECK_OK(xsock_set_nonblocking(f, 1));
    CHECK_ERR(xsock_recv(f, buf, sizeof buf), XSOCK_EAGAIN);
    CHECK_OK(xsock_close(f));
    CHECK_OK(xsock_close(srv));
    CHECK_OK(xsock_close(l));
#ifdef _WIN32
    xsock_cleanup();
#endif
}

/* A listening socket handed over (socket activation). */
TEST(adopted_listener_accepts)
{
    xsock_t l, c, srv;
    xsock_addr a;
    tu_listen(&l, XSOCK_INET, &a);
    CHECK_OK(xsock_set_nonblocking(l, 1));
    CHECK_OK(xsock_adopt(l));
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_OK(xsock_connect(c, &a, 5000));
    CHECK_OK(xsock_accept(l, &srv, NULL)); /* blocking again: waits, no EAGAIN */
    CHECK_OK(xsock_close(srv));
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(l));
}

TEST(bad_input)
{
    CHECK_ERR(xsock_adopt(XSOCK_INVALID), XSOCK_EBADF);
#ifndef _WIN32
    {
        int fds[2];
        CHECK(pipe(fds) == 0);
        CHECK_ERR(xsock_adopt(fds[0]), XSOCK_EBADF); /* no socket */
        close(fds[0]);
        close(fds[1]);
    }
#else
    {
        /* An event handle is no socket. */
        HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
        CHECK(ev != NULL);
        CHECK_ERR(xsock_adopt((xsock_t)ev), XSOCK_EBADF);
        CloseHandle(ev);
    }
#endif
    {
        xsock_t s;
        CHECK_OK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM));
        CHECK_OK(xsock_close(s));
        CHECK_ERR(xsock_adopt(s), XSOCK_EBADF); /* closed */
    }
}

XTEST_MAIN(XTEST(defaults_applied) XTEST(adopted_listener_accepts) XTEST(bad_input))
