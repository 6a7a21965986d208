/*
 * hello_client - seed 001 (C): the client its last section runs,
 *
 *   ./hello_client_exe 127.0.0.1 9190     // 127.0.0.1: local computer's address
 *
 * whose source the seed does not show; it gives the client's steps in
 * words: socket(), connect() to the server's address and port, then
 * read() and write(). This client reads what hello_server sends until the
 * server closes: one read may return only part of it, as TCP keeps no
 * message boundaries (xsock_recv_all reads until the buffer is full or the
 * stream ends).
 *
 * usage: hello_client <ip> <port>
 */
#include <stdio.h>
#include "xsock.h"
#include "lineio.h"

int main(int argc, char **argv)
{
    char message[64];
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
    /* read() until the server closes */
    n = xsock_recv_all(sock, message, sizeof message - 1);
    xsock_close(sock);
    if (n < 0) {
        fprintf(stderr, "hello_client: read: %s\n", xsock_strerror((int)n));
        return 1;
    }
    message[n] = '\0';
    printf("Message from server: %s\n", message);
    return 0;
}
