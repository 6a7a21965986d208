/*
 * echo_protocol.h - the line protocol of seed 004's Java Server and client,
 * shared by echo_client and the three echo servers so they agree byte for
 * byte with the Java originals and with each other.
 *
 * For every line the client sends, the server prints "Client: <line>" and
 * answers " MSG Received" (leading space included). A line equal to BYE in
 * any case is answered too, and then ends that client.
 */
#ifndef ECHO_PROTOCOL_H
#define ECHO_PROTOCOL_H

#include <ctype.h>
#include <stddef.h>

#define ECHO_DEFAULT_PORT 5000
/* BufferedWriter.write(" MSG Received") + newLine(). Java's newLine() is the
 * platform's separator ("\r\n" on Windows); xsock sends "\n" everywhere and
 * every reader here accepts both. */
#define ECHO_REPLY " MSG Received\n"

/* msg.equalsIgnoreCase("BYE"), for the n bytes of line ("bye\0" is not). */
static inline int echo_is_bye(const char *line, size_t n)
{
    const char *bye = "bye";
    size_t i;
    if (n != 3) return 0;
    for (i = 0; i < 3; i++)
        if (tolower((unsigned char)line[i]) != bye[i]) return 0;
    return 1;
}

#endif /* ECHO_PROTOCOL_H */
