#!/usr/bin/env bash
# Issue 11's throughput table (docs/performance-http.md): net/http against
# compat/http under wrk and ab, the servers alternating which goes first.
#   pinned_get   wrk -t 2 -c 1000, keep-alive GET, server on CPU 0, wrk on CPU 1
#   pinned_post  the same with a 1 KiB POST body (the handler reads it)
#   shared_get   keep-alive GET, server and wrk sharing both CPUs
#   shared_get_server_us  the server's CPU (user+system, /proc/PID/stat) per
#                request during shared_get, in microseconds: with no idle
#                CPU, req/s = 2 CPUs / (server + wrk CPU per request)
#   shared_ab    ab -c 1000 without keep-alive, sharing both CPUs
#
# Usage: bench/http-wrk-ab.sh [EVSHIM]
#   EVSHIM   the evshim binary (default: evshim on PATH); its "bench serve"
#            is the server: "Hello, World!" on net/http (std) or compat/http
#            (compat), after reading the request body.
# Environment: ADDR [127.0.0.1:18080], ROUNDS [3], DUR seconds per wrk run
# [10], ABN requests per ab run [30000].
#
# Output: one line per round and server with req/s for each load, the
# 1-minute load average and ab's failed requests, then the medians and their
# ratios (compat/http over net/http).
set -u
EVSHIM=${1:-evshim}
ADDR=${ADDR:-127.0.0.1:18080}
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-10}
ABN=${ABN:-30000}
URL=http://$ADDR/
ulimit -n "$(ulimit -Hn)" 2>/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null' EXIT
echo 'wrk.method = "POST"; wrk.body = string.rep("x", 1024)' > "$OUT/post.lua"

serve() { # impl [cpu]: starts the server, pinned to cpu if given
  if [ -n "${2:-}" ]; then
    taskset -c "$2" "$EVSHIM" bench serve -impl "$1" -addr "$ADDR" > /dev/null 2>&1 &
  else
    "$EVSHIM" bench serve -impl "$1" -addr "$ADDR" > /dev/null 2>&1 &
  fi
  SRV=$!
  sleep 0.5
}
stop() { kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=; sleep 1; }
wrkrate() { awk '/Requests\/sec/{print $2}'; }
cputicks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime+stime, clock ticks

for round in $(seq "$ROUNDS"); do
  order="std compat"; [ $((round % 2)) = 0 ] && order="compat std"
  for impl in $order; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    serve "$impl" 0
    g=$(taskset -c 1 wrk -t 2 -c 1000 -d "${DUR}s" "$URL" | wrkrate)
    p=$(taskset -c 1 wrk -t 2 -c 1000 -d "${DUR}s" -s "$OUT/post.lua" "$URL" | wrkrate)
    stop
    serve "$impl"
    c0=$(cputicks "$SRV")
    wrk -t 2 -c 1000 -d "${DUR}s" "$URL" > "$OUT/wrk"
    c1=$(cputicks "$SRV")
    s=$(wrkrate < "$OUT/wrk")
    su=$(awk -v n="$(awk '/requests in/{print $1}' "$OUT/wrk")" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", t * 1e6 / hz / n}')
    ab -q -n "$ABN" -c 1000 "$URL" > "$OUT/ab" 2>&1
    a=$(awk '/Requests per second/{print $4}' "$OUT/ab")
    af=$(awk '/Failed requests/{print $3}' "$OUT/ab")
    stop
    echo "round=$round impl=$impl loadavg=$load pinned_get=$g pinned_post=$p shared_get=$s shared_get_server_us=$su shared_ab=$a ab_failed=$af" | tee -a "$OUT/lines"
  done
done

echo "medians (compat/http over net/http):"
for k in pinned_get pinned_post shared_get shared_get_server_us shared_ab; do
  med() { grep "impl=$1 " "$OUT/lines" | sed -n "s/.* $k=\([0-9.]*\).*/\1/p" | sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
  s=$(med std); c=$(med compat)
  awk -v k="$k" -v s="$s" -v c="$c" 'BEGIN{printf "  %-20s net/http %9.1f  compat/http %9.1f  %.2fx\n", k, s, c, c/s}'
done
