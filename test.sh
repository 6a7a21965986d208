#!/usr/bin/env bash
# Builds and runs every xsock test: natively, then the same suite as Windows
# programs (MinGW-w64 cross build) under Wine when both are installed; each
# twice, against the static library and against the shared library / DLL.
# Under CI=true a Windows half that could not run is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")"
jobs=$(nproc 2>/dev/null || echo 2)

echo "== native build and tests"
cmake -S . -B build/native -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build/native -j "$jobs"
ctest --test-dir build/native --output-on-failure -j "$jobs"

echo "== native shared library (only xsock_* exported) and tests"
cmake -S . -B build/native-shared -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_SHARED_LIBS=ON
cmake --build build/native-shared -j "$jobs"
ctest --test-dir build/native-shared --output-on-failure -j "$jobs"

# The same suite under ASan+UBSan, and its threaded part under TSan (clang).
if command -v clang >/dev/null; then
  tools/sanitize.sh
elif [ "${CI:-}" = "true" ]; then
  echo "error: clang is missing, so the sanitizer runs did not happen" >&2
  exit 1
else
  echo "== sanitizer runs skipped: install clang and libclang-rt-14-dev"
fi

wine=$(command -v wine64 || command -v wine || true)
if ! command -v x86_64-w64-mingw32-gcc >/dev/null || [ -z "$wine" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: mingw-w64 or Wine is missing, so the Windows half did not run" >&2
    exit 1
  fi
  echo "== Windows half skipped: install mingw-w64 and wine (see README.md)"
  exit 0
fi

echo "== Windows build (MinGW-w64) and tests under Wine"
export WINEDEBUG=-all
export WINEPREFIX="${WINEPREFIX:-$PWD/build/wineprefix}"
export WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono/Gecko install prompts
# One persistent wineserver for the whole run (each Wine process then starts
# faster), and the prefix with Wine's own services (services.exe, explorer...)
# started here, with their output to /dev/null: started by the first test
# instead, they would inherit ctest's pipes and hold that test open.
mkdir -p "$WINEPREFIX"
wineserver -p
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
"$wine" wineboot --init </dev/null >/dev/null 2>&1 || true
cmake -S . -B build/windows -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/mingw-w64-x86_64.cmake"
cmake --build build/windows -j "$jobs"
ctest --test-dir build/windows --output-on-failure -j "$jobs"

echo "== Windows DLL build and tests under Wine"
cmake -S . -B build/windows-shared -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/mingw-w64-x86_64.cmake" -DBUILD_SHARED_LIBS=ON
cmake --build build/windows-shared -j "$jobs"
ctest --test-dir build/windows-shared --output-on-failure -j "$jobs"
