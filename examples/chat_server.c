/*
 * chat_server - seeds 002 and 003: the game room. The server is the host
 * ("방장"): bind() makes the room, listen() waits for players, accept() lets
 * one in, send()/recv() carry the chat, close() when someone leaves.
 *
 * Protocol (text lines, "\n" or "\r\n"):
 *   - the first line a participant sends is its name;
 *   - lines and names are bytes of any length;
 *   - every later line goes to all the others as "name: text";
 *   - the room hears "* name joined" and "* name left", and a newcomer gets
 *     "* welcome name (N in the room)".
 * The server prints the same lines, so its output is the room's log.
 *
 * One thread serves the whole room with xsock_poll, so no lock guards the
 * member list. A member that stops reading cannot freeze the room for long:
 * sends to it give up after 2 s and it is then put out.
 *
 * The lobby (lobby.h): a second thread announces the room on the LAN once a
 * second, its name and port, so that a chat_client started without a host
 * finds it. A room that cannot announce itself stays open all the same.
 *
 * usage: chat_server [port] [@room]   (default 9000 and "chat"; port 0 picks
 *                                      a free port)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#include "lineio.h"
#include "lobby.h"
#include "xthread.h"

#define CHAT_DEFAULT_PORT 9000
#define MAX_MEMBERS 100

/* ---- the room --------------------------------------------------------- */

typedef struct member {
    xsock_t sock;
    lineio in;
    char *name;      /* NULL until its first line; any length, any bytes */
    size_t name_len;
    int gone;        /* left, or a send to it failed */
} member;

static member room[MAX_MEMBERS];
static size_t nmembers;
static int guests; /* for names of those who sent an empty one */

/* before + m's name + after + n bytes of text + "\n", in one new buffer
 * (free it), its length in *len; NULL when out of memory. */
static char *compose(const char *before, const member *m, const char *after, const char *text,
                     size_t n, size_t *len)
{
    size_t b = strlen(before), a = strlen(after);
    char *out = (char *)malloc(b + m->name_len + a + n + 1);
    if (out == NULL) return NULL;
    memcpy(out, before, b);
    memcpy(out + b, m->name, m->name_len);
    memcpy(out + b + m->name_len, after, a);
    memcpy(out + b + m->name_len + a, text, n);
    out[b + m->name_len + a + n] = '\n';
    *len = b + m->name_len + a + n + 1;
    return out;
}

static void send_line(member *m, const char *line, size_t len)
{
    if (!m->gone && xsock_send_all(m->sock, line, len) < 0) m->gone = 1;
}

/* A line (with its "\n") to every named member but from (NULL: to all),
 * and to the log; then frees it. */
static void tell_room(const member *from, char *line, size_t len)
{
    size_t i;
    fwrite(line, 1, len, stdout);
    for (i = 0; i < nmembers; i++)
        if (&room[i] != from && room[i].name != NULL) send_line(&room[i], line, len);
    free(line);
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
    room[nmembers].name = NULL;
    room[nmembers].name_len = 0;
    room[nmembers].gone = 0;
    nmembers++;
}

/* One line from m: its name first, then chat for the others. 0, or -1 when
 * out of memory. */
static int member_said(member *m, const char *line, size_t n)
{
    char guest[32], count[48], *out;
    size_t i, named = 0, len;
    if (m->name != NULL) {
        if ((out = compose("", m, ": ", line, n, &len)) == NULL) return -1;
        tell_room(m, out, len);
        return 0;
    }
    if (n == 0) { /* no name: make one up */
        snprintf(guest, sizeof guest, "guest%d", ++guests);
        line = guest;
        n = strlen(guest);
    }
    if ((m->name = (char *)malloc(n)) == NULL) return -1;
    memcpy(m->name, line, n);
    m->name_len = n;
    for (i = 0; i < nmembers; i++) named += room[i].name != NULL;
    snprintf(count, sizeof count, " (%d in the room)", (int)named);
    if ((out = compose("* welcome ", m, count, "", 0, &len)) == NULL) return -1;
    send_line(m, out, len);
    free(out);
    if ((out = compose("* ", m, " joined", "", 0, &len)) == NULL) return -1;
    tell_room(m, out, len);
    return 0;
}

/* m has bytes (or its end) to read: reads once, handles every whole line. */
static void member_readable(member *m)
{
    char *line;
    size_t n;
    xsock_ssize_t r = lineio_fill(&m->in, m->sock);
    if (r < 0) {
        if (r == XSOCK_ENOMEM) fprintf(stderr, "chat_server: a line too long for memory\n");
        m->gone = 1;
        return;
    }
    while (!m->gone && lineio_next(&m->in, &line, &n))
        if (member_said(m, line, n) < 0) {
            fprintf(stderr, "chat_server: out of memory\n");
            m->gone = 1;
        }
    if (m->in.ended) m->gone = 1;
}

/* Puts out every gone member. Saying goodbye can fail a send to another
 * member and put it out too, hence the restart. */
static void drop_gone(void)
{
    size_t i = 0;
    while (i < nmembers) {
        member *m = &room[i];
        char *out;
        size_t len;
        if (!m->gone) {
            i++;
            continue;
        }
        if (m->name != NULL && (out = compose("* ", m, " left", "", 0, &len)) != NULL)
            tell_room(m, out, len);
        xsock_close(m->sock);
        lineio_free(&m->in);
        free(m->name);
        *m = room[--nmembers];
        i = 0;
    }
}

/* ---- the lobby -------------------------------------------------------- */

static xsock_t lobby;
static xsock_addr lobby_group;
static char announcement[sizeof LOBBY_TAG + 8 + LOBBY_NAME_MAX];
static size_t announcement_len;

/* A socket that sends to the lobby's group: TTL 1 (this LAN only), and loop
 * on, so that clients on this machine hear it too. */
static int lobby_open(void)
{
    int ifindex, r;
    if ((r = lobby_settings(&lobby_group, &ifindex)) < 0) return r;
    if ((r = xsock_open(&lobby, XSOCK_INET, XSOCK_DGRAM)) < 0) return r;
    if ((r = xsock_set_option(lobby, XSOCK_OPT_MULTICAST_TTL, 1)) < 0 ||
        (r = xsock_set_option(lobby, XSOCK_OPT_MULTICAST_LOOP, 1)) < 0 ||
        (r = xsock_set_option(lobby, XSOCK_OPT_MULTICAST_IF, ifindex)) < 0)
        xsock_close(lobby);
    return r;
}

/* The announcing thread: one datagram a second, for ever. A failure is
 * told once (and again after it worked in between): the room goes on. */
static void announce_room(void *unused)
{
    int failing = 0;
    (void)unused;
    for (;;) {
        xsock_ssize_t r = xsock_sendto(lobby, announcement, announcement_len, &lobby_group);
        if (r < 0 && !failing)
            fprintf(stderr, "chat_server: cannot announce the room: %s (it stays open)\n",
                    xsock_strerror((int)r));
        failing = r < 0;
        xthread_sleep_ms(1000);
    }
}

static void start_lobby(const char *room_name, int port)
{
    xthread announcer;
    int r = lobby_open();
    announcement_len = (size_t)snprintf(announcement, sizeof announcement, "%s%d %s\n",
                                        LOBBY_TAG, port, room_name);
    if (r == 0 && xthread_start(&announcer, announce_room, NULL) == 0) {
        xthread_detach(announcer);
        return;
    }
    fprintf(stderr, "chat_server: no lobby: %s (the room is open all the same)\n",
            r < 0 ? xsock_strerror(r) : "cannot start a thread");
}

/* ---- the wait loop ---------------------------------------------------- */

int main(int argc, char **argv)
{
    static xsock_pollfd fds[1 + MAX_MEMBERS];
    int port = CHAT_DEFAULT_PORT, r;
    const char *room_name = argc == 3 ? argv[2] + 1 : "chat";
    xsock_t server;
    xsock_addr local;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 3 || (argc >= 2 && parse_port(argv[1], &port) != 0) ||
        (argc == 3 && (argv[2][0] != '@' || !lobby_name_ok(room_name, strlen(room_name))))) {
        fprintf(stderr, "usage: chat_server [port] [@room]   (default %d and \"chat\"; a room name"
                " has 1 to %d bytes, no control characters)\n", CHAT_DEFAULT_PORT, LOBBY_NAME_MAX);
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
    start_lobby(room_name, xsock_addr_port(&local));

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
