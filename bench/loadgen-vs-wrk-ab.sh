#!/usr/bin/env bash
# Issue 14's comparison (docs/loadgen.md, "At 1,000 and 10,000 connections"):
# "evshim bench load" against wrk (keep-alive, 1,000 and 10,000 connections)
# and ab (a new connection per request, 1,000 concurrent) on the same server,
# net/http and compat/http, in alternating rounds: the reference tool first in
# odd rounds, evshim first in even ones. Client and server share the machine.
# Every tool sends the same header lines: evshim's defaults (Host,
# User-Agent: evshim-bench, Accept: */*, and Connection: close without
# keep-alive), given to wrk and ab with -H; only ab's request line differs
# (HTTP/1.0, which ab cannot change). wrk alone sends Host only, and
# compat/http allocates about 25% more per request for evshim's two extra lines
# (docs/loadgen.md, "Third session"), so without -H the tools would not
# load the server with the same work.
#
# Usage: bench/loadgen-vs-wrk-ab.sh [EVSHIM]
#   EVSHIM   the evshim binary (default: evshim on PATH). Build it with
#            (cd cmd/evshim && go build -o /tmp/evshim .)
# Environment (defaults in brackets):
#   SERVER   server command, given "-impl std|compat -addr HOST:PORT"
#            ["$EVSHIM bench serve"]: a 13-byte hello world on net/http
#            (std) or compat/http (compat)
#   ADDR     [127.0.0.1:18190]     ROUNDS [5]     DUR seconds per timed run [10]
#   IMPLS    ["std compat"]        LOADS ["ka1000 ka10000 new1000"]
#   ABN      requests per ab run [30000]
#   EXTRA    extra "bench load" flags, e.g. "-engine goroutine" [none]
#   PERF=1   also count each tool's context switches per response (perf stat)
#   PIN=1    pin the server to CPU 0 and the tools to CPU 1 (taskset), so
#            that a tool's CPU is not taken from the server
#
# Output: one line per round and load with both rates, their ratio
# (evshim / reference), the 1-minute load average at the round's start, and
# for each tool its own CPU per response (tool_us: user+sys of the tool's
# process, from bash's "time") and the server's CPU per response while that
# tool ran (srv_us: the utime+stime delta of /proc/SERVER/stat over the
# tool's run, divided by the responses the tool completed); then per impl and
# load the median ratio and range, and the medians of both CPU figures.
# When srv_us agrees under both tools while the rates differ, the tools
# measured the same server work, and the rate difference is what the tool's
# own CPU took from (or left to) the server.
set -u
EVSHIM=${1:-evshim}
SERVER=${SERVER:-"$EVSHIM bench serve"}
ADDR=${ADDR:-127.0.0.1:18190}
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-10}
IMPLS=${IMPLS:-"std compat"}
LOADS=${LOADS:-"ka1000 ka10000 new1000"}
ABN=${ABN:-30000}
EXTRA=${EXTRA:-}
PERF=${PERF:-0}
PIN=${PIN:-0}
SRVPIN=; CLIPIN=
if [ "$PIN" = 1 ]; then SRVPIN="taskset -c 0"; CLIPIN="taskset -c 1"; fi
URL=http://$ADDR/
# The header lines evshim sends by default (internal/loadgen buildRequest),
# for wrk and ab; ab places Host after them, wrk in its own order.
HDR=(-H 'User-Agent: evshim-bench' -H 'Accept: */*')
ulimit -n "$(ulimit -Hn)" 2>/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null' EXIT

TCK=$(getconf CLK_TCK)
# srvcpu: the server's user+sys CPU so far, in clock ticks (fields 14 and 15
# of /proc/PID/stat; the command name, field 2, has no spaces here).
srvcpu() { awk '{print $14+$15}' "/proc/$SRV/stat"; }
# run NAME CMD...: runs CMD with its output in $OUT/NAME, its own user+sys
# seconds in $OUT/NAME.time and the server's CPU ticks over the run in
# $OUT/NAME.srv; under perf stat when PERF=1.
run() {
  local name=$1 s0 TIMEFORMAT='%U %S'; shift
  s0=$(srvcpu)
  if [ "$PERF" = 1 ]; then
    { time perf stat -x, -e context-switches -o "$OUT/$name.perf" $CLIPIN "$@" > "$OUT/$name" 2>&1; } 2> "$OUT/$name.time"
  else
    { time $CLIPIN "$@" > "$OUT/$name" 2>&1; } 2> "$OUT/$name.time"
  fi
  echo $(( $(srvcpu) - s0 )) > "$OUT/$name.srv"
}
# cpu NAME RESPONSES: the tool's and the server's µs of CPU per response,
# and the tool's context switches per response when PERF=1.
cpu() {
  awk -v n="$2" -v tck="$TCK" 'FILENAME ~ /time$/{t=$1+$2} FILENAME ~ /srv$/{s=$1/tck}
    END{if (n>0) printf " tool_us=%.1f srv_us=%.1f", t*1e6/n, s*1e6/n}' "$OUT/$1.time" "$OUT/$1.srv"
  [ "$PERF" = 1 ] || return 0
  awk -F, -v n="$2" '$3=="context-switches"{s=$1}
    END{if (n>0) printf " cs=%.3f", s/n}' "$OUT/$1.perf"
}

ref() { # load: runs the reference tool, sets R (rate) and RN (responses)
  case $1 in
  ka*) run ref wrk -t 2 -c "${1#ka}" -d "${DUR}s" --timeout 30s "${HDR[@]}" "$URL"
       R=$(awk '/Requests\/sec/{print $2}' "$OUT/ref")
       RN=$(awk '/requests in/{print $1}' "$OUT/ref") ;;
  new*) run ref ab -q -n "$ABN" -c "${1#new}" "${HDR[@]}" -H 'Connection: close' "$URL"
       R=$(awk '/Requests per second/{print $4}' "$OUT/ref")
       RN=$(awk '/Complete requests/{print $3}' "$OUT/ref") ;;
  esac
}
ev() { # load: runs evshim bench load, sets E (rate) and EN (responses)
  case $1 in
  ka*) run ev "$EVSHIM" bench load $EXTRA -c "${1#ka}" -k -t "$DUR" -r -allow-errors "$URL" ;;
  new*) run ev "$EVSHIM" bench load $EXTRA -c "${1#new}" -n "$ABN" -r -allow-errors "$URL" ;;
  esac
  E=$(sed -n 's/^responses .*s, \([0-9.]*\) requests\/s.*/\1/p' "$OUT/ev")
  EN=$(awk '/^responses/{print $2}' "$OUT/ev")
}

for impl in $IMPLS; do
  $SRVPIN $SERVER -impl "$impl" -addr "$ADDR" > /dev/null 2>&1 & SRV=$!
  sleep 1
  for round in $(seq "$ROUNDS"); do
    for load in $LOADS; do
      la=$(cut -d' ' -f1 /proc/loadavg)
      if [ $((round % 2)) = 1 ]; then ref "$load"; sleep 2; ev "$load"; else ev "$load"; sleep 2; ref "$load"; fi
      ratio=$(awk -v e="${E:-0}" -v r="${R:-0}" 'BEGIN{if (r>0) printf "%.2f", e/r; else print "n/a"}')
      echo "impl=$impl load=$load round=$round loadavg=$la ref=${R:-?}$(cpu ref "${RN:-0}") evshim=${E:-?}$(cpu ev "${EN:-0}") ratio=$ratio" | tee -a "$OUT/all"
      grep -h 'Socket errors\|Failed requests\|^errors' "$OUT/ref" "$OUT/ev" | grep -v 'errors       none\|Failed requests:        0' | sed 's/^/    /'
      sleep 2
    done
  done
  kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=
  sleep 2
done

# median FIELD N: the median of the Nth "FIELD=" value on the lines on stdin
# (1: the reference tool's, 2: evshim's).
median() {
  awk -v f="$1=" -v k="$2" '{n=0; for (i=1; i<=NF; i++) if (index($i, f)==1 && ++n==k) print substr($i, length(f)+1)}' |
    sort -n | awk '{v[NR]=$1} END{if (NR) print v[int((NR+1)/2)]; else print "?"}'
}
echo "median ratio (evshim / wrk or ab), range, rounds where evshim was lower;"
echo "median CPU per response in µs, reference / evshim: the tool's own, the server's while the tool ran:"
for impl in $IMPLS; do
  for load in $LOADS; do
    lines=$(grep "impl=$impl load=$load " "$OUT/all")
    [ -n "$lines" ] || continue
    r=$(sed 's/.*ratio=//' <<<"$lines" | sort -n | awk '
      {v[NR]=$1; if ($1<1) low++}
      END{printf "%s (%s-%s), lower in %d of %d", v[int((NR+1)/2)], v[1], v[NR], low, NR}')
    printf "  %-16s %s; tool %s / %s, server %s / %s\n" "$impl $load" "$r" \
      "$(median tool_us 1 <<<"$lines")" "$(median tool_us 2 <<<"$lines")" \
      "$(median srv_us 1 <<<"$lines")" "$(median srv_us 2 <<<"$lines")"
  done
done
