/*
 * echo_server_poll - seed 004's note on many clients, without threads: one
 * thread waits on every socket at once with an xsock_poller (epoll, kqueue,
 * poll or select underneath, the same meaning everywhere) and serves
 * whichever is ready. Thousands of clients cost a wait no more than one.
 *
 * The protocol is echo_server's, byte for byte. The program has two parts:
 * the clients (their state, and what to do when one has bytes to read), and
 * the wait loop (which sockets are ready). Only the wait loop knows about
 * the poller, so moving to another readiness API touches only main().
 *
 * A ready client is read once (it will not block) and every whole line in
 * its buffer is answered. Answers go into the client's own queue and are
 * sent without blocking: a client that sends without ever reading cannot
 * stall the others. While its queue is not empty the server waits for it to
 * be writable and reads nothing more from it, so the queue stays small.
 *
 * usage: echo_server_poll [port]     (default 5000; 0 picks a free port)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#include "echo_protocol.h"
#include "lineio.h"
#include "xthread.h"

#define MAX_EVENTS 64 /* sockets served per wait, at most */

/* ---- the clients ------------------------------------------------------ */

typedef struct client {
    xsock_t sock;
    lineio in;      /* bytes received, waiting to make whole lines */
    char *out;      /* answers not sent yet */
    size_t out_len, out_cap;
    int done;       /* BYE or end of stream: close once out is sent */
} client;

/* Accepts a waiting connection, if there still is one: the new client,
 * or NULL when none is left (or accept failed). */
static client *client_accept(xsock_t server)
{
    xsock_t sock;
    client *c;
    int r = xsock_accept(server, &sock, NULL);
    if (r == XSOCK_EAGAIN) return NULL; /* none (left) waiting */
    if (r < 0) {
        fprintf(stderr, "echo_server_poll: accept: %s\n", xsock_strerror(r));
        return NULL;
    }
    if ((c = (client *)calloc(1, sizeof *c)) == NULL) {
        fprintf(stderr, "echo_server_poll: out of memory, a client refused\n");
        xsock_close(sock);
        return NULL;
    }
    xsock_set_nonblocking(sock, 1); /* a send must never wait for one client */
    c->sock = sock;
    lineio_init(&c->in);
    return c;
}

/* Adds an answer to the client's queue; -1 when out of memory. */
static int client_queue(client *c, const char *text, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        size_t cap = (c->out_len + n) * 2;
        char *p = (char *)realloc(c->out, cap);
        if (p == NULL) return -1;
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, text, n);
    c->out_len += n;
    return 0;
}

/* Sends what the socket takes now. 0 to keep the client, -1 when it is
 * finished (all sent after BYE or its end) or broken. */
static int client_flush(client *c)
{
    while (c->out_len > 0) {
        xsock_ssize_t n = xsock_send(c->sock, c->out, c->out_len);
        if (n == XSOCK_EAGAIN) return 0; /* its buffers are full: wait for POLLOUT */
        if (n < 0) return -1;
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
    return c->done ? -1 : 0;
}

/* The client has bytes (or its end) to read: reads once and answers every
 * whole line. 0 to keep the client, -1 when it is done (BYE, gone, error). */
static int client_readable(client *c)
{
    char *line;
    size_t n;
    if (lineio_fill(&c->in, c->sock) < 0) return -1;
    while (!c->done && lineio_next(&c->in, &line, &n)) { /* whole lines only */
        print_line("Client: ", line, n);
        if (client_queue(c, ECHO_REPLY, strlen(ECHO_REPLY)) < 0) return -1;
        c->done = echo_is_bye(line, n);
    }
    if (c->in.ended) c->done = 1;
    return client_flush(c);
}

/* What to wait for: room to send while answers are queued, else lines. */
static int client_wants(const client *c)
{
    return c->out_len > 0 ? XSOCK_POLLOUT : XSOCK_POLLIN;
}

static void client_drop(client *c)
{
    xsock_close(c->sock);
    lineio_free(&c->in);
    free(c->out);
    free(c);
}

/* ---- the wait loop ---------------------------------------------------- */

int main(int argc, char **argv)
{
    static xsock_event evs[MAX_EVENTS];
    int port = ECHO_DEFAULT_PORT, r;
    xsock_t server;
    xsock_addr local;
    xsock_poller *poller;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 || (argc == 2 && parse_port(argv[1], &port) != 0)) {
        fprintf(stderr, "usage: echo_server_poll [port]   (default %d)\n", ECHO_DEFAULT_PORT);
        return 2;
    }

    if ((r = xsock_tcp_listen(&server, NULL, port, 128)) < 0) {
        fprintf(stderr, "echo_server_poll: listen on port %d: %s\n", port, xsock_strerror(r));
        return 1;
    }
    /* Non-blocking, so that accepting until none is left cannot hang the
     * loop (accepted sockets start blocking: client_accept changes that). */
    xsock_set_nonblocking(server, 1);
    /* The listener's udata is NULL, a client's is the client. */
    if ((r = xsock_poller_create(&poller)) < 0 ||
        (r = xsock_poller_add(poller, server, XSOCK_POLLIN, NULL)) < 0) {
        fprintf(stderr, "echo_server_poll: poller: %s\n", xsock_strerror(r));
        return 1;
    }
    xsock_local_addr(server, &local);
    printf("listening on port %d\n", xsock_addr_port(&local));

    for (;;) {
        int i, n = xsock_poller_wait(poller, evs, MAX_EVENTS, -1);
        if (n < 0) {
            fprintf(stderr, "echo_server_poll: wait: %s\n", xsock_strerror(n));
            xthread_sleep_ms(100);
            continue;
        }
        /* POLLHUP and POLLERR come with POLLIN: the read then finds the end
         * or the error. */
        for (i = 0; i < n; i++) {
            client *c = (client *)evs[i].udata;
            if (c != NULL) {
                int before = client_wants(c);
                r = (evs[i].events & XSOCK_POLLOUT) ? client_flush(c) : client_readable(c);
                if (r == 0 && client_wants(c) != before)
                    r = xsock_poller_modify(poller, c->sock, client_wants(c), c);
                if (r < 0) {
                    xsock_poller_remove(poller, c->sock); /* before the close */
                    client_drop(c);
                }
                continue;
            }
            /* The listener: accept everyone waiting, so that a crowd of
             * connects cannot overflow the listen queue. */
            while ((c = client_accept(server)) != NULL) {
                if ((r = xsock_poller_add(poller, c->sock, XSOCK_POLLIN, c)) < 0) {
                    fprintf(stderr, "echo_server_poll: poller: %s\n", xsock_strerror(r));
                    client_drop(c);
                }
            }
        }
    }
}
