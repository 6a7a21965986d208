/*
 * hello_client - seed 001 (C): the client its last section runs,
 *
 *   ./hello_client_exe 127.0.0.1 9190     // 127.0.0.1: local computer's address
 *
 * whose source the seed does not show; it gives the client's steps in
 * words: socket(), connect() to the server's address and port, then
 * read() and write(). This client prints what hello_server sends until the
 * server closes: one read may return only part of it, as TCP keeps no
 * message boundaries, so it reads until xsock_recv says the stream ended.
 *
 * usage: hello_client <ip> <port>
 */
#include <stdio.h>
#include "xsock.h"
#include "lineio.h"

int main(int argc, char **argv)
{
    char message[256];
    int port, r;
    xsock_t sock;
    xsock_ssize_t n;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 3 || parse_port(argv[2], &port) != 0) {
        fprintf(stderr, "usage: hello_client <ip> <port>\n");
        return 2;
    }

    /* socket() + connect(), at most 5 s */
    if ((r = xsock_tcp_connect(&sock, argv[1], port, 5000)) < 0) {
        fprintf(stderr, "hello_client: connect to %s port %s: %s\n", argv[1], argv[2],
                xsock_strerror(r));
        return 1;
    }
    /* read() until the server closes, printing each piece as it comes: the
     * message may come in several, and be of any length */
    printf("Message from server: ");
    while ((n = xsock_recv(sock, message, sizeof message)) > 0)
        fwrite(message, 1, (size_t)n, stdout);
    putchar('\n');
    xsock_close(sock);
    if (n < 0) {
        fprintf(stderr, "hello_client: read: %s\n", xsock_strerror((int)n));
        return 1;
    }
    return 0;
}
