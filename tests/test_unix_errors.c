/* AF_UNIX: the errors of a path get named codes, a timed connect to a full
 * backlog waits its timeout, the path limit is the platform's sun_path and
 * an option AF_UNIX lacks gives one code for set and get. POSIX: Windows'
 * AF_UNIX (10 1803+) is absent under Wine, where these tests say so. */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "xsock.h"

#ifndef _WIN32
#  include <sys/socket.h>
#  include <errno.h>
#  include <sys/stat.h>
#  include <sys/un.h>
#  include <unistd.h>

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/xsock_ux_%ld", (long)getpid());
    CHECK(mkdir(dir, 0700) == 0);
}

static void path_in_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void remove_dir(void)
{
    const char *names[] = {"file", "loop1", "loop2", "bound", "dgram", "l"};
    char p[128];
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        path_in_dir(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* Both the plain and the timed connect give code for path. */
static void connect_gives(const char *path, int code)
{
    xsock_t c;
    xsock_addr a;
    CHECK_OK(xsock_addr_unix(&a, path));
    CHECK_OK(xsock_open(&c, XSOCK_UNIX, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, -1), code);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_open(&c, XSOCK_UNIX, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, 1000), code);
    CHECK_OK(xsock_close(c));
}

static void path_errors_posix(void)
{
    char p[128], q[128];
    xsock_t b, d;
    xsock_addr a;
    FILE *f;
    make_dir();
    /* connect(2): ENOENT, the path does not exist (was XSOCK_EUNKNOWN). */
    path_in_dir(p, sizeof p, "missing");
    connect_gives(p, XSOCK_ENOENT);
    CHECK_EQ(xsock_last_native_error(), ENOENT);
    /* ENOTDIR: a part of the path is a file: "no such path" as well. */
    path_in_dir(p, sizeof p, "file");
    CHECK((f = fopen(p, "w")) != NULL);
    fclose(f);
    path_in_dir(p, sizeof p, "file/sock");
    connect_gives(p, XSOCK_ENOENT);
    CHECK_EQ(xsock_last_native_error(), ENOTDIR);
    /* ELOOP: symbolic links that point at each other. */
    path_in_dir(p, sizeof p, "loop1");
    path_in_dir(q, sizeof q, "loop2");
    CHECK(symlink(q, p) == 0);
    CHECK(symlink(p, q) == 0);
    connect_gives(p, XSOCK_ELOOP);
    CHECK_EQ(xsock_last_native_error(), ELOOP);
    /* A socket file nobody listens on: refused. */
    path_in_dir(p, sizeof p, "bound");
    CHECK_OK(xsock_open(&b, XSOCK_UNIX, XSOCK_STREAM));
    CHECK_OK(xsock_addr_unix(&a, p));
    CHECK_OK(xsock_bind(b, &a));
    connect_gives(p, XSOCK_ECONNREFUSED);
    /* The path is taken: bind says so. */
    CHECK_OK(xsock_open(&d, XSOCK_UNIX, XSOCK_STREAM));
    CHECK_ERR(xsock_bind(d, &a), XSOCK_EADDRINUSE);
    CHECK_OK(xsock_close(d));
    CHECK_OK(xsock_close(b));
    /* A datagram socket's path, for a stream connect: EPROTOTYPE. */
    path_in_dir(p, sizeof p, "dgram");
    CHECK_OK(xsock_open(&d, XSOCK_UNIX, XSOCK_DGRAM));
    CHECK_OK(xsock_addr_unix(&a, p));
    CHECK_OK(xsock_bind(d, &a));
    connect_gives(p, XSOCK_EPROTO);
    CHECK_EQ(xsock_last_native_error(), EPROTOTYPE);
    CHECK_OK(xsock_close(d));
    /* bind in a missing directory. */
    path_in_dir(p, sizeof p, "nodir/sock");
    CHECK_OK(xsock_open(&b, XSOCK_UNIX, XSOCK_STREAM));
    CHECK_OK(xsock_addr_unix(&a, p));
    CHECK_ERR(xsock_bind(b, &a), XSOCK_ENOENT);
    CHECK_OK(xsock_close(b));
    /* ENAMETOOLONG cannot come from Linux here: a sun_path of 108 bytes
     * holds no component over NAME_MAX (255); the mapping is in
     * src/posix/errors.c, and test_errors checks every code's name. */
    CHECK_STR(xsock_err_name(XSOCK_ENAMETOOLONG), "ENAMETOOLONG");
    remove_dir();
}

/* The path limit is sun_path less its NUL: 107 bytes on Linux, 103 on
 * macOS and the BSDs (<sys/un.h>). */
static void path_limit_posix(void)
{
    struct sockaddr_un sun;
    char path[256];
    xsock_addr a;
    size_t max = sizeof sun.sun_path - 1;
    memset(path, 'p', sizeof path);
    path[0] = '/';
    path[max] = '\0';
    CHECK_OK(xsock_addr_unix(&a, path));
    path[max] = 'p';
    path[max + 1] = '\0';
    CHECK_ERR(xsock_addr_unix(&a, path), XSOCK_EINVAL);
    printf("sun_path holds %u bytes: paths up to %u\n", (unsigned)sizeof sun.sun_path, (unsigned)max);
}

/* Linux answers a non-blocking AF_UNIX connect to a full backlog with EAGAIN
 * (unix(7)), which poll cannot wait for: the timed connect must wait its
 * timeout and say XSOCK_ETIMEDOUT (it said XSOCK_EAGAIN at once), and must
 * get in when room appears meanwhile. */
struct later_accept {
    xsock_t l;
    int taken;
};

static void accept_later(void *arg)
{
    struct later_accept *la = (struct later_accept *)arg;
    xsock_t s;
    xthread_sleep_ms(200);
    if (xsock_accept(la->l, &s, NULL) == 0) {
        la->taken++;
        xsock_close(s);
    }
}

static void full_backlog_posix(void)
{
    char p[128];
    xsock_t l, c[64], late;
    xsock_addr a;
    int n = 0, i, r = 0;
    long long t0, took;
    struct later_accept la;
    xthread t;
    make_dir();
    path_in_dir(p, sizeof p, "l");
    CHECK_OK(xsock_addr_unix(&a, p));
    CHECK_OK(xsock_open(&l, XSOCK_UNIX, XSOCK_STREAM));
    CHECK_OK(xsock_bind(l, &a));
    CHECK_OK(xsock_listen(l, 1));
    for (n = 0; n < 64; n++) {
        CHECK_OK(xsock_open(&c[n], XSOCK_UNIX, XSOCK_STREAM));
        CHECK_OK(xsock_set_nonblocking(c[n], 1));
        if ((r = xsock_connect(c[n], &a, -1)) < 0) break;
    }
    /* The plain non-blocking connect keeps the OS's answer. */
    CHECK_ERR(r, XSOCK_EAGAIN);
    printf("backlog full after %d connects\n", n);
    t0 = tu_now_ms();
    CHECK_ERR(xsock_connect(c[n], &a, 300), XSOCK_ETIMEDOUT);
    took = tu_now_ms() - t0;
    printf("timed connect to a full backlog: %lld ms\n", took);
    if (took < 280 || took > 3000) XTEST_FAIL("a 300 ms connect took %lld ms", took);
    /* Room appears after 200 ms: a 5 s connect gets in. */
    la.l = l;
    la.taken = 0;
    CHECK_OK(xsock_open(&late, XSOCK_UNIX, XSOCK_STREAM));
    CHECK_EQ(xthread_start(&t, accept_later, &la), 0);
    t0 = tu_now_ms();
    CHECK_OK(xsock_connect(late, &a, 5000));
    took = tu_now_ms() - t0;
    xthread_join(t);
    CHECK_EQ(la.taken, 1);
    if (took < 150) XTEST_FAIL("the connect got in after %lld ms, before any room", took);
    CHECK_OK(xsock_close(late));
    for (i = 0; i <= n && i < 64; i++) CHECK_OK(xsock_close(c[i]));
    CHECK_OK(xsock_close(l));
    remove_dir();
}

/* TCP_NODELAY on AF_UNIX: Linux's setsockopt and getsockopt both say
 * EOPNOTSUPP; xsock gives XSOCK_EINVAL for both (an option s does not have). */
static void nodelay_posix(void)
{
    xsock_t p[2];
    int v = 7;
    CHECK_OK(xsock_socketpair(p));
    CHECK_ERR(xsock_set_option(p[0], XSOCK_OPT_NODELAY, 1), XSOCK_EINVAL);
    CHECK_ERR(xsock_get_option(p[0], XSOCK_OPT_NODELAY, &v), XSOCK_EINVAL);
    CHECK_OK(xsock_close(p[0]));
    CHECK_OK(xsock_close(p[1]));
}
#endif

#ifdef _WIN32
#  define ON_POSIX(fn) printf("AF_UNIX paths: POSIX only (Wine has no AF_UNIX)\n")
#else
#  define ON_POSIX(fn) fn()
#endif

TEST(path_errors)
{
    ON_POSIX(path_errors_posix);
}

TEST(path_limit)
{
    ON_POSIX(path_limit_posix);
}

TEST(full_backlog_timed_connect)
{
    ON_POSIX(full_backlog_posix);
}

TEST(nodelay_one_code)
{
    ON_POSIX(nodelay_posix);
}

XTEST_MAIN(XTEST(path_errors) XTEST(path_limit) XTEST(full_backlog_timed_connect)
               XTEST(nodelay_one_code))
