/*
 * echo_server_poll - seed 004's note on many clients, without threads: one
 * thread waits on every socket at once with xsock_poll (poll() on POSIX,
 * the same meaning on Windows) and serves whichever is ready.
 *
 * The protocol is echo_server's, byte for byte. The program has two parts:
 * the clients (their state, and what to do when one has bytes to read), and
 * the wait loop (which sockets are ready). Only the wait loop knows about
 * xsock_poll, so moving to another readiness API touches only main().
 *
 * A ready client is read once (it will not block) and every whole line in
 * its buffer is answered. Answers are sent blocking: a client that sends
 * without ever reading could stall the loop once its socket buffers fill,
 * which a real server avoids by queueing output and waiting for POLLOUT.
 *
 * usage: echo_server_poll [port]     (default 5000; 0 picks a free port)
 */
#include <stdio.h>
#include <string.h>
#include "xsock.h"
#include "echo_protocol.h"
#include "lineio.h"
#include "xthread.h"

#define MAX_CLIENTS 1000

/* ---- the clients ------------------------------------------------------ */

typedef struct client {
    xsock_t sock;
    lineio in; /* bytes received, waiting to make whole lines */
} client;

static client clients[MAX_CLIENTS];
static size_t nclients;

/* Accepts a waiting connection, if there still is one. */
static void client_accept(xsock_t server)
{
    xsock_t sock;
    int r = xsock_accept(server, &sock, NULL);
    if (r == XSOCK_EAGAIN) return; /* it went away between poll and accept */
    if (r < 0) {
        fprintf(stderr, "echo_server_poll: accept: %s\n", xsock_strerror(r));
        return;
    }
    if (nclients == MAX_CLIENTS) {
        fprintf(stderr, "echo_server_poll: too many clients, one refused\n");
        xsock_close(sock);
        return;
    }
    clients[nclients].sock = sock;
    lineio_init(&clients[nclients].in);
    nclients++;
}

/* The client has bytes (or its end) to read: reads once and answers every
 * whole line. 0 to keep the client, -1 when it is done (BYE, gone, error). */
static int client_readable(client *c)
{
    char line[LINEIO_MAX];
    if (lineio_fill(&c->in, c->sock) < 0) return -1;
    while (lineio_next(&c->in, line, sizeof line)) {
        printf("Client: %s\n", line);
        if (xsock_send_all(c->sock, ECHO_REPLY, strlen(ECHO_REPLY)) < 0) return -1;
        if (echo_is_bye(line)) return -1;
    }
    return c->in.ended ? -1 : 0;
}

/* Closes client i; the last one takes its place. */
static void client_drop(size_t i)
{
    xsock_close(clients[i].sock);
    clients[i] = clients[--nclients];
}

/* ---- the wait loop ---------------------------------------------------- */

int main(int argc, char **argv)
{
    static xsock_pollfd fds[1 + MAX_CLIENTS];
    int port = ECHO_DEFAULT_PORT, r;
    xsock_t server;
    xsock_addr local;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 || (argc == 2 && parse_port(argv[1], &port) != 0)) {
        fprintf(stderr, "usage: echo_server_poll [port]   (default %d)\n", ECHO_DEFAULT_PORT);
        return 2;
    }

    if ((r = xsock_tcp_listen(&server, NULL, port, 128)) < 0) {
        fprintf(stderr, "echo_server_poll: listen on port %d: %s\n", port, xsock_strerror(r));
        return 1;
    }
    /* Non-blocking, so an accept after a stale "ready" cannot hang the loop;
     * accepted sockets are blocking all the same. */
    xsock_set_nonblocking(server, 1);
    xsock_local_addr(server, &local);
    printf("listening on port %d\n", xsock_addr_port(&local));

    for (;;) {
        size_t i;
        fds[0].sock = server;
        fds[0].events = XSOCK_POLLIN;
        for (i = 0; i < nclients; i++) {
            fds[1 + i].sock = clients[i].sock;
            fds[1 + i].events = XSOCK_POLLIN;
        }
        if ((r = xsock_poll(fds, 1 + nclients, -1)) < 0) {
            fprintf(stderr, "echo_server_poll: poll: %s\n", xsock_strerror(r));
            xthread_sleep_ms(100);
            continue;
        }
        /* Backwards, so that client_drop's move of the last client into a
         * freed slot only moves one already handled. POLLHUP and POLLERR
         * count as readable: the read then finds the end or the error. */
        for (i = nclients; i-- > 0;)
            if (fds[1 + i].revents != 0 && client_readable(&clients[i]) < 0) client_drop(i);
        if (fds[0].revents != 0) client_accept(server);
    }
}
