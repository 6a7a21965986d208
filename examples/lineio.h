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
 * Unlike readLine, lines have a limit: a line longer than LINEIO_MAX - 1
 * bytes is cut there and the rest of it, up to its "\n", is dropped, so a
 * peer sending a huge line costs a fixed buffer and still gets one answer.
 * A lone "\r" is kept as data (readLine would end the line there).
 *
 * Header-only; not part of the library.
 */
#ifndef LINEIO_H
#define LINEIO_H

#include <stdio.h>
#include <string.h>
#include "xsock.h"

#define LINEIO_MAX 1024

typedef struct lineio {
    char buf[LINEIO_MAX];
    size_t len;   /* bytes received and not yet handed out */
    int skipping; /* dropping the rest of a line that was too long */
    int ended;    /* the peer ended the stream */
} lineio;

static inline void lineio_init(lineio *in)
{
    in->len = 0;
    in->skipping = 0;
    in->ended = 0;
}

/* Hands out the first n bytes of the buffer as a line (without a final "\r")
 * and forgets the first used bytes (n plus the "\n", if any). */
static inline void lineio__take(lineio *in, size_t n, size_t used, char *line, size_t cap)
{
    if (n > 0 && in->buf[n - 1] == '\r') n--;
    if (n > cap - 1) n = cap - 1;
    memcpy(line, in->buf, n);
    line[n] = '\0';
    memmove(in->buf, in->buf + used, in->len - used);
    in->len -= used;
}

/* Takes the next whole line out of what was received so far: 1 with the line
 * in line[cap] (cap >= 1), or 0 when more bytes are needed (or, with
 * in->ended set, when nothing is left). Never reads the socket. */
static inline int lineio_next(lineio *in, char *line, size_t cap)
{
    for (;;) {
        char *nl = (char *)memchr(in->buf, '\n', in->len);
        size_t n = nl != NULL ? (size_t)(nl - in->buf) : 0;
        if (in->skipping) {
            if (nl == NULL) {
                in->len = 0;
                return 0;
            }
            memmove(in->buf, nl + 1, in->len - n - 1);
            in->len -= n + 1;
            in->skipping = 0;
            continue;
        }
        if (nl != NULL) {
            lineio__take(in, n, n + 1, line, cap);
            return 1;
        }
        if (in->len == sizeof in->buf) { /* too long: cut it, drop the rest */
            lineio__take(in, in->len, in->len, line, cap);
            in->skipping = 1;
            return 1;
        }
        if (in->ended && in->len > 0) { /* the unterminated last line */
            lineio__take(in, in->len, in->len, line, cap);
            return 1;
        }
        return 0;
    }
}

/* One xsock_recv into the free end of the buffer: the byte count, 0 when the
 * peer ended the stream (in->ended is then set), or a negative XSOCK_E* code.
 * Call it after lineio_next returned 0: the buffer then has room. */
static inline xsock_ssize_t lineio_fill(lineio *in, xsock_t s)
{
    xsock_ssize_t n;
    if (in->len == sizeof in->buf) return XSOCK_ENOBUFS;
    n = xsock_recv(s, in->buf + in->len, sizeof in->buf - in->len);
    if (n > 0) in->len += (size_t)n;
    if (n == 0) in->ended = 1;
    return n;
}

/* The blocking readLine: 1 with the next line in line[cap], 0 when the
 * stream ended, or a negative XSOCK_E* code. */
static inline int lineio_read(lineio *in, xsock_t s, char *line, size_t cap)
{
    for (;;) {
        xsock_ssize_t n;
        if (lineio_next(in, line, cap)) return 1;
        if (in->ended) return 0;
        if ((n = lineio_fill(in, s)) < 0) return (int)n;
    }
}

/* One line of stdin without its "\n" or "\r\n" (Scanner.nextLine): 1, or 0
 * at the end of input. A longer line than cap - 1 bytes is cut, the rest of
 * it dropped. */
static inline int read_stdin_line(char *line, size_t cap)
{
    size_t n;
    if (fgets(line, (int)cap, stdin) == NULL) return 0;
    n = strlen(line);
    if (n > 0 && line[n - 1] == '\n') {
        line[--n] = '\0';
    } else {
        int c;
        while ((c = getchar()) != EOF && c != '\n') {}
    }
    if (n > 0 && line[n - 1] == '\r') line[--n] = '\0';
    return 1;
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
