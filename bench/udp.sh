#!/usr/bin/env bash
# The udp echo's instruction counts (issue 14): the server thread alone
# (callgrind --separate-threads; the server is the second thread, -02), for
# N and 2N echoes, differenced and divided by the difference of what the
# server echoed, so start-up, set-up and the window left in flight cancel.
# Prints a Markdown table; bench/run.sh puts it into RESULTS.md.
#
#   bench/udp.sh path/to/xsock_bench_udp [N]
set -euo pipefail
bench=$1
n=${2:-20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
impls="raw xsock batch"
if "$bench" count --impl libuv --count 10 2>/dev/null | grep -q '^echoed'; then impls+=" libuv"; fi
declare -A ir ec
cmds=()
for impl in $impls; do
  for c in "$n" $((2 * n)); do
    cmd="valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=$tmp/cg $bench count --impl $impl --count $c"
    echo "== $cmd" >&2
    cmds+=("${cmd/$tmp/\$tmp}")
    ec[$impl.$c]=$($cmd 2>/dev/null | sed -n 's/^echoed //p')
    ir[$impl.$c]=$(sed -n 's/^summary: //p' "$tmp/cg-02")
    rm -f "$tmp"/cg*
  done
done
echo "| server | instructions (echoed), N = $n | instructions (echoed), 2N | per echoed datagram |"
echo "|---|---:|---:|---:|"
for impl in $impls; do
  a=${ir[$impl.$n]} b=${ir[$impl.$((2 * n))]} ea=${ec[$impl.$n]} eb=${ec[$impl.$((2 * n))]}
  per=$(awk -v a="$a" -v b="$b" -v x="$ea" -v y="$eb" 'BEGIN { if (y > x) printf "%.1f", (b - a) / (y - x); else print "?" }')
  echo "| $impl | $a ($ea) | $b ($eb) | $per |"
done
# System calls of the server thread per echoed datagram (strace -ff writes
# one file per thread; the server's is the second-born). Under strace both
# threads run slower, so batches may differ from an untraced run: a sketch of
# where the kernel time goes, which the instruction counts leave out.
if command -v strace >/dev/null; then
  echo
  echo "System calls of the server thread per echoed datagram (\`strace -ff\`, $n echoes):"
  echo
  echo "| server | calls | echoed | per echoed datagram | which |"
  echo "|---|---:|---:|---:|---|"
  for impl in $impls; do
    rm -f "$tmp"/st.*
    e=$(strace -ff -qq -o "$tmp/st" "$bench" count --impl "$impl" --count "$n" 2>/dev/null | sed -n 's/^echoed //p')
    f=$(ls "$tmp"/st.* | sort -t. -k2 -n | sed -n 2p)
    calls=$(grep -cE '^(recv|send|epoll_wait|poll)' "$f" || true)
    which=$(grep -oE '^(recv|send|epoll_wait|poll)[a-z]*' "$f" | sort | uniq -c | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }')
    per=$(awk -v c="$calls" -v e="$e" 'BEGIN { if (e > 0) printf "%.3f", c / e; else print "?" }')
    echo "| $impl | $calls | $e | $per | $which |"
  done
fi
echo
echo "Commands:"
echo
for c in "${cmds[@]}"; do echo "    $c"; done
