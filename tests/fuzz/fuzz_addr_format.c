/*
 * xsock_addr_format and the accessors on any xsock_addr a caller could hand
 * in: the value type is public, so its bytes and len may be anything. Nothing
 * may crash or write past the buffer; a valid IPv4/IPv6 value must format to
 * text that parses back to an equal value; an AF_UNIX path formats as itself.
 *
 * Input: byte 0 picks how the value is made (below), byte 1 its len (255
 * keeps what the constructor set, else byte 1 - 64, so negative and
 * oversized lengths come up), the rest fills the bytes after the family.
 */
#include <limits.h>
#include "fuzz.h"

/* The family sits in the first two bytes on every OS (macOS: sa_len, family). */
#define FAMILY_BYTES 2

static void check_unix_path(const char *path)
{
    xsock_addr a;
    char text[XSOCK_ADDRSTRLEN];
    size_t n = strlen(path);
    int r = xsock_addr_unix(&a, path);
    if (n == 0 || n > 107) {
        FUZZ_CHECK(r == XSOCK_EINVAL);
        return;
    }
    FUZZ_CHECK(r == 0 && xsock_addr_family(&a) == XSOCK_UNIX);
    FUZZ_CHECK(fuzz_format_checked(&a, text) == (int)n && strcmp(text, path) == 0);
    FUZZ_CHECK(xsock_addr_port(&a) == XSOCK_EAFNOSUPPORT);
    FUZZ_CHECK(xsock_addr_set_port(&a, 1) == XSOCK_EAFNOSUPPORT);
    FUZZ_CHECK(xsock_addr_equal(&a, &a) == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xsock_addr a, b;
    char text[XSOCK_ADDRSTRLEN];
    size_t body;
    int n, fam, port;
    if (size < 2) return 0;
    memset(&a, 0, sizeof a);
    switch (data[0] % 5) {
    case 0: xsock_addr_loopback(&a, XSOCK_INET, 0); break;
    case 1: xsock_addr_loopback(&a, XSOCK_INET6, 0); break;
    case 2: xsock_addr_unix(&a, "x"); break;
    case 3: break; /* all bytes from the input, family too */
    default: {
        char *path = fuzz_strdup(data + 2, size - 2);
        check_unix_path(path);
        free(path);
        return 0;
    }
    }
    body = size - 2;
    if (data[0] % 5 == 3) {
        if (body > sizeof a.storage.bytes) body = sizeof a.storage.bytes;
        memcpy(a.storage.bytes, data + 2, body);
    } else {
        if (body > sizeof a.storage.bytes - FAMILY_BYTES) body = sizeof a.storage.bytes - FAMILY_BYTES;
        memcpy(a.storage.bytes + FAMILY_BYTES, data + 2, body);
    }
    if (data[1] != 255) a.len = (int)data[1] - 64;
    if (data[0] % 5 == 3 && data[1] == 255) a.len = data[0] & 0x80 ? INT_MIN : INT_MAX;

    n = fuzz_format_checked(&a, text);
    fam = xsock_addr_family(&a);
    FUZZ_CHECK_CODE(fam);
    /* Format and family agree on what is a usable address. */
    FUZZ_CHECK((n >= 0) == (fam >= 0));
    FUZZ_CHECK(xsock_addr_equal(&a, &a) == (fam >= 0));
    if (fam < 0) {
        FUZZ_CHECK(fam == XSOCK_EINVAL || fam == XSOCK_EAFNOSUPPORT);
        FUZZ_CHECK(n == fam);
        FUZZ_CHECK(xsock_addr_port(&a) == fam && xsock_addr_set_port(&a, 1) == fam);
        return 0;
    }
    FUZZ_CHECK(fam == XSOCK_INET || fam == XSOCK_INET6 || fam == XSOCK_UNIX);
    port = xsock_addr_port(&a);
    if (fam == XSOCK_UNIX) {
        FUZZ_CHECK(port == XSOCK_EAFNOSUPPORT);
        return 0;
    }
    FUZZ_CHECK(port >= 0 && port <= 65535);
    FUZZ_CHECK(xsock_addr_parse(&b, text) == 0);
    FUZZ_CHECK(xsock_addr_equal(&a, &b) == 1 && xsock_addr_port(&b) == port);
    return 0;
}
