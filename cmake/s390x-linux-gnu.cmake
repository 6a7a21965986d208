# Cross-compile xsock for IBM Z (s390x: 64-bit, big-endian) Linux and run
# every test as an s390x program under qemu's user-mode emulation, whose
# socket, epoll and poll calls go to this machine's kernel:
# `cmake -B build/s390x -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.cmake`
# (Debian: gcc-s390x-linux-gnu qemu-user).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)

set(XSOCK_CROSS_PREFIX s390x-linux-gnu)
find_program(CMAKE_C_COMPILER NAMES ${XSOCK_CROSS_PREFIX}-gcc REQUIRED)
set(CMAKE_FIND_ROOT_PATH /usr/${XSOCK_CROSS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# -L: where qemu finds the s390x loader and libc (dynamic programs, and the
# shared-library build).
find_program(XSOCK_QEMU NAMES qemu-s390x qemu-s390x-static)
if(XSOCK_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_QEMU} -L /usr/${XSOCK_CROSS_PREFIX})
endif()
