/*
 * xsock demo: the whole server/client flow of the tutorials in one program.
 * A server thread listens on a free loopback port and echoes one line; the
 * main thread connects, sends a line and prints the echo. Runs the same on
 * Linux, macOS and Windows.
 */
#include <stdio.h>
#include <string.h>
#include "xsock.h"
#include "xthread.h"

static void serve_one(void *arg)
{
    xsock_t listener = *(xsock_t *)arg, client;
    xsock_addr peer;
    char text[XSOCK_ADDRSTRLEN], buf[256];
    xsock_ssize_t n;

    if (xsock_accept(listener, &client, &peer) < 0) return;          /* accept()  */
    xsock_addr_format(&peer, text, sizeof text);
    printf("server: accepted a client from %s\n", text);
    n = xsock_recv(client, buf, sizeof buf);                            /* read()    */
    if (n > 0) xsock_send_all(client, buf, (size_t)n);                  /* write()   */
    xsock_close(client);                                                /* close()   */
}

int main(void)
{
    xsock_t listener, conn;
    xsock_addr local;
    xthread server;
    char text[XSOCK_ADDRSTRLEN], buf[256];
    const char *line = "Hello from xsock!";
    xsock_ssize_t n;
    int r;

    printf("xsock %s\n", xsock_version_string());
    /* socket() + bind() + listen(), port 0 = any free port */
    if ((r = xsock_tcp_listen(&listener, "127.0.0.1", 0, 16)) < 0) {
        fprintf(stderr, "listen: %s\n", xsock_strerror(r));
        return 1;
    }
    xsock_local_addr(listener, &local);
    xsock_addr_format(&local, text, sizeof text);
    printf("server: listening on %s\n", text);
    if (xthread_start(&server, serve_one, &listener) != 0) return 1;

    /* socket() + connect(), at most 2 seconds */
    r = xsock_tcp_connect(&conn, "127.0.0.1", xsock_addr_port(&local), 2000);
    if (r < 0) {
        fprintf(stderr, "connect: %s\n", xsock_strerror(r));
        return 1;
    }
    printf("client: connected, sending \"%s\"\n", line);
    xsock_send_all(conn, line, strlen(line));
    n = xsock_recv(conn, buf, sizeof buf - 1);
    if (n < 0) {
        fprintf(stderr, "recv: %s\n", xsock_strerror((int)n));
        return 1;
    }
    buf[n] = '\0';
    printf("client: the server echoed \"%s\"\n", buf);

    xsock_close(conn);
    xthread_join(server);
    xsock_close(listener);
    printf("done\n");
    return strcmp(buf, line) == 0 ? 0 : 1;
}
