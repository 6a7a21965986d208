/* Windows text for WSA and other system codes: FormatMessageW, in UTF-8. */
#include "win32/win32.h"
#ifdef _WIN32

int xsock__sys_native_strerror(int native, char *buf, size_t cap)
{
    WCHAR wide[512];
    char text[1024];
    DWORD n;
    int m;
    /* The system's message table, in the user's language where it has one
     * (language 0: "FormatMessage function", Microsoft docs); no inserts,
     * as the caller has no arguments for them. Thread-safe: no shared state. */
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       (DWORD)native, 0, wide, (DWORD)(sizeof wide / sizeof wide[0]), NULL);
    if (n == 0) return xsock__put_unknown(native, buf, cap);
    m = WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, text, (int)sizeof text, NULL, NULL);
    if (m <= 0) return xsock__put_unknown(native, buf, cap);
    return xsock__put_text(text, (size_t)m, buf, cap);
}

#endif /* _WIN32 */
