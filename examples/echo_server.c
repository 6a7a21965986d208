/*
 * echo_server - seed 004 (Java): Server.java, one client at a time.
 *
 *   serversocket = new ServerSocket(5000);
 *   while (true) {
 *       socket = serversocket.accept();
 *       while (true) {
 *           String msgFromClient = bufferedReader.readLine();
 *           System.out.println("Client: " + msgFromClient);
 *           bufferedWriter.write(" MSG Received"); bufferedWriter.newLine();
 *           bufferedWriter.flush();
 *           if (msgFromClient.equalsIgnoreCase("BYE")) break;
 *       }
 *       socket.close();
 *   }
 *
 * The same bytes on the wire. One fix: a client that goes away without BYE
 * makes readLine return null, and the Java original then dies of a
 * NullPointerException; here the end of the stream just ends that client and
 * the server waits for the next. While one client is served, the others
 * wait in the listen queue: see echo_server_threads and echo_server_poll.
 *
 * usage: echo_server [port]     (default 5000; 0 picks a free port)
 */
#include <stdio.h>
#include <string.h>
#include "xsock.h"
#include "echo_protocol.h"
#include "lineio.h"
#include "xthread.h"

/* The inner while (true) of Server.java: until BYE or the client is gone. */
static void serve(xsock_t client)
{
    char *line;
    size_t n;
    lineio in; /* the BufferedReader */

    lineio_init(&in);
    while (lineio_read(&in, client, &line, &n) == 1) { /* a whole line, any length */
        print_line("Client: ", line, n);
        if (xsock_send_all(client, ECHO_REPLY, strlen(ECHO_REPLY)) < 0) break;
        if (echo_is_bye(line, n)) break;
    }
    lineio_free(&in);
}

int main(int argc, char **argv)
{
    int port = ECHO_DEFAULT_PORT, r;
    xsock_t server, client;
    xsock_addr local;

    setvbuf(stdout, NULL, _IONBF, 0); /* System.out: every line at once */
    if (argc > 2 || (argc == 2 && parse_port(argv[1], &port) != 0)) {
        fprintf(stderr, "usage: echo_server [port]   (default %d)\n", ECHO_DEFAULT_PORT);
        return 2;
    }

    /* new ServerSocket(port): every interface, backlog 50 as in Java */
    if ((r = xsock_tcp_listen(&server, NULL, port, 50)) < 0) {
        fprintf(stderr, "echo_server: listen on port %d: %s\n", port, xsock_strerror(r));
        return 1;
    }
    xsock_local_addr(server, &local);
    printf("listening on port %d\n", xsock_addr_port(&local));

    for (;;) {
        if ((r = xsock_accept(server, &client, NULL)) < 0) { /* serversocket.accept() */
            fprintf(stderr, "echo_server: accept: %s\n", xsock_strerror(r));
            xthread_sleep_ms(100); /* e.g. out of descriptors: do not spin */
            continue;
        }
        serve(client);
        xsock_close(client); /* socket.close() */
    }
}
