/* Error names and text from the one list in xsock.h, and the per-thread
 * native error code. */
#include "xsock_internal.h"

static XSOCK__TLS int xsock__last_native;

void xsock__set_native_error(int native)
{
    xsock__last_native = native;
}

int xsock__fail(int code, int native)
{
    xsock__last_native = native;
    return code;
}

int xsock_last_native_error(void)
{
    return xsock__last_native;
}

const char *xsock_strerror(int err)
{
    switch (err) {
#define XSOCK__ERR_TEXT(name, value, text) \
    case XSOCK_##name:                     \
        return text;
        XSOCK_ERRNO_MAP(XSOCK__ERR_TEXT)
#undef XSOCK__ERR_TEXT
    }
    return err >= 0 ? "success" : "unknown error";
}

const char *xsock_err_name(int err)
{
    switch (err) {
#define XSOCK__ERR_NAME(name, value, text) \
    case XSOCK_##name:                     \
        return #name;
        XSOCK_ERRNO_MAP(XSOCK__ERR_NAME)
#undef XSOCK__ERR_NAME
    }
    return "EUNKNOWN";
}

unsigned long xsock_version(void)
{
    return XSOCK_VERSION_HEX;
}

#define XSOCK__STR2(x) #x
#define XSOCK__STR(x) XSOCK__STR2(x)
const char *xsock_version_string(void)
{
    return XSOCK__STR(XSOCK_VERSION_MAJOR) "." XSOCK__STR(XSOCK_VERSION_MINOR) "." XSOCK__STR(
        XSOCK_VERSION_PATCH);
}

int xsock_init(void)
{
    return xsock__sys_init();
}

void xsock_cleanup(void)
{
    xsock__sys_cleanup();
}
