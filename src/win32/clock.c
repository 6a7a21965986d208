/* The monotonic clock of the day-one calls. */
#include "win32/win32.h"
#ifdef _WIN32

long long xsock__sys_now_ms(void)
{
    return (long long)GetTickCount64(); /* Vista and later; never wraps */
}

#endif /* _WIN32 */
