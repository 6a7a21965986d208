/*
 * echo_server_threads - seed 004's note on many clients: its Java Server
 * serves one client at a time, and the seed points to helper processes
 * that the clients talk to as the way out. Here each client gets a thread
 * instead, the same idea inside one process. (In Java that would be
 * new Thread(() -> serve(socket)).start() after each accept(); the seed
 * shows no such code.)
 *
 * The protocol is echo_server's, byte for byte. The main thread only
 * accepts; each client thread runs the Java inner loop and closes its own
 * socket. Simple, and fine for hundreds of clients; for many thousands, a
 * thread each costs too much memory: see echo_server_poll.
 *
 * usage: echo_server_threads [port]     (default 5000; 0 picks a free port)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#include "echo_protocol.h"
#include "lineio.h"
#include "xthread.h"

/* One client's thread: the inner while (true) of Server.java. */
static void serve(void *arg)
{
    xsock_t client = *(xsock_t *)arg;
    char *line;
    size_t n;
    lineio in;

    free(arg);
    lineio_init(&in);
    while (lineio_read(&in, client, &line, &n) == 1) { /* a whole line, any length */
        print_line("Client: ", line, n); /* one write per line: lines never mix */
        if (xsock_send_all(client, ECHO_REPLY, strlen(ECHO_REPLY)) < 0) break;
        if (echo_is_bye(line, n)) break;
    }
    lineio_free(&in);
    xsock_close(client);
}

int main(int argc, char **argv)
{
    int port = ECHO_DEFAULT_PORT, r;
    xsock_t server, client;
    xsock_addr local;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 || (argc == 2 && parse_port(argv[1], &port) != 0)) {
        fprintf(stderr, "usage: echo_server_threads [port]   (default %d)\n", ECHO_DEFAULT_PORT);
        return 2;
    }

    if ((r = xsock_tcp_listen(&server, NULL, port, 128)) < 0) {
        fprintf(stderr, "echo_server_threads: listen on port %d: %s\n", port, xsock_strerror(r));
        return 1;
    }
    xsock_local_addr(server, &local);
    printf("listening on port %d\n", xsock_addr_port(&local));

    for (;;) {
        xsock_t *arg;
        xthread thread;
        if ((r = xsock_accept(server, &client, NULL)) < 0) {
            fprintf(stderr, "echo_server_threads: accept: %s\n", xsock_strerror(r));
            xthread_sleep_ms(100); /* e.g. out of descriptors: do not spin */
            continue;
        }
        /* The thread gets its own copy of the handle: the next accept reuses
         * this loop's variable. */
        arg = (xsock_t *)malloc(sizeof *arg);
        if (arg == NULL || (*arg = client, xthread_start(&thread, serve, arg)) != 0) {
            fprintf(stderr, "echo_server_threads: no thread for a new client\n");
            free(arg);
            xsock_close(client);
            continue;
        }
        xthread_detach(thread); /* it cleans up after itself */
    }
}
