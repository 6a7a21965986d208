#!/usr/bin/env bash
# Issue 12's Windows figures, under Wine: builds the MinGW cross build
# (Release) and, for the Windows poller backend the library picks by itself
# and for XSOCK_POLLER=select,
#   1. xsock_poller_idle --scale: one wait with one socket ready among 100
#      and among 5,000 idle ones, and the ratio of the two;
#   2. the soak driver's crowd with 2,000 clients on echo_server_poll: every
#      client answered, the server's handle count back where it started;
# then writes both tables into bench/RESULTS.md, in the section between the
# "run_windows.sh" markers (created at the end if absent; bench/run.sh keeps
# it). A backend that this build does not have (xsock_poller_backend names
# another) keeps its row as it was: before the AFD backend is merged, the
# default is select and the afd row says "not measured".
#
#   bench/run_windows.sh
#   SKIP_CROWD=1 bench/run_windows.sh             # the ratio only
#   SMALL=100 LARGE=5000 MS=250 CLIENTS=2000 BUILD_DIR=/tmp/bw OUT=/tmp/r.md bench/run_windows.sh
#   ARCH=i686 bench/run_windows.sh                 # the 32-bit build (Debian's wine32)
#
# WINEPREFIX defaults to one inside the build directory; its wineserver is
# restarted by this script (see below) and stopped at the end.
#
# Under Wine every socket call is a round trip to wineserver: only the ratio
# counts, never a time (Wine is not Windows). Takes a few minutes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
arch=${ARCH:-x86_64}
tag="" # rows of a 32-bit run are labelled and kept apart
[ "$arch" = x86_64 ] || tag=" ($arch)"
build=${BUILD_DIR:-$root/build-bench-windows${tag:+-$arch}}
out=${OUT:-$here/RESULTS.md}
small=${SMALL:-100}
large=${LARGE:-5000}
ms=${MS:-250}
clients=${CLIENTS:-2000}
jobs=${JOBS:-2}

export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export WINEPREFIX=${WINEPREFIX:-$build/wineprefix}
if [ "$arch" = i686 ]; then export WINEARCH=win32; else export WINEARCH=win64; fi

# Under Wine a socket is a Unix descriptor held by wineserver and, once
# used, cached by the process as well: 5,000 connections are 10,000 sockets,
# so both need a limit above that. wineserver takes its limit from the shell
# that starts it, so this script starts its own (in its own prefix) after
# raising the limit, and stops it at the end.
need=$((2 * (large + 1) + 2 * clients + 512))
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  echo "run_windows.sh: the open file limit is $(ulimit -n), $need needed (raise ulimit -Hn)" >&2
  exit 1
fi

echo "== building (MinGW, Release) in $build" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-$arch.cmake" -DXSOCK_BUILD_TESTS=ON \
  -DXSOCK_BUILD_EXAMPLES=ON -DXSOCK_BENCH_LIBUV=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target xsock_poller_idle examples_soak_driver echo_server_poll >/dev/null

mkdir -p "$WINEPREFIX"
wineserver -k 2>/dev/null || true
wineserver -w 2>/dev/null || true
wineserver -p
trap 'wineserver -k 2>/dev/null || true' EXIT
wine wineboot --init </dev/null >/dev/null 2>&1 || true

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# ---- 1. the ratio -------------------------------------------------------------
declare -A row crowd
idle=$build/bench/xsock_poller_idle.exe
for mode in default select; do
  env=()
  [ "$mode" = select ] && env=(XSOCK_POLLER=select)
  echo "== ${env[*]:-} wine $idle --scale $small $large $ms" >&2
  text=$(env "${env[@]}" wine "$idle" --scale "$small" "$large" "$ms" </dev/null | tr -d '\r')
  printf '%s\n' "$text" >&2
  res=$(printf '%s\n' "$text" | sed -n 's/^RESULT //p')
  [ -n "$res" ] || { echo "run_windows.sh: no RESULT line" >&2; exit 1; }
  backend=$(printf '%s\n' "$res" | sed -n 's/.*backend=\([^ ]*\).*/\1/p')
  # The row: afd or select, whatever xsock_poller_backend calls them
  # ("win32-select" today).
  case $backend in *afd*) slot=afd ;; *select*) slot=select ;; *) slot=$backend ;; esac
  slot=$slot${tag:+-$arch}
  get() { printf '%s\n' "$res" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
  ratio=$(get ratio)
  if [ "${slot%%-*}" = afd ]; then
    verdict=$(awk -v r="$ratio" 'BEGIN { print (r + 0 <= 2 ? "met" : "MISSED") }')
  else
    verdict="(beside afd)"
  fi
  row[$slot]="| $backend$tag | $(get small_us) | $(get large_us) | $ratio | $verdict | $(get pair_ratio) | ${env[*]:-(default)} |"
  if [ "$mode" = select ] && [ "${slot%%-*}" != select ]; then
    echo "run_windows.sh: XSOCK_POLLER=select gave $backend" >&2
    exit 1
  fi

  # ---- 2. 2,000 clients at once on echo_server_poll ---------------------------
  if [ -z "${SKIP_CROWD:-}" ] && [ -z "${crowd[$slot]:-}" ]; then
    echo "== ${env[*]:-} wine examples_soak_driver.exe echo_server_poll crowd $clients" >&2
    t0=$(date +%s)
    if text=$(env "${env[@]}" wine "$build/examples/examples_soak_driver.exe" echo_server_poll \
      crowd "$clients" </dev/null 2>&1 | tr -d '\r'); then
      verdict=pass
    else
      verdict=FAILED
    fi
    t1=$(date +%s)
    printf '%s\n' "$text" >&2
    answered=$(printf '%s\n' "$text" | sed -n 's/^\([0-9]*\) clients at once$/\1/p')
    handles=$(printf '%s\n' "$text" | sed -n 's/^crowd: the server holds \([0-9]*\) descriptors\/handles, \([0-9]*\) before$/\2 before, \1 after/p')
    crowd[$slot]="| $backend$tag | $clients | ${answered:-0} | ${handles:-?} | $((t1 - t0)) s | $verdict |"
  fi
done

# ---- RESULTS.md ---------------------------------------------------------------
begin='<!-- run_windows.sh: begin -->'
end='<!-- run_windows.sh: end -->'
touch "$out"
old=$(sed -n "/^$begin\$/,/^$end\$/p" "$out")
keep() { # the old row of slot $1 (afd, select-i686...) in the table whose header holds $2, or $3
  local r
  r=$(printf '%s\n' "$old" | awk -v k="${1%%-*}" -v a="${1#*-}" -v h="$2" \
    'index($0, h) { on = 1; next } /^$/ { on = 0 }
     on { split($0, f, "|"); gsub(/ +$/, "", f[2]); t = index(f[2], "(") ? substr(f[2], index(f[2], "(") + 1) : k ")"
          if (index(f[2], k) && t == a ")" ) { print; exit } }')
  r=${r:-$3}
  if [ -n "$r" ]; then printf '%s\n' "$r"; fi
}
# "-dirty": changes other than to RESULTS.md, which an earlier run (the other arch) wrote.
ver=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$root" diff --quiet HEAD -- . ':(exclude)bench/RESULTS.md' 2>/dev/null || ver="$ver-dirty"
when="$(date -u '+%Y-%m-%d %H:%M UTC'), $arch, xsock $ver, $(wine --version 2>/dev/null), load average $load at the start"
block=$(
  echo "$begin"
  echo "## Windows poller (Wine)"
  echo
  echo "Written by \`bench/run_windows.sh\`; last run: $when."
  echo "A row that run could not measure (a backend the build does not have) is kept"
  echo "from the run before; the rows of a 32-bit build (\`ARCH=i686\`) say \"(i686)\"."
  echo "Under Wine every socket call is a round trip to wineserver, 30-100x slower than"
  echo "Windows and not Windows: **only the ratios count**, never the times. Issue 12's"
  echo "target: with \`afd\`, a wait among 5,000 idle sockets costs at most 2 times a wait"
  echo "among 100; \`select\` is reported beside it."
  echo
  echo "### One wait with one socket ready among N idle ones"
  echo
  echo "\`xsock_poller_idle.exe --scale $small $large $ms\`: median of 5 rounds, each size"
  echo "timed for at least $ms ms a round, the order alternating."
  echo
  echo "The control column is the ratio, large N against small N, of a send+recv pair on"
  echo "a connection that no poller watches, timed beside the same poller: what every"
  echo "socket call of the process pays for the polls the poller keeps pending. Under"
  echo "Wine 8 that is wineserver's own cost: it walks its list of every pending AFD poll"
  echo "whenever a socket's state changes (server/sock.c, sock_get_poll_events), so"
  echo "a wait, which re-polls the ready socket, pays it too. That is why the afd backend"
  echo "asks for the quiet sockets of each group of 32 in one shared poll"
  echo "(src/win32/poller_afd.c): Wine walks N / 32 polls, not N. With one poll per"
  echo "socket (xsock a73e90e) the afd ratio measured 3.94 and 1.74, on two machines."
  echo "On Windows, AFD keeps a poll with its endpoint; this machine cannot show that."
  echo
  echo "| backend | N = $small (us, Wine) | N = $large (us, Wine) | ratio | target <= 2 | control ratio | run with |"
  echo "|---|---:|---:|---:|---|---:|---|"
  for b in afd select afd-i686 select-i686; do
    if [ -n "${row[$b]:-}" ]; then echo "${row[$b]}"; else
      keep "$b" "| backend | N = " "$([ "$b" = "${b%-*}" ] && echo "| $b | not measured | | | | this build has no $b backend |")"
    fi
  done
  for b in "${!row[@]}"; do # a backend of another name: this run only
    case $b in afd | select | afd-i686 | select-i686) ;; *) echo "${row[$b]}" ;; esac
  done
  echo
  echo "### $clients clients at once on echo_server_poll"
  echo
  echo "\`examples_soak_driver.exe echo_server_poll crowd $clients\`: $clients clients connected"
  echo "at once, three rounds of lines, then BYE; every line must come back and be printed"
  echo "once, and the server's handle count (GetProcessHandleCount, under Wine 8 the"
  echo "process's entries in NtQuerySystemInformation's handle list; tests/open_handles.h),"
  echo "taken from the driver after a warm-up and after every client left, must come back"
  echo "within a slack of 16. The time is the whole run under Wine, for orientation only."
  echo
  echo "| backend | clients | answered | server handles | time (Wine) | |"
  echo "|---|---:|---:|---|---:|---|"
  for b in afd select afd-i686 select-i686; do
    if [ -n "${crowd[$b]:-}" ]; then echo "${crowd[$b]}"; else
      keep "$b" "| backend | clients |" "$([ "$b" = "${b%-*}" ] && echo "| $b | not measured | | | | |")"
    fi
  done
  for b in "${!crowd[@]}"; do
    case $b in afd | select | afd-i686 | select-i686) ;; *) echo "${crowd[$b]}" ;; esac
  done
  echo "$end"
)
if [ -n "$old" ]; then
  awk -v b="$begin" -v e="$end" -v f=/dev/stdin 'BEGIN { while ((getline l < f) > 0) blk = blk l "\n" }
    $0 == b { printf "%s", blk; skip = 1; next } $0 == e { skip = 0; next } !skip' "$out" \
    <<<"$block" >"$out.tmp"
  mv "$out.tmp" "$out"
else
  printf '\n%s\n' "$block" >>"$out"
fi
echo "== wrote the Windows section of $out" >&2
