/* xsock_native_strerror: the OS's own words for a native code. */
#include "testutil.h"
#ifdef _WIN32
#  include <winsock2.h>
#  define REFUSED WSAECONNREFUSED
#  define RESET WSAECONNRESET
#else
#  include <errno.h>
#  include <netdb.h>
#  define REFUSED ECONNREFUSED
#  define RESET ECONNRESET
#endif

TEST(text_of_a_real_failure)
{
    xsock_t holder, c;
    xsock_addr a;
    char buf[512], other[512];
    int native, n;
    tu_refused_addr(&holder, XSOCK_INET, &a);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, 5000), XSOCK_ECONNREFUSED);
    native = xsock_last_native_error();
    CHECK_EQ(native, REFUSED);
    n = (int)CHECK_OK(xsock_native_strerror(native, buf, sizeof buf));
    printf("native %d: \"%s\"\n", native, buf);
    CHECK(n > 0 && (size_t)n == strlen(buf));
    CHECK(buf[n - 1] != '\n' && buf[n - 1] != '\r' && buf[n - 1] != '.');
#ifndef _WIN32
    /* The OS's words, not xsock's. */
    CHECK_STR(buf, strerror(ECONNREFUSED));
#else
    /* Windows: "No connection could be made because the target machine
     * actively refused it". Wine's message table may lack the WSA codes:
     * then the unknown-code text, which names the number. */
    if (strncmp(buf, "unknown error ", 14) == 0)
        printf("no system text for %d here (Wine's message table)\n", native);
    else
        CHECK(strstr(buf, "refused") != NULL);
#endif
    /* Another code, another text. */
    CHECK_OK(xsock_native_strerror(RESET, other, sizeof other));
    CHECK(strcmp(buf, other) != 0);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(holder));
}

TEST(exact_fit_and_too_small)
{
    char buf[512], small[8];
    int n = (int)CHECK_OK(xsock_native_strerror(REFUSED, buf, sizeof buf));
    char *fit = (char *)malloc((size_t)n + 1);
    CHECK(fit != NULL);
    CHECK_EQ(xsock_native_strerror(REFUSED, fit, (size_t)n + 1), n);
    CHECK_STR(fit, buf);
    memset(fit, 'x', (size_t)n + 1);
    CHECK_ERR(xsock_native_strerror(REFUSED, fit, (size_t)n), XSOCK_ENOBUFS);
    CHECK_STR(fit, "");
    memset(small, 'x', sizeof small);
    CHECK_ERR(xsock_native_strerror(REFUSED, small, 1), XSOCK_ENOBUFS);
    CHECK_EQ(small[0], '\0');
    CHECK_EQ(small[1], 'x'); /* nothing written past cap */
    free(fit);
}

TEST(unknown_code)
{
    char buf[128];
    CHECK_OK(xsock_native_strerror(987654321, buf, sizeof buf));
    printf("987654321: \"%s\"\n", buf);
    CHECK(strstr(buf, "987654321") != NULL);
}

TEST(eai_code)
{
    char buf[256];
#ifdef _WIN32
    /* Windows' EAI_NONAME is WSAHOST_NOT_FOUND: FormatMessage knows it. */
    CHECK(CHECK_OK(xsock_native_strerror(WSAHOST_NOT_FOUND, buf, sizeof buf)) > 0);
    printf("WSAHOST_NOT_FOUND: \"%s\"\n", buf);
#else
    if (EAI_NONAME > 0) {
        /* macOS and the BSDs: EAI_* overlap errno, whose text wins (header). */
        printf("EAI codes are positive here: errno's text is given\n");
        return;
    }
    CHECK_OK(xsock_native_strerror(EAI_NONAME, buf, sizeof buf));
    CHECK_STR(buf, gai_strerror(EAI_NONAME));
#endif
}

static char expect[2][512];

struct job {
    int which;
    int bad; /* each thread its own count */
};

static void hammer(void *arg)
{
    struct job *j = (struct job *)arg;
    int i;
    char buf[512];
    for (i = 0; i < 2000; i++) {
        int code = j->which ? RESET : REFUSED;
        if (xsock_native_strerror(code, buf, sizeof buf) < 0 || strcmp(buf, expect[j->which]) != 0)
            j->bad++;
    }
}

/* strerror would share one static buffer between threads. */
TEST(thread_safe)
{
    xthread t[4];
    struct job jobs[4] = {{0, 0}, {1, 0}, {0, 0}, {1, 0}};
    int i;
    CHECK_OK(xsock_native_strerror(REFUSED, expect[0], sizeof expect[0]));
    CHECK_OK(xsock_native_strerror(RESET, expect[1], sizeof expect[1]));
    for (i = 0; i < 4; i++) CHECK(xthread_start(&t[i], hammer, &jobs[i]) == 0);
    for (i = 0; i < 4; i++) xthread_join(t[i]);
    for (i = 0; i < 4; i++) CHECK_EQ(jobs[i].bad, 0);
}

TEST(bad_input)
{
    char buf[4];
    CHECK_ERR(xsock_native_strerror(REFUSED, NULL, 16), XSOCK_EINVAL);
    CHECK_ERR(xsock_native_strerror(REFUSED, buf, 0), XSOCK_EINVAL);
}

XTEST_MAIN(XTEST(text_of_a_real_failure) XTEST(exact_fit_and_too_small) XTEST(unknown_code)
               XTEST(eai_code) XTEST(thread_safe) XTEST(bad_input))
