/*
 * SIGALRM for the signal tests (POSIX only): tests/test_signals.c and
 * tests/test_dgram.c. A handler that counts, a timer that fires every
 * period_ms or once, and the way back to the default.
 */
#ifndef ALARMS_H
#define ALARMS_H
#ifndef _WIN32

#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include "xtest.h"

/* A SIGALRM every period_ms. After `limit` of them the handler ignores the
 * rest (sigaction is async-signal-safe), so a call that never times out
 * under the signals still ends, late, and the test fails instead of hanging. */
static volatile sig_atomic_t alarms, alarm_limit;

static inline void on_alarm(int sig)
{
    struct sigaction ign;
    (void)sig;
    if (++alarms >= alarm_limit) {
        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGALRM, &ign, NULL);
    }
}

static inline void alarms_start(int period_ms, int limit, int restart)
{
    struct sigaction sa;
    struct itimerval it;
    alarms = 0;
    alarm_limit = (sig_atomic_t)limit;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = restart ? SA_RESTART : 0;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    memset(&it, 0, sizeof it);
    it.it_interval.tv_usec = period_ms * 1000;
    it.it_value.tv_usec = period_ms * 1000;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

static inline void alarms_stop(void)
{
    struct itimerval it;
    struct sigaction sa;
    memset(&it, 0, sizeof it);
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
}

/* One SIGALRM after ms, with a handler without SA_RESTART. */
static inline void one_alarm(int ms)
{
    struct sigaction sa;
    struct itimerval it;
    alarms = 0;
    alarm_limit = 1000;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = ms / 1000;
    it.it_value.tv_usec = (ms % 1000) * 1000;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

#endif /* _WIN32 */
#endif /* ALARMS_H */
