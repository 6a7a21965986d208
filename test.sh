#!/usr/bin/env bash
# Builds and runs every xsock test: natively, then the same suite as Windows
# programs (MinGW-w64 cross build) under Wine when both are installed; each
# twice, against the static library and against the shared library / DLL.
# Under CI=true a Windows half that could not run is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")"
jobs=$(nproc 2>/dev/null || echo 2)

# ---- the closing note: each stage's time and test count. test.sh runs
# itself once more with every cmake and ctest call (tools/sanitize.sh's too)
# timed and counted per build directory, then prints the note whatever the
# outcome. Wrapping the calls, not editing each stage, keeps every stage in it.
if [ -z "${XSOCK_STAGE_LOG:-}" ]; then
  mkdir -p build
  export XSOCK_STAGE_LOG="$PWD/build/stages.log"
  : >"$XSOCK_STAGE_LOG"
  status=0
  bash "$PWD/test.sh" "$@" || status=$?
  echo "== stages (configure + build + tests each; $([ "$status" = 0 ] && echo green || echo "FAILED, exit $status"))"
  awk '{ if (!($2 in secs)) order[n++] = $2; secs[$2] += $3; all += $3
         if ($1 == "ctest") { tests[$2] += $4; notrun[$2] += $5; ran[$2] = 1 } }
       END { for (i = 0; i < n; i++) { d = order[i]
               line = sprintf("  %-24s %3dm%02ds", d, secs[d] / 60, secs[d] % 60)
               if (ran[d]) line = line sprintf("  %4d tests", tests[d])
               if (notrun[d]) line = line sprintf(", %d not run (listed above)", notrun[d])
               print line }
             printf "  %-24s %3dm%02ds\n", "all stages", all / 60, all % 60 }' "$XSOCK_STAGE_LOG"
  exit "$status"
fi
xsock_build_dir() { # the build directory a cmake or ctest command line names
  local prev="" a
  for a in "$@"; do
    case $prev in -B | --build | --test-dir) echo "$a"; return ;; esac
    prev=$a
  done
}
cmake() {
  local t0=$SECONDS dir rc=0
  dir=$(xsock_build_dir "$@")
  command cmake "$@" || rc=$?
  [ -z "$dir" ] || echo "cmake $dir $((SECONDS - t0))" >>"$XSOCK_STAGE_LOG"
  return $rc
}
ctest() { # also counts the tests, and those that did not run (DISABLED)
  local t0=$SECONDS dir rc=0 out total notrun
  dir=$(xsock_build_dir "$@")
  out=$(mktemp)
  command ctest "$@" 2>&1 | tee "$out" || rc=$?
  total=$(sed -n 's/.* tests failed out of \([0-9]*\).*/\1/p' "$out" | tail -n 1)
  notrun=$(grep -c '(Disabled)$' "$out" || true)
  rm -f "$out"
  [ -z "$dir" ] || echo "ctest $dir $((SECONDS - t0)) ${total:-0} $notrun" >>"$XSOCK_STAGE_LOG"
  return $rc
}
export -f xsock_build_dir cmake ctest

echo "== native build and tests"
cmake -S . -B build/native -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build/native -j "$jobs"
ctest --test-dir build/native --output-on-failure -j "$jobs"

echo "== native shared library (only xsock_* exported) and tests"
cmake -S . -B build/native-shared -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_SHARED_LIBS=ON
cmake --build build/native-shared -j "$jobs"
ctest --test-dir build/native-shared --output-on-failure -j "$jobs"

# ---- Linux as users deploy it: musl libc (Alpine's), static; and a
# big-endian CPU, every test an s390x program under qemu's user-mode
# emulation (cmake/musl.cmake, cmake/s390x-linux-gnu.cmake). A test that
# cannot run under user-mode emulation gets the DISABLED property with its
# reason in tests/CMakeLists.txt: ctest lists it, the closing note counts it.
linux_stage_missing() { # <Debian packages> <stage>
  if [ "${CI:-}" = "true" ]; then
    echo "error: $1 not installed, so the $2 stage did not run" >&2
    exit 1
  fi
  echo "== $2 stage skipped: install $1 (see README.md)"
}
if command -v musl-gcc >/dev/null; then
  echo "== musl libc (static) build and tests"
  cmake -S . -B build/musl -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/musl.cmake"
  cmake --build build/musl -j "$jobs"
  ctest --test-dir build/musl --output-on-failure -j "$jobs"
else
  linux_stage_missing musl-tools musl
fi
if command -v s390x-linux-gnu-gcc >/dev/null && command -v qemu-s390x >/dev/null; then
  echo "== s390x (big-endian) build and tests under qemu-user"
  cmake -S . -B build/s390x -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/s390x-linux-gnu.cmake"
  cmake --build build/s390x -j "$jobs"
  ctest --test-dir build/s390x --output-on-failure -j "$jobs"
  echo "== s390x: tests not run under qemu-user: $(awk '$1 == "ctest" && $2 == "build/s390x" { n = $5 } END { print n + 0 }' "$XSOCK_STAGE_LOG")"
else
  linux_stage_missing "gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user" s390x
fi

# The same suite under ASan+UBSan, and its threaded part under TSan (clang).
if command -v clang >/dev/null; then
  tools/sanitize.sh
elif [ "${CI:-}" = "true" ]; then
  echo "error: clang is missing, so the sanitizer runs did not happen" >&2
  exit 1
else
  echo "== sanitizer runs skipped: install clang and libclang-rt-14-dev"
fi

# The Windows half: the suite as 64-bit (x86_64) and as 32-bit (i686) Windows
# programs, each against the static library and the DLL, under Wine. Each
# architecture has a prefix of its own (a 32-bit program needs WINEARCH=win32).
wine=$(command -v wine64 || command -v wine || true)
if ! command -v x86_64-w64-mingw32-gcc >/dev/null || [ -z "$wine" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: mingw-w64 or Wine is missing, so the Windows half did not run" >&2
    exit 1
  fi
  echo "== Windows half skipped: install mingw-w64 and wine (see README.md)"
  exit 0
fi

# The MSVC C4996 check (tools.msvc_c4996) is a CTest case only where python3 is.
if ! command -v python3 >/dev/null && [ "${CI:-}" = "true" ]; then
  echo "error: python3 is missing, so tools/check_msvc_crt.py did not run" >&2
  exit 1
fi

export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono/Gecko install prompts
wine64_prefix="${WINEPREFIX:-$PWD/build/wineprefix}"
wine32_prefix="${XSOCK_WINEPREFIX32:-$PWD/build/wineprefix32}"
trap 'WINEPREFIX=$wine64_prefix wineserver -k >/dev/null 2>&1 || true
      WINEPREFIX=$wine32_prefix wineserver -k >/dev/null 2>&1 || true' EXIT

# One persistent wineserver per prefix (each Wine process then starts
# faster), and the prefix with Wine's own services (services.exe, explorer...)
# started here, with their output to /dev/null: started by the first test
# instead, they would inherit ctest's pipes and hold that test open.
start_wine() { # prefix winearch wine
  export WINEPREFIX="$1" WINEARCH="$2"
  mkdir -p "$WINEPREFIX"
  wineserver -p || true   # 2: one already runs for this prefix, also fine
  "$3" wineboot --init </dev/null >/dev/null 2>&1 || true
}

windows_suite() { # title build-dir toolchain-arch
  local title=$1 dir=$2 arch=$3 t0=$SECONDS
  echo "== Windows $title (MinGW-w64 $arch) build and tests under Wine"
  # XSOCK_NATIVE_EXAMPLES: examples.lobby_wine_* run the lobby between the
  # native build's programs and this build's under Wine (tests/examples/examples.cmake).
  cmake -S . -B "$dir" -DXSOCK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/mingw-w64-$arch.cmake" \
    -DXSOCK_NATIVE_EXAMPLES="$PWD/build/native/examples" "${@:4}"
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
  echo "== Windows $title: $((SECONDS - t0)) s"
}

start_wine "$wine64_prefix" win64 "$wine"
windows_suite "x86_64 static" build/windows x86_64
windows_suite "x86_64 DLL" build/windows-shared x86_64 -DBUILD_SHARED_LIBS=ON
wineserver -k >/dev/null 2>&1 || true

# 32-bit: `wine` (not wine64) starts 32-bit programs, with Debian's wine32:i386.
# Probed by running the 32-bit cmd.exe in the win32 prefix.
wine32=$(command -v wine || true)
have32=no
if command -v i686-w64-mingw32-gcc >/dev/null && [ -n "$wine32" ]; then
  start_wine "$wine32_prefix" win32 "$wine32"
  if "$wine32" cmd /c exit 0 </dev/null >/dev/null 2>&1; then have32=yes; fi
fi
if [ "$have32" = yes ]; then
  windows_suite "i686 static" build/windows32 i686
  windows_suite "i686 DLL" build/windows32-shared i686 -DBUILD_SHARED_LIBS=ON
elif [ "${CI:-}" = "true" ]; then
  echo "error: i686 mingw-w64 or 32-bit Wine (wine32:i386) is missing, so the 32-bit" \
       "Windows half did not run" >&2
  exit 1
else
  echo "== 32-bit Windows half skipped: install mingw-w64 (i686) and wine32:i386 (see README.md)"
fi
