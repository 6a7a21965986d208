/*
 * Shared by the fuzz targets. Each fuzz_*.c defines LLVMFuzzerTestOneInput;
 * it is linked either with libFuzzer (clang, -DXSOCK_FUZZ=ON) or with
 * replay_main.c, which feeds it the seed corpus as an ordinary test on every
 * compiler and OS. Both link the library's common code over fake_backend.c,
 * never a real backend: no socket is opened and no name reaches a resolver.
 */
#ifndef XSOCK_FUZZ_H
#define XSOCK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort(), not exit(): libFuzzer saves the input of a crash, not of an exit. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__,        \
                    __LINE__, #cond);                                          \
            fflush(stderr);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A return value the header allows: >= 0 or one of the XSOCK_E* codes. */
#define FUZZ_CHECK_CODE(r) FUZZ_CHECK((r) >= 0 || ((r) >= XSOCK__ERR_MIN && (r) <= -1))

/* data as a NUL-terminated string (an embedded NUL ends it early); free() it. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
    char *s = (char *)malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    if (size > 0) memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Formats addr into text (XSOCK_ADDRSTRLEN bytes) and checks the header's
 * promise at every capacity up to the one that fits: XSOCK_ENOBUFS and ""
 * when too small, the same text when it fits, and never a byte written at
 * or past cap (the guard bytes would show it, even without a sanitizer).
 * Returns the length, or the error for an address that cannot be formatted. */
static inline int fuzz_format_checked(const xsock_addr *addr, char *text)
{
    enum { GUARD = 16 };
    char *buf = (char *)malloc(XSOCK_ADDRSTRLEN + GUARD);
    size_t cap, last, i;
    int n = xsock_addr_format(addr, text, XSOCK_ADDRSTRLEN), r;
    FUZZ_CHECK(buf != NULL);
    FUZZ_CHECK_CODE(n);
    if (n >= 0) FUZZ_CHECK(n < XSOCK_ADDRSTRLEN && strlen(text) == (size_t)n);
    last = n >= 0 ? (size_t)n + 1 : 2;
    for (cap = 0; cap <= last; cap++) {
        memset(buf, 0xA5, cap + GUARD);
        r = xsock_addr_format(addr, buf, cap);
        for (i = cap; i < cap + GUARD; i++) FUZZ_CHECK((unsigned char)buf[i] == 0xA5);
        if (cap == 0) {
            FUZZ_CHECK(r == XSOCK_EINVAL);
        } else if (n < 0) {
            FUZZ_CHECK(r == n);
        } else if ((size_t)n >= cap) {
            FUZZ_CHECK(r == XSOCK_ENOBUFS && buf[0] == '\0');
        } else {
            FUZZ_CHECK(r == n && memcmp(buf, text, (size_t)n + 1) == 0);
        }
    }
    free(buf);
    return n;
}

/* RFC 6761: "invalid" as the last label, any case, final dot or not. */
static inline int fuzz_is_invalid_name(const char *host)
{
    static const char label[] = "invalid";
    size_t n = strlen(host), m = sizeof label - 1, i;
    if (n > 0 && host[n - 1] == '.') n--;
    if (n < m || (n > m && host[n - m - 1] != '.')) return 0;
    for (i = 0; i < m; i++) {
        char c = host[n - m + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != label[i]) return 0;
    }
    return 1;
}

/* ---- fake_backend.c -------------------------------------------------------- */

/* How many fake sockets are open: a failed one-liner must leave none behind. */
int fuzz_fake_open_sockets(void);
/* Whether s is a fake socket that is open now. */
int fuzz_fake_is_open(xsock_t s);
/* What xsock_recv on a fake socket returns: data in pieces whose sizes come
 * from seed, then 0 (the end of the stream). data must outlive the reads. */
void fuzz_fake_set_stream(const uint8_t *data, size_t size, unsigned seed);

#endif /* XSOCK_FUZZ_H */
