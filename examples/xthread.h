/*
 * A tiny portable thread shim for the examples and tests (not part of the
 * library): start a thread, wait for it, sleep, and a mutex. Win32 threads
 * on Windows, pthreads elsewhere.
 */
#ifndef XTHREAD_H
#define XTHREAD_H

#ifdef _WIN32
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
typedef HANDLE xthread;
typedef struct { void (*fn)(void *); void *arg; } xthread__start;
static inline DWORD WINAPI xthread__tramp(LPVOID p)
{
    xthread__start st = *(xthread__start *)p;
    HeapFree(GetProcessHeap(), 0, p);
    st.fn(st.arg);
    return 0;
}
/* Starts fn(arg) on a new thread; 0 on success, -1 on failure. */
static inline int xthread_start(xthread *t, void (*fn)(void *), void *arg)
{
    xthread__start *st = (xthread__start *)HeapAlloc(GetProcessHeap(), 0, sizeof *st);
    if (st == NULL) return -1;
    st->fn = fn;
    st->arg = arg;
    *t = CreateThread(NULL, 0, xthread__tramp, st, 0, NULL);
    if (*t == NULL) { HeapFree(GetProcessHeap(), 0, st); return -1; }
    return 0;
}
static inline void xthread_join(xthread t) { WaitForSingleObject(t, INFINITE); CloseHandle(t); }
static inline void xthread_detach(xthread t) { CloseHandle(t); }
static inline void xthread_sleep_ms(int ms) { Sleep((DWORD)ms); }
typedef CRITICAL_SECTION xmutex;
static inline void xmutex_init(xmutex *m) { InitializeCriticalSection(m); }
static inline void xmutex_lock(xmutex *m) { EnterCriticalSection(m); }
static inline void xmutex_unlock(xmutex *m) { LeaveCriticalSection(m); }
static inline void xmutex_destroy(xmutex *m) { DeleteCriticalSection(m); }
#else
#  include <pthread.h>
#  include <stdlib.h>
#  include <time.h>
typedef pthread_t xthread;
typedef struct { void (*fn)(void *); void *arg; } xthread__start;
static inline void *xthread__tramp(void *p)
{
    xthread__start st = *(xthread__start *)p;
    free(p);
    st.fn(st.arg);
    return NULL;
}
static inline int xthread_start(xthread *t, void (*fn)(void *), void *arg)
{
    xthread__start *st = (xthread__start *)malloc(sizeof *st);
    if (st == NULL) return -1;
    st->fn = fn;
    st->arg = arg;
    if (pthread_create(t, NULL, xthread__tramp, st) != 0) { free(st); return -1; }
    return 0;
}
static inline void xthread_join(xthread t) { pthread_join(t, NULL); }
static inline void xthread_detach(xthread t) { pthread_detach(t); }
static inline void xthread_sleep_ms(int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {}
}
typedef pthread_mutex_t xmutex;
static inline void xmutex_init(xmutex *m) { pthread_mutex_init(m, NULL); }
static inline void xmutex_lock(xmutex *m) { pthread_mutex_lock(m); }
static inline void xmutex_unlock(xmutex *m) { pthread_mutex_unlock(m); }
static inline void xmutex_destroy(xmutex *m) { pthread_mutex_destroy(m); }
#endif

/* A flag one thread sets and another polls: a plain (even volatile) int
 * shared that way is a data race, which TSan rightly reports. */
typedef struct {
    xmutex lock;
    int value;
} xflag;
static inline void xflag_init(xflag *f) { xmutex_init(&f->lock); f->value = 0; }
static inline void xflag_set(xflag *f) { xmutex_lock(&f->lock); f->value = 1; xmutex_unlock(&f->lock); }
static inline int xflag_get(xflag *f)
{
    int v;
    xmutex_lock(&f->lock);
    v = f->value;
    xmutex_unlock(&f->lock);
    return v;
}
static inline void xflag_destroy(xflag *f) { xmutex_destroy(&f->lock); }

#endif /* XTHREAD_H */
