/*
 * examples/lineio.h, the examples' line reader, on any byte stream cut into
 * any pieces: the lines it hands out must be those its comment promises, the
 * same whatever the pieces, never more than the caller's buffer holds. A
 * model below computes them from the whole stream at once. parse_port, the
 * examples' other parser, is checked against its comment too.
 *
 * Input: byte 0 picks the caller's line buffer size, byte 1 seeds the piece
 * sizes of the fake socket's xsock_recv; the rest is the stream.
 */
#include "fuzz.h"
#include "lineio.h"

/* The next line of data[*pos..size) by lineio.h's rules, as (start, len);
 * 0 when the stream is used up. */
static int model_next(const uint8_t *data, size_t size, size_t *pos, size_t *start, size_t *len)
{
    const uint8_t *nl;
    size_t left = size - *pos, n;
    if (left == 0) return 0;
    nl = (const uint8_t *)memchr(data + *pos, '\n', left);
    n = nl != NULL ? (size_t)(nl - (data + *pos)) : left;
    *start = *pos;
    if (n >= LINEIO_MAX) {
        /* The buffer filled before a "\n" came: the line is cut at the
         * buffer's size and the rest of it, its "\n" too, dropped. */
        *len = LINEIO_MAX;
        *pos = nl != NULL ? *pos + n + 1 : size;
    } else {
        *len = n;
        *pos += nl != NULL ? n + 1 : n;
    }
    if (*len > 0 && data[*start + *len - 1] == '\r') (*len)--;
    return 1;
}

static void check_lines(const uint8_t *data, size_t size, size_t cap, unsigned seed)
{
    lineio in;
    xsock_t s;
    char *line = (char *)malloc(cap); /* exactly cap: a sanitizer sees a byte past it */
    size_t pos = 0, start, len;
    int r;
    FUZZ_CHECK(line != NULL);
    FUZZ_CHECK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM) == 0);
    fuzz_fake_set_stream(data, size, seed);
    lineio_init(&in);
    while ((r = lineio_read(&in, s, line, cap)) == 1) {
        FUZZ_CHECK(model_next(data, size, &pos, &start, &len));
        if (len > cap - 1) len = cap - 1;
        FUZZ_CHECK(memcmp(line, data + start, len) == 0 && line[len] == '\0');
        FUZZ_CHECK(in.len <= sizeof in.buf);
    }
    FUZZ_CHECK(r == 0); /* the end of the stream, never an error */
    FUZZ_CHECK(!model_next(data, size, &pos, &start, &len));
    FUZZ_CHECK(lineio_read(&in, s, line, cap) == 0);
    FUZZ_CHECK(xsock_close(s) == 0);
    free(line);
}

static void check_parse_port(const uint8_t *data, size_t size)
{
    char *text = fuzz_strdup(data, size);
    size_t i, n = strlen(text);
    long value = 0;
    int want_ok = n > 0, port = -1, r;
    for (i = 0; i < n && want_ok; i++) {
        want_ok = text[i] >= '0' && text[i] <= '9';
        if (want_ok) value = value * 10 + (text[i] - '0');
        if (value > 65535) want_ok = 0;
    }
    r = parse_port(text, &port);
    FUZZ_CHECK(r == (want_ok ? 0 : -1));
    if (want_ok) FUZZ_CHECK(port == (int)value);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[8] = {1, 2, 3, 16, LINEIO_MAX - 1, LINEIO_MAX, LINEIO_MAX + 1,
                                   2 * LINEIO_MAX};
    size_t cap;
    if (size < 2) return 0;
    /* A handful of edge sizes, else any size from 1 to 248. */
    cap = data[0] < 8 ? caps[data[0]] : (size_t)data[0] - 7;
    check_lines(data + 2, size - 2, cap, data[1]);
    check_parse_port(data + 2, size - 2);
    FUZZ_CHECK(fuzz_fake_open_sockets() == 0);
    return 0;
}
