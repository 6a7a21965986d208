/* The monotonic clock of the day-one calls. */
#include "posix/posix.h"
#ifndef _WIN32

long long xsock__sys_now_ms(void)
{
    return xsock__posix_now_ms();
}

#endif /* _WIN32 */
