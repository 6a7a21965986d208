#!/usr/bin/env bash
# The sendv benchmark (issue 13): messages/s of the four ways, and callgrind
# instructions per message (N and 2N differenced, so start-up cancels).
# Usage: bench/run_sendv.sh [build-dir] (default build/bench, Release).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/bench}
if [ ! -x "$build/bench/xsock_bench_sendv" ]; then
  cmake -S "$here/.." -B "$build" -DCMAKE_BUILD_TYPE=Release -DXSOCK_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target xsock_bench_sendv -j2 >/dev/null
fi
bench=$build/bench/xsock_bench_sendv
n=${PAIRS:-20000}
echo "### sendv: three buffers (16 B + 1 KiB + 16 B) as one message"
echo
echo "\`$bench rate --seconds ${SECONDS_PER_RUN:-0.5} --runs ${RUNS:-5}\`, $(uname -sr), $(nproc) cores:"
echo
"$bench" rate --seconds "${SECONDS_PER_RUN:-0.5}" --runs "${RUNS:-5}"
echo
if command -v valgrind >/dev/null; then
  echo "Instructions per message, send and the same plain receive loop (callgrind,"
  echo "$n and $((2 * n)) messages differenced):"
  echo
  echo "| way | instructions per message | vs raw writev |"
  echo "| --- | ---: | ---: |"
  raw=""
  for impl in raw sendv send3 copy; do
    a=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" pairs --impl $impl --count $n 2>&1 >/dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
    b=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" pairs --impl $impl --count $((2 * n)) 2>&1 >/dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
    per=$(awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }')
    [ -z "$raw" ] && raw=$per
    echo "| $impl | $per | $(awk -v x="$per" -v r="$raw" 'BEGIN { printf "%+.1f", x - r }') |"
  done
  echo
  echo "Target: \`xsock_sendv\` within 30 instructions of raw \`writev\`."
fi
