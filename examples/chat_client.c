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
    char *line;
    size_t n;
    lineio in;
    int r;

    (void)unused;
    lineio_init(&in);
    while ((r = lineio_read(&in, sock, &line, &n)) == 1) print_line("", line, n);
    if (r < 0) fprintf(stderr, "chat_client: %s\n", xsock_strerror(r));
    /* The main thread may be blocked reading stdin, which no portable call
     * can interrupt: this thread ends the program. */
    fflush(stdout);
    _Exit(r < 0 ? 1 : 0);
}

/* The n bytes of text and a "\n", in one send: text[n] is the end of its
 * string, which stands in for the "\n" meanwhile. Any length. */
static int send_line(char *text, size_t n)
{
    int r;
    text[n] = '\n';
    r = (int)xsock_send_all(sock, text, n + 1);
    text[n] = '\0';
    return r;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    int port = CHAT_DEFAULT_PORT, r;
    char *line = NULL;
    size_t cap = 0, n;
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
    if (argc == 4 && (r = send_line(argv[3], strlen(argv[3]))) < 0) { /* the name first */
        fprintf(stderr, "chat_client: send: %s\n", xsock_strerror(r));
        return 1;
    }
    if (xthread_start(&receiver, receive_room, NULL) != 0) {
        fprintf(stderr, "chat_client: cannot start the receive thread\n");
        return 1;
    }

    while ((r = read_stdin_line(&line, &cap, &n)) == 1)
        if ((r = send_line(line, n)) < 0) {
            fprintf(stderr, "chat_client: send: %s\n", xsock_strerror(r));
            break;
        }
    if (r == XSOCK_ENOMEM) fprintf(stderr, "chat_client: stdin: %s\n", xsock_strerror(r));

    /* Done talking: the server sees the end, says goodbye and closes, and
     * the receive thread then ends the program. */
    xsock_shutdown(sock, XSOCK_SHUT_WR);
    xthread_join(receiver);
    return 0;
}
