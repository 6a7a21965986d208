/*
 * xsock_addr_parse on any text. What it accepts must format (at any buffer
 * size, without overflow) to text that parses back to an equal address and
 * formats to itself; what it rejects must be XSOCK_EINVAL. On Linux, glibc's
 * strict inet_pton is a second opinion on bare addresses (no port, brackets
 * or scope): both must accept the same texts and read the same bytes.
 */
#ifdef __linux__
#  define _POSIX_C_SOURCE 200112L
#  include <arpa/inet.h>
#  include <netinet/in.h>
#  include <sys/socket.h>
#endif
#include "fuzz.h"

#ifdef __linux__
static void compare_with_inet_pton(const char *text, const xsock_addr *a, int r)
{
    unsigned char want[16];
    const char *colon = strchr(text, ':');
    int v6 = colon != NULL && strchr(colon + 1, ':') != NULL;
    if (strchr(text, '[') != NULL || strchr(text, '%') != NULL || (colon != NULL && !v6)) return;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, text, want) != 1) {
        FUZZ_CHECK(r != 0);
        return;
    }
    FUZZ_CHECK(r == 0);
    if (v6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)a->storage.bytes;
        FUZZ_CHECK(sin6->sin6_family == AF_INET6);
        FUZZ_CHECK(memcmp(&sin6->sin6_addr, want, 16) == 0);
    } else {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)a->storage.bytes;
        FUZZ_CHECK(sin->sin_family == AF_INET);
        FUZZ_CHECK(memcmp(&sin->sin_addr, want, 4) == 0);
    }
    FUZZ_CHECK(xsock_addr_port(a) == 0);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strdup(data, size);
    char first[XSOCK_ADDRSTRLEN], second[XSOCK_ADDRSTRLEN];
    xsock_addr a, b;
    int r = xsock_addr_parse(&a, text), n, fam, port;
#ifdef __linux__
    compare_with_inet_pton(text, &a, r);
#endif
    if (r != 0) {
        FUZZ_CHECK(r == XSOCK_EINVAL);
        free(text);
        return 0;
    }
    fam = xsock_addr_family(&a);
    FUZZ_CHECK(fam == XSOCK_INET || fam == XSOCK_INET6);
    port = xsock_addr_port(&a);
    FUZZ_CHECK(port >= 0 && port <= 65535);
    FUZZ_CHECK(xsock_addr_equal(&a, &a) == 1);

    n = fuzz_format_checked(&a, first);
    FUZZ_CHECK(n > 0);
    FUZZ_CHECK(xsock_addr_parse(&b, first) == 0);
    FUZZ_CHECK(xsock_addr_equal(&a, &b) == 1);
    FUZZ_CHECK(fuzz_format_checked(&b, second) == n && strcmp(first, second) == 0);

    /* The port is part of the value, and set_port changes nothing else. */
    FUZZ_CHECK(xsock_addr_set_port(&b, port ^ 1) == 0);
    FUZZ_CHECK(xsock_addr_port(&b) == (port ^ 1) && xsock_addr_equal(&a, &b) == 0);
    FUZZ_CHECK(xsock_addr_set_port(&b, port) == 0 && xsock_addr_equal(&a, &b) == 1);
    FUZZ_CHECK(xsock_addr_set_port(&b, 65536) == XSOCK_EINVAL);
    FUZZ_CHECK(xsock_addr_set_port(&b, -1) == XSOCK_EINVAL);
    free(text);
    return 0;
}
