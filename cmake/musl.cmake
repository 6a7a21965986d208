# Build xsock against musl libc (the C library of Alpine Linux) with Debian's
# musl-tools: `cmake -B build/musl -DCMAKE_TOOLCHAIN_FILE=cmake/musl.cmake`.
# Static programs: they need no musl loader installed to run on this glibc
# machine, so ctest runs them natively, as on Alpine.
find_program(CMAKE_C_COMPILER NAMES musl-gcc x86_64-linux-musl-gcc REQUIRED)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# The host's libraries (Debian's libuv, which bench/ compares with, found by
# pkg-config) are built for glibc: a musl program cannot link them.
set(XSOCK_BENCH_LIBUV OFF CACHE BOOL "Compare with libuv (off: the host's libuv is glibc's)")
