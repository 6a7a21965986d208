/*
 * The raw platform calls xsock is measured against: BSD sockets, or Winsock
 * on Windows. Only set-up is wrapped in functions; the transfers are the
 * plain calls (macros), as a careful program without xsock would write them,
 * so the raw side of every workload is the floor xsock must stay close to.
 */
#ifndef XSOCK_BENCH_RAW_H
#define XSOCK_BENCH_RAW_H

#include "bench.h"

#ifdef _WIN32
#  include <winsock2.h>
#  include <ws2tcpip.h>
typedef SOCKET raw_sock;
#  define RAW_INVALID INVALID_SOCKET
#  define raw_send(s, b, n) send((s), (const char *)(b), (int)(n), 0)
#  define raw_recv(s, b, n) recv((s), (char *)(b), (int)(n), 0)
#  define raw_close(s) closesocket(s)
#  define raw_would_block() (WSAGetLastError() == WSAEWOULDBLOCK)
#else
#  include <errno.h>
#  include <sys/socket.h>
#  include <unistd.h>
typedef int raw_sock;
#  define RAW_INVALID (-1)
/* What a careful POSIX program does about SIGPIPE: per call, not per process. */
#  ifdef MSG_NOSIGNAL
#    define RAW_SEND_FLAGS MSG_NOSIGNAL
#  else
#    define RAW_SEND_FLAGS 0
#  endif
#  define raw_send(s, b, n) send((s), (b), (n), RAW_SEND_FLAGS)
#  define raw_recv(s, b, n) recv((s), (b), (n), 0)
#  define raw_close(s) close(s)
#  define raw_would_block() (errno == EAGAIN || errno == EWOULDBLOCK)
#endif

/* WSAStartup on Windows; 0 or -1. */
int raw_init(void);
/* A listener on 127.0.0.1 with a free port (written to *port), backlog as
 * large as the OS allows. RAW_INVALID on failure (reported on stderr). */
raw_sock raw_listen(int *port);
/* A blocking TCP connection to 127.0.0.1:port; RAW_INVALID (not reported,
 * raw_error() says why) on failure. */
raw_sock raw_connect(int port);
/* A blocking accepted socket, not inherited. */
raw_sock raw_accept(raw_sock listener);
int raw_set_nodelay(raw_sock s);
int raw_set_nonblocking(raw_sock s, int on);
/* Loops over partial transfers of a blocking socket; 0, or -1 when the
 * stream ended or failed first. */
int raw_send_all(raw_sock s, const void *buf, size_t len);
int raw_recv_all(raw_sock s, void *buf, size_t len);
/* The last socket error code (errno / WSAGetLastError()). */
int raw_error(void);

#endif /* XSOCK_BENCH_RAW_H */
