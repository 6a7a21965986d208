/*
 * hello_server - seed 001 (C): its server steps as one program.
 *
 * Seed 001 shows the server's calls one at a time, never as a program:
 *
 *   serv_sock = socket(PF_INET, SOCK_STREAM, 0);
 *   serv_addr.sin_addr.s_addr = htonl(INADDR_ANY);
 *   serv_addr.sin_port = htonl(atoi(serv_port));
 *   bind(serv_sock, (struct sockaddr)&serv_addr, sizeof(serv_addr));
 *   listen(Sock, 5)
 *   client_sock = accept(server_sock,(struct sockaddr*)&client_addr, &client_addr_size);
 *
 * and ends by running "./hello_server_exe 9190" and
 * "./hello_client_exe 127.0.0.1 9190", whose source it does not show: the
 * "Hello World!" this server sends is this port's own.
 *
 * A pitfall in those fragments: sin_port is 16 bits and takes htons. htonl
 * on a little-endian machine puts the port's bytes in the upper half, the
 * 16 bits kept are 0, and bind takes any free port, not 9190. (The cast in
 * bind also needs its '*'.) xsock_tcp_listen takes the port as a number,
 * so this server listens on exactly the port it is given.
 *
 * xsock_tcp_listen is socket + bind + listen in one call (on every
 * interface, IPv4 and IPv6); cs_server (seed 000) takes the steps one call
 * at a time. This server greets every client that comes, one after the
 * other, until it is stopped.
 *
 * usage: hello_server <port>     (0 picks a free port)
 */
#include <stdio.h>
#include <string.h>
#include "xsock.h"
#include "lineio.h"
#include "xthread.h"

int main(int argc, char **argv)
{
    const char *message = "Hello World!";
    int port, r;
    xsock_t server, client;
    xsock_addr local;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 2 || parse_port(argv[1], &port) != 0) {
        fprintf(stderr, "usage: hello_server <port>\n");
        return 2;
    }

    /* socket() + bind(INADDR_ANY, port) + listen(5) */
    if ((r = xsock_tcp_listen(&server, NULL, port, 5)) < 0) {
        fprintf(stderr, "hello_server: listen on port %d: %s\n", port, xsock_strerror(r));
        return 1;
    }
    xsock_local_addr(server, &local);
    printf("listening on port %d\n", xsock_addr_port(&local));

    for (;;) {
        /* accept(): a new socket for this client */
        if ((r = xsock_accept(server, &client, NULL)) < 0) {
            fprintf(stderr, "hello_server: accept: %s\n", xsock_strerror(r));
            xthread_sleep_ms(100); /* e.g. out of descriptors: do not spin */
            continue;
        }
        /* write(): the text only, without the C string's '\0' */
        if ((r = (int)xsock_send_all(client, message, strlen(message))) < 0)
            fprintf(stderr, "hello_server: send: %s\n", xsock_strerror(r));
        xsock_close(client); /* close(): the client reads this as the end */
    }
}
