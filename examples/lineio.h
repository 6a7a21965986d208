/*
 * lineio.h - the examples' shared helpers: text lines read the way Java's
 * BufferedReader.readLine reads them, from a TCP socket and from stdin, and
 * a port number from the command line.
 *
 * TCP is a byte stream, not a message stream: one recv may hold half a line,
 * or three lines and the start of a fourth. A lineio keeps what arrived and
 * hands out whole lines.
 *
 * The rules, as readLine's: a line ends at "\n" or "\r\n" (neither is
 * returned); what is left unterminated when the stream ends is a last line.
 * A line is a byte string, of any length: a '\0' in it is data like any
 * other byte, so every line comes with its length, and the buffer grows as
 * long as the line is (as readLine's does; a server meant for the open
 * internet would set a limit). A lone "\r" is kept as data (readLine would
 * end the line there).
 *
 * Header-only; not part of the library.
 */
#ifndef LINEIO_H
#define LINEIO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#ifdef _WIN32
#  include <fcntl.h> /* _O_BINARY */
#  include <io.h>    /* _setmode, _fileno */
#endif

#define LINEIO_CHUNK 4096 /* the least room one recv gets */

typedef struct lineio {
    char *buf;      /* bytes received, grown as needed; NULL at first */
    size_t len;     /* how many are in buf */
    size_t used;    /* the front ones already handed out as lines */
    size_t scanned; /* how far past used there is surely no "\n" */
    size_t cap;
    int ended;      /* the peer ended the stream */
} lineio;

static inline void lineio_init(lineio *in)
{
    memset(in, 0, sizeof *in);
}

static inline void lineio_free(lineio *in)
{
    free(in->buf);
    lineio_init(in);
}

/* Takes the next whole line out of what was received so far: 1 with *line
 * pointing at its *n bytes (followed by a '\0', valid until the next call),
 * or 0 when more bytes are needed (or, with in->ended set, when nothing is
 * left). Never reads the socket. */
static inline int lineio_next(lineio *in, char **line, size_t *n)
{
    size_t avail = in->len - in->used, end;
    char *start, *nl;
    *line = NULL;
    *n = 0;
    if (avail == 0) return 0; /* (and buf may still be NULL) */
    start = in->buf + in->used;
    nl = (char *)memchr(start + in->scanned, '\n', avail - in->scanned);
    if (nl != NULL) {
        end = (size_t)(nl - start);
        in->used += end + 1;
    } else if (in->ended) { /* the unterminated last line */
        end = avail;
        in->used += end; /* fill left room for the '\0' */
    } else {
        in->scanned = avail;
        return 0;
    }
    in->scanned = 0;
    if (end > 0 && start[end - 1] == '\r') end--;
    start[end] = '\0';
    *line = start;
    *n = end;
    return 1;
}

/* One xsock_recv into the free end of the buffer, after lineio_next said 0:
 * the byte count, 0 when the peer ended the stream (in->ended is then set),
 * or a negative XSOCK_E* code (XSOCK_ENOMEM: no memory for a longer line). */
static inline xsock_ssize_t lineio_fill(lineio *in, xsock_t s)
{
    xsock_ssize_t n;
    /* Lines handed out are done with: move the rest to the front. */
    if (in->used > 0) {
        memmove(in->buf, in->buf + in->used, in->len - in->used);
        in->len -= in->used;
        in->used = 0;
    }
    if (in->cap - in->len < LINEIO_CHUNK + 1) { /* +1: the last line's '\0' */
        size_t cap = in->cap * 2 > in->len + LINEIO_CHUNK + 1 ? in->cap * 2
                                                               : in->len + LINEIO_CHUNK + 1;
        char *grown = (char *)realloc(in->buf, cap);
        if (grown == NULL) return XSOCK_ENOMEM;
        in->buf = grown;
        in->cap = cap;
    }
    n = xsock_recv(s, in->buf + in->len, in->cap - in->len - 1);
    if (n > 0) in->len += (size_t)n;
    if (n == 0) in->ended = 1;
    return n;
}

/* The blocking readLine: 1 with the next line in *line and *n (as
 * lineio_next), 0 when the stream ended, or a negative XSOCK_E* code. */
static inline int lineio_read(lineio *in, xsock_t s, char **line, size_t *n)
{
    for (;;) {
        xsock_ssize_t r;
        if (lineio_next(in, line, n)) return 1;
        if (in->ended) return 0;
        if ((r = lineio_fill(in, s)) < 0) return (int)r;
    }
}

/* One line of stdin without its "\n" or "\r\n" (Scanner.nextLine), of any
 * length and with any bytes: 1 with the line in *buf (grown as needed, *cap
 * its size; start with NULL and 0, free it at the end) and its length in
 * *n, followed by a '\0'; 0 at the end of input; XSOCK_ENOMEM when a line
 * is longer than memory allows. */
static inline int read_stdin_line(char **buf, size_t *cap, size_t *n)
{
    int c;
    size_t len = 0;
#ifdef _WIN32
    /* Windows reads stdin in text mode, where byte 0x1A (Ctrl-Z) ends the
     * input: binary mode keeps every byte ("\r\n" is handled below). */
    static int binary;
    if (!binary) {
        _setmode(_fileno(stdin), _O_BINARY);
        binary = 1;
    }
#endif
    while ((c = getchar()) != EOF && c != '\n') {
        if (len + 2 > *cap) { /* this byte and the '\0' */
            size_t grown_cap = *cap < 64 ? 128 : *cap * 2;
            char *grown = (char *)realloc(*buf, grown_cap);
            if (grown == NULL) return XSOCK_ENOMEM;
            *buf = grown;
            *cap = grown_cap;
        }
        (*buf)[len++] = (char)c;
    }
    if (c == EOF && len == 0) return 0;
    if (*buf == NULL) { /* an empty first line: still a string to hand out */
        if ((*buf = (char *)malloc(1)) == NULL) return XSOCK_ENOMEM;
        *cap = 1;
    }
    if (len > 0 && (*buf)[len - 1] == '\r') len--;
    (*buf)[len] = '\0';
    *n = len;
    return 1;
}

/* prefix, then the n bytes of line (a '\0' among them printed too), then a
 * newline: one fwrite, so lines printed by several threads never mix. */
static inline void print_line(const char *prefix, const char *line, size_t n)
{
    size_t p = strlen(prefix);
    char *all = (char *)malloc(p + n + 1);
    if (all == NULL) { /* the same bytes, in three pieces */
        fputs(prefix, stdout);
        fwrite(line, 1, n, stdout);
        putchar('\n');
        return;
    }
    memcpy(all, prefix, p);
    memcpy(all + p, line, n);
    all[p + n] = '\n';
    fwrite(all, 1, p + n + 1, stdout);
    free(all);
}

/* A port number from the command line: 0 and the port in *port, or -1 for
 * anything but plain decimal digits in 0..65535. */
static inline int parse_port(const char *text, int *port)
{
    long value = 0;
    if (text == NULL || *text == '\0') return -1;
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9') return -1;
        value = value * 10 + (*text - '0');
        if (value > 65535) return -1;
    }
    *port = (int)value;
    return 0;
}

#endif /* LINEIO_H */
