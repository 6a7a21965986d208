/*
 * The sweep: runs one operation again and again, with its first, second,
 * third ... OS call failing (fi_step), until it runs with none hit. After
 * every run everything must be released: as many descriptors / sockets
 * closed as opened, as many blocks freed as allocated (counted by the
 * hooks). A run the fault made fail must return the XSOCK_E* code of that
 * fault, with its native code, unless the library went another way around
 * it (a fallback) and succeeded. Include after testutil.h.
 */
#ifndef FI_SWEEP_H
#define FI_SWEEP_H

#include "fi.h"

typedef struct fi_op {
    const char *name;
    void *ctx;
    /* Not faulted, but counted: what it opens, undo releases. May be NULL. */
    void (*setup)(void *ctx);
    /* The calls under test; returns >= 0 or an XSOCK_E* code. */
    int (*run)(void *ctx);
    /* Releases what setup and a run (whatever it returned) left open. */
    void (*undo)(void *ctx, int r);
} fi_op;

/* Returns how many calls the operation makes that can fail. */
static inline long fi_sweep(const fi_op *op)
{
    long k;
    /* Once without a fault first: what the library sets up once for good
     * (Winsock's start, Windows' record of non-blocking sockets, whether
     * AF_UNIX works) is then in place, and every run takes the same path. */
    if (op->setup != NULL) op->setup(op->ctx);
    op->undo(op->ctx, (int)CHECK_OK(op->run(op->ctx)));
    for (k = 1; k < 1000; k++) {
        int r, hit;
        fi_reset_counts();
        if (op->setup != NULL) op->setup(op->ctx);
        fi_step(k);
        r = op->run(op->ctx);
        hit = fi_step_hit();
        fi_step(0);
        if (hit != FI_NFN && r < 0 &&
            (r != fi_step_code() || xsock_last_native_error() != fi_step_native()))
            XTEST_FAIL("%s, step %ld: %s failing with %d gave %s, native %d", op->name, k,
                       fi_name(hit), fi_step_native(), xsock_err_name(r),
                       xsock_last_native_error());
        if (hit == FI_NFN && r < 0)
            XTEST_FAIL("%s failed with no fault: %s", op->name, xsock_err_name(r));
        op->undo(op->ctx, r);
        if (fi_open_balance() != 0 || fi_alloc_balance() != 0)
            XTEST_FAIL("%s, step %ld (%s failing): %ld descriptors and %ld blocks left over",
                       op->name, k, fi_name(hit), fi_open_balance(), fi_alloc_balance());
        if (hit == FI_NFN) {
            printf("%s: %ld steps, each failing cleanly\n", op->name, k - 1);
            return k - 1;
        }
    }
    XTEST_FAIL("%s: no end to its calls", op->name);
    return 0;
}

#endif /* FI_SWEEP_H */
