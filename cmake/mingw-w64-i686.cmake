# Cross-compile xsock as 32-bit Windows programs with MinGW-w64 and run them
# under Wine: `cmake -B build-win32 -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-i686.cmake`
# then `ctest --test-dir build-win32`, with WINEPREFIX set to a 32-bit prefix
# (WINEARCH=win32, as test.sh makes one). There SOCKET, pointers and long are
# 32 bits, the sizes of the MSVC Win32 build.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86)

set(XSOCK_MINGW_PREFIX i686-w64-mingw32)
# tests/CMakeLists.txt: the CTest case tools.pe_machine checks the programs are i386.
set(XSOCK_EXPECT_POINTER_SIZE 4)
find_program(CMAKE_C_COMPILER NAMES ${XSOCK_MINGW_PREFIX}-gcc-win32 ${XSOCK_MINGW_PREFIX}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${XSOCK_MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${XSOCK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Self-contained .exe files: Wine (and a user's Windows box) need no MinGW
# DLLs, not even libgcc's DWARF-2 unwinder DLL that i686 MinGW links by default.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")

# `wine` runs 32-bit programs (wine64 runs only 64-bit ones).
find_program(XSOCK_WINE NAMES wine)
if(XSOCK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_WINE})
endif()
