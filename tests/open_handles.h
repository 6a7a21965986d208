/*
 * How many descriptors (POSIX) or handles (Windows) a process holds, for
 * the soak tests: a count that grows with every connection served is a
 * leak. Measured from the outside, with no help from the process:
 *
 * - Linux: the entries of /proc/<pid>/fd.
 * - Other POSIX systems: for this process, every descriptor below the
 *   limit that fcntl(F_GETFD) accepts; another process's count is unknown
 *   there (-1), and the caller says it was not measured.
 * - Windows: GetProcessHandleCount. Wine 8's is a stub that says 0; then
 *   the process's entries in NtQuerySystemInformation's handle list
 *   (SystemExtendedHandleInformation), which Wine fills from wineserver.
 *
 * oh_count_self() for this process, oh_count_pid(pid) / oh_count_process(h)
 * for a child; -1 when it cannot be told.
 */
#ifndef OPEN_HANDLES_H
#define OPEN_HANDLES_H

#ifdef _WIN32
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
#  include <stdlib.h>

/* SystemExtendedHandleInformation's layout (the same on Windows and Wine). */
typedef struct oh_entry {
    PVOID object;
    ULONG_PTR pid;
    ULONG_PTR handle;
    ULONG access;
    USHORT backtrace;
    USHORT type;
    ULONG attributes;
    ULONG reserved;
} oh_entry;

typedef struct oh_list {
    ULONG_PTR count;
    ULONG_PTR reserved;
    oh_entry entries[1];
} oh_list;

typedef LONG(WINAPI *oh_query_fn)(ULONG, PVOID, ULONG, PULONG);

static inline long oh_count_listed(DWORD pid)
{
    oh_query_fn query = (oh_query_fn)(void (*)(void))GetProcAddress(
        GetModuleHandleA("ntdll.dll"), "NtQuerySystemInformation");
    ULONG cap = 1 << 16, got = 0;
    ULONG_PTR i;
    long n = 0;
    oh_list *list;
    LONG st;
    if (query == NULL) return -1;
    for (;;) {
        if ((list = (oh_list *)malloc(cap)) == NULL) return -1;
        st = query(64 /* SystemExtendedHandleInformation */, list, cap, &got);
        if (st != (LONG)0xC0000004L /* STATUS_INFO_LENGTH_MISMATCH */ || cap >= (1u << 28)) break;
        free(list);
        cap *= 2;
    }
    if (st != 0) {
        free(list);
        return -1;
    }
    for (i = 0; i < list->count; i++) n += list->entries[i].pid == (ULONG_PTR)pid;
    free(list);
    return n;
}

static inline long oh_count_process(HANDLE process)
{
    DWORD n = 0;
    if (GetProcessHandleCount(process, &n) && n != 0) return (long)n;
    return oh_count_listed(GetProcessId(process));
}

static inline long oh_count_self(void)
{
    return oh_count_process(GetCurrentProcess());
}

#else /* POSIX */
#  include <dirent.h>
#  include <fcntl.h>
#  include <stdio.h>
#  include <unistd.h>

/* Entries of a /proc fd directory, or -1. */
static inline long oh_count_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    long n = 0;
    if (d == NULL) return -1;
    while ((e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static inline long oh_count_pid(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    return oh_count_dir(path);
}

static inline long oh_count_self(void)
{
    /* Less the directory's own descriptor, open while it is read. */
    long n = oh_count_dir("/proc/self/fd") - 1, fd, max;
    if (n >= 0) return n;
    max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (n = 0, fd = 0; fd < max; fd++) n += fcntl((int)fd, F_GETFD) != -1;
    return n;
}
#endif

#endif /* OPEN_HANDLES_H */
