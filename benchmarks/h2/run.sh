#!/usr/bin/env bash
# TLS termination, HTTP/2 and gRPC through Sluice vs HAProxy vs NGINX, side by side in one interleaved
# run, every client over TLS. See README.md beside this file for what each mode measures and why.
#
#   benchmarks/h2/run.sh [--modes h2,h1,wrk,handshakes,resumed,h2-100,grpc] [--targets sluice,haproxy,nginx]
#                        [--threads 1] [--clients 64] [--streams 10] [--h2-100-clients 16]
#                        [--handshake-batch 256] [--requests 100000] [--duration 10s] [--rounds 3]
#
# Modes (each a table, medians over the rounds, ratios to HAProxy):
#   h2          h2load, h2 by ALPN, --clients connections x --streams concurrent streams
#   h1          h2load --h1: HTTP/1.1 over TLS, one request at a time per connection
#   wrk         wrk: HTTPS keep-alive HTTP/1.1 req/s, --clients connections
#   handshakes  new TLS connections/s, one request each: h2load -c B -n B --h1 (B = --handshake-batch)
#               repeated for --duration; every connection a full handshake (a new h2load process
#               has no session to resume)
#   resumed     resumed TLS connections/s, one request each: wrk -H 'Connection: close' (wrk reconnects
#               with the session it kept, so every connection but the first of each slot resumes)
#   h2-100      h2load, h2 by ALPN, --h2-100-clients connections x 100 concurrent streams
#   grpc        gRPC unary calls/s: h2load posts a framed gRPC message (content-type application/grpc,
#               te: trailers) over h2 to each proxy, which balances per call over two h2c gRPC backends
#               (GrpcBackend.java beside this file)
# The h2load modes (h2, h1, h2-100, grpc) send --requests each; wrk, resumed and handshakes run for
# --duration. CPU per request: user+system CPU seconds of the proxy's processes (/proc/<pid>/stat, NGINX's master
# and workers) over each measured run, divided by the requests that succeeded in it.
#
# Every proxy terminates TLS with the same ECDSA P-256 certificate, runs --threads worker threads and
# balances round robin over the same backends. Rounds interleave modes and targets; round 0 is a
# warm-up (the JIT for Sluice) and is not counted. Needs haproxy, nginx, h2load, wrk, openssl,
# python3, curl and java. Run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/benchmarks/h2"
threads=1 clients=64 streams=10 duration=10s requests=100000 rounds=3 batch=256 h2_100_clients=16
modes=h2,h1,wrk,handshakes,resumed,h2-100,grpc targets=sluice,haproxy,nginx
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --handshake-batch) batch="$2"; shift 2 ;;
    --h2-100-clients) h2_100_clients="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1; options: --modes --targets --threads --clients --streams" \
            "--h2-100-clients --handshake-batch --requests --duration --rounds" >&2; exit 2 ;;
  esac
done
for mode in ${modes//,/ }; do
  case "$mode" in h2|h1|wrk|handshakes|resumed|h2-100|grpc) ;;
    *) echo "run.sh: --modes takes h2, h1, wrk, handshakes, resumed, h2-100 and grpc, got '$mode'" >&2; exit 2 ;; esac
done
for target in ${targets//,/ }; do
  case "$target" in sluice|haproxy|nginx) ;;
    *) echo "run.sh: --targets takes sluice, haproxy and nginx, got '$target'" >&2; exit 2 ;; esac
done
[[ "$duration" =~ ^[1-9][0-9]*s$ ]] || { echo "run.sh: --duration takes whole seconds like 10s, got '$duration'" >&2; exit 2; }
for n in "$threads" "$clients" "$streams" "$rounds" "$batch" "$h2_100_clients" "$requests"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "run.sh: --threads, --clients, --streams, --rounds, --handshake-batch, --h2-100-clients" \
                                   "and --requests take whole numbers, got '$n'" >&2; exit 2; }
done
seconds="${duration%s}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
declare -A package=([haproxy]=haproxy [nginx]=nginx [h2load]=nghttp2-client [wrk]=wrk [openssl]=openssl [python3]=python3 [curl]=curl)
for tool in haproxy nginx h2load wrk openssl python3 curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (Debian package ${package[$tool]}: apt-get install -y ${package[$tool]})" >&2; exit 1; }
done
command -v "$java_bin" >/dev/null || { echo "run.sh: java is missing (a JDK 17, Debian package openjdk-17-jdk-headless)" >&2; exit 1; }

"$root/sluice" --version >/dev/null   # builds the jar now if sources changed, not while a port is awaited
work="$(mktemp -d /tmp/sluice-h2-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # exit runs the EXIT trap; a bare trap would let the script go on
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "run.sh: nothing listens on $1; see $work/*.log" >&2; exit 1
}
# User+system CPU ticks (1/CLK_TCK s) of the given processes and of their threads, dead ones included.
cpu_ticks() {
  local total=0 pid stat fields
  for pid in "$@"; do
    stat="$(<"/proc/$pid/stat")"
    read -r -a fields <<<"${stat##*) }"   # after "pid (comm) ": state is fields[0], utime [11], stime [12]
    total=$(( total + fields[11] + fields[12] ))
  done
  echo "$total"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.sec1" -out "$work/cert.pem" \
  -days 7 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$work/key.sec1" -out "$work/key.pem"
cat "$work/cert.pem" "$work/key.pem" >"$work/haproxy.pem"

backends=()
for b in b1 b2; do
  port="$(free_port)"
  mkdir -p "$work/$b"
  cat >"$work/$b/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/$b/nginx.pid;
error_log $work/$b/error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; location / { return 200 "$(printf '%0100d' 0)"; } }
}
EOF
  nginx -c "$work/$b/nginx.conf" -p "$work/$b" >"$work/$b/out.log" 2>&1 &
  pids+=($!)
  backends+=("$b:$port")
done
grpc_backends=("g1:$(free_port)" "g2:$(free_port)")
if [[ ",$modes," == *,grpc,* ]]; then
  # Java started directly: $! must be the JVM, or cleanup would kill a subshell and leave it running.
  "$java_bin" -XX:+UseParallelGC -Xms128m -cp "$root/cli/target/sluice.jar" "$here/GrpcBackend.java" \
    --ports "${grpc_backends[0]##*:},${grpc_backends[1]##*:}" --threads 1 >"$work/grpc-backends.log" 2>&1 &
  grpc_pid=$!
  pids+=($!)
fi
# One unary request: a gRPC message (flag 0, 4-byte length 100, then 100 bytes) for h2load's -d.
python3 -c 'import sys; sys.stdout.buffer.write(b"\0" + (100).to_bytes(4, "big") + b"x" * 100)' >"$work/grpc-request.bin"

declare -A port
for target in sluice haproxy nginx; do port[$target]="$(free_port)" port[$target-grpc]="$(free_port)"; done
{
  echo "access-log: { path: \"off\" }"
  echo "workers: $threads"
  echo "admin: { listen: 127.0.0.1:$(free_port) }"
  echo "listeners:"
  echo "  - name: web"
  echo "    bind: 127.0.0.1:${port[sluice]}"
  echo "    max-connections: 100000"
  echo "    tls: { certificates: [ { cert: '$work/cert.pem', key: '$work/key.pem' } ] }"
  echo "    routes: [ { cluster: app } ]"
  echo "  - name: grpc"
  echo "    bind: 127.0.0.1:${port[sluice-grpc]}"
  echo "    max-connections: 100000"
  echo "    tls: { certificates: [ { cert: '$work/cert.pem', key: '$work/key.pem' } ] }"
  echo "    routes: [ { cluster: grpc } ]"
  echo "clusters:"
  echo "  - name: app"
  echo "    strategy: round-robin"
  echo "    backends:"
  for b in "${backends[@]}"; do echo "      - { id: ${b%%:*}, address: '127.0.0.1:${b##*:}' }"; done
  echo "  - name: grpc"
  echo "    strategy: round-robin"
  echo "    upstream: { protocol: h2c }"
  echo "    backends:"
  for b in "${grpc_backends[@]}"; do echo "      - { id: ${b%%:*}, address: '127.0.0.1:${b##*:}' }"; done
} >"$work/sluice.yaml"
{
  echo "global"
  echo "  nbthread $threads"
  echo "  maxconn 8000"
  echo "defaults"
  echo "  mode http"
  echo "  timeout connect 5s"
  echo "  timeout client 60s"
  echo "  timeout server 60s"
  echo "  http-reuse always"
  echo "frontend web"
  echo "  bind 127.0.0.1:${port[haproxy]} ssl crt $work/haproxy.pem alpn h2,http/1.1"
  echo "  default_backend app"
  echo "frontend grpc"
  echo "  bind 127.0.0.1:${port[haproxy-grpc]} ssl crt $work/haproxy.pem alpn h2,http/1.1"
  echo "  default_backend grpc"
  echo "backend app"
  echo "  balance roundrobin"
  for b in "${backends[@]}"; do echo "  server ${b%%:*} 127.0.0.1:${b##*:}"; done
  echo "backend grpc"
  echo "  balance roundrobin"
  for b in "${grpc_backends[@]}"; do echo "  server ${b%%:*} 127.0.0.1:${b##*:} proto h2"; done
} >"$work/haproxy.cfg"
{
  echo "worker_processes $threads;"
  echo "daemon off;"
  echo "pid $work/nginx.pid;"
  echo "error_log $work/nginx.log error;"
  echo "events { worker_connections 8000; }"
  echo "http {"
  echo "  access_log off;"
  echo "  keepalive_requests 1000000;"
  echo "  upstream app {"
  for b in "${backends[@]}"; do echo "    server 127.0.0.1:${b##*:};"; done
  echo "    keepalive 256;"
  echo "  }"
  echo "  upstream grpc {"
  for b in "${grpc_backends[@]}"; do echo "    server 127.0.0.1:${b##*:};"; done
  echo "    keepalive 256;"
  echo "  }"
  echo "  server {"
  echo "    listen 127.0.0.1:${port[nginx]} ssl http2;"
  echo "    ssl_certificate $work/cert.pem;"
  echo "    ssl_certificate_key $work/key.pem;"
  echo "    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; }"
  echo "  }"
  echo "  server {"
  echo "    listen 127.0.0.1:${port[nginx-grpc]} ssl http2;"
  echo "    ssl_certificate $work/cert.pem;"
  echo "    ssl_certificate_key $work/key.pem;"
  echo "    location / { grpc_pass grpc://grpc; }"
  echo "  }"
  echo "}"
} >"$work/nginx.conf"

declare -A proc   # the processes whose CPU counts for each target
for target in ${targets//,/ }; do
  case "$target" in
    sluice) "$root/sluice" proxy --config "$work/sluice.yaml" >"$work/sluice.log" 2>&1 & ;;   # exec's the JVM
    haproxy) haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 & ;;
    nginx) nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.out" 2>&1 & ;;
  esac
  pids+=($!)
  proc[$target]=$!
done
for target in ${targets//,/ }; do wait_port "${port[$target]}"; wait_port "${port[$target-grpc]}"; done
if [[ ",$modes," == *,grpc,* ]]; then
  wait_port "${grpc_backends[0]##*:}"; wait_port "${grpc_backends[1]##*:}"
fi
if [[ ",$targets," == *,nginx,* ]]; then   # the master's workers, forked by now
  for _ in $(seq 1 100); do [ "$(pgrep -c -P "${proc[nginx]}")" -ge "$threads" ] && break; sleep 0.05; done
  proc[nginx]="${proc[nginx]} $(pgrep -P "${proc[nginx]}" | tr '\n' ' ')"
fi
for target in ${targets//,/ }; do
  case "$target" in
    sluice) echo "sluice: $(grep -h -m1 -o 'TLS by .*' "$work/sluice.log" | sed 's/^TLS by //' || echo '?')" ;;
    haproxy) echo "haproxy: $(haproxy -vv 2>/dev/null | grep -m1 -o 'Running on .*' || echo '?')" ;;
    nginx) echo "nginx: $(nginx -V 2>&1 | grep -m1 -o 'built with OpenSSL.*' || echo '?')" ;;
  esac
done >"$work/providers.txt"
if [[ ",$modes," == *,grpc,* ]]; then
  # h2load counts HTTP 200 as success and never reads grpc-status: one call through each proxy first,
  # whose trailers must say grpc-status 0, or the gRPC figures would count failed calls.
  for target in ${targets//,/ }; do
    curl -s -k --http2 -H 'content-type: application/grpc' -H 'te: trailers' --data-binary "@$work/grpc-request.bin" \
      -D "$work/$target-grpc-check.txt" -o /dev/null "https://127.0.0.1:${port[$target-grpc]}/bench.Echo/Call" || true
    grep -qi '^grpc-status: 0' "$work/$target-grpc-check.txt" 2>/dev/null \
      || { echo "run.sh: a gRPC call through $target did not end in grpc-status 0; see $work/$target-grpc-check.txt" >&2; exit 1; }
  done
fi
echo "backends ${backends[*]} ${grpc_backends[*]}; targets $targets on ports:$(for t in ${targets//,/ }; do printf ' %s %s/%s' "$t" "${port[$t]}" "${port[$t-grpc]}"; done)"
echo "modes $modes; --clients $clients --streams $streams --h2-100-clients $h2_100_clients --handshake-batch $batch;" \
     "$rounds rounds + a warm-up round of $requests requests (h2load modes) or $duration (wrk, handshakes);" \
     "$threads thread(s); files in $work"

# One measured run of $mode against $target: $work/$target-$mode-$round.{txt,log,cpu}. The h2load modes
# send a fixed count of requests (-n), not for a duration: h2load -D over TLS with request bodies did not
# always finish against Sluice (README.md, "Why a request count"); their time and rate are h2load's.
measure() {
  local mode="$1" target="$2" round="$3"
  local base="$work/$target-$mode-$round" url="https://127.0.0.1:${port[$target]}/" before after
  local limit=$(( seconds + 120 )) load=()
  case "$mode" in
    h2) load=(-c "$clients" -m "$streams" "$url") ;;
    h1) load=(-c "$clients" --h1 "$url") ;;
    h2-100) load=(-c "$h2_100_clients" -m 100 "$url") ;;
    grpc) load=(-c "$clients" -m "$streams" -d "$work/grpc-request.bin" -H 'content-type: application/grpc'
                -H 'te: trailers' "https://127.0.0.1:${port[$target-grpc]}/bench.Echo/Call") ;;
  esac
  before="$(cpu_ticks ${proc[$target]})"
  if [ ${#load[@]} -gt 0 ]; then
    timeout "$limit" h2load -t 1 -n "$requests" --log-file "$base.log" "${load[@]}" >"$base.txt" 2>&1 \
      || echo "run.sh: $target $mode round $round failed; see $base.txt" >&2
    after="$(cpu_ticks ${proc[$target]})"
    echo "$(( after - before ))" >"$base.cpu"
    return
  fi
  case "$mode" in
    wrk|resumed)
      local extra=()
      [ "$mode" = resumed ] && extra=(-H 'Connection: close')
      timeout "$limit" wrk -t 1 -c "$clients" -d "$duration" --latency "${extra[@]}" "$url" \
        >"$base.txt" 2>&1 || echo "run.sh: $target $mode round $round failed; see $base.txt" >&2 ;;
    handshakes)
      # Batches of $batch new connections, one request each, until $duration has passed; the rate is
      # the requests that succeeded over the whole loop's wall time (h2load's start-up included).
      local start end n=0
      : >"$base.txt"; : >"$base.log"
      start="$(date +%s%N)"
      while [ $(( $(date +%s%N) - start )) -lt $(( seconds * 1000000000 )) ]; do
        timeout 60 h2load -c "$batch" -n "$batch" -t 1 --h1 --log-file "$base.batch.log" "$url" \
          >>"$base.txt" 2>&1 || echo "run.sh: $target $mode round $round batch $n failed; see $base.txt" >&2
        cat "$base.batch.log" >>"$base.log" 2>/dev/null || true
        n=$(( n + 1 ))
      done
      end="$(date +%s%N)"
      rm -f "$base.batch.log"
      echo "$(( end - start ))" >"$base.elapsed" ;;
  esac
  after="$(cpu_ticks ${proc[$target]})"
  echo "$(( after - before ))" >"$base.cpu"
}

for round in $(seq 0 "$rounds"); do
  for mode in ${modes//,/ }; do
    for target in ${targets//,/ }; do measure "$mode" "$target" "$round"; done
  done
done
if [[ ",$modes," == *,grpc,* ]]; then
  kill "$grpc_pid" 2>/dev/null && sleep 0.5   # the gRPC backends print the calls they answered on exit
fi

python3 "$here/table.py" "$work" "$rounds" "$modes" "$targets" "$(getconf CLK_TCK)"
