#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/fuzz_*.c) at the same time:
#   tools/fuzz.sh [seconds, default 600] [target...]   e.g. tools/fuzz.sh 60 fuzz_lineio
# Builds build-fuzz with clang and -DXSOCK_FUZZ=ON. The seed corpus in the
# tree is only read: new inputs go to build-fuzz/fuzz-work/<target>/corpus.
# A crash leaves build-fuzz/fuzz-work/<target>/crash-* (replay it with
# build-fuzz/tests/fuzz/<target> <file>): fix the bug, then copy the file into
# tests/fuzz/corpus/<target>/ so CTest replays it on every build, both OSes.
# Exits 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
build="build-fuzz"
work=$build/fuzz-work

if ! command -v clang >/dev/null; then
  echo "error: clang is missing (Debian: apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DXSOCK_FUZZ=ON -DXSOCK_WERROR=ON -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_all

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < "$build/tests/fuzz/fuzz_targets.txt"
fi

echo "== fuzzing ${targets[*]} for ${secs} s each, all at once"
mkdir -p "$work"
touch "$work/.started" # what a run found is newer than this
pids=()
for t in "${targets[@]}"; do
  mkdir -p "$work/$t/corpus"
  args=(-max_total_time="$secs" -timeout=10 -print_final_stats=1 -artifact_prefix="$work/$t/")
  [ -f "tests/fuzz/$t.dict" ] && args+=(-dict="tests/fuzz/$t.dict")
  "$build/tests/fuzz/$t" "${args[@]}" "$work/$t/corpus" "tests/fuzz/corpus/$t" \
    >"$work/$t/log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  wait "${pids[$i]}" || status=1
  runs=$(sed -n 's/^stat::number_of_executed_units: //p' "$work/$t/log")
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/$t/log")
  corpus=$(find "$work/$t/corpus" -type f | wc -l)
  echo "$t: ${runs:-?} runs in ${took:-?} s, $corpus new corpus inputs, log $work/$t/log"
  while read -r crash; do
    echo "  FOUND $crash"
    status=1
  done < <(find "$work/$t" -maxdepth 1 -newer "$work/.started" \
             \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \))
done
exit "$status"
