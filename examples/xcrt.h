/*
 * The two C library calls the tests and tools need whose ISO C spelling MSVC
 * rejects under /W4 /WX (warning C4996; Microsoft Learn, "Security Features
 * in the CRT"): fopen and getenv. On Windows these use fopen_s and getenv_s,
 * with MSVC and MinGW-w64 alike, so the Wine runs exercise the same calls
 * the MSVC build makes; elsewhere the ISO C calls. tools/check_msvc_crt.py
 * keeps the rest of the tree off the calls MSVC deprecates.
 */
#ifndef XCRT_H
#define XCRT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fopen: the stream, or NULL. */
static inline FILE *xcrt_fopen(const char *path, const char *mode)
{
#ifdef _WIN32
    FILE *f = NULL;
    return fopen_s(&f, path, mode) == 0 ? f : NULL;
#else
    return fopen(path, mode);
#endif
}

/* The environment variable's value copied into buf (cap bytes): 1 when it
 * is set and fits, else 0 with buf empty. */
static inline int xcrt_getenv(const char *name, char *buf, size_t cap)
{
#ifdef _WIN32
    size_t need = 0;
    if (cap == 0) return 0;
    if (getenv_s(&need, buf, cap, name) == 0 && need > 0) return 1;
#else
    const char *v = getenv(name);
    size_t n = v != NULL ? strlen(v) : 0;
    if (cap == 0) return 0;
    if (v != NULL && n < cap) {
        memcpy(buf, v, n + 1);
        return 1;
    }
#endif
    buf[0] = '\0';
    return 0;
}

#endif /* XCRT_H */
