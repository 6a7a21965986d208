/* xsock_interfaces, and scope text by interface name. */
#include "testutil.h"

static int find_loopback_v4(const xsock_interface *e, int n)
{
    int i;
    char text[XSOCK_ADDRSTRLEN];
    for (i = 0; i < n; i++) {
        if (xsock_addr_family(&e[i].addr) != XSOCK_INET) continue;
        CHECK_OK(xsock_addr_format(&e[i].addr, text, sizeof text));
        if (strcmp(text, "127.0.0.1:0") == 0) return i;
    }
    return -1;
}

TEST(list)
{
    xsock_interface *e;
    int n, m, i, lo;
    n = (int)CHECK_OK(xsock_interfaces(NULL, 0));
    printf("%d addresses\n", n);
    CHECK(n >= 1);
    e = (xsock_interface *)calloc((size_t)n + 4, sizeof *e);
    CHECK(e != NULL);
    m = (int)CHECK_OK(xsock_interfaces(e, (size_t)n + 4));
    CHECK(m >= 1 && m <= n + 4);
    for (i = 0; i < m; i++) {
        char text[XSOCK_ADDRSTRLEN];
        int fam = xsock_addr_family(&e[i].addr);
        CHECK(fam == XSOCK_INET || fam == XSOCK_INET6);
        CHECK_EQ(xsock_addr_port(&e[i].addr), 0);
        CHECK(e[i].prefix_len >= 0 && e[i].prefix_len <= (fam == XSOCK_INET ? 32 : 128));
        CHECK((e[i].flags & ~(unsigned)(XSOCK_IF_UP | XSOCK_IF_LOOPBACK | XSOCK_IF_MULTICAST)) == 0);
        CHECK(memchr(e[i].name, '\0', sizeof e[i].name) != NULL);
        CHECK_OK(xsock_addr_format(&e[i].addr, text, sizeof text));
        printf("  %-16s index %u  %-40s /%d  flags %x\n", e[i].name, e[i].index, text,
               e[i].prefix_len, e[i].flags);
        CHECK(e[i].index > 0);
    }
    /* 127.0.0.1 is there: loopback, up, prefix 8 (Linux's lo; Windows'
     * Loopback Pseudo-Interface). */
    lo = find_loopback_v4(e, m);
    CHECK(lo >= 0);
    CHECK(e[lo].flags & XSOCK_IF_LOOPBACK);
    CHECK(e[lo].flags & XSOCK_IF_UP);
    CHECK_EQ(e[lo].prefix_len, 8);
    CHECK(e[lo].name[0] != '\0');
    free(e);
}

/* Fewer slots than addresses: the count of all, and nothing written past. */
TEST(count_exceeds_max)
{
    xsock_interface e[2];
    int n = (int)CHECK_OK(xsock_interfaces(NULL, 0));
    memset(e, 0xAB, sizeof e);
    CHECK_EQ(xsock_interfaces(e, 1), n);
    CHECK(e[1].name[0] == (char)0xAB && e[1].index == 0xABABABABu);
}

/* A scope by name parses to the interface's index, and formats back as
 * its name. */
TEST(scope_by_name)
{
    xsock_interface e[64];
    xsock_addr a, b;
    char text[XSOCK_ADDRSTRLEN], want[XSOCK_ADDRSTRLEN + 64];
    int n = (int)CHECK_OK(xsock_interfaces(e, 64)), lo;
    if (n > 64) n = 64;
    lo = find_loopback_v4(e, n);
    CHECK(lo >= 0 && e[lo].name[0] != '\0');
    snprintf(want, sizeof want, "[fe80::1%%%s]:80", e[lo].name);
    CHECK_OK(xsock_addr_parse(&a, want));
    CHECK_OK(xsock_addr_format(&a, text, sizeof text));
    printf("%s -> %s\n", want, text);
    CHECK_STR(text, want);
    /* The same address as by number. */
    snprintf(want, sizeof want, "[fe80::1%%%u]:80", e[lo].index);
    CHECK_OK(xsock_addr_parse(&b, want));
    CHECK(xsock_addr_equal(&a, &b));
    /* A name no interface has. */
    CHECK_ERR(xsock_addr_parse(&a, "[fe80::1%no-such-if0]:80"), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_parse(&a, "fe80::1%no-such-if0"), XSOCK_EINVAL);
}

TEST(bad_input)
{
    CHECK_ERR(xsock_interfaces(NULL, 1), XSOCK_EINVAL);
}

XTEST_MAIN(XTEST(list) XTEST(count_exceeds_max) XTEST(scope_by_name) XTEST(bad_input))
