/*
 * examples_test_driver - runs the examples end to end for CTest.
 *
 * Each test starts a server on port 0, learns the real port from its
 * "listening on port N" line, runs its client with scripted stdin, and
 * compares every line of output exactly. The many-client cases are
 * connections the driver makes itself with xsock, not processes: under Wine
 * each process costs about 2 s to start.
 *
 * Processes: fork/exec and pipes on POSIX, CreateProcess and pipes on
 * Windows (under Wine the driver is itself a Windows program starting
 * Windows programs). A reader thread per child collects its stdout, so a
 * chatty server never blocks on a full pipe. Every wait is bounded, and
 * every child is killed and reaped on every path, failures included (and if
 * the driver itself is killed: a job object on Windows, PDEATHSIG on Linux).
 * Nothing is timed: the bounds only stop a hung test.
 *
 * usage: examples_test_driver <test>
 *        examples_test_driver lobby_wine_client|lobby_wine_server <wine> <dir>
 *        (a native driver; dir: the Windows build's examples)
 */
#ifdef _WIN32
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
#else
#  include <fcntl.h>
#  include <signal.h>
#  include <sys/resource.h>
#  include <sys/types.h>
#  include <sys/wait.h>
#  include <unistd.h>
#  ifdef __linux__
#    include <sys/prctl.h>
#  endif
#endif
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsock.h"
#include "lineio.h"
#include "xthread.h"

#ifdef _WIN32
#  define WAIT_MS 60000 /* Wine is slow to start programs; nothing here is timed */
#  define EXE_SUFFIX ".exe"
#else
#  define WAIT_MS 15000
#  define EXE_SUFFIX ""
#endif
#define MAX_PROCS 16
#define MAX_ARGS 8

static const char *test_name = "?";
static char exe_dir[1024];

/* s starts with prefix and then a decimal int: 1, the int in *out and what
 * follows it in *rest; else 0. What sscanf(s, "<prefix>%d") read, without
 * sscanf (MSVC's C4996) or its undefined behaviour on overflow. */
static int prefixed_int(const char *s, const char *prefix, int *out, const char **rest)
{
    size_t n = strlen(prefix);
    char *end;
    long v;
    if (strncmp(s, prefix, n) != 0) return 0;
    s += n;
    if (!(*s == '-' || (*s >= '0' && *s <= '9'))) return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || errno == ERANGE || v < INT_MIN || v > INT_MAX) return 0;
    *out = (int)v;
    *rest = end;
    return 1;
}

/* ---- child processes ---------------------------------------------------- */

typedef struct proc {
    char name[64];
    int running; /* started and not reaped */
    int exit_code;
#ifdef _WIN32
    HANDLE handle, in, out;
#else
    pid_t pid;
    int in, out;
#endif
    int stdin_open;
    xthread reader;
    xmutex lock; /* guards buf, len, eof: the reader thread fills them */
    char *buf;
    size_t len, cap;
    int eof;
    size_t pos; /* how far the test has read buf */
} proc;

static proc procs[MAX_PROCS];
static int nprocs;
static int stderr_too; /* the next start() sends the child's stderr to its output too */
/* lobby_wine_*: the next start() runs the Windows program of that name in
 * foreign_dir under the emulator foreign_wine (POSIX drivers only). */
static int foreign_next;
static const char *foreign_wine, *foreign_dir;

#ifdef _WIN32
static HANDLE job; /* kills the children if the driver dies */

static void os_setup(void)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
    job = CreateJobObjectA(NULL, NULL);
    if (job == NULL) return;
    ZeroMemory(&li, sizeof li);
    li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li);
}

static void os_find_dir(const char *argv0)
{
    char *slash;
    (void)argv0;
    GetModuleFileNameA(NULL, exe_dir, sizeof exe_dir);
    slash = strrchr(exe_dir, '\\');
    if (slash == NULL) slash = strrchr(exe_dir, '/');
    if (slash != NULL) *slash = '\0';
}

static int os_spawn(proc *p, const char *path, const char *const *argv)
{
    SECURITY_ATTRIBUTES sa;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE in_r, in_w, out_r, out_w, err = NULL;
    char cmd[2048];
    size_t used = 0;
    int i, ok;

    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    if (!CreatePipe(&in_r, &in_w, &sa, 0)) return -1;
    if (!CreatePipe(&out_r, &out_w, &sa, 0)) {
        CloseHandle(in_r);
        CloseHandle(in_w);
        return -1;
    }
    /* Only the child's ends are inherited; the driver spawns from one thread
     * and closes them at once, so no other child gets them. */
    SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
    DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_ERROR_HANDLE), GetCurrentProcess(),
                    &err, 0, TRUE, DUPLICATE_SAME_ACCESS);
    for (i = 0; argv[i] != NULL; i++) /* our arguments have no quotes or spaces */
        used += (size_t)snprintf(cmd + used, sizeof cmd - used, i == 0 ? "\"%s\"" : " \"%s\"",
                                 argv[i]);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = stderr_too ? out_w : err;
    ok = CreateProcessA(path, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si, &pi);
    CloseHandle(in_r);
    CloseHandle(out_w);
    if (err != NULL) CloseHandle(err);
    if (!ok) {
        CloseHandle(in_w);
        CloseHandle(out_r);
        return -1;
    }
    if (job != NULL) AssignProcessToJobObject(job, pi.hProcess);
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    p->handle = pi.hProcess;
    p->in = in_w;
    p->out = out_r;
    return 0;
}

static long os_read(proc *p, char *buf, size_t cap)
{
    DWORD got = 0;
    if (!ReadFile(p->out, buf, (DWORD)cap, &got, NULL)) return 0; /* broken pipe: the end */
    return (long)got;
}

static void os_write(proc *p, const char *data, size_t n)
{
    DWORD put;
    while (n > 0 && WriteFile(p->in, data, (DWORD)n, &put, NULL) && put > 0) {
        data += put;
        n -= put;
    }
}

static void os_close_in(proc *p) { CloseHandle(p->in); }
static void os_close_out(proc *p) { CloseHandle(p->out); }

/* 1 when the child exited (exit_code set), 0 when timeout_ms passed. */
static int os_wait(proc *p, int timeout_ms)
{
    DWORD code;
    if (WaitForSingleObject(p->handle, (DWORD)timeout_ms) != WAIT_OBJECT_0) return 0;
    GetExitCodeProcess(p->handle, &code);
    CloseHandle(p->handle);
    p->exit_code = (int)code;
    return 1;
}

static void os_kill(proc *p)
{
    TerminateProcess(p->handle, 99);
    WaitForSingleObject(p->handle, WAIT_MS);
    CloseHandle(p->handle);
}
#else
static void os_setup(void)
{
    signal(SIGPIPE, SIG_IGN); /* writing to a child that died must not kill the driver */
}

static void os_find_dir(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    if (slash == NULL)
        snprintf(exe_dir, sizeof exe_dir, ".");
    else
        snprintf(exe_dir, sizeof exe_dir, "%.*s", (int)(slash - argv0), argv0);
}

/* A cross build's tests run under an emulator (CMAKE_CROSSCOMPILING_EMULATOR,
 * e.g. qemu-s390x -L <sysroot>), and so must the children: qemu-user does
 * not follow execve into a foreign binary, and without binfmt_misc the
 * kernel cannot start one. examples/CMakeLists.txt passes the emulator's
 * words, separated by spaces, in XSOCK_TEST_EMULATOR. */
#define MAX_EMU_ARGS 8
static int emu_words(const char **words)
{
    static char buf[1024];
    const char *env = foreign_next ? foreign_wine : getenv("XSOCK_TEST_EMULATOR");
    char *w;
    int n = 0;
    if (env == NULL || strlen(env) >= sizeof buf) return 0;
    memcpy(buf, env, strlen(env) + 1);
    for (w = strtok(buf, " "); w != NULL && n < MAX_EMU_ARGS; w = strtok(NULL, " ")) words[n++] = w;
    return n;
}

static int os_spawn(proc *p, const char *path, const char *const *argv)
{
    const char *full[MAX_EMU_ARGS + MAX_ARGS + 2];
    int in[2], out[2], i, n = emu_words(full);
    for (i = 0; argv[i] != NULL; i++) full[n + i] = argv[i];
    full[n + i] = NULL;
    if (n > 0) path = full[0];
    argv = full;
    if (pipe(in) != 0) return -1;
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    /* No child may inherit another child's pipes (or it would keep them open). */
    for (i = 0; i < 2; i++) {
        fcntl(in[i], F_SETFD, FD_CLOEXEC);
        fcntl(out[i], F_SETFD, FD_CLOEXEC);
    }
    p->pid = fork();
    if (p->pid < 0) {
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (p->pid == 0) { /* the child: only async-signal-safe calls from here */
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        dup2(in[0], 0);
        dup2(out[1], 1);
        if (stderr_too) dup2(out[1], 2);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    p->in = in[1];
    p->out = out[0];
    return 0;
}

static long os_read(proc *p, char *buf, size_t cap)
{
    ssize_t n;
    do
        n = read(p->out, buf, cap);
    while (n < 0 && errno == EINTR);
    return n > 0 ? (long)n : 0;
}

static void os_write(proc *p, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t put = write(p->in, data, n);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return;
        data += put;
        n -= (size_t)put;
    }
}

static void os_close_in(proc *p) { close(p->in); }
static void os_close_out(proc *p) { close(p->out); }

static void set_exit_code(proc *p, int status)
{
    p->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int os_wait(proc *p, int timeout_ms)
{
    int status, waited;
    for (waited = 0; waited <= timeout_ms; waited += 10) {
        pid_t r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid) {
            set_exit_code(p, status);
            return 1;
        }
        xthread_sleep_ms(10);
    }
    return 0;
}

static void os_kill(proc *p)
{
    int status;
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {}
}
#endif

/* Kills and reaps every child, joins the readers. On every exit path. */
static void cleanup(void)
{
    int i;
    for (i = 0; i < nprocs; i++) {
        proc *p = &procs[i];
        if (p->running) os_kill(p);
        p->running = 0;
        if (p->stdin_open) os_close_in(p);
        p->stdin_open = 0;
    }
    for (i = 0; i < nprocs; i++) { /* the children are gone: the pipes end */
        xthread_join(procs[i].reader);
        os_close_out(&procs[i]);
        xmutex_destroy(&procs[i].lock);
        free(procs[i].buf);
    }
    nprocs = 0;
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL %s: ", test_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    cleanup();
    exit(1);
}

static void reader_main(void *arg)
{
    proc *p = (proc *)arg;
    char chunk[4096];
    long n;
    while ((n = os_read(p, chunk, sizeof chunk)) > 0) {
        xmutex_lock(&p->lock);
        if (p->len + (size_t)n > p->cap) {
            size_t cap = (p->len + (size_t)n) * 2;
            char *grown = (char *)realloc(p->buf, cap);
            if (grown == NULL) abort();
            p->buf = grown;
            p->cap = cap;
        }
        memcpy(p->buf + p->len, chunk, (size_t)n);
        p->len += (size_t)n;
        xmutex_unlock(&p->lock);
    }
    xmutex_lock(&p->lock);
    p->eof = 1;
    xmutex_unlock(&p->lock);
}

/* Starts an example: start("echo_client", "127.0.0.1", "5000", NULL). */
static proc *start(const char *prog, ...)
{
    const char *argv[MAX_ARGS + 2];
    char path[1200];
    proc *p;
    va_list ap;
    int argc = 0;

    if (nprocs == MAX_PROCS) fail("too many processes");
    p = &procs[nprocs];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", prog);
    snprintf(path, sizeof path, "%s/%s%s", foreign_next ? foreign_dir : exe_dir, prog,
             foreign_next ? ".exe" : EXE_SUFFIX);
    argv[argc++] = path;
    va_start(ap, prog);
    while (argc <= MAX_ARGS && (argv[argc] = va_arg(ap, const char *)) != NULL) argc++;
    va_end(ap);
    argv[argc] = NULL;
    if (os_spawn(p, path, argv) != 0) fail("cannot start %s", path);
    stderr_too = 0;
    foreign_next = 0;
    p->running = 1;
    p->stdin_open = 1;
    xmutex_init(&p->lock);
    if (xthread_start(&p->reader, reader_main, p) != 0) {
        os_kill(p);
        fail("cannot start a reader thread");
    }
    nprocs++;
    return p;
}

static void write_stdin(proc *p, const char *text) { os_write(p, text, strlen(text)); }
static void write_stdin_bytes(proc *p, const char *data, size_t n) { os_write(p, data, n); }

static void close_stdin(proc *p)
{
    if (p->stdin_open) os_close_in(p);
    p->stdin_open = 0;
}

/* The next line of p's output (a final "\r" dropped: Windows' text mode),
 * of any length and with any bytes: 1 with a copy in *line (free it) and its
 * length in *n, 0 when the output ended, -1 when nothing came within
 * timeout_ms. */
static int take_line(proc *p, char **line, size_t *n, int timeout_ms)
{
    int waited;
    for (waited = 0;; waited += 5) {
        int r = -1;
        xmutex_lock(&p->lock);
        {
            /* buf is NULL until the child prints: no pointer arithmetic on it then */
            size_t avail = p->len - p->pos;
            char *start = avail > 0 ? p->buf + p->pos : NULL;
            char *nl = avail > 0 ? (char *)memchr(start, '\n', avail) : NULL;
            if (nl != NULL || (p->eof && avail > 0)) {
                size_t len = nl != NULL ? (size_t)(nl - start) : avail;
                p->pos += nl != NULL ? len + 1 : len;
                if (len > 0 && start[len - 1] == '\r') len--;
                if ((*line = (char *)malloc(len + 1)) == NULL) abort();
                memcpy(*line, start, len);
                (*line)[len] = '\0';
                *n = len;
                r = 1;
            } else if (p->eof) {
                r = 0;
            }
        }
        xmutex_unlock(&p->lock);
        if (r >= 0) return r;
        if (waited >= timeout_ms) return -1;
        xthread_sleep_ms(5);
    }
}

/* take_line into line[cap], cut to fit. */
static int next_line(proc *p, char *line, size_t cap, int timeout_ms)
{
    char *got;
    size_t n;
    int r = take_line(p, &got, &n, timeout_ms);
    if (r != 1) return r;
    if (n > cap - 1) n = cap - 1;
    memcpy(line, got, n);
    line[n] = '\0';
    free(got);
    return 1;
}

/* '*' matches any run of characters, everything else itself. */
static int glob(const char *pat, const char *s)
{
    if (*pat == '\0') return *s == '\0';
    if (*pat == '*') return glob(pat + 1, s) || (*s != '\0' && glob(pat, s + 1));
    return *s == *pat && glob(pat + 1, s + 1);
}

static void expect_line(proc *p, const char *pattern)
{
    char line[4096];
    int r = next_line(p, line, sizeof line, WAIT_MS);
    if (r != 1)
        fail("%s: expected \"%s\", got %s", p->name, pattern,
             r == 0 ? "the end of its output" : "nothing in time");
    if (!glob(pattern, line)) fail("%s: expected \"%s\", got \"%s\"", p->name, pattern, line);
}

/* The next line is a text matching pattern and then exactly the n bytes of
 * data (which may hold '\0's, and be long). */
static void expect_line_bytes(proc *p, const char *pattern, const char *data, size_t n)
{
    char *line;
    size_t len;
    int r = take_line(p, &line, &len, WAIT_MS);
    if (r != 1)
        fail("%s: expected \"%s\" and %d bytes, got %s", p->name, pattern, (int)n,
             r == 0 ? "the end of its output" : "nothing in time");
    if (len < n || memcmp(line + len - n, data, n) != 0)
        fail("%s: expected \"%s\" and %d bytes, got another %d-byte line: \"%.60s\"", p->name,
             pattern, (int)n, (int)len, line);
    line[len - n] = '\0';
    if (!glob(pattern, line))
        fail("%s: expected \"%s\" before the %d bytes, got \"%.60s\"", p->name, pattern, (int)n,
             line);
    free(line);
}

/* The server's "listening on port N". */
static int listening_port(proc *p, char *text, size_t cap)
{
    char line[256];
    const char *rest;
    int port = 0;
    if (next_line(p, line, sizeof line, WAIT_MS) != 1 ||
        !prefixed_int(line, "listening on port ", &port, &rest) || port <= 0)
        fail("%s: no \"listening on port N\" line", p->name);
    snprintf(text, cap, "%d", port);
    return port;
}

/* p exits with code, and printed nothing more than what was checked. */
static void expect_exit(proc *p, int code)
{
    char line[4096];
    int r;
    if (!os_wait(p, WAIT_MS)) fail("%s did not exit in time", p->name);
    p->running = 0;
    if (p->exit_code != code) fail("%s exited with %d, not %d", p->name, p->exit_code, code);
    if ((r = next_line(p, line, sizeof line, WAIT_MS)) != 0)
        fail("%s: unexpected output \"%s\"", p->name, r == 1 ? line : "(none, but no end)");
}

/* Stops a server that printed nothing more than what was checked. */
static void stop_server(proc *p)
{
    char line[4096];
    if (!p->running) fail("%s exited early (code %d)", p->name, p->exit_code);
    if (os_wait(p, 0)) {
        p->running = 0;
        fail("%s exited early (code %d)", p->name, p->exit_code);
    }
    os_kill(p);
    p->running = 0;
    if (next_line(p, line, sizeof line, WAIT_MS) == 1)
        fail("%s: unexpected output \"%s\"", p->name, line);
}

/* ---- the driver's own connections ------------------------------------- */

static xsock_t connect_to(int port)
{
    xsock_t s;
    int r = xsock_tcp_connect(&s, "127.0.0.1", port, WAIT_MS);
    if (r < 0) fail("connect to port %d: %s", port, xsock_strerror(r));
    /* Bounds every receive below. */
    xsock_set_option(s, XSOCK_OPT_RCVTIMEO, WAIT_MS);
    return s;
}

static void send_text(xsock_t s, const char *text)
{
    xsock_ssize_t r = xsock_send_all(s, text, strlen(text));
    if (r < 0) fail("send \"%s\": %s", text, xsock_strerror((int)r));
}

static void send_bytes(xsock_t s, const char *data, size_t n)
{
    xsock_ssize_t r = xsock_send_all(s, data, n);
    if (r < 0) fail("send %d bytes: %s", (int)n, xsock_strerror((int)r));
}

/* Exactly these bytes arrive next. */
static void expect_bytes(xsock_t s, const char *want)
{
    char got[256];
    size_t n = strlen(want);
    xsock_ssize_t r = xsock_recv_all(s, got, n);
    if (r < 0) fail("waiting for \"%s\": %s", want, xsock_strerror((int)r));
    got[r] = '\0';
    if ((size_t)r != n || memcmp(got, want, n) != 0)
        fail("expected the bytes \"%s\", got \"%s\"", want, got);
}

/* The server ended the connection. */
static void expect_closed(xsock_t s)
{
    char c;
    xsock_ssize_t r = xsock_recv(s, &c, 1);
    /* A reset is an end too (the server closed with bytes unread). */
    if (r != 0 && r != XSOCK_ECONNRESET)
        fail("expected the server to close, got %s",
             r > 0 ? "more bytes" : xsock_strerror((int)r));
}

/* Closes with a reset instead of an orderly end: a client that crashed. */
static void reset_and_close(xsock_t s)
{
    xsock_set_option(s, XSOCK_OPT_LINGER, 0);
    xsock_close(s);
}

/* The next line from s is exactly the n bytes of want. */
static void expect_sock_bytes(lineio *in, xsock_t s, const char *want, size_t n)
{
    char *line;
    size_t len;
    int r = lineio_read(in, s, &line, &len);
    if (r != 1)
        fail("expected \"%.60s\" from the room, got %s", want,
             r == 0 ? "the end" : xsock_strerror(r));
    if (len != n || memcmp(line, want, n) != 0)
        fail("expected \"%.60s\" (%d bytes) from the room, got \"%.60s\" (%d bytes)", want,
             (int)n, line, (int)len);
}

static void expect_sock_line(lineio *in, xsock_t s, const char *want)
{
    expect_sock_bytes(in, s, want, strlen(want));
}

/* Nothing arrives on s within ms: a bound that only makes the check weaker
 * on a slow machine, never wrong. */
static void expect_quiet(xsock_t s, int ms, const char *what)
{
    xsock_pollfd fd;
    int r;
    fd.sock = s;
    fd.events = XSOCK_POLLIN;
    if ((r = xsock_poll(&fd, 1, ms)) != 0)
        fail("%s: %s", what, r > 0 ? "bytes (or the end) arrived" : xsock_strerror(r));
}

/* ---- the tests ---------------------------------------------------------- */

/* seed 000: one client, the server reports it and exits. */
static void test_cs(void)
{
    char port_text[16], want[64];
    proc *server = start("cs_server", "0", NULL), *client;
    int port = listening_port(server, port_text, sizeof port_text);

    client = start("cs_client", "127.0.0.1", port_text, NULL);
    snprintf(want, sizeof want, "connected to 127.0.0.1:%d", port);
    expect_line(client, want);
    expect_exit(client, 0);
    expect_line(server, "accepted a client from 127.0.0.1:*");
    expect_exit(server, 0);
}

/* seed 001: every client gets "Hello World!" and the end of the stream. */
static void test_hello(void)
{
    char port_text[16];
    proc *server = start("hello_server", "0", NULL), *client;
    int port = listening_port(server, port_text, sizeof port_text);
    xsock_t s;

    client = start("hello_client", "127.0.0.1", port_text, NULL);
    expect_line(client, "Message from server: Hello World!");
    expect_exit(client, 0);

    s = connect_to(port); /* and the next client, byte for byte */
    expect_bytes(s, "Hello World!");
    expect_closed(s);
    xsock_close(s);
    stop_server(server);
}

/* seed 004, against one of the three servers: the C client, the bytes on
 * the wire, a long line, clients that vanish mid-line or crash. */
static void test_echo(const char *server_name)
{
    const char *reply = " MSG Received\n";
    int concurrent = strcmp(server_name, "echo_server") != 0;
    char port_text[16], long_line[3002];
    proc *server = start(server_name, "0", NULL), *client;
    int port = listening_port(server, port_text, sizeof port_text);
    xsock_t a, b, c;

    /* The C client: "\n" and "\r\n" lines, an empty one, BYE in any case;
     * nothing after BYE is sent. */
    client = start("echo_client", "127.0.0.1", port_text, NULL);
    write_stdin(client, "hello\nsecond line\r\n\nbye\nnot sent\n");
    close_stdin(client);
    expect_line(client, "Server:  MSG Received");
    expect_line(client, "Server:  MSG Received");
    expect_line(client, "Server:  MSG Received");
    expect_line(client, "Server:  MSG Received");
    expect_exit(client, 0);
    expect_line(server, "Client: hello");
    expect_line(server, "Client: second line");
    expect_line(server, "Client: ");
    expect_line(server, "Client: bye");

    /* The wire: two lines in one send, a line in two sends, "\r\n". */
    a = connect_to(port);
    send_text(a, "one\r\ntwo\nthr");
    expect_bytes(a, " MSG Received\n MSG Received\n");
    send_text(a, "ee\n");
    expect_bytes(a, reply);
    /* A line longer than one recv: answered once, printed whole. */
    memset(long_line, 'x', 3000);
    long_line[3000] = '\n';
    long_line[3001] = '\0';
    send_text(a, long_line);
    expect_bytes(a, reply);
    send_text(a, "after\n");
    expect_bytes(a, reply);
    send_text(a, "BYE\n");
    expect_bytes(a, reply);
    expect_closed(a);
    xsock_close(a);
    expect_line(server, "Client: one");
    expect_line(server, "Client: two");
    expect_line(server, "Client: three");
    expect_line_bytes(server, "Client: ", long_line, 3000);
    expect_line(server, "Client: after");
    expect_line(server, "Client: BYE");

    /* Clients that vanish without BYE: one mid-line (its unterminated rest
     * is a last line, as with readLine), one with a reset. */
    if (concurrent) { /* ... while another client is being served */
        a = connect_to(port);
        send_text(a, "half a li");
        b = connect_to(port);
        send_text(b, "b1\n");
        expect_bytes(b, reply);
        expect_line(server, "Client: b1");
        xsock_close(a);
        expect_line(server, "Client: half a li");
        c = connect_to(port);
        reset_and_close(c);
        send_text(b, "b2\n");
        expect_bytes(b, reply);
        expect_line(server, "Client: b2");
        send_text(b, "Bye\n");
        expect_bytes(b, reply);
        expect_closed(b);
        xsock_close(b);
        expect_line(server, "Client: Bye");
    } else { /* ... one after the other: the server takes them in turn */
        a = connect_to(port);
        send_text(a, "half a li");
        xsock_close(a);
        c = connect_to(port);
        reset_and_close(c);
        b = connect_to(port);
        send_text(b, "b1\n");
        expect_bytes(b, reply);
        xsock_close(b); /* and this one just closes */
        expect_line(server, "Client: half a li");
        expect_line(server, "Client: b1");
    }

    /* The C client at the end of its input without BYE, then one more. */
    client = start("echo_client", "127.0.0.1", port_text, NULL);
    write_stdin(client, "last words\n");
    close_stdin(client);
    expect_line(client, "Server:  MSG Received");
    expect_exit(client, 0);
    expect_line(server, "Client: last words");
    a = connect_to(port);
    send_text(a, "still there?\n");
    expect_bytes(a, reply);
    xsock_close(a);
    expect_line(server, "Client: still there?");
    stop_server(server);
}

#define MANY 50

/* 50 clients connected at once, every line answered; one vanishes mid-line
 * and one resets while the others go on. */
static void test_echo_many(const char *server_name)
{
    const char *reply = " MSG Received\n";
    static char lines[MANY * 6 + 1][64];
    char port_text[16], text[64], line[256];
    proc *server = start(server_name, "0", NULL);
    int port = listening_port(server, port_text, sizeof port_text);
    int nlines = 0, i, j;
    xsock_t c[MANY], vanish;

    for (i = 0; i < MANY; i++) c[i] = connect_to(port);
    vanish = connect_to(port);
    send_text(vanish, "partial li");

    for (i = 0; i < MANY; i++) { /* round 1: one line each */
        snprintf(text, sizeof text, "client %d says hello\n", i);
        send_text(c[i], text);
        snprintf(lines[nlines++], sizeof lines[0], "Client: client %d says hello", i);
    }
    for (i = 0; i < MANY; i++) expect_bytes(c[i], reply);

    xsock_close(vanish);
    snprintf(lines[nlines++], sizeof lines[0], "Client: partial li");
    reset_and_close(connect_to(port));

    for (i = 0; i < MANY; i++) { /* round 2: a line in two pieces */
        snprintf(text, sizeof text, "client %d in two", i);
        send_text(c[i], text);
    }
    for (i = 0; i < MANY; i++) {
        send_text(c[i], " pieces\n");
        snprintf(lines[nlines++], sizeof lines[0], "Client: client %d in two pieces", i);
    }
    for (i = 0; i < MANY; i++) expect_bytes(c[i], reply);

    for (i = 0; i < MANY; i++) { /* round 3: three lines in one piece */
        snprintf(text, sizeof text, "a%d\r\nb%d\nc%d\n", i, i, i);
        send_text(c[i], text);
        snprintf(lines[nlines++], sizeof lines[0], "Client: a%d", i);
        snprintf(lines[nlines++], sizeof lines[0], "Client: b%d", i);
        snprintf(lines[nlines++], sizeof lines[0], "Client: c%d", i);
    }
    for (i = 0; i < MANY; i++) expect_bytes(c[i], " MSG Received\n MSG Received\n MSG Received\n");

    for (i = 0; i < MANY; i++) {
        send_text(c[i], "bye\n");
        snprintf(lines[nlines++], sizeof lines[0], "Client: bye");
    }
    for (i = 0; i < MANY; i++) {
        expect_bytes(c[i], reply);
        expect_closed(c[i]);
        xsock_close(c[i]);
    }

    /* The server printed every line once, in whatever order its clients
     * were served. */
    for (i = 0; i < nlines; i++) {
        if (next_line(server, line, sizeof line, WAIT_MS) != 1)
            fail("%s printed %d of %d lines", server_name, i, nlines);
        for (j = 0; j < nlines && strcmp(lines[j], line) != 0; j++) {}
        if (j == nlines) fail("%s: unexpected line \"%s\"", server_name, line);
        lines[j][0] = '\0'; /* each expected line is used once */
    }
    stop_server(server);
}

/* A crowd on echo_server_poll: CROWD clients connected at once (natively
 * 1000, past the usual limit of 1024 open files once the driver's own and
 * the server's are counted: the limit is raised, and the server inherits
 * it; under Wine 200), each line answered while all are connected. */
#ifdef _WIN32
#  define CROWD 200
#else
#  define CROWD 1000
#endif

static void raise_fd_limit(int want)
{
#ifndef _WIN32
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) fail("getrlimit: %s", strerror(errno));
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)want) {
        rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)want ? rl.rlim_max
                                                                             : (rlim_t)want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < (rlim_t)want)
            fail("cannot raise the open file limit to %d (hard limit %lld)", want,
                 (long long)rl.rlim_max);
    }
#else
    (void)want; /* Windows has no such limit on sockets */
#endif
}

static void test_echo_crowd(const char *server_name)
{
    static xsock_t c[CROWD];
    static unsigned char seen[CROWD];
    const char *reply = " MSG Received\n";
    char port_text[16], text[64], line[256];
    const char *rest;
    proc *server;
    int port, i, k, byes = 0;

    raise_fd_limit(CROWD + 256);
    server = start(server_name, "0", NULL);
    port = listening_port(server, port_text, sizeof port_text);
    for (i = 0; i < CROWD; i++) c[i] = connect_to(port);
    for (i = 0; i < CROWD; i++) {
        snprintf(text, sizeof text, "crowd %d\n", i);
        send_text(c[i], text);
    }
    for (i = 0; i < CROWD; i++) expect_bytes(c[i], reply);
    for (i = 0; i < CROWD; i++) send_text(c[i], "bye\n");
    for (i = 0; i < CROWD; i++) {
        expect_bytes(c[i], reply);
        expect_closed(c[i]);
        xsock_close(c[i]);
    }
    for (k = 0; k < 2 * CROWD; k++) { /* each line once, in any order */
        if (next_line(server, line, sizeof line, WAIT_MS) != 1)
            fail("%s printed %d of %d lines", server_name, k, 2 * CROWD);
        if (strcmp(line, "Client: bye") == 0) {
            byes++;
        } else if (!prefixed_int(line, "Client: crowd ", &i, &rest) || i < 0 || i >= CROWD || seen[i]++) {
            fail("%s: unexpected line \"%s\"", server_name, line);
        }
    }
    if (byes != CROWD) fail("%s: %d of %d byes", server_name, byes, CROWD);
    stop_server(server);
}

/* seeds 002/003: a room of three. alice and bob are chat_client processes
 * (alice's name on the command line, bob's typed first), carol is the
 * driver. Each step waits for its effect, so the order is fixed. */
static void test_chat_room(void)
{
    char port_text[16];
    proc *server = start("chat_server", "0", NULL), *alice, *bob;
    int port = listening_port(server, port_text, sizeof port_text);
    xsock_t carol;
    lineio carol_in;

    alice = start("chat_client", "127.0.0.1", port_text, "alice", NULL);
    expect_line(alice, "* welcome alice (1 in the room)");
    expect_line(server, "* alice joined");

    bob = start("chat_client", "127.0.0.1", port_text, NULL);
    write_stdin(bob, "bob\n");
    expect_line(bob, "* welcome bob (2 in the room)");
    expect_line(alice, "* bob joined");
    expect_line(server, "* bob joined");

    carol = connect_to(port);
    lineio_init(&carol_in);
    send_text(carol, "carol\r\n");
    expect_sock_line(&carol_in, carol, "* welcome carol (3 in the room)");
    expect_line(alice, "* carol joined");
    expect_line(bob, "* carol joined");
    expect_line(server, "* carol joined");

    write_stdin(alice, "hello room\n");
    expect_line(bob, "alice: hello room");
    expect_sock_line(&carol_in, carol, "alice: hello room");
    expect_line(server, "alice: hello room");

    send_text(carol, "hi al"); /* a line in two pieces */
    send_text(carol, "ice\n");
    expect_line(alice, "carol: hi alice");
    expect_line(bob, "carol: hi alice");
    expect_line(server, "carol: hi alice");

    write_stdin(bob, "bye all\n"); /* then bob's input ends: he leaves */
    close_stdin(bob);
    expect_line(alice, "bob: bye all");
    expect_line(alice, "* bob left");
    expect_sock_line(&carol_in, carol, "bob: bye all");
    expect_sock_line(&carol_in, carol, "* bob left");
    expect_exit(bob, 0); /* and saw none of his own lines */
    expect_line(server, "bob: bye all");
    expect_line(server, "* bob left");

    xsock_close(carol);
    lineio_free(&carol_in);
    expect_line(alice, "* carol left");
    expect_line(server, "* carol left");

    close_stdin(alice);
    expect_exit(alice, 0);
    expect_line(server, "* alice left");
    stop_server(server);
}

/* ---- the lobby (issue 14) ----------------------------------------------
 * chat_server announces its room on a multicast group, and chat_client
 * without a host finds it (examples/lobby.h). Multicast never leaves the
 * machine: main sets CHAT_LOBBY_IF=127.0.0.1 for every program the driver
 * starts (the other tests' chat_servers announce there too), and each lobby
 * test gets a UDP port of its own (CHAT_LOBBY_PORT), so that lobby tests
 * running at the same time never hear each other's rooms. */

static void set_env(const char *name, const char *value)
{
#ifdef _WIN32
    SetEnvironmentVariableA(name, value);
#else
    setenv(name, value, 1);
#endif
}

/* A free UDP port as the lobby's port (CHAT_LOBBY_PORT) of what starts next. */
static void new_lobby_port(char *text, size_t cap)
{
    xsock_t s;
    xsock_addr a;
    int r = xsock_udp_bind(&s, "0.0.0.0", 0);
    if (r < 0 || (r = xsock_local_addr(s, &a)) < 0) fail("a free UDP port: %s", xsock_strerror(r));
    snprintf(text, cap, "%d", xsock_addr_port(&a));
    xsock_close(s);
    set_env("CHAT_LOBBY_PORT", text);
}

/* A client's "looking for rooms" line, then its list of the rooms heard in
 * any order (the n patterns), then the "joining" line (NULL: none). */
static void expect_lobby(proc *p, const char *lobby_port, const char *const *rooms, int n,
                         const char *joining)
{
    char want[128], line[4096];
    int i, seen[4] = {0, 0, 0, 0}, k;
    snprintf(want, sizeof want, "looking for rooms on 239.255.90.2 port %s", lobby_port);
    expect_line(p, want);
    for (k = 0; k < n && k < 4; k++) {
        if (next_line(p, line, sizeof line, WAIT_MS) != 1) fail("%s: no room listed", p->name);
        for (i = 0; i < n && (seen[i] || !glob(rooms[i], line)); i++) {}
        if (i == n) fail("%s: listed \"%s\", not one of the rooms", p->name, line);
        seen[i] = 1;
    }
    if (joining != NULL) expect_line(p, joining);
}

/* A room found by the lobby alone: alice (no arguments: the first room
 * heard, the name on stdin) and bob ("@": any room, the name given) listen
 * at the same time on one port (XSOCK_OPT_SHAREPORT), both find the room,
 * enter it and chat. server_wine / client_wine: that program is the
 * Windows one, under Wine (lobby_wine_*). */
static void lobby_chat(int server_wine, int client_wine)
{
    char lport[16], port[16], room[64], joining[128];
    const char *rooms[1];
    proc *server, *alice, *bob;

    new_lobby_port(lport, sizeof lport);
    foreign_next = server_wine;
    server = start("chat_server", "0", "@lounge", NULL);
    listening_port(server, port, sizeof port);
    foreign_next = client_wine;
    alice = start("chat_client", NULL);
    foreign_next = client_wine;
    bob = start("chat_client", "@", "bob", NULL);
    snprintf(room, sizeof room, "room lounge at 127.0.0.1 port %s", port);
    snprintf(joining, sizeof joining, "joining lounge at 127.0.0.1 port %s", port);
    rooms[0] = room;
    expect_lobby(alice, lport, rooms, 1, joining);
    expect_lobby(bob, lport, rooms, 1, joining);
    /* alice is in but has not said her name: bob's welcome counts him only */
    expect_line(bob, "* welcome bob (1 in the room)");
    expect_line(server, "* bob joined");
    write_stdin(alice, "alice\nhello bob\n");
    expect_line(alice, "* welcome alice (2 in the room)");
    expect_line(bob, "* alice joined");
    expect_line(bob, "alice: hello bob");
    expect_line(server, "* alice joined");
    expect_line(server, "alice: hello bob");
    close_stdin(alice);
    expect_exit(alice, 0);
    expect_line(bob, "* alice left");
    expect_line(server, "* alice left");
    close_stdin(bob);
    expect_exit(bob, 0);
    expect_line(server, "* bob left");
    stop_server(server);
}

/* Datagrams on the lobby that are no announcement, sent every 100 ms for
 * about 3 s from the loopback (anyone can send to a group): a client must
 * list none of them. */
static void send_junk(const char *lobby_port)
{
    static const char *const junk[] = {
        "XSOCK-CHAT 1 9000 junk",          /* no "\n" */
        "XSOCK-CHAT 2 9000 junk\n",        /* another version */
        "XSOCK-CHAT 1 0 junk\n",           /* no port */
        "XSOCK-CHAT 1 70000 junk\n",
        "XSOCK-CHAT 1 9000 \n",            /* no name */
        "XSOCK-CHAT 1 9000junk\n",
        "XSOCK-CHAT 1 9000 ju\x1b[2Jnk\n", /* a terminal escape */
        "XSOCK-CHAT 1 9000 junk\njunk\n",  /* two lines */
        "",
        "XSOCK-CHAT 1 9000 "};             /* and a 300-byte name, below */
    char big[400];
    xsock_interface ifs[64];
    xsock_addr group, lo;
    xsock_t s;
    int i, k, n = xsock_interfaces(ifs, 64), index = -1, port = atoi(lobby_port), r;

    xsock_addr_parse(&lo, "127.0.0.1");
    for (i = 0; i < n && i < 64; i++)
        if (xsock_addr_equal(&ifs[i].addr, &lo)) index = (int)ifs[i].index;
    if (index < 0) fail("no interface has 127.0.0.1");
    if ((r = xsock_open(&s, XSOCK_INET, XSOCK_DGRAM)) < 0 ||
        (r = xsock_set_option(s, XSOCK_OPT_MULTICAST_IF, index)) < 0)
        fail("a multicast sender on the loopback: %s", xsock_strerror(r));
    xsock_addr_parse(&group, "239.255.90.2");
    xsock_addr_set_port(&group, port);
    snprintf(big, sizeof big, "%s%300s\n", junk[9], "x");
    for (k = 0; k < 30; k++) {
        for (i = 0; i < 9; i++) xsock_sendto(s, junk[i], strlen(junk[i]), &group);
        xsock_sendto(s, big, strlen(big), &group);
        xthread_sleep_ms(100);
    }
    xsock_close(s);
}

/* Two rooms announced on one lobby; each client lists both and enters the
 * one it names, and none of the junk the driver sends meanwhile. carol
 * names a room nobody announces: she lists the two, says so, and asks for a
 * host and port (given on her stdin). */
static void test_lobby_by_name(void)
{
    char lport[16], kport[16], gport[16], rooms_text[2][64], want[128];
    const char *rooms[2];
    proc *kitchen, *garden, *alice, *bob, *carol;

    new_lobby_port(lport, sizeof lport);
    kitchen = start("chat_server", "0", "@kitchen", NULL);
    garden = start("chat_server", "0", "@garden", NULL);
    listening_port(kitchen, kport, sizeof kport);
    listening_port(garden, gport, sizeof gport);
    alice = start("chat_client", "@garden", "alice", NULL);
    bob = start("chat_client", "@kitchen", "bob", NULL);
    carol = start("chat_client", "@cellar", "carol", NULL);
    send_junk(lport);
    snprintf(rooms_text[0], sizeof rooms_text[0], "room kitchen at 127.0.0.1 port %s", kport);
    snprintf(rooms_text[1], sizeof rooms_text[1], "room garden at 127.0.0.1 port %s", gport);
    rooms[0] = rooms_text[0];
    rooms[1] = rooms_text[1];

    snprintf(want, sizeof want, "joining garden at 127.0.0.1 port %s", gport);
    expect_lobby(alice, lport, rooms, 2, want);
    expect_line(alice, "* welcome alice (1 in the room)");
    expect_line(garden, "* alice joined");
    snprintf(want, sizeof want, "joining kitchen at 127.0.0.1 port %s", kport);
    expect_lobby(bob, lport, rooms, 2, want);
    expect_line(bob, "* welcome bob (1 in the room)");
    expect_line(kitchen, "* bob joined");

    expect_lobby(carol, lport, rooms, 2, "no room named cellar heard within 2 s");
    expect_line(carol, "type the room's host and port (an empty line: 127.0.0.1 9000)");
    snprintf(want, sizeof want, "127.0.0.1 %s\n", kport);
    write_stdin(carol, want);
    expect_line(carol, "* welcome carol (2 in the room)");
    expect_line(bob, "* carol joined");
    expect_line(kitchen, "* carol joined");

    close_stdin(alice);
    expect_exit(alice, 0);
    expect_line(garden, "* alice left");
    close_stdin(carol);
    expect_exit(carol, 0);
    expect_line(bob, "* carol left");
    expect_line(kitchen, "* carol left");
    close_stdin(bob);
    expect_exit(bob, 0);
    expect_line(kitchen, "* bob left");
    stop_server(kitchen);
    stop_server(garden);
}

/* Multicast unavailable. The server cannot announce (CHAT_LOBBY_IF names an
 * address no interface has: TEST-NET-1, RFC 5737): it says so and serves
 * the room. alice hears no room within 2 s and is asked for a host and
 * port; bob cannot even join the lobby (the same bad interface) and is asked
 * at once; dave answers the question with no port number. */
static void test_lobby_fallback(void)
{
    char lport[16], port[16], want[128];
    proc *server, *alice, *bob, *dave;

    new_lobby_port(lport, sizeof lport);
    set_env("CHAT_LOBBY_IF", "192.0.2.1");
    stderr_too = 1;
    server = start("chat_server", "0", "@lonely", NULL);
    listening_port(server, port, sizeof port);
    expect_line(server,
                "chat_server: no lobby: address not available (the room is open all the same)");

    set_env("CHAT_LOBBY_IF", "127.0.0.1");
    alice = start("chat_client", NULL);
    expect_lobby(alice, lport, NULL, 0, "no room heard within 2 s");
    expect_line(alice, "type the room's host and port (an empty line: 127.0.0.1 9000)");
    snprintf(want, sizeof want, "127.0.0.1 %s\nalice\n", port);
    write_stdin(alice, want);
    expect_line(alice, "* welcome alice (1 in the room)");
    expect_line(server, "* alice joined");

    set_env("CHAT_LOBBY_IF", "192.0.2.1");
    stderr_too = 1;
    bob = start("chat_client", "@lonely", "bob", NULL);
    expect_line(bob, "chat_client: cannot join the lobby (239.255.90.2): address not available");
    expect_line(bob, "type the room's host and port (an empty line: 127.0.0.1 9000)");
    snprintf(want, sizeof want, "127.0.0.1 %s\n", port);
    write_stdin(bob, want);
    expect_line(bob, "* welcome bob (2 in the room)");
    expect_line(alice, "* bob joined");
    expect_line(server, "* bob joined");

    stderr_too = 1;
    dave = start("chat_client", NULL);
    expect_line(dave, "chat_client: cannot join the lobby (239.255.90.2): address not available");
    expect_line(dave, "type the room's host and port (an empty line: 127.0.0.1 9000)");
    write_stdin(dave, "127.0.0.1 port9000\n");
    expect_line(dave, "chat_client: that is not \"host\" or \"host port\"");
    expect_exit(dave, 2);
    set_env("CHAT_LOBBY_IF", "127.0.0.1");

    close_stdin(bob);
    expect_exit(bob, 0);
    expect_line(alice, "* bob left");
    expect_line(server, "* bob left");
    close_stdin(alice);
    expect_exit(alice, 0);
    expect_line(server, "* alice left");
    stop_server(server);
}

/* UDP: every line comes back whole, each datagram on its own. */
static void test_udp(void)
{
    char port_text[16], buf[64];
    proc *server = start("udp_echo_server", "0", NULL), *client;
    int port = listening_port(server, port_text, sizeof port_text);
    xsock_t s;
    xsock_addr to, from;
    xsock_ssize_t n;

    client = start("udp_echo_client", "127.0.0.1", port_text, NULL);
    write_stdin(client, "ping\nsecond datagram\r\nlast");
    close_stdin(client);
    expect_line(client, "Echo: ping");
    expect_line(client, "Echo: second datagram");
    expect_line(client, "Echo: last");
    expect_exit(client, 0);
    expect_line(server, "from *: ping");
    expect_line(server, "from *: second datagram");
    expect_line(server, "from *: last");

    /* Two datagrams sent back to back come back as two. */
    xsock_addr_loopback(&to, XSOCK_INET, port);
    if (xsock_open(&s, XSOCK_INET, XSOCK_DGRAM) < 0) fail("udp socket");
    xsock_set_option(s, XSOCK_OPT_RCVTIMEO, WAIT_MS);
    xsock_sendto(s, "one", 3, &to);
    xsock_sendto(s, "two!", 4, &to);
    n = xsock_recvfrom(s, buf, sizeof buf, &from);
    if (n != 3 || memcmp(buf, "one", 3) != 0 || !xsock_addr_equal(&from, &to))
        fail("first echo: %d bytes", (int)n);
    n = xsock_recvfrom(s, buf, sizeof buf, &from);
    if (n != 4 || memcmp(buf, "two!", 4) != 0) fail("second echo: %d bytes", (int)n);
    xsock_close(s);
    expect_line(server, "from *: one"); /* the address as its dual-stack socket saw it */
    expect_line(server, "from *: two!");
    stop_server(server);
}

/* UDP: a datagram that gets no echo is reported, not waited on forever. */
static void test_udp_lost(void)
{
    char port_text[16], buf[64], line[256];
    xsock_t silent;
    xsock_addr local;
    xsock_ssize_t n;
    proc *client;

    /* A "server" that receives and never answers: the echo is lost. */
    if (xsock_udp_bind(&silent, "127.0.0.1", 0) < 0) fail("udp bind");
    xsock_set_option(silent, XSOCK_OPT_RCVTIMEO, WAIT_MS);
    xsock_local_addr(silent, &local);
    snprintf(port_text, sizeof port_text, "%d", xsock_addr_port(&local));
    client = start("udp_echo_client", "127.0.0.1", port_text, NULL);
    write_stdin(client, "anyone there?\n");
    expect_line(client, "no echo within 1000 ms");
    n = xsock_recvfrom(silent, buf, sizeof buf, NULL);
    if (n != 13 || memcmp(buf, "anyone there?", 13) != 0) fail("the datagram did not arrive");

    /* Nothing at all on the port now. POSIX tells an unconnected socket
     * nothing, so the wait times out. Windows reports the ICMP "port
     * unreachable" as WSAECONNRESET on the next receive; xsock turns that
     * off (SIO_UDP_CONNRESET, as libuv does), but only as a best effort, so
     * the report may be either line. (Wine 8 here: the timeout.) */
    xsock_close(silent);
    write_stdin(client, "hello?\n");
    close_stdin(client);
    if (next_line(client, line, sizeof line, WAIT_MS) != 1 ||
        (strcmp(line, "no echo within 1000 ms") != 0 &&
         strcmp(line, "no echo: connection reset by peer") != 0))
        fail("udp_echo_client: expected a report of no echo");
    expect_exit(client, 0);
}

/* The six TCP servers, all listening on every interface. */
static const char *const tcp_servers[] = {"cs_server",           "hello_server",
                                          "echo_server",         "echo_server_threads",
                                          "echo_server_poll",    "chat_server"};
#define NSERVERS 6

/* Issue 16, item 1: each TCP server started twice on the same port (every
 * interface): the second says "address already in use", names the port and
 * exits 1, while the first goes on. Windows answers such a bind with
 * WSAEACCES when the first socket has SO_EXCLUSIVEADDRUSE (Microsoft, "Using
 * SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"; Wine does the same): the library
 * gives XSOCK_EADDRINUSE for it on every OS, so the message is the same. */
static void test_busy_port(void)
{
    proc *first[NSERVERS], *second[NSERVERS];
    char ports[NSERVERS][16], want[256];
    int i;
    for (i = 0; i < NSERVERS; i++) first[i] = start(tcp_servers[i], "0", NULL);
    for (i = 0; i < NSERVERS; i++) listening_port(first[i], ports[i], sizeof ports[i]);
    for (i = 0; i < NSERVERS; i++) {
        stderr_too = 1;
        second[i] = start(tcp_servers[i], ports[i], NULL);
    }
    for (i = 0; i < NSERVERS; i++) {
        snprintf(want, sizeof want, "%s: * port %s: address already in use", tcp_servers[i],
                 ports[i]);
        expect_line(second[i], want);
        expect_exit(second[i], 1);
    }
    for (i = 0; i < NSERVERS; i++) stop_server(first[i]);
}

/* A port free a moment ago: any free port, on every interface, let go. */
static int free_port(char *text, size_t cap)
{
    xsock_t s;
    xsock_addr local;
    int r = xsock_tcp_listen(&s, NULL, 0, 1);
    if (r < 0) fail("listen on a free port: %s", xsock_strerror(r));
    xsock_local_addr(s, &local);
    xsock_close(s);
    snprintf(text, cap, "%d", xsock_addr_port(&local));
    return xsock_addr_port(&local);
}

/* Starts server on a port that was free a moment ago and returns it with
 * the port it reported. Another program may take the port in between (the
 * server then says so): the next free one is tried, three times at most. */
static proc *start_on_given_port(const char *server, char *port_text, size_t cap, int *given)
{
    int attempt;
    for (attempt = 0; attempt < 3; attempt++) {
        char line[256], want[128];
        proc *p;
        *given = free_port(port_text, cap);
        stderr_too = 1;
        p = start(server, port_text, NULL);
        if (next_line(p, line, sizeof line, WAIT_MS) != 1)
            fail("%s: nothing said on port %s", server, port_text);
        snprintf(want, sizeof want, "%s: * port %s: address already in use", server, port_text);
        if (glob(want, line)) {
            expect_exit(p, 1);
            continue;
        }
        snprintf(want, sizeof want, "listening on port %s", port_text);
        if (strcmp(line, want) != 0)
            fail("%s, given port %s, said \"%s\"", server, port_text, line);
        return p;
    }
    fail("%s: three free ports taken in a row", server);
    return NULL;
}

/* Issue 16, item 4: seed 001's server fragment sets the port with
 * htonl(atoi(serv_port)) where htons belongs: on a little-endian machine the
 * port's bytes land in the upper half, the 16-bit sin_port keeps 0, and
 * bind takes any free port. xsock takes the port as a number: hello_server
 * and cs_server (the two step-by-step servers) listen on exactly the port
 * they are given, and their clients reach them there. */
static void test_port_as_given(void)
{
    char port_text[16], want[64];
    int port;
    proc *server = start_on_given_port("hello_server", port_text, sizeof port_text, &port);
    proc *client = start("hello_client", "127.0.0.1", port_text, NULL);
    expect_line(client, "Message from server: Hello World!");
    expect_exit(client, 0);
    stop_server(server);

    server = start_on_given_port("cs_server", port_text, sizeof port_text, &port);
    client = start("cs_client", "127.0.0.1", port_text, NULL);
    snprintf(want, sizeof want, "connected to 127.0.0.1:%d", port);
    expect_line(client, want);
    expect_exit(client, 0);
    expect_line(server, "accepted a client from 127.0.0.1:*");
    expect_exit(server, 0);
}

/* Issue 16, item 2: a '\0' is a byte of the line like any other. The
 * issue's case: printf 'nul\0byte\nbye\n' | echo_client sent one line, and
 * the server never saw "bye". The same through chat_client and
 * udp_echo_client. */
/* A chat server on a port of its own with carol, a raw socket, alone in
 * its room: the setting of the tests that send odd names and lines. */
static proc *chat_with_carol(char *port_text, size_t cap, xsock_t *carol, lineio *carol_in)
{
    proc *server = start("chat_server", "0", NULL);
    *carol = connect_to(listening_port(server, port_text, cap));
    lineio_init(carol_in);
    send_text(*carol, "carol\n");
    expect_sock_line(carol_in, *carol, "* welcome carol (1 in the room)");
    expect_line(server, "* carol joined");
    return server;
}

static void test_nul_bytes(void)
{
    static const char input[] = "nul\0byte\nbye\n"; /* sizeof - 1: the bytes */
    char port_text[16];
    proc *server = start("echo_server", "0", NULL), *client;
    xsock_t carol;
    lineio carol_in;

    listening_port(server, port_text, sizeof port_text);
    client = start("echo_client", "127.0.0.1", port_text, NULL);
    write_stdin_bytes(client, input, 9);
    /* 0x1A (Ctrl-Z) ends a text-mode stdin on Windows: a byte like any other. */
    write_stdin_bytes(client, "ctrl\x1a" "z\n", 7);
    write_stdin_bytes(client, input + 9, sizeof input - 1 - 9);
    close_stdin(client);
    expect_line(client, "Server:  MSG Received");
    expect_line(client, "Server:  MSG Received");
    expect_line(client, "Server:  MSG Received");
    expect_exit(client, 0); /* after BYE */
    expect_line_bytes(server, "Client: ", "nul\0byte", 8);
    expect_line_bytes(server, "Client: ", "ctrl\x1a" "z", 6);
    expect_line(server, "Client: bye");
    stop_server(server);

    server = chat_with_carol(port_text, sizeof port_text, &carol, &carol_in);
    client = start("chat_client", "127.0.0.1", port_text, NULL);
    write_stdin_bytes(client, "a\0l\n", 4); /* a name with a '\0' in it */
    expect_sock_bytes(&carol_in, carol, "* a\0l joined", 12);
    expect_line_bytes(client, "", "* welcome a\0l (2 in the room)", 29);
    write_stdin_bytes(client, input, sizeof input - 1);
    close_stdin(client);
    expect_sock_bytes(&carol_in, carol, "a\0l: nul\0byte", 13);
    expect_sock_bytes(&carol_in, carol, "a\0l: bye", 8);
    expect_sock_bytes(&carol_in, carol, "* a\0l left", 10);
    expect_exit(client, 0);
    expect_line_bytes(server, "", "* a\0l joined", 12);
    expect_line_bytes(server, "", "a\0l: nul\0byte", 13);
    expect_line_bytes(server, "", "a\0l: bye", 8);
    expect_line_bytes(server, "", "* a\0l left", 10);
    xsock_close(carol);
    lineio_free(&carol_in);
    expect_line(server, "* carol left");
    stop_server(server);

    server = start("udp_echo_server", "0", NULL);
    listening_port(server, port_text, sizeof port_text);
    client = start("udp_echo_client", "127.0.0.1", port_text, NULL);
    write_stdin_bytes(client, input, sizeof input - 1);
    close_stdin(client);
    expect_line_bytes(client, "Echo: ", "nul\0byte", 8);
    expect_line(client, "Echo: bye");
    expect_exit(client, 0);
    expect_line_bytes(server, "from *: ", "nul\0byte", 8);
    expect_line(server, "from *: bye");
    stop_server(server);
}

#define LONG_LINE 100000 /* the issue's 100 KB line */

/* n bytes of text (a '\0' every 1,000, never a '\n') and a "\n" at [n], in a new buffer. */
static char *make_long_line(size_t n, char fill)
{
    char *line = (char *)malloc(n + 1);
    size_t i;
    if (line == NULL) fail("out of memory");
    for (i = 0; i < n; i++) line[i] = (char)(i % 1000 == 999 ? 0 : (size_t)(unsigned char)fill + i % 7);
    line[n] = '\n';
    return line;
}

/* Issue 16, item 3: lines of any length on both sides, as the Java
 * programs of seed 004 carry them. The echo servers answer a 100 KB line
 * once, only after its last byte came, and print it whole; echo_client
 * sends one whole; chat lines and names have no limit either; UDP keeps a
 * stated limit of 2048 bytes a datagram, and a longer line or datagram is
 * refused with a message, never cut. */
static void test_long_lines(void)
{
    static const char *const echo_servers[] = {"echo_server", "echo_server_threads",
                                               "echo_server_poll"};
    char *line = make_long_line(LONG_LINE, 'a'), *chat, *name, port_text[16], buf[64];
    proc *server, *client;
    int port, i;
    xsock_t s, carol;
    lineio carol_in;
    xsock_addr to;
    xsock_ssize_t n;

    for (i = 0; i < 3; i++) {
        server = start(echo_servers[i], "0", NULL);
        port = listening_port(server, port_text, sizeof port_text);
        s = connect_to(port);
        /* All but the "\n", in two pieces: no answer may come yet. */
        send_bytes(s, line, LONG_LINE / 2);
        send_bytes(s, line + LONG_LINE / 2, LONG_LINE - LONG_LINE / 2);
        expect_quiet(s, 300, "an answer before the line ended");
        send_text(s, "\nbye\n");
        expect_bytes(s, " MSG Received\n MSG Received\n");
        expect_closed(s);
        xsock_close(s);
        expect_line_bytes(server, "Client: ", line, LONG_LINE);
        expect_line(server, "Client: bye");
        if (i < 2) stop_server(server);
    }

    /* echo_client sends a 100 KB line of stdin whole (to echo_server_poll). */
    client = start("echo_client", "127.0.0.1", port_text, NULL);
    write_stdin_bytes(client, line, LONG_LINE + 1);
    write_stdin(client, "BYE\n");
    close_stdin(client);
    expect_line(client, "Server:  MSG Received");
    expect_line(client, "Server:  MSG Received");
    expect_exit(client, 0);
    expect_line_bytes(server, "Client: ", line, LONG_LINE);
    expect_line(server, "Client: BYE");
    stop_server(server);

    /* The chat room: a 100-byte name, a 100 KB line, both whole. */
    server = chat_with_carol(port_text, sizeof port_text, &carol, &carol_in);
    name = make_long_line(100, 'N'); /* no '\0' in the first 999 */
    name[100] = '\0';
    client = start("chat_client", "127.0.0.1", port_text, name, NULL);
    chat = (char *)malloc(100 + 2 + LONG_LINE);
    if (chat == NULL) fail("out of memory");
    memcpy(chat, "* welcome ", 10);
    memcpy(chat + 10, name, 100);
    memcpy(chat + 110, " (2 in the room)", 16);
    expect_line_bytes(client, "", chat, 126);
    memcpy(chat, "* ", 2);
    memcpy(chat + 2, name, 100);
    memcpy(chat + 102, " joined", 7);
    expect_sock_bytes(&carol_in, carol, chat, 109);
    expect_line_bytes(server, "", chat, 109);
    write_stdin_bytes(client, line, LONG_LINE + 1);
    close_stdin(client); /* and the client leaves */
    memcpy(chat, name, 100);
    memcpy(chat + 100, ": ", 2);
    memcpy(chat + 102, line, LONG_LINE);
    expect_sock_bytes(&carol_in, carol, chat, 102 + LONG_LINE);
    expect_line_bytes(server, "", chat, 102 + LONG_LINE);
    memcpy(chat, "* ", 2);
    memcpy(chat + 2, name, 100);
    memcpy(chat + 102, " left", 5);
    expect_sock_bytes(&carol_in, carol, chat, 107);
    expect_line_bytes(server, "", chat, 107);
    expect_exit(client, 0);
    xsock_close(carol);
    lineio_free(&carol_in);
    expect_line(server, "* carol left");
    stop_server(server);
    free(chat);
    free(name);

    /* hello_client prints a 100 KB message whole (the driver is its server). */
    if (xsock_tcp_listen(&s, "127.0.0.1", 0, 1) < 0) fail("listen");
    xsock_local_addr(s, &to);
    snprintf(port_text, sizeof port_text, "%d", xsock_addr_port(&to));
    client = start("hello_client", "127.0.0.1", port_text, NULL);
    {
        xsock_pollfd fd; /* a bounded wait: accept itself has none */
        fd.sock = s;
        fd.events = XSOCK_POLLIN;
        if (xsock_poll(&fd, 1, WAIT_MS) != 1 || xsock_accept(s, &carol, NULL) < 0)
            fail("hello_client did not connect");
    }
    xsock_close(s);
    send_bytes(carol, line, LONG_LINE);
    xsock_close(carol);
    expect_line_bytes(client, "Message from server: ", line, LONG_LINE);
    expect_exit(client, 0);

    /* UDP: 2048 bytes go whole, 2049 are refused by the client; a longer
     * datagram from elsewhere is refused by the server, not echoed cut. */
    stderr_too = 1;
    server = start("udp_echo_server", "0", NULL);
    port = listening_port(server, port_text, sizeof port_text);
    client = start("udp_echo_client", "127.0.0.1", port_text, NULL);
    write_stdin_bytes(client, line, 2048);
    write_stdin(client, "\n");
    write_stdin_bytes(client, line, 2049);
    write_stdin(client, "\nlast\n");
    close_stdin(client);
    expect_line_bytes(client, "Echo: ", line, 2048);
    expect_line(client, "not sent: a line of 2049 bytes, over the limit of 2048 per datagram");
    expect_line(client, "Echo: last");
    expect_exit(client, 0);
    expect_line_bytes(server, "from *: ", line, 2048);
    expect_line(server, "from *: last");
    xsock_addr_loopback(&to, XSOCK_INET, port);
    if (xsock_open(&s, XSOCK_INET, XSOCK_DGRAM) < 0) fail("udp socket");
    xsock_set_option(s, XSOCK_OPT_RCVTIMEO, WAIT_MS);
    xsock_sendto(s, line, 3000, &to);
    expect_line(server, "udp_echo_server: from *: a datagram over 2048 bytes, refused");
    xsock_sendto(s, "after", 5, &to);
    n = xsock_recvfrom(s, buf, sizeof buf, NULL); /* "after": nothing came of the long one */
    if (n != 5 || memcmp(buf, "after", 5) != 0)
        fail("the echo after the long datagram: %d bytes", (int)n);
    xsock_close(s);
    expect_line(server, "from *: after");
    stop_server(server);
    free(line);
}

/* Wrong arguments: a usage line (on stderr) and exit code 2, nothing run. */
static void test_usage(void)
{
    proc *p[15];
    int i = 0, n;
    p[i++] = start("cs_server", "70000", NULL);
    p[i++] = start("cs_client", "127.0.0.1", "99999", NULL);
    p[i++] = start("hello_server", NULL);
    p[i++] = start("hello_client", "127.0.0.1", NULL);
    p[i++] = start("echo_server", "abc", NULL);
    p[i++] = start("echo_client", "localhost", "5000", "extra", NULL);
    p[i++] = start("echo_server_threads", "-1", NULL);
    p[i++] = start("echo_server_poll", "12x", NULL);
    p[i++] = start("chat_server", "1", "2", NULL);
    p[i++] = start("chat_client", "127.0.0.1", "9000", "me", "extra", NULL);
    p[i++] = start("chat_server", "0", "kitchen", NULL); /* a room name starts with '@' */
    p[i++] = start("chat_server", "0", "@", NULL);       /* and has at least one byte */
    p[i++] = start("chat_client", "@kitchen", "me", "extra", NULL);
    p[i++] = start("udp_echo_server", "65536", NULL);
    p[i++] = start("udp_echo_client", "127.0.0.1", "5x", NULL);
    n = i;
    for (i = 0; i < n; i++) expect_exit(p[i], 2);
}

int main(int argc, char **argv)
{
    const char *t = argc >= 2 ? argv[1] : "";

    setvbuf(stdout, NULL, _IONBF, 0);
    os_find_dir(argv[0]);
    os_setup();
    test_name = t;
    if (argc == 4) { /* lobby_wine_*: <wine> <the Windows build's examples> */
        foreign_wine = argv[2];
        foreign_dir = argv[3];
    }
    set_env("CHAT_LOBBY_IF", "127.0.0.1"); /* every chat_server's lobby stays on the machine */
    if (strcmp(t, "cs") == 0) test_cs();
    else if (strcmp(t, "hello") == 0) test_hello();
    else if (strcmp(t, "echo_server") == 0) test_echo("echo_server");
    else if (strcmp(t, "echo_server_threads") == 0) test_echo("echo_server_threads");
    else if (strcmp(t, "echo_server_poll") == 0) test_echo("echo_server_poll");
    else if (strcmp(t, "echo_server_threads_50") == 0) test_echo_many("echo_server_threads");
    else if (strcmp(t, "echo_server_poll_50") == 0) test_echo_many("echo_server_poll");
    else if (strcmp(t, "echo_server_poll_crowd") == 0) test_echo_crowd("echo_server_poll");
    else if (strcmp(t, "chat_room") == 0) test_chat_room();
    else if (strcmp(t, "lobby") == 0) lobby_chat(0, 0);
    else if (strcmp(t, "lobby_by_name") == 0) test_lobby_by_name();
    else if (strcmp(t, "lobby_fallback") == 0) test_lobby_fallback();
    else if (argc == 4 && strcmp(t, "lobby_wine_client") == 0) lobby_chat(0, 1);
    else if (argc == 4 && strcmp(t, "lobby_wine_server") == 0) lobby_chat(1, 0);
    else if (strcmp(t, "udp") == 0) test_udp();
    else if (strcmp(t, "udp_lost") == 0) test_udp_lost();
    else if (strcmp(t, "usage") == 0) test_usage();
    else if (strcmp(t, "busy_port") == 0) test_busy_port();
    else if (strcmp(t, "port_as_given") == 0) test_port_as_given();
    else if (strcmp(t, "nul_bytes") == 0) test_nul_bytes();
    else if (strcmp(t, "long_lines") == 0) test_long_lines();
    else {
        fprintf(stderr, "usage: examples_test_driver <test>\n");
        return 2;
    }
    cleanup();
    printf("PASS %s\n", t);
    return 0;
}
