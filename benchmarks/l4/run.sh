#!/usr/bin/env bash
# L4 relay throughput: Sluice (protocol: tcp / udp) vs HAProxy (mode tcp) vs NGINX (stream, tcp and udp),
# side by side in one run, driven by L4Load.java (beside this file) against its own echo and source
# backends. See README.md beside this file.
#
#   benchmarks/l4/run.sh [--duration 10s] [--rounds 3] [--threads 1] [--bulk-connections 8]
#                        [--rr-connections 32] [--udp-sockets 32] [--size 64] [--tests bulk,rr,udp]
#
# Needs haproxy, nginx with its stream module (Debian: libnginx-mod-stream), a JDK 17 `java` and python3.
# Run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/benchmarks/l4"
duration=10s rounds=3 threads=1 bulk_connections=8 rr_connections=32 udp_sockets=32 size=64 tests=bulk,rr,udp
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --bulk-connections) bulk_connections="$2"; shift 2 ;;
    --rr-connections) rr_connections="$2"; shift 2 ;;
    --udp-sockets) udp_sockets="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --tests) tests="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1; options: --duration --rounds --threads --bulk-connections --rr-connections" \
            "--udp-sockets --size --tests" >&2; exit 2 ;;
  esac
done
for test in ${tests//,/ }; do
  case "$test" in bulk|rr|udp) ;; *) echo "run.sh: --tests takes bulk, rr and udp, got $test" >&2; exit 2 ;; esac
done
for tool in haproxy nginx python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
if nginx -V 2>&1 | grep -q 'with-stream=dynamic' && [ ! -f /usr/lib/nginx/modules/ngx_stream_module.so ]; then
  echo "run.sh: nginx's stream module is missing (apt-get install -y libnginx-mod-stream)" >&2; exit 1
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

"$root/sluice" --version >/dev/null   # builds the jar now if sources changed, not while a port is awaited
work="$(mktemp -d /tmp/sluice-l4-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # exit runs the EXIT trap; a bare trap would let the script go on
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "run.sh: nothing listens on $1; see $work/*.log" >&2; exit 1
}
load() { "$java_bin" -XX:+UseParallelGC -Xms256m "$here/L4Load.java" "$@"; }

# The backends: one process, a TCP echo (rr), a TCP source (bulk) and a UDP echo (udp), two threads on it.
echo_port="$(free_port)" source_port="$(free_port)" udp_echo_port="$(free_udp_port)"
# Java started directly, not through the load function: $! must be the JVM, or cleanup would kill a
# subshell and leave the backends running.
"$java_bin" -XX:+UseParallelGC -Xms256m "$here/L4Load.java" serve --tcp-echo "$echo_port" --tcp-source "$source_port" \
  --udp-echo "$udp_echo_port" --threads 2 >"$work/backends.log" 2>&1 &
pids+=($!)

declare -A port
for target in sluice haproxy nginx; do
  port[$target-rr]="$(free_port)" port[$target-bulk]="$(free_port)"
done
port[sluice-udp]="$(free_udp_port)" port[nginx-udp]="$(free_udp_port)"
{
  echo "access-log: { path: \"off\" }"
  echo "workers: $threads"
  echo "admin: { listen: 127.0.0.1:$(free_port) }"
  echo "listeners:"
  echo "  - { name: rr, protocol: tcp, bind: 127.0.0.1:${port[sluice-rr]}, cluster: echo, max-connections: 100000 }"
  echo "  - { name: bulk, protocol: tcp, bind: 127.0.0.1:${port[sluice-bulk]}, cluster: source, max-connections: 100000 }"
  echo "  - { name: udp, protocol: udp, bind: 127.0.0.1:${port[sluice-udp]}, cluster: udp-echo }"
  echo "clusters:"
  echo "  - { name: echo, strategy: round-robin, backends: [ { id: e1, address: '127.0.0.1:$echo_port' } ] }"
  echo "  - { name: source, strategy: round-robin, backends: [ { id: s1, address: '127.0.0.1:$source_port' } ] }"
  echo "  - { name: udp-echo, strategy: round-robin, backends: [ { id: u1, address: '127.0.0.1:$udp_echo_port' } ] }"
} >"$work/sluice.yaml"
{
  echo "global"
  echo "  nbthread $threads"
  echo "  maxconn 4000"
  echo "defaults"
  echo "  mode tcp"
  echo "  timeout connect 10s"
  echo "  timeout client 10m"
  echo "  timeout server 10m"
  echo "listen rr"
  echo "  bind 127.0.0.1:${port[haproxy-rr]}"
  echo "  server e1 127.0.0.1:$echo_port"
  echo "listen bulk"
  echo "  bind 127.0.0.1:${port[haproxy-bulk]}"
  echo "  server s1 127.0.0.1:$source_port"
} >"$work/haproxy.cfg"
{
  # Debian builds the stream module as a dynamic module.
  for m in /usr/lib/nginx/modules/ngx_stream_module.so; do [ -f "$m" ] && echo "load_module $m;"; done
  echo "worker_processes $threads;"
  echo "worker_rlimit_nofile 10000;"
  echo "daemon off;"
  echo "pid $work/nginx.pid;"
  echo "error_log $work/nginx.log error;"
  echo "events { worker_connections 4000; }"
  echo "stream {"
  echo "  proxy_timeout 10m;"
  echo "  proxy_connect_timeout 10s;"
  echo "  server { listen 127.0.0.1:${port[nginx-rr]}; proxy_pass 127.0.0.1:$echo_port; }"
  echo "  server { listen 127.0.0.1:${port[nginx-bulk]}; proxy_pass 127.0.0.1:$source_port; }"
  # reuseport: one socket per worker, the kernel spreading flows by their 4-tuple (as Sluice's one socket
  # per listener does not; with --threads 1 the two are alike).
  echo "  server { listen 127.0.0.1:${port[nginx-udp]} udp reuseport; proxy_pass 127.0.0.1:$udp_echo_port; }"
  echo "}"
} >"$work/nginx.conf"

"$root/sluice" proxy --config "$work/sluice.yaml" >"$work/sluice.log" 2>&1 &
pids+=($!)
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.out" 2>&1 &
pids+=($!)
for p in "$echo_port" "$source_port" "${port[sluice-rr]}" "${port[haproxy-rr]}" "${port[nginx-rr]}"; do wait_port "$p"; done
echo "backends echo :$echo_port, source :$source_port, udp echo :$udp_echo_port; tests $tests, $duration each," \
     "$rounds rounds, $threads proxy thread(s); files in $work"

# Round 0 is a warm-up (the JIT for Sluice), not counted. Rounds interleave the targets so the
# machine's noise falls on all alike. HAProxy has no UDP proxy: udp is Sluice vs NGINX.
for round in $(seq 0 "$rounds"); do
  for test in ${tests//,/ }; do
    case "$test" in
      bulk) targets="sluice haproxy nginx"; args=(--connections "$bulk_connections") ;;
      rr) targets="sluice haproxy nginx"; args=(--connections "$rr_connections" --size "$size") ;;
      udp) targets="sluice nginx"; args=(--sockets "$udp_sockets" --size "$size") ;;
    esac
    for name in $targets; do
      out="$work/$test-$name-$round"
      load "$test" --target "127.0.0.1:${port[$name-$test]}" --duration "$duration" "${args[@]}" \
        >"$out.txt" 2>"$out.err" || echo "run.sh: $test through $name, round $round failed; see $out.*" >&2
    done
  done
done

python3 "$here/table.py" "$work" "$rounds" "$tests" | tee "$work/table.md"
