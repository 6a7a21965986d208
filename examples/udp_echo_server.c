/*
 * udp_echo_server - the UDP side of seeds 001 and 003: no listen(), no
 * accept(), no connection. One bound socket receives datagrams from anyone
 * (recvfrom says who sent each) and sends each one straight back (sendto).
 * A datagram is a message: it arrives whole or not at all. One longer than
 * UDP_MAX bytes is refused (with a message on stderr), never echoed cut.
 *
 * usage: udp_echo_server [port]     (default 9001; 0 picks a free port)
 */
#include <stdio.h>
#include "xsock.h"
#include "lineio.h"
#include "xthread.h"

#define UDP_DEFAULT_PORT 9001
#define UDP_MAX 2048 /* the longest datagram echoed */

int main(int argc, char **argv)
{
    int port = UDP_DEFAULT_PORT, r;
    char buf[UDP_MAX], text[XSOCK_ADDRSTRLEN], prefix[XSOCK_ADDRSTRLEN + 16];
    xsock_t sock;
    xsock_addr local, from;
    xsock_ssize_t n;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 || (argc == 2 && parse_port(argv[1], &port) != 0)) {
        fprintf(stderr, "usage: udp_echo_server [port]   (default %d)\n", UDP_DEFAULT_PORT);
        return 2;
    }

    /* socket(SOCK_DGRAM) + bind(): every interface, IPv4 and IPv6 */
    if ((r = xsock_udp_bind(&sock, NULL, port)) < 0) {
        fprintf(stderr, "udp_echo_server: bind port %d: %s\n", port, xsock_strerror(r));
        return 1;
    }
    xsock_local_addr(sock, &local);
    printf("listening on port %d\n", xsock_addr_port(&local));

    for (;;) {
        n = xsock_recvfrom(sock, buf, sizeof buf, &from);
        if (n == XSOCK_EMSGSIZE) { /* longer than buf: xsock says so, with the sender */
            xsock_addr_format(&from, text, sizeof text);
            fprintf(stderr, "udp_echo_server: from %s: a datagram over %d bytes, refused\n",
                    text, UDP_MAX);
            continue;
        }
        if (n < 0) {
            /* Windows can report an earlier echo that found no one (ICMP
             * port unreachable) on the next receive, where xsock could not
             * turn that off: nothing to do about it but go on. */
            fprintf(stderr, "udp_echo_server: recvfrom: %s\n", xsock_strerror((int)n));
            if (n != XSOCK_ECONNRESET) xthread_sleep_ms(100);
            continue;
        }
        xsock_addr_format(&from, text, sizeof text);
        snprintf(prefix, sizeof prefix, "from %s: ", text);
        print_line(prefix, buf, (size_t)n);
        if ((r = (int)xsock_sendto(sock, buf, (size_t)n, &from)) < 0)
            fprintf(stderr, "udp_echo_server: sendto %s: %s\n", text, xsock_strerror(r));
    }
}
