/*
 * udp_echo_client - the UDP side of seeds 001 and 003: each line of stdin
 * goes to the server as one datagram (sendto), and its echo is printed.
 *
 * UDP promises nothing: a datagram or its echo may be lost, and then no
 * answer ever comes. So the wait is bounded (XSOCK_OPT_RCVTIMEO) and a loss
 * is reported instead of waited on forever. Datagrams from anyone but the
 * server are ignored. (An echo that comes after its timeout would be taken
 * for the next line's: real protocols number their datagrams.)
 *
 * A datagram is one message, never cut: a line longer than UDP_MAX bytes
 * (the most udp_echo_server takes) is not sent, and the client says so.
 *
 * usage: udp_echo_client [host] [port]   (default 127.0.0.1 9001)
 */
#include <stdio.h>
#include <stdlib.h>
#include "xsock.h"
#include "lineio.h"

#define UDP_DEFAULT_PORT 9001
#define ECHO_TIMEOUT_MS 1000
#define UDP_MAX 2048 /* as udp_echo_server */

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    int port = UDP_DEFAULT_PORT, r;
    char *line = NULL, reply[UDP_MAX];
    size_t cap = 0, len;
    xsock_t sock;
    xsock_addr server, from;
    xsock_ssize_t n;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 3 || (argc == 3 && parse_port(argv[2], &port) != 0)) {
        fprintf(stderr, "usage: udp_echo_client [host] [port]   (default 127.0.0.1 %d)\n",
                UDP_DEFAULT_PORT);
        return 2;
    }

    /* No connection: find the server's address, open a datagram socket of
     * its family, and give every receive a deadline. */
    if ((r = xsock_addr_resolve(host, port, 0, &server, 1)) < 0 ||
        (r = xsock_open(&sock, xsock_addr_family(&server), XSOCK_DGRAM)) < 0 ||
        (r = xsock_set_option(sock, XSOCK_OPT_RCVTIMEO, ECHO_TIMEOUT_MS)) < 0) {
        fprintf(stderr, "udp_echo_client: %s port %d: %s\n", host, port, xsock_strerror(r));
        return 1;
    }

    while ((r = read_stdin_line(&line, &cap, &len)) == 1) {
        if (len > UDP_MAX) {
            printf("not sent: a line of %lu bytes, over the limit of %d per datagram\n",
                   (unsigned long)len, UDP_MAX);
            continue;
        }
        if ((r = (int)xsock_sendto(sock, line, len, &server)) < 0) {
            printf("not sent: %s\n", xsock_strerror(r));
            continue;
        }
        do
            n = xsock_recvfrom(sock, reply, sizeof reply, &from);
        while (n >= 0 && !xsock_addr_equal(&from, &server));
        if (n == XSOCK_ETIMEDOUT)
            printf("no echo within %d ms\n", ECHO_TIMEOUT_MS);
        else if (n < 0) /* e.g. Windows, nothing on that port (ICMP) */
            printf("no echo: %s\n", xsock_strerror((int)n));
        else
            print_line("Echo: ", reply, (size_t)n);
    }
    if (r < 0) fprintf(stderr, "udp_echo_client: stdin: %s\n", xsock_strerror(r));

    xsock_close(sock);
    free(line);
    return r < 0 ? 1 : 0;
}
