#!/usr/bin/env bash
# The memory checker tools/valgrind.sh gives `ctest -T memcheck`. CTest runs
#   <this> --log-file=<log> <valgrind options> <test command...>
# and reads <log>. Valgrind would have every process it follows (an example
# program the test driver starts) truncate that one file, so each process
# writes its own <log>.pid<N> here, and <log> gets them all, in order.
# (CTest takes a checker for valgrind by its name: keep "valgrind" in it.)
set -u
log=${1#--log-file=}
shift
rm -f "$log".pid*
status=0
valgrind --log-file="$log.pid%p" "$@" || status=$?
cat "$log".pid* >"$log" 2>/dev/null
rm -f "$log".pid*
exit "$status"
