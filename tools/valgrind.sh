#!/usr/bin/env bash
# Runs the native test suite under valgrind's memcheck: any memory error (an
# invalid read or write, a jump on uninitialised memory, a bad free) or a
# definite leak fails the test that caused it.
#   tools/valgrind.sh [ctest args...]      e.g. tools/valgrind.sh -R '^addr\.'
# Builds build-rel (gcc, RelWithDebInfo, no sanitizer: valgrind and ASan do
# not mix), then `ctest -T memcheck`. Programs a test starts (the example
# programs the driver runs) are checked too, each in its own log, all of a
# test's logs then in build-rel/Testing/Temporary/MemoryChecker.<test #>.log
# (tools/valgrind-ctest-wrapper.sh). packaging.* is left out: those tests
# run cmake and a compiler, not xsock.
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
rm -f "$dir"/Testing/Temporary/MemoryChecker.*
ctest --test-dir "$dir" -T memcheck -j "$jobs" --output-on-failure -E '^packaging\.' \
  --overwrite MemoryCheckCommand="$PWD/tools/valgrind-ctest-wrapper.sh" \
  --overwrite MemoryCheckCommandOptions="${opts[*]}" "$@" || status=1
# A process whose exit code no test looks at (a server the driver stops)
# still fails the run if valgrind found anything in it.
for f in "$dir"/Testing/Temporary/MemoryChecker.*.log; do
  [ -e "$f" ] || continue
  if grep -aq 'ERROR SUMMARY: [1-9]' "$f"; then
    echo "== memcheck found errors: $f" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "== memcheck: no errors, no definite leaks"
exit "$status"
