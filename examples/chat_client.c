/*
 * chat_client - seeds 002 and 003: a participant of the game room.
 *
 * recv() blocks until the room says something, and nobody knows when that
 * will be, so (as seed 002 says) receiving runs on its own thread: it prints
 * every line from the room, while the main thread sends each line typed on
 * stdin. The first line sent is the participant's name; with a name on the
 * command line, the client sends it first by itself.
 *
 * At the end of stdin the client shuts down its sending side; the server
 * then says goodbye to the room and closes, and the receive thread sees the
 * end and ends the program. If the server closes first, the same happens.
 *
 * usage: chat_client [host] [port] [name]   (default 127.0.0.1 9000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#include "lineio.h"
#include "xthread.h"

#define CHAT_DEFAULT_PORT 9000

static xsock_t sock;

/* The receive thread: the room's lines, until the connection ends. */
static void receive_room(void *unused)
{
    char line[LINEIO_MAX];
    lineio in;
    int r;

    (void)unused;
    lineio_init(&in);
    while ((r = lineio_read(&in, sock, line, sizeof line)) == 1) printf("%s\n", line);
    if (r < 0) fprintf(stderr, "chat_client: %s\n", xsock_strerror(r));
    /* The main thread may be blocked reading stdin, which no portable call
     * can interrupt: this thread ends the program. */
    fflush(stdout);
    _Exit(r < 0 ? 1 : 0);
}

/* text and "\n"; a text longer than the server takes is cut here. */
static int send_line(const char *text)
{
    char buf[LINEIO_MAX];
    size_t n = strlen(text);
    if (n > sizeof buf - 1) n = sizeof buf - 1;
    memcpy(buf, text, n);
    buf[n] = '\n';
    return (int)xsock_send_all(sock, buf, n + 1);
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    int port = CHAT_DEFAULT_PORT, r;
    char line[LINEIO_MAX];
    xthread receiver;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 4 || (argc >= 3 && parse_port(argv[2], &port) != 0)) {
        fprintf(stderr, "usage: chat_client [host] [port] [name]   (default 127.0.0.1 %d)\n",
                CHAT_DEFAULT_PORT);
        return 2;
    }

    /* connect(): enter the room the host bound */
    if ((r = xsock_tcp_connect(&sock, host, port, 5000)) < 0) {
        fprintf(stderr, "chat_client: connect to %s port %d: %s\n", host, port, xsock_strerror(r));
        return 1;
    }
    if (argc == 4 && (r = send_line(argv[3])) < 0) { /* the name goes first */
        fprintf(stderr, "chat_client: send: %s\n", xsock_strerror(r));
        return 1;
    }
    if (xthread_start(&receiver, receive_room, NULL) != 0) {
        fprintf(stderr, "chat_client: cannot start the receive thread\n");
        return 1;
    }

    while (read_stdin_line(line, sizeof line))
        if ((r = send_line(line)) < 0) {
            fprintf(stderr, "chat_client: send: %s\n", xsock_strerror(r));
            break;
        }

    /* Done talking: the server sees the end, says goodbye and closes, and
     * the receive thread then ends the program. */
    xsock_shutdown(sock, XSOCK_SHUT_WR);
    xthread_join(receiver);
    return 0;
}
