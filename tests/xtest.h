/*
 * A tiny test harness. A test file defines tests with TEST(name) { ... } and
 * ends with XTEST_MAIN(XTEST(a) XTEST(b) ...). tests/CMakeLists.txt finds every
 * "TEST(name)" line and registers it with CTest as <file>.<name>, run as
 * `test_file name`; with no argument the program runs all of its tests.
 * A failed check prints where and why and exits 1: the OS frees what is left.
 */
#ifndef XTEST_H
#define XTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"

#define TEST(name) static void test_##name(void)
#define XTEST(name) {#name, test_##name},

struct xtest_case {
    const char *name;
    void (*fn)(void);
};

#define XTEST_FAIL(...)                                             \
    do {                                                            \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);             \
        fprintf(stderr, __VA_ARGS__);                               \
        fprintf(stderr, "\n");                                      \
        fflush(stderr);                                             \
        exit(1);                                                    \
    } while (0)

#define CHECK(cond)                                                 \
    do {                                                            \
        if (!(cond)) XTEST_FAIL("CHECK(%s) failed", #cond);         \
    } while (0)

/* An xsock call that must succeed (>= 0); its result is returned. */
#define CHECK_OK(expr) xtest_ok((long long)(expr), #expr, __FILE__, __LINE__)

/* An xsock call that must fail with exactly this code. */
#define CHECK_ERR(expr, code)                                                   \
    do {                                                                        \
        long long xt_r_ = (long long)(expr);                                    \
        if (xt_r_ != (code))                                                    \
            XTEST_FAIL("%s returned %lld (%s), expected %s", #expr, xt_r_,      \
                       xt_r_ < 0 ? xsock_err_name((int)xt_r_) : "ok", #code);   \
    } while (0)

#define CHECK_EQ(a, b)                                                          \
    do {                                                                        \
        long long xt_a_ = (long long)(a), xt_b_ = (long long)(b);               \
        if (xt_a_ != xt_b_)                                                     \
            XTEST_FAIL("%s == %s failed: %lld != %lld", #a, #b, xt_a_, xt_b_); \
    } while (0)

#define CHECK_STR(a, b)                                                         \
    do {                                                                        \
        const char *xt_a_ = (a), *xt_b_ = (b);                                  \
        if (xt_a_ == NULL || strcmp(xt_a_, xt_b_) != 0)                         \
            XTEST_FAIL("%s is \"%s\", expected \"%s\"", #a,                     \
                       xt_a_ ? xt_a_ : "(null)", xt_b_);                        \
    } while (0)

static long long xtest_ok(long long r, const char *expr, const char *file, int line)
{
    if (r < 0) {
        fprintf(stderr, "%s:%d: %s failed: %s (%s), native %d\n", file, line, expr,
                xsock_err_name((int)r), xsock_strerror((int)r), xsock_last_native_error());
        fflush(stderr);
        exit(1);
    }
    return r;
}

static int xtest_run(const struct xtest_case *cases, size_t n, int argc, char **argv)
{
    size_t i;
    int ran = 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    for (i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], cases[i].name) != 0) continue;
        printf("-- %s\n", cases[i].name);
        cases[i].fn();
        ran++;
    }
    if (ran == 0) {
        fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "(any)");
        return 2;
    }
    printf("ok (%d test%s)\n", ran, ran == 1 ? "" : "s");
    return 0;
}

#define XTEST_MAIN(list)                                                      \
    int main(int argc, char **argv)                                           \
    {                                                                         \
        static const struct xtest_case xt_cases_[] = {list};                  \
        return xtest_run(xt_cases_, sizeof xt_cases_ / sizeof xt_cases_[0],  \
                         argc, argv);                                         \
    }

#endif /* XTEST_H */
