/* Error codes, their names and text, and the per-thread native code. */
#include <limits.h>
#include "testutil.h"
#ifndef _WIN32
#  include <errno.h>
#endif

#if defined(_WIN32)
#  define NATIVE_REFUSED 10061 /* WSAECONNREFUSED */
#  define NATIVE_INUSE 10048   /* WSAEADDRINUSE */
#elif defined(__linux__)
#  define NATIVE_REFUSED 111   /* the brief's number: ECONNREFUSED on Linux */
#  define NATIVE_INUSE EADDRINUSE
#else
#  define NATIVE_REFUSED ECONNREFUSED
#  define NATIVE_INUSE EADDRINUSE
#endif

TEST(names_and_text)
{
    struct { int code; const char *name; const char *text; } list[] = {
#define ROW(name, value, text) {XSOCK_##name, #name, text},
        XSOCK_ERRNO_MAP(ROW)
#undef ROW
    };
    size_t n = sizeof list / sizeof list[0], i, j;
    CHECK(n >= 23);
    for (i = 0; i < n; i++) {
        CHECK(list[i].code < 0);
        CHECK(list[i].code >= XSOCK__ERR_MIN);
        CHECK_STR(xsock_err_name(list[i].code), list[i].name);
        CHECK_STR(xsock_strerror(list[i].code), list[i].text);
        CHECK(list[i].text[0] != '\0');
        for (j = i + 1; j < n; j++) CHECK(list[i].code != list[j].code);
    }
    /* The names DESIGN.md promises by name. */
    CHECK_STR(xsock_err_name(XSOCK_EAGAIN), "EAGAIN");
    CHECK_STR(xsock_err_name(XSOCK_ECONNREFUSED), "ECONNREFUSED");
    CHECK_STR(xsock_err_name(XSOCK_ENOTFOUND), "ENOTFOUND");
    CHECK_STR(xsock_err_name(XSOCK_EUNKNOWN), "EUNKNOWN");
}

TEST(unknown_codes)
{
    int odd[] = {0, 1, -999, INT_MIN, INT_MAX, XSOCK__ERR_MIN - 1};
    size_t i;
    for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        const char *text = xsock_strerror(odd[i]);
        CHECK(text != NULL && text[0] != '\0');
        /* Static text: the same string every time, nothing to free. */
        CHECK(xsock_strerror(odd[i]) == text);
        CHECK(xsock_err_name(odd[i]) != NULL);
        if (odd[i] != 0 && odd[i] != 1 && odd[i] != INT_MAX)
            CHECK_STR(xsock_err_name(odd[i]), "EUNKNOWN");
    }
}

TEST(native_refused)
{
    xsock_t holder, c;
    xsock_addr a;
    tu_refused_addr(&holder, XSOCK_INET, &a);

    /* The bounded connect (non-blocking connect, wait, SO_ERROR). */
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, 5000), XSOCK_ECONNREFUSED);
    CHECK_EQ(xsock_last_native_error(), NATIVE_REFUSED);
    CHECK_OK(xsock_close(c));

    /* The plain blocking connect. */
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &a, -1), XSOCK_ECONNREFUSED);
    CHECK_EQ(xsock_last_native_error(), NATIVE_REFUSED);
    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(holder));
}

struct inuse_job {
    xsock_addr taken;
    int result, native;
};

static void bind_taken(void *arg)
{
    struct inuse_job *job = (struct inuse_job *)arg;
    xsock_t s;
    if (xsock_open(&s, XSOCK_INET, XSOCK_STREAM) < 0) return;
    job->result = xsock_bind(s, &job->taken);
    job->native = xsock_last_native_error();
    xsock_close(s);
}

TEST(native_per_thread)
{
    xsock_t l, c, holder;
    xsock_addr refused;
    struct inuse_job job;
    xthread t;

    tu_listen(&l, XSOCK_INET, &job.taken);
    tu_refused_addr(&holder, XSOCK_INET, &refused);
    CHECK_OK(xsock_open(&c, XSOCK_INET, XSOCK_STREAM));
    CHECK_ERR(xsock_connect(c, &refused, 5000), XSOCK_ECONNREFUSED);
    CHECK_EQ(xsock_last_native_error(), NATIVE_REFUSED);

    /* Another thread's failure has its own code and leaves ours alone. */
    job.result = 0;
    job.native = 0;
    CHECK_EQ(xthread_start(&t, bind_taken, &job), 0);
    xthread_join(t);
    CHECK_ERR(job.result, XSOCK_EADDRINUSE);
    CHECK_EQ(job.native, NATIVE_INUSE);
    CHECK_EQ(xsock_last_native_error(), NATIVE_REFUSED);

    CHECK_OK(xsock_close(c));
    CHECK_OK(xsock_close(holder));
    CHECK_OK(xsock_close(l));
}

XTEST_MAIN(XTEST(names_and_text) XTEST(unknown_codes) XTEST(native_refused)
               XTEST(native_per_thread))
