/*
 * xsock_bench: the same socket work through raw platform calls, through
 * xsock and (when found) through libuv. Included first by every bench file.
 */
#ifndef XSOCK_BENCH_H
#define XSOCK_BENCH_H

/* -std=c99 hides accept4, MSG_NOSIGNAL, clock_gettime and friends: ask for
 * them back the way each libc wants it (as src/posix/posix.h does). */
#if defined(__linux__) || defined(__CYGWIN__)
#  ifndef _GNU_SOURCE
#    define _GNU_SOURCE
#  endif
#elif defined(__APPLE__)
#  ifndef _DARWIN_C_SOURCE
#    define _DARWIN_C_SOURCE
#  endif
#elif defined(__NetBSD__)
#  ifndef _NETBSD_SOURCE
#    define _NETBSD_SOURCE
#  endif
#elif !defined(_WIN32)
#  ifndef __BSD_VISIBLE
#    define __BSD_VISIBLE 1
#  endif
#endif

#include <stddef.h>

enum { IMPL_RAW, IMPL_XSOCK, IMPL_LIBUV, IMPL_COUNT };

typedef struct bench_opts {
    double seconds; /* length of one timed run */
    size_t size;    /* message (pingpong, echo) or write (throughput) size */
    int clients;    /* concurrent connections (accept, echo) */
    long count;     /* send+recv pairs (the callgrind workload) */
    long requests;  /* echo: stop after this many responses, not seconds (callgrind) */
} bench_opts;

/* A workload run through one implementation: the figure (per second), or
 * < 0 after printing why on stderr. */
typedef double (*bench_fn)(const bench_opts *o);

/* Seconds on a monotonic clock. */
double bench_now(void);
/* Prints "xsock_bench: what: detail" on stderr and returns -1. */
double bench_fail(const char *what, const char *detail);
/* Same, for an xsock error code. */
double bench_xfail(const char *what, int code);

/* echo.c: a poller echo server (raw epoll/poll, or xsock's poller) driven by
 * the same raw client for every implementation. */
double echo_raw(const bench_opts *o);
double echo_xsock(const bench_opts *o);
/* The client side: connects o->clients clients to 127.0.0.1:port, keeps one
 * message of o->size bytes in flight on each for o->seconds (or until
 * o->requests responses); responses/s. */
double echo_drive(int port, const bench_opts *o);

#ifdef XSOCK_BENCH_LIBUV
/* bench_uv.c: the libuv peers of each workload. */
double pingpong_libuv(const bench_opts *o);
double throughput_libuv(const bench_opts *o);
double accept_libuv(const bench_opts *o);
double echo_libuv(const bench_opts *o);
#endif

#endif /* XSOCK_BENCH_H */
