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
 * Without a host, the client first looks for rooms in the LAN lobby
 * (lobby.h): it listens to the servers' announcements for two seconds,
 * lists the rooms it heard and enters the first, or the one named "@room".
 * If it hears none (no server, or multicast does not get through), it asks
 * for a host and port.
 *
 * usage: chat_client [host] [port] [name]   (default 127.0.0.1 9000)
 *        chat_client [@room] [name]         (no host: find a room on the LAN)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#include "lineio.h"
#include "lobby.h"
#include "xthread.h"

#define CHAT_DEFAULT_PORT 9000
#define MAX_ROOMS 16

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

/* ---- the lobby: finding a room without its address ------------------- */

typedef struct room {
    char name[LOBBY_NAME_MAX + 1];
    char host[256];
    int port;
} room;

/* A socket that hears the lobby: bound to the group's port on every address
 * (Windows delivers multicast only to a socket bound so: Microsoft,
 * "IP_ADD_MEMBERSHIP"), sharing that port with other clients on this
 * machine, a member of the group, and non-blocking. */
static int lobby_open(xsock_t *s, xsock_addr *group)
{
    xsock_addr any;
    int ifindex, r;
    if ((r = lobby_settings(group, &ifindex)) < 0) return r;
    if ((r = xsock_open(s, XSOCK_INET, XSOCK_DGRAM)) < 0) return r;
    if ((r = xsock_set_option(*s, XSOCK_OPT_SHAREPORT, 1)) < 0 ||
        (r = xsock_addr_any(&any, XSOCK_INET, xsock_addr_port(group))) < 0 ||
        (r = xsock_bind(*s, &any)) < 0 ||
        (r = xsock_set_option(*s, XSOCK_OPT_MULTICAST_LOOP, 1)) < 0 ||
        (r = xsock_mcast_join(*s, group, NULL, ifindex)) < 0 ||
        (r = xsock_set_nonblocking(*s, 1)) < 0)
        xsock_close(*s);
    return r;
}

/* An announcement, "XSOCK-CHAT 1 <port> <name>\n", that came from the
 * address from: 1 with *rm filled; 0 for anything else (anyone can send to
 * a group). */
static int parse_announcement(const char *data, size_t n, const xsock_addr *from, room *rm)
{
    size_t tag = strlen(LOBBY_TAG), digits;
    const char *port, *name, *end;
    char text[8], *colon;
    xsock_addr host = *from;

    if (n <= tag || memcmp(data, LOBBY_TAG, tag) != 0 || data[n - 1] != '\n') return 0;
    port = data + tag;
    end = data + n - 1; /* the "\n" */
    name = (const char *)memchr(port, ' ', (size_t)(end - port));
    if (name == NULL || (digits = (size_t)(name - port)) >= sizeof text) return 0;
    memcpy(text, port, digits);
    text[digits] = '\0';
    name++;
    if (parse_port(text, &rm->port) != 0 || rm->port == 0 ||
        !lobby_name_ok(name, (size_t)(end - name)))
        return 0;
    memcpy(rm->name, name, (size_t)(end - name));
    rm->name[end - name] = '\0';
    /* The room is at the sender's address: "a.b.c.d:0" without its ":0". */
    if (xsock_addr_set_port(&host, 0) < 0 ||
        xsock_addr_format(&host, rm->host, sizeof rm->host) < 0 ||
        (colon = strrchr(rm->host, ':')) == NULL)
        return 0;
    *colon = '\0';
    return 1;
}

/* Listens to the lobby for two seconds and lists every room heard; then
 * picks the first, or the first named want: 1 with it in *pick, else 0. */
static int find_room(const char *want, room *pick)
{
    room heard[MAX_ROOMS], rm;
    int n = 0, i, tick, r;
    xsock_t s;
    xsock_addr group, from;
    char data[512];
    xsock_ssize_t got;

    if ((r = lobby_open(&s, &group)) < 0) {
        fprintf(stderr, "chat_client: cannot join the lobby (%s): %s\n", LOBBY_GROUP,
                xsock_strerror(r));
        return 0;
    }
    printf("looking for rooms on %s port %d\n", LOBBY_GROUP, xsock_addr_port(&group));
    for (tick = 0; tick < 20; tick++) { /* two seconds: every 100 ms, take what came */
        xthread_sleep_ms(100);
        while ((got = xsock_recvfrom(s, data, sizeof data, &from)) >= 0) {
            if (!parse_announcement(data, (size_t)got, &from, &rm)) continue;
            for (i = 0; i < n; i++) /* a room announces itself every second */
                if (heard[i].port == rm.port && strcmp(heard[i].host, rm.host) == 0) break;
            if (i < n || n == MAX_ROOMS) continue;
            heard[n++] = rm;
            printf("room %s at %s port %d\n", rm.name, rm.host, rm.port);
        }
    }
    xsock_close(s);
    for (i = 0; i < n; i++)
        if (want == NULL || strcmp(heard[i].name, want) == 0) {
            *pick = heard[i];
            return 1;
        }
    if (want != NULL)
        printf("no room named %s heard within 2 s\n", want);
    else
        printf("no room heard within 2 s\n");
    return 0;
}

/* No room found: the host and port come from a line of stdin, "host" or
 * "host port"; an empty line or the end of input keeps 127.0.0.1 9000.
 * 0, or -1 for a line that is no host and port. */
static int ask_room(room *pick)
{
    char *line = NULL, *space;
    size_t cap = 0, n;
    int r = 0;
    printf("type the room's host and port (an empty line: 127.0.0.1 %d)\n", CHAT_DEFAULT_PORT);
    if (read_stdin_line(&line, &cap, &n) == 1 && n > 0) {
        if ((space = strchr(line, ' ')) != NULL) {
            *space = '\0';
            r = parse_port(space + 1, &pick->port);
        }
        if (r == 0 && line[0] != '\0' && strlen(line) < sizeof pick->host)
            memcpy(pick->host, line, strlen(line) + 1);
        else
            r = -1;
    }
    free(line);
    return r;
}

int main(int argc, char **argv)
{
    static room pick = {"", "127.0.0.1", CHAT_DEFAULT_PORT};
    const char *host = argc > 1 ? argv[1] : pick.host;
    int port = CHAT_DEFAULT_PORT, r, lobby = argc == 1 || argv[1][0] == '@';
    char *line = NULL, *name = argc == (lobby ? 3 : 4) ? argv[argc - 1] : NULL;
    size_t cap = 0, n;
    xthread receiver;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (lobby ? argc > 3 : (argc > 4 || (argc >= 3 && parse_port(argv[2], &port) != 0))) {
        fprintf(stderr, "usage: chat_client [host] [port] [name]   (default 127.0.0.1 %d)\n"
                        "       chat_client [@room] [name]   (no host: find a room on the LAN)\n",
                CHAT_DEFAULT_PORT);
        return 2;
    }

    /* No host: the lobby finds one, or stdin gives one. */
    if (lobby) {
        if (find_room(argc > 1 && argv[1][1] != '\0' ? argv[1] + 1 : NULL, &pick))
            printf("joining %s at %s port %d\n", pick.name, pick.host, pick.port);
        else if (ask_room(&pick) != 0) {
            fprintf(stderr, "chat_client: that is not \"host\" or \"host port\"\n");
            return 2;
        }
        host = pick.host;
        port = pick.port;
    }

    /* connect(): enter the room the host bound */
    if ((r = xsock_tcp_connect(&sock, host, port, 5000)) < 0) {
        fprintf(stderr, "chat_client: connect to %s port %d: %s\n", host, port, xsock_strerror(r));
        return 1;
    }
    if (name != NULL && (r = send_line(name, strlen(name))) < 0) { /* the name first */
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
