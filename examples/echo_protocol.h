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

#define ECHO_DEFAULT_PORT 5000
/* BufferedWriter.write(" MSG Received") + newLine(). Java's newLine() is the
 * platform's separator ("\r\n" on Windows); xsock sends "\n" everywhere and
 * every reader here accepts both. */
#define ECHO_REPLY " MSG Received\n"

/* msg.equalsIgnoreCase("BYE") */
static inline int echo_is_bye(const char *line)
{
    const char *bye = "bye";
    for (; *line != '\0' && *bye != '\0'; line++, bye++)
        if (tolower((unsigned char)*line) != *bye) return 0;
    return *line == '\0' && *bye == '\0';
}

#endif /* ECHO_PROTOCOL_H */
