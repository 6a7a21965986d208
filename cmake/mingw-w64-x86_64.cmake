# Cross-compile xsock as Windows programs with MinGW-w64 and run them under
# Wine: `cmake -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake`
# then `ctest --test-dir build-win` runs every test as a Windows program.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(XSOCK_MINGW_PREFIX x86_64-w64-mingw32)
find_program(CMAKE_C_COMPILER NAMES ${XSOCK_MINGW_PREFIX}-gcc-win32 ${XSOCK_MINGW_PREFIX}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${XSOCK_MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${XSOCK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Self-contained .exe files: Wine (and a user's Windows box) need no MinGW DLLs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")

find_program(XSOCK_WINE NAMES wine64 wine)
if(XSOCK_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_WINE})
endif()
