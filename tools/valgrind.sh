#!/usr/bin/env bash
# Runs the native test suite under valgrind's memcheck: any memory error (an
# invalid read or write, a jump on uninitialised memory, a bad free) or a
# definite leak fails the test that caused it.
#   tools/valgrind.sh [ctest args...]      e.g. tools/valgrind.sh -R '^addr\.'
# Builds build-rel (gcc, RelWithDebInfo, no sanitizer: valgrind and ASan do
# not mix), then `ctest -T memcheck`. Programs a test starts (the example
# programs the driver runs) are checked too. packaging.* is left out: those
# tests run cmake and a compiler, not xsock. Logs, one per test:
# build-rel/Testing/Temporary/MemoryChecker.<test number>.log
# XSOCK_CMAKE_ARGS adds configure options (e.g. -DXSOCK_BUILD_BENCH=OFF).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
dir=build-rel

if ! command -v valgrind >/dev/null; then
  echo "error: valgrind is missing (Debian: apt-get install -y valgrind)" >&2
  exit 2
fi
# shellcheck disable=SC2086 # XSOCK_CMAKE_ARGS is a list of words
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXSOCK_WERROR=ON \
  ${XSOCK_CMAKE_ARGS:-} >/dev/null
cmake --build "$dir" -j "$jobs"

opts=(--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
      --show-leak-kinds=definite --track-origins=yes
      --trace-children=yes --child-silent-after-fork=yes)
status=0
ctest --test-dir "$dir" -T memcheck -j "$jobs" --output-on-failure -E '^packaging\.' \
  --overwrite MemoryCheckCommand="$(command -v valgrind)" \
  --overwrite MemoryCheckCommandOptions="${opts[*]}" "$@" || status=1
if [ "$status" -ne 0 ]; then
  echo "== memcheck failed: see $dir/Testing/Temporary/MemoryChecker.*.log" >&2
fi
exit "$status"
