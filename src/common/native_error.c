/* xsock_native_strerror: checks and text shaping for every OS; the text
 * itself is the backend's (strerror_r / FormatMessage). */
#include <string.h>
#include "xsock_internal.h"

int xsock__put_text(const char *text, size_t n, char *buf, size_t cap)
{
    /* FormatMessage ends its text with ".\r\n"; strerror has neither. */
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ')) n--;
    if (n > 0 && text[n - 1] == '.') n--;
    if (n >= cap || n > (size_t)INT_MAX) {
        buf[0] = '\0';
        return xsock__fail(XSOCK_ENOBUFS, 0);
    }
    memmove(buf, text, n);
    buf[n] = '\0';
    return (int)n;
}

int xsock__put_unknown(int native, char *buf, size_t cap)
{
    char tmp[32];
    size_t n = sizeof tmp;
    unsigned long v = native < 0 ? 0ul - (unsigned long)native : (unsigned long)native;
    static const char head[] = "unknown error ";
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (native < 0) tmp[--n] = '-';
    n -= sizeof head - 1;
    memcpy(tmp + n, head, sizeof head - 1);
    return xsock__put_text(tmp + n, sizeof tmp - n, buf, cap);
}

int xsock_native_strerror(int native, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) return xsock__fail(XSOCK_EINVAL, 0);
    return xsock__sys_native_strerror(native, buf, cap);
}
