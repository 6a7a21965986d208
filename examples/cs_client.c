/*
 * cs_client - seed 000 (C#): the smallest TCP client.
 *
 *   Socket clientSock = new Socket(AddressFamily.InterNetwork,
 *                                  SocketType.Stream, ProtocolType.IP);
 *   clientSock.Connect(new IPEndPoint(IPAddress.Loopback, 10801));
 *
 * A client needs no Bind: Connect picks a local port and knocks on the
 * listening server, whose Accept then answers.
 *
 * usage: cs_client [host] [port]   (default 127.0.0.1 10801)
 */
#include <stdio.h>
#include "xsock.h"
#include "lineio.h"

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1"; /* IPAddress.Loopback */
    int port = 10801, r;
    xsock_t sock;
    xsock_addr peer;
    char text[XSOCK_ADDRSTRLEN];

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 3 || (argc == 3 && parse_port(argv[2], &port) != 0)) {
        fprintf(stderr, "usage: cs_client [host] [port]   (default 127.0.0.1 10801)\n");
        return 2;
    }

    /* new Socket(...) + Connect(new IPEndPoint(host, port)), at most 5 s */
    if ((r = xsock_tcp_connect(&sock, host, port, 5000)) < 0) {
        fprintf(stderr, "cs_client: connect to %s port %d: %s\n", host, port, xsock_strerror(r));
        return 1;
    }
    xsock_peer_addr(sock, &peer);
    xsock_addr_format(&peer, text, sizeof text);
    printf("connected to %s\n", text);

    xsock_close(sock);
    return 0;
}
