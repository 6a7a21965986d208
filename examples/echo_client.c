/*
 * echo_client - seed 004 (Java): client.java.
 *
 *   socket = new Socket("localhost", 5000);
 *   Scanner scanner = new Scanner(System.in);
 *   while (true) {
 *       String msgToSend = scanner.nextLine();
 *       bufferedWriter.write(msgToSend); bufferedWriter.newLine();
 *       bufferedWriter.flush();
 *       System.out.println("Server: " + bufferedReader.readLine());
 *       if (msgToSend.equalsIgnoreCase("BYE")) break;
 *   }
 *   socket.close();
 *
 * Each line of stdin goes to the server, and the server's one-line answer
 * is printed. Lines are bytes of any length, as the Java original's: a '\0'
 * is sent like any other byte, and a 100 KB line goes whole. Stops after
 * BYE, or at the end of stdin (where the Java original dies of a
 * NoSuchElementException).
 *
 * usage: echo_client [host] [port]   (default localhost 5000)
 */
#include <stdio.h>
#include <stdlib.h>
#include "xsock.h"
#include "echo_protocol.h"
#include "lineio.h"

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "localhost";
    int port = ECHO_DEFAULT_PORT, r, status = 0;
    char *msg = NULL, *reply;
    size_t msg_cap = 0, len, reply_len;
    xsock_t sock;
    lineio in; /* the BufferedReader over the socket */

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 3 || (argc == 3 && parse_port(argv[2], &port) != 0)) {
        fprintf(stderr, "usage: echo_client [host] [port]   (default localhost %d)\n",
                ECHO_DEFAULT_PORT);
        return 2;
    }

    /* new Socket(host, port): tries each address of host, 5 s each at most */
    if ((r = xsock_tcp_connect(&sock, host, port, 5000)) < 0) {
        fprintf(stderr, "echo_client: connect to %s port %d: %s\n", host, port, xsock_strerror(r));
        return 1;
    }
    lineio_init(&in);

    while ((r = read_stdin_line(&msg, &msg_cap, &len)) == 1) { /* scanner.nextLine() */
        msg[len] = '\n'; /* write(msgToSend) + newLine(), sent in one piece */
        if ((r = (int)xsock_send_all(sock, msg, len + 1)) < 0) {
            fprintf(stderr, "echo_client: send: %s\n", xsock_strerror(r));
            status = 1;
            break;
        }
        if ((r = lineio_read(&in, sock, &reply, &reply_len)) != 1) { /* readLine() */
            fprintf(stderr, "echo_client: %s\n",
                    r == 0 ? "the server closed the connection" : xsock_strerror(r));
            status = 1;
            break;
        }
        print_line("Server: ", reply, reply_len);
        if (echo_is_bye(msg, len)) break;
    }
    if (r < 0 && status == 0) { /* read_stdin_line: a line longer than memory */
        fprintf(stderr, "echo_client: stdin: %s\n", xsock_strerror(r));
        status = 1;
    }

    xsock_close(sock);
    lineio_free(&in);
    free(msg);
    return status;
}
