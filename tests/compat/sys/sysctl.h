/* A stand-in for macOS's <sys/sysctl.h>, for the compat.darwin.* tests only:
 * glibc has no such header. The declaration is XNU's (bsd/sys/sysctl.h,
 * sysctlbyname(3)); the test is whether src/posix compiles for macOS. */
#ifndef XSOCK_COMPAT_SYS_SYSCTL_H
#define XSOCK_COMPAT_SYS_SYSCTL_H
#include <stddef.h>
int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);
#endif
