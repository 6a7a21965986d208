/* getaddrinfo -> xsock_addr list. */
#include "win32/win32.h"
#ifdef _WIN32

#include <string.h>

int xsock__sys_resolve(const char *host, int af, int port, xsock_addr *out, size_t max)
{
    struct addrinfo hints, *res, *ai;
    size_t n = 0;
    int r;
    if ((r = xsock__sys_startup()) < 0) return r;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = af;
    hints.ai_socktype = SOCK_STREAM; /* one entry per address, not per protocol */
    /* No AI_ADDRCONFIG: on a loopback-only host it would hide ::1 and 127.0.0.1. */
    r = XSOCK__OS(getaddrinfo)(host, NULL, &hints, &res);
    if (r != 0) {
        /* Winsock's EAI_* are WSA codes (EAI_MEMORY is WSA_NOT_ENOUGH_MEMORY ...). */
        if (r == EAI_MEMORY) return xsock__fail(XSOCK_ENOMEM, r);
        if (r == EAI_FAMILY) return xsock__fail(XSOCK_EAFNOSUPPORT, r);
        return xsock__fail(XSOCK_ENOTFOUND, r);
    }
    for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof out[n].storage)
            continue;
        memset(&out[n], 0, sizeof out[n]);
        memcpy(out[n].storage.bytes, ai->ai_addr, ai->ai_addrlen);
        out[n].len = (int)ai->ai_addrlen;
        xsock_addr_set_port(&out[n], port);
        n++;
    }
    freeaddrinfo(res);
    return n > 0 ? (int)n : xsock__fail(XSOCK_ENOTFOUND, 0);
}

#endif /* _WIN32 */
