/*
 * xsock_addr_resolve and the one-liners built on it, with any host text,
 * port, family and array size. The resolver underneath is the stub in
 * fake_backend.c, never getaddrinfo: a fuzzer makes up names by the million
 * and the only DNS server here is off-machine, so a real lookup would be
 * slow, flaky and a flood of queries to someone else's server. The stub
 * checks what the common layer lets through (".invalid" never does, nor an
 * empty, overlong or non-printable name) and answers from the name alone.
 *
 * Input: byte 0: bits 0-1 family (0, INET, INET6, or a bad value), bits 2-4
 * the array size (0-7), bit 5 also runs the one-liners, bit 6 a NULL host;
 * bytes 1-2 the port, byte 3 bit 0 negates it and bit 1 adds 65536, bits
 * 2-7 the connect timeout / listen backlog; the rest is the host text.
 */
#include "fuzz.h"

static void check_no_fake_socket_left(void)
{
    FUZZ_CHECK(fuzz_fake_open_sockets() == 0);
}

/* A one-liner either hands over one open socket or leaves none open. */
static void check_one_liner(int r, xsock_t s)
{
    FUZZ_CHECK_CODE(r);
    if (r == 0) {
        FUZZ_CHECK(fuzz_fake_is_open(s) && fuzz_fake_open_sockets() == 1);
        FUZZ_CHECK(xsock_close(s) == 0);
    }
    check_no_fake_socket_left();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int families[4] = {0, XSOCK_INET, XSOCK_INET6, 7};
    xsock_addr *out;
    xsock_t s;
    char *host_text;
    const char *host;
    size_t max, i;
    int fam, port, extra, r, args_ok;
    if (size < 4) return 0;
    fam = families[data[0] & 3];
    max = (size_t)(data[0] >> 2 & 7);
    port = data[1] << 8 | data[2];
    if (data[3] & 1) port = -port;
    if (data[3] & 2) port += 65536;
    extra = data[3] >> 2;
    host_text = fuzz_strdup(data + 4, size - 4);
    host = (data[0] & 0x40) ? NULL : host_text;

    out = (xsock_addr *)malloc((max ? max : 1) * sizeof *out);
    FUZZ_CHECK(out != NULL);
    r = xsock_addr_resolve(host, port, fam, out, max);
    FUZZ_CHECK_CODE(r);
    args_ok = port >= 0 && port <= 65535 && max > 0;
    if (!args_ok) FUZZ_CHECK(r == XSOCK_EINVAL);
    if (args_ok && (fam == 0 || fam == XSOCK_INET || fam == XSOCK_INET6) && host != NULL &&
        fuzz_is_invalid_name(host))
        FUZZ_CHECK(r == XSOCK_ENOTFOUND);
    if (r > 0) {
        FUZZ_CHECK((size_t)r <= max);
        for (i = 0; i < (size_t)r; i++) {
            int f = xsock_addr_family(&out[i]);
            FUZZ_CHECK(f == XSOCK_INET || f == XSOCK_INET6);
            FUZZ_CHECK(fam == 0 || f == fam);
            FUZZ_CHECK(xsock_addr_port(&out[i]) == port);
        }
    }
    FUZZ_CHECK(xsock_addr_resolve(host, port, fam, NULL, max) == XSOCK_EINVAL);
    free(out);
    check_no_fake_socket_left();

    if (data[0] & 0x20) {
        s = XSOCK_INVALID;
        r = xsock_tcp_connect(&s, host, port, extra);
        check_one_liner(r, s);
        s = XSOCK_INVALID;
        r = xsock_tcp_listen(&s, host, port, extra - 1);
        check_one_liner(r, s);
        s = XSOCK_INVALID;
        r = xsock_udp_bind(&s, host, port);
        check_one_liner(r, s);
    }
    free(host_text);
    return 0;
}
