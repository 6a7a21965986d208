/*
 * cs_server - seed 000 (C#): a TCP server in the tutorial's steps, one call
 * each: socket, Bind, Listen, Accept.
 *
 * The seed's complete server program ends right after Listen:
 *
 *   Socket serverSock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.IP);
 *   serverSock.Bind(new IPEndPoint(IPAddress.Any, 10801));
 *   serverSock.Listen(100);
 *   Console.WriteLine(...);
 *
 * It never calls Accept. The tutorial describes Accept as the next step
 * ("Server : Accept()"), and this server adds it:
 *
 *   Socket tmpSock = serverSock.Accept();
 *
 * The listening socket only waits; Accept hands back a second socket, the
 * "clone" that talks to this one client. This server accepts one client,
 * says who it was, and exits. hello_server (seed 001) does the first three
 * steps in one call and greets client after client.
 *
 * usage: cs_server [port]      (default 10801; 0 picks a free port)
 */
#include <stdio.h>
#include "xsock.h"
#include "lineio.h"

static int fail(const char *step, int port, int err)
{
    fprintf(stderr, "cs_server: %s port %d: %s\n", step, port, xsock_strerror(err));
    return 1;
}

int main(int argc, char **argv)
{
    int port = 10801, r;
    xsock_t server, client;
    xsock_addr addr, peer;
    char text[XSOCK_ADDRSTRLEN];

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 || (argc == 2 && parse_port(argv[1], &port) != 0)) {
        fprintf(stderr, "usage: cs_server [port]   (default 10801)\n");
        return 2;
    }

    /* new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.IP) */
    if ((r = xsock_open(&server, XSOCK_INET, XSOCK_STREAM)) < 0) return fail("socket for", port, r);
    /* Bind(new IPEndPoint(IPAddress.Any, port)): every IPv4 interface */
    xsock_addr_any(&addr, XSOCK_INET, port);
    if ((r = xsock_bind(server, &addr)) < 0) return fail("bind to", port, r);
    /* Listen(100): up to 100 connections may wait to be accepted */
    if ((r = xsock_listen(server, 100)) < 0) return fail("listen on", port, r);
    xsock_local_addr(server, &addr); /* the real port, when 0 was asked */
    port = xsock_addr_port(&addr);
    printf("listening on port %d\n", port);

    /* Socket tmpSock = serverSock.Accept(); */
    if ((r = xsock_accept(server, &client, &peer)) < 0) return fail("accept on", port, r);
    xsock_addr_format(&peer, text, sizeof text);
    printf("accepted a client from %s\n", text);

    xsock_close(client);
    xsock_close(server);
    return 0;
}
