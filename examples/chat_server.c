/*
 * chat_server - seeds 002 and 003: the game room. The server is the host
 * ("방장"): bind() makes the room, listen() waits for players, accept() lets
 * one in, send()/recv() carry the chat, close() when someone leaves.
 *
 * Protocol (text lines, "\n" or "\r\n"):
 *   - the first line a participant sends is its name;
 *   - every later line goes to all the others as "name: text";
 *   - the room hears "* name joined" and "* name left", and a newcomer gets
 *     "* welcome name (N in the room)".
 * The server prints the same lines, so its output is the room's log.
 *
 * One thread serves the whole room with xsock_poll, so no lock guards the
 * member list. A member that stops reading cannot freeze the room for long:
 * sends to it give up after 2 s and it is then put out.
 *
 * usage: chat_server [port]     (default 9000; 0 picks a free port)
 */
#include <stdio.h>
#include <string.h>
#include "xsock.h"
#include "lineio.h"
#include "xthread.h"

#define CHAT_DEFAULT_PORT 9000
#define MAX_MEMBERS 100
#define NAME_MAX_LEN 32

/* ---- the room --------------------------------------------------------- */

typedef struct member {
    xsock_t sock;
    lineio in;
    char name[NAME_MAX_LEN + 1]; /* "" until its first line */
    int gone;                    /* left, or a send to it failed */
} member;

static member room[MAX_MEMBERS];
static size_t nmembers;
static int guests; /* for names of those who sent an empty one */

static void send_line(member *m, const char *text)
{
    char buf[LINEIO_MAX + NAME_MAX_LEN + 16];
    int n = snprintf(buf, sizeof buf, "%s\n", text);
    if (n < 0 || (size_t)n >= sizeof buf) return;
    if (!m->gone && xsock_send_all(m->sock, buf, (size_t)n) < 0) m->gone = 1;
}

/* To every named member but from (NULL: to all), and to the log. */
static void tell_room(const member *from, const char *text)
{
    size_t i;
    printf("%s\n", text);
    for (i = 0; i < nmembers; i++)
        if (&room[i] != from && room[i].name[0] != '\0') send_line(&room[i], text);
}

static void member_join(xsock_t server)
{
    xsock_t sock;
    int r = xsock_accept(server, &sock, NULL);
    if (r == XSOCK_EAGAIN) return; /* it went away between poll and accept */
    if (r < 0) {
        fprintf(stderr, "chat_server: accept: %s\n", xsock_strerror(r));
        return;
    }
    if (nmembers == MAX_MEMBERS) {
        xsock_send_all(sock, "* the room is full\n", 19);
        xsock_close(sock);
        return;
    }
    xsock_set_option(sock, XSOCK_OPT_SNDTIMEO, 2000);
    room[nmembers].sock = sock;
    lineio_init(&room[nmembers].in);
    room[nmembers].name[0] = '\0';
    room[nmembers].gone = 0;
    nmembers++;
}

/* One line from m: its name first, then chat for the others. */
static void member_said(member *m, const char *line)
{
    char text[LINEIO_MAX + NAME_MAX_LEN + 8];
    size_t i, named = 0;
    if (m->name[0] != '\0') {
        snprintf(text, sizeof text, "%s: %s", m->name, line);
        tell_room(m, text);
        return;
    }
    if (line[0] != '\0')
        snprintf(m->name, sizeof m->name, "%.*s", NAME_MAX_LEN, line); /* cut to size */
    else
        snprintf(m->name, sizeof m->name, "guest%d", ++guests);
    for (i = 0; i < nmembers; i++) named += room[i].name[0] != '\0';
    snprintf(text, sizeof text, "* welcome %s (%d in the room)", m->name, (int)named);
    send_line(m, text);
    snprintf(text, sizeof text, "* %s joined", m->name);
    tell_room(m, text);
}

/* m has bytes (or its end) to read: reads once, handles every whole line. */
static void member_readable(member *m)
{
    char line[LINEIO_MAX];
    if (lineio_fill(&m->in, m->sock) < 0) {
        m->gone = 1;
        return;
    }
    while (!m->gone && lineio_next(&m->in, line, sizeof line)) member_said(m, line);
    if (m->in.ended) m->gone = 1;
}

/* Puts out every gone member. Saying goodbye can fail a send to another
 * member and put it out too, hence the restart. */
static void drop_gone(void)
{
    size_t i = 0;
    while (i < nmembers) {
        if (!room[i].gone) {
            i++;
            continue;
        }
        if (room[i].name[0] != '\0') {
            char text[NAME_MAX_LEN + 16];
            snprintf(text, sizeof text, "* %s left", room[i].name);
            tell_room(&room[i], text);
        }
        xsock_close(room[i].sock);
        room[i] = room[--nmembers];
        i = 0;
    }
}

/* ---- the wait loop ---------------------------------------------------- */

int main(int argc, char **argv)
{
    static xsock_pollfd fds[1 + MAX_MEMBERS];
    int port = CHAT_DEFAULT_PORT, r;
    xsock_t server;
    xsock_addr local;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 || (argc == 2 && parse_port(argv[1], &port) != 0)) {
        fprintf(stderr, "usage: chat_server [port]   (default %d)\n", CHAT_DEFAULT_PORT);
        return 2;
    }

    /* bind() + listen(): the room is open */
    if ((r = xsock_tcp_listen(&server, NULL, port, 16)) < 0) {
        fprintf(stderr, "chat_server: listen on port %d: %s\n", port, xsock_strerror(r));
        return 1;
    }
    xsock_set_nonblocking(server, 1); /* a stale "ready" cannot hang accept */
    xsock_local_addr(server, &local);
    printf("listening on port %d\n", xsock_addr_port(&local));

    for (;;) {
        size_t i, n = nmembers;
        fds[0].sock = server;
        fds[0].events = XSOCK_POLLIN;
        for (i = 0; i < n; i++) {
            fds[1 + i].sock = room[i].sock;
            fds[1 + i].events = XSOCK_POLLIN;
        }
        if ((r = xsock_poll(fds, 1 + n, -1)) < 0) {
            fprintf(stderr, "chat_server: poll: %s\n", xsock_strerror(r));
            xthread_sleep_ms(100);
            continue;
        }
        /* Members are only marked here, and removed after, so fds[1 + i]
         * still matches room[i] all through this loop. */
        for (i = 0; i < n; i++)
            if (fds[1 + i].revents != 0 && !room[i].gone) member_readable(&room[i]);
        drop_gone();
        if (fds[0].revents != 0) member_join(server);
    }
}
