/*
 * examples/lineio.h, the examples' line reader, on any byte stream cut into
 * any pieces: the lines it hands out must be those its comment promises, the
 * same whatever the pieces: whole byte strings of any length, '\0's kept. A
 * model below computes them from the whole stream at once. parse_port, the
 * examples' other parser, is checked against its comment too.
 *
 * Input: byte 0 is unused (it picked a line buffer size while lines had a
 * limit; kept so the corpus keeps its meaning), byte 1 seeds the piece
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
    *len = n;
    *pos += nl != NULL ? n + 1 : n;
    if (*len > 0 && data[*start + *len - 1] == '\r') (*len)--;
    return 1;
}

static void check_lines(const uint8_t *data, size_t size, unsigned seed)
{
    lineio in;
    xsock_t s;
    char *line;
    size_t pos = 0, start, len, n;
    int r;
    FUZZ_CHECK(xsock_open(&s, XSOCK_INET, XSOCK_STREAM) == 0);
    fuzz_fake_set_stream(data, size, seed);
    lineio_init(&in);
    while ((r = lineio_read(&in, s, &line, &n)) == 1) {
        FUZZ_CHECK(model_next(data, size, &pos, &start, &len));
        FUZZ_CHECK(n == len && memcmp(line, data + start, len) == 0 && line[len] == '\0');
        FUZZ_CHECK(in.used <= in.len && in.len < in.cap);
    }
    FUZZ_CHECK(r == 0); /* the end of the stream, never an error */
    FUZZ_CHECK(!model_next(data, size, &pos, &start, &len));
    FUZZ_CHECK(lineio_read(&in, s, &line, &n) == 0);
    FUZZ_CHECK(xsock_close(s) == 0);
    lineio_free(&in);
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
    if (size < 2) return 0;
    check_lines(data + 2, size - 2, data[1]);
    check_parse_port(data + 2, size - 2);
    FUZZ_CHECK(fuzz_fake_open_sockets() == 0);
    return 0;
}
