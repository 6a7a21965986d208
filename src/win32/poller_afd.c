/* The AFD poller: IOCTL_AFD_POLL on \Device\Afd handles associated with
 * an I/O completion port (the model of wepoll, libuv's uv_poll, mio and
 * c-ares; the interface, undocumented, is in afd.h). A completion arrives
 * only for a poll with a socket that became ready, so a wait costs what is
 * ready, not what is watched, as epoll's does.
 *
 * Level-triggered as the other backends: a poll completes once, so a socket
 * that was reported is polled again at the start of the next wait (wepoll's
 * "update queue"); if it is still ready, that poll completes at once and its
 * completion joins the port's queue behind those not yet taken. The port is
 * first in, first out, and a wait takes at most max completions from it:
 * when more are ready than max, the rest are first the next time.
 *
 * Sockets are grouped, at most GROUP_MAX per AFD handle (a pool of
 * handles, as wepoll's and mio's 32): cancelling many polls outstanding on
 * one handle is slow (seen under Wine: 2,000 on one handle took 576 to 770
 * ms, 106 ms with 128 per handle). The socket polled is the base socket
 * (SIO_BASE_HANDLE), below any layered service provider, which AFD would
 * not know.
 *
 * Two kinds of poll. A quiet socket is asked for by its group's shared
 * poll, one poll of all such sockets of the group; once reported it has a
 * poll of its own, which the next wait submits again, until that poll has
 * been pending for a second (QUIET_MS) and it joins the shared one again.
 * So an idle socket costs a fraction of a pending poll, and a busy one
 * costs one socket per wait, as in wepoll. This is for Wine's sake, and
 * costs Windows little: a shared poll is submitted again when one of its
 * sockets reports or joins, and a socket moves back at most once a quiet
 * spell. wineserver keeps every pending AFD poll on one global list and
 * walks it, socket by socket, whenever any socket's state is looked at
 * again (server/sock.c: poll_socket and recv_socket end in sock_reselect,
 * whose sock_get_poll_events walks poll_list), so under Wine every socket
 * call of the process grows with the number of pending polls, while
 * Windows keeps a poll with the endpoint it watches. With one poll per
 * socket, a wait among 5,000 idle sockets cost 1.74 to 3.94 times one
 * among 100 under Wine 8; with shared polls, 0.85 to 1.30 (bench/
 * poller_idle --scale, bench/RESULTS.md).
 *
 * A poll writes its answer into memory of ours (the iosb and poll info of
 * the entry or group that holds it) when it completes, also after a
 * cancel. So what holds a pending poll is never freed: remove (and
 * xsock_close, through the registry of src/common/poller.c) cancels an own
 * poll and keeps the entry as a zombie, out of the lookup table, until its
 * completion arrives, and strikes the entry from a shared poll, whose
 * answer for it is then ignored; a group is freed only with no poll
 * pending; destroy cancels every poll and drains the port before it frees
 * anything. A socket closed behind the library's back completes its poll
 * with AFD_POLL_LOCAL_CLOSE and is dropped then, never reported. */
#include "win32/win32.h"
#ifdef _WIN32

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "win32/afd.h"

#define GROUP_MAX 32   /* sockets polled through one AFD handle */
#define BATCH 256      /* completions taken from the port per call, at most */
#define QUIET_MS 1000  /* an own poll pending this long: back to the shared one */
#define QUIET_MAX 64   /* own polls moved back by one wait, at most */
#define KEY_AFD ((ULONG_PTR)0)  /* the completion key of every AFD handle */
#define KEY_WAKE ((ULONG_PTR)1) /* xsock_poller_wake's: no AFD handle has it */

/* Asked of every poll whatever the user watches: a reset, a failed connect
 * and this socket's own closing are always news. */
#define AFD_ALWAYS (XSOCK__AFD_POLL_ABORT | XSOCK__AFD_POLL_CONNECT_FAIL | XSOCK__AFD_POLL_LOCAL_CLOSE)

enum { IDLE, PENDING, CANCELLED }; /* a poll's state */

/* A poll in flight: a socket's own, or the one its group shares. Each is
 * the first member of what holds it, so the pointer a completion brings
 * back (the APC context given at submit) is also the holder's. */
typedef struct afd_poll {
    xsock__io_status_block iosb; /* first: also its name for CancelIoEx */
    int state;
    int shared; /* the group's shared poll, not a socket's own */
} afd_poll;

struct afd_list;
struct afd_group;

typedef struct afd_sock {
    afd_poll own;                 /* its own poll: first, see afd_poll */
    xsock__afd_poll_info info;    /* the own poll's question, then its answer */
    SOCKET s, base;
    struct afd_group *g;
    void *udata;
    int events;                   /* XSOCK_POLLIN | XSOCK_POLLOUT, as watched */
    ULONG polled;                 /* AFD events its pending poll, own or shared, asks */
    int slot;                     /* its place in the group's shared poll, or -1 */
    int alone;                    /* reported: polled on its own until quiet */
    ULONGLONG armed_at;           /* when its own poll was submitted (GetTickCount64) */
    int dead;                     /* removed: freed once its own poll completes */
    struct afd_list *in;          /* the list it is on, or NULL */
    struct afd_sock *prev, *next;
} afd_sock;

typedef struct afd_list {
    afd_sock *head, *tail;
} afd_list;

typedef struct afd_group {
    afd_poll shared;                       /* first, see afd_poll */
    XSOCK__AFD_POLL_INFO_N(GROUP_MAX) info; /* the shared poll's question, then its answer */
    afd_sock *member[GROUP_MAX];           /* asked by it, in order; NULL once removed */
    SOCKET asked[GROUP_MAX];               /* their base sockets (the answer overwrites info) */
    int members, live;                     /* in member[]; of them not removed */
    afd_list join;                         /* to be asked by the next shared poll */
    int queued;                            /* on the poller's pack list */
    struct afd_group *pack_next;
    HANDLE afd;
    int used; /* live entries polling through it */
    int refs; /* entries, live or zombie, that name it */
    struct afd_group *next;
} afd_group;

typedef struct afd_poller {
    xsock_poller base;
    xsock__afd_api api;
    HANDLE iocp;
    afd_group *groups;
    afd_group *pack;     /* groups with sockets waiting to join their shared poll */
    afd_sock **tab;      /* the live entries, sorted by s */
    size_t n, cap;
    afd_list update;     /* to poll (again) before the port is asked */
    afd_list reported;   /* reported by the last wait: polled again by the next */
    afd_list zombies;    /* removed, their own poll still pending */
    afd_list armed;      /* live, their own poll pending, oldest first */
    ULONGLONG now;       /* the wait's start */
    size_t pending;      /* polls submitted and not completed */
    volatile LONG wake_pending;
    OVERLAPPED_ENTRY ents[BATCH];
} afd_poller;

/* ---- lists ---------------------------------------------------------------- */

static void list_out(afd_sock *e)
{
    afd_list *l = e->in;
    if (l == NULL) return;
    if (e->prev) e->prev->next = e->next; else l->head = e->next;
    if (e->next) e->next->prev = e->prev; else l->tail = e->prev;
    e->prev = e->next = NULL;
    e->in = NULL;
}

static void list_in(afd_list *l, afd_sock *e)
{
    list_out(e);
    e->prev = l->tail;
    e->next = NULL;
    if (l->tail) l->tail->next = e; else l->head = e;
    l->tail = e;
    e->in = l;
}

/* ---- the table of live entries ------------------------------------------- */

static size_t find(const afd_poller *p, SOCKET s, int *found)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->tab[mid]->s < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < p->n && p->tab[lo]->s == s;
    return lo;
}

static void tab_drop(afd_poller *p, afd_sock *e)
{
    int found;
    size_t i = find(p, e->s, &found);
    if (!found || p->tab[i] != e) return;
    memmove(p->tab + i, p->tab + i + 1, (p->n - i - 1) * sizeof *p->tab);
    p->n--;
}

/* 0 if s is an open socket, else XSOCK_EBADF (WSAENOTSOCK) or so. */
static int check_open(SOCKET s)
{
    int type, len = (int)sizeof type;
    return XSOCK__OS(getsockopt)(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0 ? 0 : xsock__sys_error();
}

/* A Win32 error as xsock's code; the native code recorded is the Win32
 * one (no Winsock call stands for these). */
static int win_fail(DWORD e)
{
    return xsock__fail(xsock__sys_map_error(xsock__win_wsa_error(e)), (int)e);
}

/* Out of memory, handles or resources: an answer to give, where any other
 * failure to start AFD means this system cannot (then select). */
static int exhausted(int r)
{
    return r == XSOCK_ENOMEM || r == XSOCK_ENOBUFS || r == XSOCK_EMFILE;
}

static int nt_fail(const afd_poller *p, LONG status)
{
    return win_fail(p->api.RtlNtStatusToDosError(status));
}

/* ---- polls ---------------------------------------------------------------- */

static ULONG afd_events(int events)
{
    ULONG a = AFD_ALWAYS;
    if (events & XSOCK_POLLIN) a |= XSOCK__AFD_POLL_RECEIVE | XSOCK__AFD_POLL_ACCEPT | XSOCK__AFD_POLL_DISCONNECT;
    if (events & XSOCK_POLLOUT) a |= XSOCK__AFD_POLL_SEND;
    return a;
}

/* What a completed poll's AFD events mean to a socket watched for events;
 * the header's rules: an error sets the watched events too, a hang-up the
 * watched XSOCK_POLLIN. */
static int xsock_events(ULONG a, int events)
{
    int ev = 0;
    if (a & (XSOCK__AFD_POLL_RECEIVE | XSOCK__AFD_POLL_ACCEPT)) ev |= XSOCK_POLLIN;
    if (a & XSOCK__AFD_POLL_SEND) ev |= XSOCK_POLLOUT;
    if (a & (XSOCK__AFD_POLL_DISCONNECT | XSOCK__AFD_POLL_ABORT)) ev |= XSOCK_POLLHUP | XSOCK_POLLIN;
    if (a & XSOCK__AFD_POLL_CONNECT_FAIL) ev |= XSOCK_POLLERR | events;
    return ev & (events | XSOCK_POLLERR | XSOCK_POLLHUP);
}

/* Submits a poll of n sockets, its question in info. A poll that can be
 * answered at once still completes through the port (no
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is set), so every submitted poll
 * comes back exactly once. The APC context of an I/O on a handle bound to
 * a port comes back as the completion's lpOverlapped: q itself. */
static int poll_submit(afd_poller *p, HANDLE afd, afd_poll *q, xsock__afd_poll_info *info, ULONG n, ULONG size)
{
    LONG st;
    info->Timeout.QuadPart = LLONG_MAX;
    info->NumberOfHandles = n;
    info->Exclusive = FALSE;
    q->iosb.u.Status = XSOCK__STATUS_PENDING;
    q->iosb.Information = 0;
    st = p->api.NtDeviceIoControlFile(afd, NULL, NULL, q, &q->iosb, XSOCK__IOCTL_AFD_POLL, info, size, info, size);
    if (st != XSOCK__STATUS_PENDING && !XSOCK__NT_SUCCESS(st)) return nt_fail(p, st);
    q->state = PENDING;
    p->pending++;
    return 0;
}

/* e's own poll. */
static int submit(afd_poller *p, afd_sock *e)
{
    int r;
    e->polled = afd_events(e->events);
    e->info.Handles[0].Handle = (HANDLE)e->base;
    e->info.Handles[0].Events = e->polled;
    e->info.Handles[0].Status = 0;
    if ((r = poll_submit(p, e->g->afd, &e->own, &e->info, 1, (ULONG)sizeof e->info)) < 0) return r;
    e->armed_at = p->now;
    list_in(&p->armed, e);
    return 0;
}

/* Its completion comes all the same: STATUS_CANCELLED, or the answer when
 * the poll completed first (CancelIoEx then says ERROR_NOT_FOUND). */
static void cancel(HANDLE afd, afd_poll *q)
{
    if (q->state != PENDING) return;
    CancelIoEx(afd, (LPOVERLAPPED)(void *)&q->iosb);
    q->state = CANCELLED;
}

/* A group nobody names any more, its shared poll done, is closed unless
 * every other group is full (then it is the room for the next add). So a
 * poller whose sockets all left holds one AFD handle again, as it did when
 * made, and a count that goes up and down across a multiple of GROUP_MAX
 * does not open and close a handle each time. */
static void group_release(afd_poller *p, afd_group *g)
{
    afd_group **pp, *o;
    if (g->refs > 0 || g->shared.state != IDLE || g->queued) return;
    for (o = p->groups; o != NULL; o = o->next)
        if (o != g && o->used < GROUP_MAX) break;
    if (o == NULL) return;
    pp = &p->groups;
    while (*pp != g) pp = &(*pp)->next;
    *pp = g->next;
    CloseHandle(g->afd);
    XSOCK__OS(free)(g);
}

static void entry_free(afd_poller *p, afd_sock *e)
{
    afd_group *g = e->g;
    XSOCK__OS(free)(e);
    g->refs--;
    group_release(p, g);
}

/* g has sockets to ask for: the next flush packs them. */
static void queue_pack(afd_poller *p, afd_group *g)
{
    if (g->queued) return;
    g->queued = 1;
    g->pack_next = p->pack;
    p->pack = g;
}

/* e waits for its group's next shared poll. */
static void join(afd_poller *p, afd_sock *e)
{
    list_in(&e->g->join, e);
    queue_pack(p, e->g);
}

/* Out of the table; freed now if no own poll of it is pending, else a
 * zombie. One the shared poll asks for is struck from it: that poll's
 * answer for it is ignored, and a poll left with nobody is cancelled. */
static void drop_entry(afd_poller *p, afd_sock *e)
{
    afd_group *g = e->g;
    tab_drop(p, e);
    g->used--;
    e->dead = 1;
    if (e->slot >= 0) {
        g->member[e->slot] = NULL;
        e->slot = -1;
        if (--g->live == 0) cancel(g->afd, &g->shared);
    }
    if (e->own.state == IDLE) {
        list_out(e);
        entry_free(p, e);
        return;
    }
    cancel(g->afd, &e->own);
    list_in(&p->zombies, e);
}

static void report(afd_poller *p, afd_sock *e, int ev, xsock_event *evs, int *out)
{
    evs[*out].sock = (xsock_t)e->s;
    evs[*out].events = (short)ev;
    evs[*out].udata = e->udata;
    (*out)++;
    list_in(&p->reported, e);
}

/* One shared poll for every socket waiting to join g's. A poll of several
 * sockets fails whole when one of them cannot be polled (closed behind the
 * library's back, say; Wine: server/sock.c, poll_socket, ends the request
 * when get_handle_obj fails for any of its sockets, and
 * poller.raw_close_before_first_wait runs into it): then each is polled on
 * its own, whose answer tells which. */
static void submit_shared(afd_poller *p, afd_group *g)
{
    afd_sock *e;
    int n = 0, i;
    while (n < GROUP_MAX && (e = g->join.head) != NULL) {
        list_out(e);
        e->polled = afd_events(e->events);
        e->slot = n;
        g->member[n] = e;
        g->asked[n] = e->base;
        g->info.Handles[n].Handle = (HANDLE)e->base;
        g->info.Handles[n].Events = e->polled;
        g->info.Handles[n].Status = 0;
        n++;
    }
    if (n == 0) return;
    g->members = g->live = n;
    if (poll_submit(p, g->afd, &g->shared, (xsock__afd_poll_info *)(void *)&g->info, (ULONG)n,
                    (ULONG)((char *)&g->info.Handles[n] - (char *)&g->info)) == 0)
        return;
    for (i = 0; i < n; i++) {
        e = g->member[i];
        g->member[i] = NULL;
        e->slot = -1;
        e->alone = 1;
        list_in(&p->update, e);
    }
    g->members = g->live = 0;
}

/* Brings every entry on the update list up to date: polls the idle ones
 * (with their group, until first reported; then on their own), cancels a
 * pending poll that misses a watched event (its completion puts the entry
 * back here). A socket's own poll that cannot be submitted: a closed
 * socket is dropped; any other failure is reported as an error, when
 * there is room. */
static void flush(afd_poller *p, xsock_event *evs, int *out, int max)
{
    afd_sock *e;
    afd_group *g;
    do {
        while ((e = p->update.head) != NULL) {
            list_out(e);
            if (e->slot >= 0) {
                if ((afd_events(e->events) & ~e->polled) != 0) cancel(e->g->afd, &e->g->shared);
            } else if (e->own.state == PENDING) {
                if ((afd_events(e->events) & ~e->polled) != 0)
                    cancel(e->g->afd, &e->own);
                else
                    list_in(&p->armed, e); /* still asks enough */
            } else if (e->own.state == IDLE) {
                if (!e->alone) {
                    join(p, e);
                } else if (submit(p, e) < 0) {
                    int native = xsock_last_native_error();
                    if (check_open(e->s) < 0)
                        drop_entry(p, e);
                    else if (*out < max)
                        report(p, e, XSOCK_POLLERR | e->events, evs, out);
                    else
                        list_in(&p->reported, e); /* tried again by the next wait */
                    xsock__set_native_error(native);
                }
            }
        }
        /* A shared poll is replaced to take newcomers in: its cancel's
         * completion brings its sockets back to join them. */
        while ((g = p->pack) != NULL) {
            p->pack = g->pack_next;
            g->queued = 0;
            if (g->join.head != NULL && g->shared.state == PENDING) cancel(g->afd, &g->shared);
            if (g->shared.state == IDLE) submit_shared(p, g);
            group_release(p, g);
        }
    } while (p->update.head != NULL);
}

/* One completion of e's own poll. */
static void complete(afd_poller *p, afd_sock *e, xsock_event *evs, int *out, int max)
{
    LONG st = e->own.iosb.u.Status;
    ULONG a = 0;
    int ev;
    e->own.state = IDLE;
    p->pending--;
    if (e->dead) {
        list_out(e);
        entry_free(p, e);
        return;
    }
    if (st == XSOCK__STATUS_CANCELLED) {
        list_in(&p->update, e);
        return;
    }
    if (XSOCK__NT_SUCCESS(st)) {
        if (e->info.NumberOfHandles >= 1) a = e->info.Handles[0].Events;
        if (a & XSOCK__AFD_POLL_LOCAL_CLOSE) { /* closed behind the library's back */
            drop_entry(p, e);
            return;
        }
        ev = xsock_events(a, e->events);
        e->alone = 1; /* a cancel for quiet that came too late: busy after all */
    } else {
        int native = xsock_last_native_error();
        int closed = check_open(e->s) < 0;
        xsock__set_native_error(native);
        if (closed) {
            drop_entry(p, e);
            return;
        }
        ev = XSOCK_POLLERR | e->events;
    }
    if (ev == 0 || *out >= max) /* nothing watched (after a modify), or no room: poll again */
        list_in(&p->update, e);
    else
        report(p, e, ev, evs, out);
}

/* One completion of g's shared poll. Its quiet sockets join the next one;
 * one with news is handled as an own poll's answer and, reported once, is
 * polled on its own from then on: a level-triggered socket is polled again
 * after every report, and asking for one socket costs one socket, where
 * asking again for the group would cost the group. A failed shared poll
 * sends each socket to be polled on its own, whose answer tells. */
static void complete_shared(afd_poller *p, afd_group *g, xsock_event *evs, int *out, int max)
{
    LONG st = g->shared.iosb.u.Status;
    ULONG got[GROUP_MAX], k, answered = 0;
    int i, n = g->members, ev;
    g->shared.state = IDLE;
    p->pending--;
    g->members = g->live = 0;
    g->refs++; /* kept while its sockets are handled: one may be dropped */
    memset(got, 0, sizeof got);
    if (XSOCK__NT_SUCCESS(st)) {
        answered = g->info.NumberOfHandles < (ULONG)GROUP_MAX ? g->info.NumberOfHandles : (ULONG)GROUP_MAX;
        for (k = 0; k < answered; k++)
            for (i = 0; i < n; i++)
                if (g->asked[i] == (SOCKET)(ULONG_PTR)g->info.Handles[k].Handle) got[i] |= g->info.Handles[k].Events;
    }
    for (i = 0; i < n; i++) {
        afd_sock *e = g->member[i];
        g->member[i] = NULL;
        if (e == NULL) continue; /* removed while asked for */
        e->slot = -1;
        if (st == XSOCK__STATUS_CANCELLED || (XSOCK__NT_SUCCESS(st) && got[i] == 0)) {
            join(p, e);
            continue;
        }
        e->alone = 1;
        if (!XSOCK__NT_SUCCESS(st)) {
            list_in(&p->update, e);
            continue;
        }
        if (got[i] & XSOCK__AFD_POLL_LOCAL_CLOSE) {
            drop_entry(p, e);
            continue;
        }
        ev = xsock_events(got[i], e->events);
        if (ev == 0 || *out >= max)
            list_in(&p->update, e);
        else
            report(p, e, ev, evs, out);
    }
    /* Sockets that joined while this poll was being cancelled (flush left
     * them for now) are packed with its own, or alone when it asked for
     * nobody left. */
    if (g->join.head != NULL) queue_pack(p, g);
    g->refs--;
    group_release(p, g);
}

/* ---- the calls ------------------------------------------------------------ */

/* A handle on \Device\Afd bound to the port; NULL, with the error recorded,
 * when none can be had. */
static afd_group *new_group(afd_poller *p, int *err)
{
    afd_group *g = (afd_group *)XSOCK__OS(calloc)(1, sizeof *g);
    LONG st;
    if (g == NULL) {
        *err = xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    g->afd = xsock__afd_open(&p->api, &st);
    if (g->afd == INVALID_HANDLE_VALUE) {
        *err = nt_fail(p, st);
        XSOCK__OS(free)(g);
        return NULL;
    }
    if (CreateIoCompletionPort(g->afd, p->iocp, KEY_AFD, 0) == NULL) {
        *err = win_fail(GetLastError());
        CloseHandle(g->afd);
        XSOCK__OS(free)(g);
        return NULL;
    }
    g->shared.shared = 1;
    g->next = p->groups;
    p->groups = g;
    return g;
}

static afd_group *group_with_room(afd_poller *p, int *err)
{
    afd_group *g;
    for (g = p->groups; g != NULL; g = g->next)
        if (g->used < GROUP_MAX) return g;
    return new_group(p, err);
}

/* The socket AFD knows for s: the base socket below any layered provider.
 * Where a provider does not pass SIO_BASE_HANDLE on, SIO_BSP_HANDLE_POLL
 * asks it for the socket it polls with (wepoll's order; "SIO_BASE_HANDLE"
 * in Microsoft's "Winsock IOCTLs" page says providers must not intercept
 * it, but old ones did). If neither answers, the add fails with that
 * error: the socket cannot be polled this way, and a poller cannot turn
 * into a select one halfway through its life while another thread may be
 * waking it. A system whose sockets all hide their base never gets here:
 * create tried one and chose select (afd_usable). */
static int base_socket(SOCKET s, SOCKET *base)
{
    DWORD bytes = 0;
    int r;
    if (XSOCK__OS(WSAIoctl)(s, SIO_BASE_HANDLE, NULL, 0, base, (DWORD)sizeof *base, &bytes, NULL, NULL) == 0)
        return 0;
    r = xsock__sys_error();
    if (r == XSOCK_EBADF) return r; /* not a socket */
    if (XSOCK__OS(WSAIoctl)(s, SIO_BSP_HANDLE_POLL, NULL, 0, base, (DWORD)sizeof *base, &bytes, NULL, NULL) == 0)
        return 0;
    return r;
}

static int afd_add(xsock_poller *bp, xsock_t s, int events, void *udata)
{
    afd_poller *p = (afd_poller *)bp;
    afd_sock *e;
    afd_group *g;
    SOCKET base;
    int found, r;
    size_t i = find(p, XSOCK__S(s), &found);
    if (found) return xsock__fail(XSOCK_EINVAL, WSAEINVAL);
    /* An open socket first: under Wine 8 the base-socket ioctls answered
     * for a handle that is no socket, and the AFD poll on it then brought
     * the wineserver down (an assertion in server/fd.c, set_fd_events;
     * seen with poller.own_handles_refused). getsockopt tells. */
    if ((r = check_open(XSOCK__S(s))) < 0 || (r = base_socket(XSOCK__S(s), &base)) < 0) return r;
    if (p->n == p->cap) {
        size_t n = p->cap ? p->cap * 2 : 16;
        afd_sock **t;
        if (n > (size_t)-1 / sizeof *t || (t = (afd_sock **)XSOCK__OS(realloc)(p->tab, n * sizeof *t)) == NULL)
            return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
        p->tab = t;
        p->cap = n;
    }
    if ((g = group_with_room(p, &r)) == NULL) return r;
    if ((e = (afd_sock *)XSOCK__OS(calloc)(1, sizeof *e)) == NULL) return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
    e->s = XSOCK__S(s);
    e->base = base;
    e->g = g;
    e->udata = udata;
    e->events = events;
    e->slot = -1;
    g->refs++;
    g->used++;
    memmove(p->tab + i + 1, p->tab + i, (p->n - i) * sizeof *p->tab);
    p->tab[i] = e;
    p->n++;
    join(p, e); /* polled from the next wait on, with its group */
    return 0;
}

static int afd_modify(xsock_poller *bp, xsock_t s, int events, void *udata)
{
    afd_poller *p = (afd_poller *)bp;
    int found, r;
    size_t i = find(p, XSOCK__S(s), &found);
    afd_sock *e;
    if (!found) return xsock__fail(XSOCK_EINVAL, WSAEINVAL);
    if ((r = check_open(XSOCK__S(s))) < 0) return r;
    e = p->tab[i];
    e->events = events;
    e->udata = udata;
    list_in(&p->update, e); /* a poll that misses a new event is replaced */
    return 0;
}

static int afd_remove(xsock_poller *bp, xsock_t s)
{
    afd_poller *p = (afd_poller *)bp;
    int found;
    size_t i = find(p, XSOCK__S(s), &found);
    if (!found) return xsock__fail(XSOCK_EINVAL, WSAEINVAL);
    drop_entry(p, p->tab[i]);
    return 0;
}

/* Before xsock_close: its poll is cancelled while the handle still names
 * the socket, and a new socket that gets the handle is a new entry. */
static void afd_forget(xsock_poller *bp, xsock_t s)
{
    afd_poller *p = (afd_poller *)bp;
    int found;
    size_t i = find(p, XSOCK__S(s), &found);
    if (found) drop_entry(p, p->tab[i]);
}

/* Sockets whose own poll has been pending QUIET_MS went quiet: each goes
 * back to its group's shared poll once its cancel completes, so the polls
 * pending stay about the busy sockets plus one per group, whatever was
 * busy once. A socket pays this at most once a quiet spell; a wait moves
 * at most QUIET_MAX, to spread the cost. */
static void quieten(afd_poller *p)
{
    afd_sock *e;
    int k;
    for (k = 0; k < QUIET_MAX && (e = p->armed.head) != NULL && p->now - e->armed_at >= QUIET_MS; k++) {
        list_out(e);
        e->alone = 0;
        cancel(e->g->afd, &e->own);
    }
}

static int afd_wait(xsock_poller *bp, xsock_event *evs, int max, int timeout_ms)
{
    afd_poller *p = (afd_poller *)bp;
    ULONGLONG start = GetTickCount64();
    int out = 0, woken = 0;
    afd_sock *e;
    p->now = start;
    quieten(p);
    /* Those reported last time are polled again: level-triggered. */
    while ((e = p->reported.head) != NULL) list_in(&p->update, e);
    for (;;) {
        ULONG got = 0, k, want;
        DWORD tmo;
        flush(p, evs, &out, max);
        if (out == max) break;
        if (out > 0 || woken) {
            tmo = 0; /* only what is already there */
        } else if (timeout_ms < 0) {
            tmo = INFINITE;
        } else {
            ULONGLONG spent = GetTickCount64() - start;
            tmo = spent >= (ULONGLONG)timeout_ms ? 0 : (DWORD)((ULONGLONG)timeout_ms - spent);
        }
        /* Never more than fits: what stays in the port is first next time. */
        want = (ULONG)(max - out) < (ULONG)BATCH ? (ULONG)(max - out) : (ULONG)BATCH;
        if (!GetQueuedCompletionStatusEx(p->iocp, p->ents, want, &got, tmo, FALSE)) {
            DWORD err = GetLastError();
            if (err == WAIT_TIMEOUT) break;
            if (out > 0) break;
            return win_fail(err);
        }
        for (k = 0; k < got; k++) {
            if (p->ents[k].lpCompletionKey == KEY_WAKE) {
                woken = 1;
                InterlockedExchange(&p->wake_pending, 0);
            } else {
                afd_poll *q = (afd_poll *)(void *)p->ents[k].lpOverlapped;
                if (q->shared)
                    complete_shared(p, (afd_group *)(void *)q, evs, &out, max);
                else
                    complete(p, (afd_sock *)(void *)q, evs, &out, max);
            }
        }
        /* Completions that report nothing (a cancel after a modify) are
         * polled again at once; they never carry a wait past its time. */
        if (timeout_ms >= 0 && GetTickCount64() - start >= (ULONGLONG)timeout_ms) {
            flush(p, evs, &out, max);
            break;
        }
    }
    return out;
}

/* Wakes pending at once count as one: only the first posts. */
static int afd_wake(xsock_poller *bp)
{
    afd_poller *p = (afd_poller *)bp;
    if (InterlockedCompareExchange(&p->wake_pending, 1, 0) != 0) return 0;
    if (!PostQueuedCompletionStatus(p->iocp, 0, KEY_WAKE, NULL)) {
        DWORD err = GetLastError();
        InterlockedExchange(&p->wake_pending, 0);
        return win_fail(err);
    }
    return 0;
}

static void free_idle(afd_list *l)
{
    afd_sock *e = l->head, *next;
    for (; e != NULL; e = next) {
        next = e->next;
        if (e->own.state == IDLE) XSOCK__OS(free)(e);
    }
}

static void afd_destroy(xsock_poller *bp)
{
    afd_poller *p = (afd_poller *)bp;
    afd_group *g, *gn;
    size_t i;
    int quiet = 0;
    for (g = p->groups; g != NULL; g = g->next) CancelIoEx(g->afd, NULL); /* every poll on it */
    /* Every cancelled poll still completes, and writes its entry when it
     * does: wait for them all. A cancel is served at once; should one
     * never come back (a driver bug), its entry is leaked, not freed. */
    while (p->pending > 0 && quiet < 10) {
        ULONG got = 0, k;
        if (!GetQueuedCompletionStatusEx(p->iocp, p->ents, BATCH, &got, 1000, FALSE)) {
            if (GetLastError() != WAIT_TIMEOUT) break;
            quiet++;
            continue;
        }
        for (k = 0; k < got; k++) {
            if (p->ents[k].lpCompletionKey == KEY_WAKE) continue;
            ((afd_poll *)(void *)p->ents[k].lpOverlapped)->state = IDLE;
            p->pending--;
        }
    }
    for (i = 0; i < p->n; i++) {
        list_out(p->tab[i]);
        if (p->tab[i]->own.state == IDLE) XSOCK__OS(free)(p->tab[i]);
    }
    free_idle(&p->zombies);
    for (g = p->groups; g != NULL; g = gn) {
        gn = g->next;
        CloseHandle(g->afd);
        if (g->shared.state == IDLE) XSOCK__OS(free)(g); /* else leaked, as an entry is */
    }
    if (p->iocp != NULL) CloseHandle(p->iocp);
    XSOCK__OS(free)(p->tab);
    XSOCK__OS(free)(p);
}

static const struct xsock__win_poller_ops afd_ops = {
    "afd", afd_add, afd_modify, afd_remove, afd_forget, afd_wait, afd_wake, afd_destroy,
};

/* Whether this system's sockets give their base socket (a layered provider
 * that swallows SIO_BASE_HANDLE for everything makes AFD unusable): asked
 * of one TCP socket, once per process. 1 yes, 0 no. */
static int afd_usable(void)
{
    static volatile LONG known; /* 0 not asked yet, 1 yes, 2 no; a race only asks twice */
    SOCKET s, base;
    LONG v = known;
    if (v == 0) {
        s = XSOCK__OS(WSASocketW)(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET) return 0; /* not known either: ask again next time */
        v = base_socket(s, &base) == 0 ? 1 : 2;
        XSOCK__OS(closesocket)(s);
        InterlockedExchange(&known, v);
    }
    return v == 1;
}

int xsock__win_afd_create(xsock_poller **out)
{
    afd_poller *p = (afd_poller *)XSOCK__OS(calloc)(1, sizeof *p);
    int r = XSOCK_ENOTSUP, native = xsock_last_native_error();
    if (p == NULL) return xsock__fail(XSOCK_ENOMEM, WSA_NOT_ENOUGH_MEMORY);
    p->base.ops = &afd_ops;
    if (xsock__afd_load(&p->api) != 0 || !afd_usable()) goto fallback;
    if ((p->iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1)) == NULL) {
        r = win_fail(GetLastError());
        goto fail;
    }
    /* The first AFD handle now: a system without \Device\Afd (or with
     * another driver behind that name that refuses it) falls back here,
     * not at the first add. */
    if (new_group(p, &r) == NULL) {
        if (exhausted(r)) goto fail;
        goto fallback;
    }
    *out = &p->base;
    return 0;
fallback:
    r = XSOCK_ENOTSUP; /* select, in poller.c: no error is left behind */
    xsock__set_native_error(native);
fail:
    afd_destroy(&p->base);
    return r;
}

#endif /* _WIN32 */
