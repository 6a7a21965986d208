/* Address values: numeric text both ways, constructors, accessors, and
 * name resolution limited to "localhost", numeric text and ".invalid". */
#include "testutil.h"

/* Parses text and checks what it formats back to. */
static void round_trip(const char *text, int family, int port, const char *formatted)
{
    xsock_addr a;
    char buf[XSOCK_ADDRSTRLEN];
    int r = xsock_addr_parse(&a, text);
    if (r != 0) XTEST_FAIL("parse(\"%s\") gave %s", text, xsock_err_name(r));
    CHECK_EQ(xsock_addr_family(&a), family);
    CHECK_EQ(xsock_addr_port(&a), port);
    r = xsock_addr_format(&a, buf, sizeof buf);
    if (r < 0 || strcmp(buf, formatted) != 0)
        XTEST_FAIL("\"%s\" formats as \"%s\" (%d), expected \"%s\"", text, buf, r, formatted);
    CHECK_EQ(r, strlen(formatted));
}

/* text formatted and parsed again gives an equal address. */
static void reparse(const char *text)
{
    xsock_addr a, b;
    char buf[XSOCK_ADDRSTRLEN];
    CHECK_OK(xsock_addr_parse(&a, text));
    CHECK_OK(xsock_addr_format(&a, buf, sizeof buf));
    CHECK_OK(xsock_addr_parse(&b, buf));
    if (!xsock_addr_equal(&a, &b)) XTEST_FAIL("\"%s\" -> \"%s\" is not the same address", text, buf);
}

TEST(parse_v4)
{
    round_trip("1.2.3.4:80", XSOCK_INET, 80, "1.2.3.4:80");
    round_trip("127.0.0.1", XSOCK_INET, 0, "127.0.0.1:0");
    round_trip("0.0.0.0:0", XSOCK_INET, 0, "0.0.0.0:0");
    round_trip("255.255.255.255:65535", XSOCK_INET, 65535, "255.255.255.255:65535");
    round_trip("10.0.100.9:8080", XSOCK_INET, 8080, "10.0.100.9:8080");
    reparse("192.168.1.254:1");
}

TEST(parse_v6)
{
    round_trip("[::1]:80", XSOCK_INET6, 80, "[::1]:80");
    round_trip("::1", XSOCK_INET6, 0, "[::1]:0");
    round_trip("[::]:5", XSOCK_INET6, 5, "[::]:5");
    round_trip("[2001:db8::1]:443", XSOCK_INET6, 443, "[2001:db8::1]:443");
    round_trip("[1:2:3:4:5:6:7:8]:65535", XSOCK_INET6, 65535, "[1:2:3:4:5:6:7:8]:65535");
    round_trip("fe80::", XSOCK_INET6, 0, "[fe80::]:0");
    reparse("[2001:db8:85a3::8a2e:370:7334]:9");
}

/* RFC 5952: lowercase, no leading zeros, the longest zero run (the first
 * on a tie) as "::", a lone zero word kept. */
TEST(parse_v6_compressed)
{
    round_trip("[2001:0DB8:0000:0000:0000:0000:0000:0001]:1", XSOCK_INET6, 1, "[2001:db8::1]:1");
    round_trip("1:0:0:1:0:0:0:1", XSOCK_INET6, 0, "[1:0:0:1::1]:0");
    round_trip("1:0:0:0:1:0:0:1", XSOCK_INET6, 0, "[1::1:0:0:1]:0");
    round_trip("2001:db8:0:1:1:1:1:1", XSOCK_INET6, 0, "[2001:db8:0:1:1:1:1:1]:0");
    round_trip("0:0:0:0:0:0:0:0", XSOCK_INET6, 0, "[::]:0");
    round_trip("1::", XSOCK_INET6, 0, "[1::]:0");
    round_trip("ABCD::EF", XSOCK_INET6, 0, "[abcd::ef]:0");
    round_trip("[0:0:1::]:7", XSOCK_INET6, 7, "[0:0:1::]:7");
}

TEST(parse_v4_mapped)
{
    xsock_addr a, b;
    round_trip("[::ffff:1.2.3.4]:80", XSOCK_INET6, 80, "[::ffff:1.2.3.4]:80");
    round_trip("::ffff:102:304", XSOCK_INET6, 0, "[::ffff:1.2.3.4]:0");
    round_trip("[::ffff:127.0.0.1]:9", XSOCK_INET6, 9, "[::ffff:127.0.0.1]:9");
    /* The same IPv4 host, but another family: not equal. */
    CHECK_OK(xsock_addr_parse(&a, "[::ffff:127.0.0.1]:9"));
    CHECK_OK(xsock_addr_parse(&b, "127.0.0.1:9"));
    CHECK_EQ(xsock_addr_equal(&a, &b), 0);
}

TEST(parse_scope)
{
    xsock_addr a, b;
    /* Indices no interface has: a known one formats as its name (iface.*). */
    round_trip("[fe80::1%4000000002]:80", XSOCK_INET6, 80, "[fe80::1%4000000002]:80");
    round_trip("fe80::1%4000000003", XSOCK_INET6, 0, "[fe80::1%4000000003]:0");
    round_trip("[fe80::1%4294967295]:65535", XSOCK_INET6, 65535, "[fe80::1%4294967295]:65535");
    /* The scope is part of the address. */
    CHECK_OK(xsock_addr_parse(&a, "[fe80::1%2]:80"));
    CHECK_OK(xsock_addr_parse(&b, "[fe80::1]:80"));
    CHECK_EQ(xsock_addr_equal(&a, &b), 0);
    CHECK_OK(xsock_addr_parse(&b, "[fe80::1%2]:80"));
    CHECK_EQ(xsock_addr_equal(&a, &b), 1);
}

TEST(parse_malformed)
{
    static const char *bad[] = {
        "", "1.2.3", "256.1.1.1:80", "1.2.3.4:65536", "1.2.3.4:-1", "[::1", "::1]:80",
        "1.2.3.4:80x", "01.2.3.4", "1.2.3.4:", ":80", "1.2.3.4.5", "1..2.3", " 1.2.3.4",
        "1.2.3.4:80 ", "1.2.3.4:99999999999", "[::1]:", "[::1]80", "[::1]:65536", "[]:80",
        "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "12345::1", "[1.2.3.4]:80", "[::1%]:80",
        "[::1%no-such-if0]:80", "localhost", "localhost:80", "::g", "1:2:3:4:5:6:7:", "x"};
    xsock_addr a;
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = xsock_addr_parse(&a, bad[i]);
        if (r != XSOCK_EINVAL)
            XTEST_FAIL("parse(\"%s\") gave %d (%s), expected EINVAL", bad[i], r, xsock_err_name(r));
    }
    CHECK_ERR(xsock_addr_parse(&a, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_parse(NULL, "1.2.3.4:80"), XSOCK_EINVAL);
}

TEST(format_small_buffer)
{
    xsock_addr a;
    char buf[XSOCK_ADDRSTRLEN];
    CHECK_OK(xsock_addr_parse(&a, "1.2.3.4:80")); /* 10 characters */
    memset(buf, 'z', sizeof buf);
    CHECK_ERR(xsock_addr_format(&a, buf, 10), XSOCK_ENOBUFS);
    CHECK_STR(buf, "");
    memset(buf, 'z', sizeof buf);
    CHECK_ERR(xsock_addr_format(&a, buf, 1), XSOCK_ENOBUFS);
    CHECK_STR(buf, "");
    CHECK_EQ(xsock_addr_format(&a, buf, 11), 10);
    CHECK_STR(buf, "1.2.3.4:80");
    CHECK_ERR(xsock_addr_format(&a, buf, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_format(&a, NULL, 16), XSOCK_EINVAL);

    /* The longest text there is fits in XSOCK_ADDRSTRLEN. */
    CHECK_OK(xsock_addr_parse(&a, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535"));
    CHECK(xsock_addr_format(&a, buf, sizeof buf) < XSOCK_ADDRSTRLEN);
    CHECK_STR(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535");
}

TEST(any_loopback)
{
    xsock_addr a;
    char buf[XSOCK_ADDRSTRLEN];
    CHECK_OK(xsock_addr_any(&a, XSOCK_INET, 8080));
    CHECK_OK(xsock_addr_format(&a, buf, sizeof buf));
    CHECK_STR(buf, "0.0.0.0:8080");
    CHECK_EQ(xsock_addr_family(&a), XSOCK_INET);
    CHECK_OK(xsock_addr_any(&a, XSOCK_INET6, 1));
    CHECK_OK(xsock_addr_format(&a, buf, sizeof buf));
    CHECK_STR(buf, "[::]:1");
    CHECK_EQ(xsock_addr_family(&a), XSOCK_INET6);
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET, 0));
    CHECK_OK(xsock_addr_format(&a, buf, sizeof buf));
    CHECK_STR(buf, "127.0.0.1:0");
    CHECK_OK(xsock_addr_loopback(&a, XSOCK_INET6, 65535));
    CHECK_OK(xsock_addr_format(&a, buf, sizeof buf));
    CHECK_STR(buf, "[::1]:65535");

    CHECK_ERR(xsock_addr_any(&a, XSOCK_INET, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_any(&a, XSOCK_INET6, 65536), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_loopback(&a, XSOCK_INET, 65536), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_loopback(&a, XSOCK_INET6, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_any(&a, 0, 80), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_loopback(&a, 99, 80), XSOCK_EINVAL);
    /* AF_UNIX has neither a wildcard nor a loopback address. */
    CHECK_ERR(xsock_addr_any(&a, XSOCK_UNIX, 0), XSOCK_EAFNOSUPPORT);
    CHECK_ERR(xsock_addr_loopback(&a, XSOCK_UNIX, 0), XSOCK_EAFNOSUPPORT);
    CHECK_ERR(xsock_addr_any(NULL, XSOCK_INET, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_loopback(NULL, XSOCK_INET, 0), XSOCK_EINVAL);
}

TEST(port_set_port)
{
    xsock_addr a;
    CHECK_OK(xsock_addr_parse(&a, "1.2.3.4:80"));
    CHECK_EQ(xsock_addr_port(&a), 80);
    CHECK_OK(xsock_addr_set_port(&a, 65535));
    CHECK_EQ(xsock_addr_port(&a), 65535);
    CHECK_OK(xsock_addr_set_port(&a, 0));
    CHECK_EQ(xsock_addr_port(&a), 0);
    CHECK_ERR(xsock_addr_set_port(&a, -1), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_set_port(&a, 65536), XSOCK_EINVAL);
    CHECK_EQ(xsock_addr_port(&a), 0); /* a refused value changes nothing */

    CHECK_OK(xsock_addr_parse(&a, "[::1]:1"));
    CHECK_OK(xsock_addr_set_port(&a, 4242));
    CHECK_EQ(xsock_addr_port(&a), 4242);
    CHECK_ERR(xsock_addr_set_port(&a, 70000), XSOCK_EINVAL);
    CHECK_EQ(xsock_addr_port(&a), 4242);

    CHECK_ERR(xsock_addr_port(NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_set_port(NULL, 80), XSOCK_EINVAL);
    memset(&a, 0, sizeof a); /* empty */
    CHECK_ERR(xsock_addr_port(&a), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_set_port(&a, 80), XSOCK_EINVAL);
}

TEST(family_equal)
{
    xsock_addr a, b;
    CHECK_OK(xsock_addr_parse(&a, "10.1.2.3:7"));
    CHECK_EQ(xsock_addr_family(&a), XSOCK_INET);
    CHECK_OK(xsock_addr_parse(&b, "10.1.2.3:7"));
    CHECK_EQ(xsock_addr_equal(&a, &b), 1);
    CHECK_EQ(xsock_addr_equal(&a, &a), 1);
    CHECK_OK(xsock_addr_set_port(&b, 8));
    CHECK_EQ(xsock_addr_equal(&a, &b), 0);
    CHECK_OK(xsock_addr_parse(&b, "10.1.2.4:7"));
    CHECK_EQ(xsock_addr_equal(&a, &b), 0);
    CHECK_OK(xsock_addr_parse(&b, "[::1]:7"));
    CHECK_EQ(xsock_addr_family(&b), XSOCK_INET6);
    CHECK_EQ(xsock_addr_equal(&a, &b), 0);
    CHECK_EQ(xsock_addr_equal(&a, NULL), 0);
    CHECK_EQ(xsock_addr_equal(NULL, &a), 0);
    CHECK_EQ(xsock_addr_equal(NULL, NULL), 0);

    CHECK_ERR(xsock_addr_family(NULL), XSOCK_EINVAL);
    memset(&a, 0, sizeof a);
    CHECK(xsock_addr_family(&a) < 0); /* empty */
    CHECK_EQ(xsock_addr_equal(&a, &a), 0);
    /* A family no OS here uses. */
    memset(a.storage.bytes, 0xff, sizeof a.storage.bytes);
    a.len = 16;
    CHECK_ERR(xsock_addr_family(&a), XSOCK_EAFNOSUPPORT);
}

TEST(addr_unix)
{
    xsock_addr a, b;
    char buf[XSOCK_ADDRSTRLEN], path[200];
    CHECK_OK(xsock_addr_unix(&a, "/tmp/xsock-test.sock"));
    CHECK_EQ(xsock_addr_family(&a), XSOCK_UNIX);
    CHECK_EQ(xsock_addr_format(&a, buf, sizeof buf), strlen("/tmp/xsock-test.sock"));
    CHECK_STR(buf, "/tmp/xsock-test.sock");
    CHECK_ERR(xsock_addr_port(&a), XSOCK_EAFNOSUPPORT);
    CHECK_ERR(xsock_addr_set_port(&a, 1), XSOCK_EAFNOSUPPORT);
    CHECK_OK(xsock_addr_unix(&b, "/tmp/xsock-test.sock"));
    CHECK_EQ(xsock_addr_equal(&a, &b), 1);
    CHECK_OK(xsock_addr_unix(&b, "/tmp/xsock-other.sock"));
    CHECK_EQ(xsock_addr_equal(&a, &b), 0);

    memset(path, 'p', sizeof path);
    path[107] = '\0'; /* 107 bytes: the longest path */
    CHECK_OK(xsock_addr_unix(&a, path));
    path[107] = 'p';
    path[108] = '\0';
    CHECK_ERR(xsock_addr_unix(&a, path), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_unix(&a, ""), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_unix(&a, NULL), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_unix(NULL, "/tmp/x"), XSOCK_EINVAL);
}

/* 1 when list[0..n) holds text (with the port). */
static int has_addr(const xsock_addr *list, int n, const char *text)
{
    xsock_addr want;
    int i;
    CHECK_OK(xsock_addr_parse(&want, text));
    for (i = 0; i < n; i++)
        if (xsock_addr_equal(&list[i], &want)) return 1;
    return 0;
}

TEST(resolve_localhost)
{
    xsock_addr out[8];
    int n, i;
    /* /etc/hosts may have no ::1 line: demand 127.0.0.1 only. */
    n = (int)CHECK_OK(xsock_addr_resolve("localhost", 8080, 0, out, 8));
    CHECK(n >= 1 && n <= 8);
    CHECK(has_addr(out, n, "127.0.0.1:8080"));
    for (i = 0; i < n; i++) {
        int f = xsock_addr_family(&out[i]);
        CHECK(f == XSOCK_INET || f == XSOCK_INET6);
        CHECK_EQ(xsock_addr_port(&out[i]), 8080);
    }
    /* The family filter. */
    n = (int)CHECK_OK(xsock_addr_resolve("localhost", 1, XSOCK_INET, out, 8));
    CHECK(has_addr(out, n, "127.0.0.1:1"));
    for (i = 0; i < n; i++) CHECK_EQ(xsock_addr_family(&out[i]), XSOCK_INET);
    /* max caps the count. */
    CHECK_EQ(xsock_addr_resolve("localhost", 2, XSOCK_INET, out, 1), 1);
    CHECK_EQ(xsock_addr_port(&out[0]), 2);
}

TEST(resolve_numeric)
{
    xsock_addr out[4];
    int r;
    CHECK_EQ(xsock_addr_resolve("127.0.0.1", 80, 0, out, 4), 1);
    CHECK(has_addr(out, 1, "127.0.0.1:80"));
    CHECK_EQ(xsock_addr_resolve("::1", 443, 0, out, 4), 1);
    CHECK(has_addr(out, 1, "[::1]:443"));
    CHECK_EQ(xsock_addr_resolve("::1", 0, XSOCK_INET6, out, 4), 1);
    CHECK(has_addr(out, 1, "[::1]:0"));
    CHECK_EQ(xsock_addr_resolve("10.9.8.7", 65535, XSOCK_INET, out, 4), 1);
    CHECK(has_addr(out, 1, "10.9.8.7:65535"));
    /* Numeric text of the other family: nothing to find (the exact code is
     * the resolver's: "not found" or "family not supported"). */
    r = xsock_addr_resolve("::1", 80, XSOCK_INET, out, 4);
    CHECK(r == XSOCK_ENOTFOUND || r == XSOCK_EAFNOSUPPORT);
    r = xsock_addr_resolve("127.0.0.1", 80, XSOCK_INET6, out, 4);
    CHECK(r == XSOCK_ENOTFOUND || r == XSOCK_EAFNOSUPPORT);
}

TEST(resolve_notfound)
{
    xsock_addr out[4];
    CHECK_ERR(xsock_addr_resolve("nosuchhost.invalid", 80, 0, out, 4), XSOCK_ENOTFOUND);
    CHECK_ERR(xsock_addr_resolve("NoSuchHost.INVALID.", 80, 0, out, 4), XSOCK_ENOTFOUND);
    CHECK_ERR(xsock_addr_resolve("a.b.invalid", 80, XSOCK_INET, out, 4), XSOCK_ENOTFOUND);
    CHECK_ERR(xsock_addr_resolve("invalid", 80, XSOCK_INET6, out, 4), XSOCK_ENOTFOUND);

    CHECK_ERR(xsock_addr_resolve(NULL, 80, 0, out, 4), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve("", 80, 0, out, 4), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve("localhost", 80, 0, NULL, 4), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve("localhost", 80, 0, out, 0), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve("localhost", -1, 0, out, 4), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve("localhost", 65536, 0, out, 4), XSOCK_EINVAL);
    CHECK_ERR(xsock_addr_resolve("localhost", 80, 99, out, 4), XSOCK_EAFNOSUPPORT);
    CHECK_ERR(xsock_addr_resolve("localhost", 80, XSOCK_UNIX, out, 4), XSOCK_EAFNOSUPPORT);
}

XTEST_MAIN(XTEST(parse_v4) XTEST(parse_v6) XTEST(parse_v6_compressed) XTEST(parse_v4_mapped)
               XTEST(parse_scope) XTEST(parse_malformed) XTEST(format_small_buffer)
                   XTEST(any_loopback) XTEST(port_set_port) XTEST(family_equal)
                       XTEST(addr_unix) XTEST(resolve_localhost) XTEST(resolve_numeric)
                           XTEST(resolve_notfound))
