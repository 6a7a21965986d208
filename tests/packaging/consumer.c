/*
 * What every packaging test builds against its own copy of xsock (installed
 * with find_package or pkg-config, add_subdirectory, FetchContent, the
 * amalgamation): one loopback round trip, no threads, bounded in time.
 * XSOCK_EXPECT_SHARED and XSOCK_EXPECT_VERSION come from the test, so a
 * package that lost XSOCK_SHARED or carries the wrong version fails here.
 */
#include <stdio.h>
#include <string.h>
#include "xsock.h"

#if defined(XSOCK_EXPECT_SHARED) && XSOCK_EXPECT_SHARED && !defined(XSOCK_SHARED)
#  error "xsock is a shared library here but XSOCK_SHARED did not come with it"
#endif
#if defined(XSOCK_EXPECT_SHARED) && !XSOCK_EXPECT_SHARED && defined(XSOCK_SHARED)
#  error "xsock is a static library here but XSOCK_SHARED came with it"
#endif

static int fail(const char *what, int r)
{
    fprintf(stderr, "consumer: %s: %s (%s, native %d)\n", what, xsock_err_name(r),
            xsock_strerror(r), xsock_last_native_error());
    return 1;
}

int main(void)
{
    xsock_t listener, client, server;
    xsock_addr local;
    xsock_pollfd pfd;
    char buf[5] = {0};
    int r;

    if (xsock_version() != XSOCK_VERSION_HEX) {
        fprintf(stderr, "consumer: header and library versions differ\n");
        return 1;
    }
#ifdef XSOCK_EXPECT_VERSION
    if (strcmp(xsock_version_string(), XSOCK_EXPECT_VERSION) != 0) {
        fprintf(stderr, "consumer: library says %s, package says %s\n",
                xsock_version_string(), XSOCK_EXPECT_VERSION);
        return 1;
    }
#endif
    if ((r = xsock_tcp_listen(&listener, "127.0.0.1", 0, 4)) < 0) return fail("listen", r);
    if ((r = xsock_local_addr(listener, &local)) < 0) return fail("local_addr", r);
    /* The connect completes from the backlog: no thread needed to accept. */
    r = xsock_tcp_connect(&client, "127.0.0.1", xsock_addr_port(&local), 10000);
    if (r < 0) return fail("connect", r);
    pfd.sock = listener;
    pfd.events = XSOCK_POLLIN;
    if ((r = xsock_poll(&pfd, 1, 10000)) != 1) return fail("poll for the connection", r);
    if ((r = xsock_accept(listener, &server, NULL)) < 0) return fail("accept", r);
    if ((r = xsock_set_option(server, XSOCK_OPT_RCVTIMEO, 10000)) < 0) return fail("rcvtimeo", r);
    if ((r = (int)xsock_send_all(client, "ping", 4)) != 4) return fail("send_all", r);
    if ((r = (int)xsock_recv_all(server, buf, 4)) != 4) return fail("recv_all", r);
    if (memcmp(buf, "ping", 4) != 0) {
        fprintf(stderr, "consumer: received \"%s\"\n", buf);
        return 1;
    }
    xsock_close(server);
    xsock_close(client);
    xsock_close(listener);
    printf("consumer: xsock %s (%s) round trip ok\n", xsock_version_string(),
#ifdef XSOCK_SHARED
           "shared"
#else
           "static"
#endif
    );
    return 0;
}
