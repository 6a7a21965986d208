/* The AFD poll interface: every definition of it that xsock uses, in this
 * one file, because Microsoft documents none of it.
 *
 * \Device\Afd is the kernel driver behind Winsock's sockets. Opening it
 * (NtCreateFile on a name under \Device\Afd) gives a handle on which
 * IOCTL_AFD_POLL asks "tell me when one of these events holds for this
 * socket"; with the handle associated with an I/O completion port, the
 * answer arrives there as one completion, only once the socket is ready.
 *
 * Where the layout is known from (read, not copied): wepoll's src/afd.h and
 * src/nt.h (piscisaureus/wepoll), libuv's src/win/winapi.h (AFD_POLL_INFO,
 * the AFD_POLL_* bits, IOCTL_AFD_POLL) and src/win/poll.c, mio's
 * src/sys/windows/afd.rs, and Wine's include/wine/afd.h with its
 * implementation in dlls/ntdll/unix/socket.c (Wine 8 runs the tests here).
 * All of them agree on every value below. The NT calls are documented by
 * Microsoft in the WDK ("NtCreateFile function", "NtDeviceIoControlFile
 * function", "RtlNtStatusToDosError function"), but not in the SDK's import
 * libraries for user mode, so they are looked up in ntdll at run time. */
#ifndef XSOCK_WIN32_AFD_H
#define XSOCK_WIN32_AFD_H

#ifdef _WIN32

#include <mswsock.h> /* SIO_BASE_HANDLE, SIO_BSP_HANDLE_POLL: documented Winsock */

/* CTL_CODE(FILE_DEVICE_NETWORK (0x12), AFD_POLL (9), METHOD_BUFFERED,
 * FILE_ANY_ACCESS): (0x12 << 12) | (9 << 2). */
#define XSOCK__IOCTL_AFD_POLL 0x00012024UL

/* AFD_POLL_* events, in AFD_POLL_INFO's Events (asked and answered). */
#define XSOCK__AFD_POLL_RECEIVE 0x0001UL       /* data to read */
#define XSOCK__AFD_POLL_RECEIVE_EXPEDITED 0x0002UL /* urgent data (not used: OOB is inline) */
#define XSOCK__AFD_POLL_SEND 0x0004UL          /* room to send */
#define XSOCK__AFD_POLL_DISCONNECT 0x0008UL    /* the peer's FIN */
#define XSOCK__AFD_POLL_ABORT 0x0010UL         /* reset */
#define XSOCK__AFD_POLL_LOCAL_CLOSE 0x0020UL   /* closesocket on this socket */
#define XSOCK__AFD_POLL_ACCEPT 0x0080UL        /* a connection to accept */
#define XSOCK__AFD_POLL_CONNECT_FAIL 0x0100UL  /* a connect failed */

/* NTSTATUS values the poller tells apart. */
#define XSOCK__STATUS_SUCCESS 0L
#define XSOCK__STATUS_PENDING 0x00000103L
#define XSOCK__STATUS_CANCELLED ((LONG)0xC0000120UL)
#define XSOCK__NT_SUCCESS(st) ((LONG)(st) >= 0)

typedef struct xsock__afd_poll_handle_info {
    HANDLE Handle; /* the base socket */
    ULONG Events;  /* asked; on completion, what holds */
    LONG Status;   /* an NTSTATUS */
} xsock__afd_poll_handle_info;

typedef struct xsock__afd_poll_info {
    LARGE_INTEGER Timeout;   /* INT64 max: none */
    ULONG NumberOfHandles;   /* on completion: how many entries hold events */
    ULONG Exclusive;         /* FALSE: another poller's poll on the socket stays */
    xsock__afd_poll_handle_info Handles[1];
} xsock__afd_poll_info;

/* The same with room for n sockets: one poll of several sockets, as a
 * Winsock select is one poll of every socket in its sets (ReactOS's msafd,
 * dll/win32/msafd/misc/dllmain.c, WSPSelect). It completes when any of them
 * has an asked event, and the answer names each socket by the handle it
 * was asked with: Wine lists only those with events, NumberOfHandles
 * saying how many (server/sock.c, complete_async_poll); ReactOS's AFD keeps
 * every entry, Events 0 for the quiet ones (drivers/network/afd/afd/
 * select.c, SignalSocket). Read by handle, the answer means the same. */
#define XSOCK__AFD_POLL_INFO_N(n)                                                                  \
    struct {                                                                                       \
        LARGE_INTEGER Timeout;                                                                     \
        ULONG NumberOfHandles;                                                                     \
        ULONG Exclusive;                                                                           \
        xsock__afd_poll_handle_info Handles[n];                                                    \
    }

/* IO_STATUS_BLOCK: laid out as OVERLAPPED's first two members (Internal is
 * the status, InternalHigh the information), which is why an OVERLAPPED
 * can stand for it and CancelIoEx can name the request by it
 * ("CancelIoEx function": the OVERLAPPED the I/O was issued with). */
typedef struct xsock__io_status_block {
    union {
        LONG Status;
        PVOID Pointer;
    } u;
    ULONG_PTR Information;
} xsock__io_status_block;

typedef struct xsock__unicode_string {
    USHORT Length;        /* bytes, without a terminator */
    USHORT MaximumLength;
    PWSTR Buffer;
} xsock__unicode_string;

typedef struct xsock__object_attributes {
    ULONG Length;
    HANDLE RootDirectory;
    xsock__unicode_string *ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} xsock__object_attributes;

/* The name opened: any name under \Device\Afd opens the driver; the part
 * after it only names the opener (wepoll says \Device\Afd\Wepoll). */
#define XSOCK__AFD_DEVICE_NAME L"\\Device\\Afd\\xsock"

#define XSOCK__FILE_OPEN 0x00000001UL

/* attr is an xsock__object_attributes, iosb an xsock__io_status_block:
 * void pointers, so that src/fault.h can declare the same types without
 * this file. */
typedef LONG(NTAPI *xsock__nt_create_file_fn)(PHANDLE file, ACCESS_MASK access, PVOID attr, PVOID iosb,
                                               PLARGE_INTEGER alloc_size, ULONG file_attributes,
                                               ULONG share, ULONG disposition, ULONG options, PVOID ea,
                                               ULONG ea_length);
typedef LONG(NTAPI *xsock__nt_device_io_control_file_fn)(HANDLE file, HANDLE event, PVOID apc,
                                                          PVOID apc_context, PVOID iosb, ULONG code,
                                                          PVOID in, ULONG in_length, PVOID out,
                                                          ULONG out_length);
typedef ULONG(NTAPI *xsock__rtl_nt_status_to_dos_error_fn)(LONG status);

/* The three, from ntdll; each NULL when missing (then no AFD poller). */
typedef struct xsock__afd_api {
    xsock__nt_create_file_fn NtCreateFile;
    xsock__nt_device_io_control_file_fn NtDeviceIoControlFile;
    xsock__rtl_nt_status_to_dos_error_fn RtlNtStatusToDosError;
} xsock__afd_api;

/* GetProcAddress gives a FARPROC; a cast through void (*)(void), the
 * generic function pointer, to the real type (no object pointer between:
 * that would be MSVC's C4054/C4152). 0 if all three are there. */
static int xsock__afd_load(xsock__afd_api *api)
{
    HMODULE nt = GetModuleHandleW(L"ntdll.dll"); /* in every process, never unloaded */
    if (nt == NULL) return -1;
    api->NtCreateFile = (xsock__nt_create_file_fn)(void (*)(void))GetProcAddress(nt, "NtCreateFile");
    api->NtDeviceIoControlFile =
        (xsock__nt_device_io_control_file_fn)(void (*)(void))GetProcAddress(nt, "NtDeviceIoControlFile");
    api->RtlNtStatusToDosError =
        (xsock__rtl_nt_status_to_dos_error_fn)(void (*)(void))GetProcAddress(nt, "RtlNtStatusToDosError");
#ifdef XSOCK_FAULT_INJECTION /* the tests' table (src/fault.h) stands in for the calls that can fail */
    if (api->NtCreateFile != NULL && api->NtDeviceIoControlFile != NULL) {
        api->NtCreateFile = xsock__os.NtCreateFile;
        api->NtDeviceIoControlFile = xsock__os.NtDeviceIoControlFile;
    }
#endif
    return api->NtCreateFile && api->NtDeviceIoControlFile && api->RtlNtStatusToDosError ? 0 : -1;
}

/* A new handle on \Device\Afd, or INVALID_HANDLE_VALUE (*status says why).
 * SYNCHRONIZE only, no FILE_SYNCHRONOUS_IO_*: its I/O is asynchronous,
 * which a completion port needs. Shared, as any number may be open. */
static HANDLE xsock__afd_open(const xsock__afd_api *api, LONG *status)
{
    static WCHAR name[] = XSOCK__AFD_DEVICE_NAME;
    xsock__unicode_string us;
    xsock__object_attributes oa;
    xsock__io_status_block iosb;
    HANDLE h = INVALID_HANDLE_VALUE;
    us.Length = (USHORT)(sizeof name - sizeof name[0]);
    us.MaximumLength = (USHORT)sizeof name;
    us.Buffer = name;
    oa.Length = (ULONG)sizeof oa;
    oa.RootDirectory = NULL;
    oa.ObjectName = &us;
    oa.Attributes = 0;
    oa.SecurityDescriptor = NULL;
    oa.SecurityQualityOfService = NULL;
    *status = api->NtCreateFile(&h, SYNCHRONIZE, &oa, &iosb, NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                XSOCK__FILE_OPEN, 0, NULL, 0);
    return XSOCK__NT_SUCCESS(*status) ? h : INVALID_HANDLE_VALUE;
}

#endif /* _WIN32 */
#endif /* XSOCK_WIN32_AFD_H */
