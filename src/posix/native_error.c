/* POSIX text for errno and EAI_* codes. */
#include "posix/posix.h"
#ifndef _WIN32

#include <string.h>

int xsock__sys_native_strerror(int native, char *buf, size_t cap)
{
    char tmp[256];
    const char *text = tmp;
    /* glibc and musl number EAI_* below 0, errno above: tell them apart.
     * gai_strerror returns static text on glibc, musl, macOS and the BSDs. */
    if (native < 0) {
        text = gai_strerror(native);
        return text != NULL ? xsock__put_text(text, strlen(text), buf, cap)
                            : xsock__put_unknown(native, buf, cap);
    }
    tmp[0] = '\0';
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    /* glibc's GNU strerror_r (posix.h asks for _GNU_SOURCE) returns the
     * text, in tmp or static; XSI's returns an int. */
    text = strerror_r(native, tmp, sizeof tmp);
#else
    if (strerror_r(native, tmp, sizeof tmp) != 0) return xsock__put_unknown(native, buf, cap);
    {
        /* musl gives every code it has no text for one text ("No error
         * information", src/errno/__strerror.h) and success: a code that
         * reads like INT_MAX, which no errno is, has no text of its own. */
        char none[256];
        if (native != 0 && strerror_r(INT_MAX, none, sizeof none) == 0 && strcmp(tmp, none) == 0)
            return xsock__put_unknown(native, buf, cap);
    }
#endif
    if (text == NULL || text[0] == '\0') return xsock__put_unknown(native, buf, cap);
    return xsock__put_text(text, strlen(text), buf, cap);
}

#endif /* _WIN32 */
