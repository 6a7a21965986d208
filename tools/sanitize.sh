#!/usr/bin/env bash
# Builds xsock with clang's sanitizers and runs the tests under them:
#   asan  build/asan, XSOCK_SANITIZE=address,undefined: the whole suite
#   tsan  build/tsan, XSOCK_SANITIZE=thread: the tests that start threads
# Usage: tools/sanitize.sh [asan] [tsan]   (both when none is named)
# Every sanitizer report is a failure, also one from a child process whose
# exit code nobody checks (an example program the driver started): reports
# go to files under <build>/sanitizer-logs, printed at the end.
# XSOCK_TSAN_REGEX overrides which tests TSan runs (a ctest -R regex);
# XSOCK_CMAKE_ARGS adds configure options (e.g. -DXSOCK_BUILD_BENCH=OFF).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

if ! command -v clang >/dev/null; then
  echo "error: clang is missing (Debian: apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi

# The test groups (the part of a CTest name before the dot) whose programs
# start threads: a tests/test_<group>.c, or examples/ or bench/ as a whole.
threaded_regex() {
  local groups=() f d
  for f in tests/test_*.c; do
    if grep -qE 'xthread_start|pthread_create' "$f"; then
      f=${f##*/test_}
      groups+=("${f%.c}")
    fi
  done
  for d in examples bench; do
    if grep -qsE 'xthread_start|pthread_create' "$d"/*.c; then groups+=("$d"); fi
  done
  local IFS='|'
  echo "^(${groups[*]})\\."
}

# run <name> <sanitizers> [ctest args...]
run() {
  local name=$1 san=$2 dir=build/$1 logs
  shift 2
  logs=$PWD/$dir/sanitizer-logs
  echo "== $name: -fsanitize=$san in $dir"
  # (set -e does not reach into a function called with ||: check by hand.)
  # shellcheck disable=SC2086 # XSOCK_CMAKE_ARGS is a list of words
  cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DXSOCK_WERROR=ON -DXSOCK_SANITIZE="$san" ${XSOCK_CMAKE_ARGS:-} >/dev/null || return 1
  cmake --build "$dir" -j "$jobs" || return 1
  rm -rf "$logs"
  mkdir -p "$logs"
  local status=0
  ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$logs/asan" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan" \
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$logs/tsan" \
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" "$@" || status=1
  if [ -n "$(ls -A "$logs")" ]; then
    echo "== $name: sanitizer reports:"
    for f in "$logs"/*; do
      echo "---- $f"
      cat "$f"
    done
    status=1
  else
    echo "== $name: no sanitizer reports"
  fi
  return "$status"
}

status=0
[ "$#" -gt 0 ] || set -- asan tsan
for what in "$@"; do
  case $what in
    asan) run asan address,undefined || status=1 ;;
    tsan) run tsan thread -R "${XSOCK_TSAN_REGEX:-$(threaded_regex)}" || status=1 ;;
    *) echo "usage: $0 [asan] [tsan]" >&2; exit 2 ;;
  esac
done
exit "$status"
