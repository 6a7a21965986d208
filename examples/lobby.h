/*
 * lobby.h - the chat room's LAN lobby, shared by chat_server and chat_client:
 * how a room is announced and found with multicast.
 *
 * A chat_server sends one datagram a second to the multicast group
 * 239.255.90.2, UDP port 9002, holding one line of text:
 *
 *     XSOCK-CHAT 1 <TCP port of the room> <room name>\n
 *
 * and a chat_client started without a host joins that group, lists the
 * rooms it hears and connects to the sender's address (the datagram's
 * source) at that TCP port. 239.255.0.0/16 is IPv4's "organization-local"
 * scope (RFC 2365), which routers keep inside the site; the server also sets
 * the TTL to 1, so its datagrams do not get past the first router at all.
 *
 * Two environment variables move the lobby (the tests set both):
 *   CHAT_LOBBY_IF    an IPv4 address of the interface to use, as 127.0.0.1
 *                    (the tests: nothing leaves the machine); unset: the
 *                    OS's choice
 *   CHAT_LOBBY_PORT  the UDP port instead of 9002
 *
 * Header-only; not part of the library.
 */
#ifndef LOBBY_H
#define LOBBY_H

#include <string.h>
#include "xsock.h"
#include "lineio.h"
#include "xcrt.h"

#define LOBBY_GROUP "239.255.90.2"
#define LOBBY_PORT 9002
#define LOBBY_TAG "XSOCK-CHAT 1 " /* the format's name and version */
#define LOBBY_NAME_MAX 200        /* bytes of a room name: one datagram holds it all */

/* A room name: 1..LOBBY_NAME_MAX bytes, none of them a control character
 * (so UTF-8 is fine, a newline or a terminal escape is not: a name comes
 * from the network and is printed). */
static inline int lobby_name_ok(const char *name, size_t n)
{
    size_t i;
    if (n == 0 || n > LOBBY_NAME_MAX) return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] == 0x7f) return 0;
    return 1;
}

/* The index of the interface that has the IPv4 address text. */
static inline int lobby_interface(const char *text, int *index)
{
    xsock_interface ifs[64];
    xsock_addr want;
    int n = xsock_interfaces(ifs, 64), i, r;
    if (n < 0) return n;
    if ((r = xsock_addr_parse(&want, text)) < 0) return r;
    for (i = 0; i < n && i < 64; i++)
        if (xsock_addr_equal(&ifs[i].addr, &want)) {
            *index = (int)ifs[i].index;
            return 0;
        }
    return XSOCK_EADDRNOTAVAIL;
}

/* The group's address and port, and the interface index (0: the OS's
 * choice), as CHAT_LOBBY_PORT and CHAT_LOBBY_IF say. 0 or XSOCK_E*. */
static inline int lobby_settings(xsock_addr *group, int *ifindex)
{
    char text[64];
    int port = LOBBY_PORT, r;
    *ifindex = 0;
    if (xcrt_getenv("CHAT_LOBBY_PORT", text, sizeof text) &&
        (parse_port(text, &port) != 0 || port == 0))
        return XSOCK_EINVAL;
    if (xcrt_getenv("CHAT_LOBBY_IF", text, sizeof text) && (r = lobby_interface(text, ifindex)) < 0)
        return r;
    if ((r = xsock_addr_parse(group, LOBBY_GROUP)) < 0) return r;
    return xsock_addr_set_port(group, port);
}

#endif /* LOBBY_H */
