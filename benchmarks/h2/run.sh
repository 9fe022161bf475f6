#!/usr/bin/env bash
# TLS termination and HTTP/2 through Sluice vs HAProxy vs NGINX, side by side in one run, driven by
# h2load (Debian nghttp2-client) over TLS: h2 by ALPN, and HTTP/1.1 over TLS (h2load --h1).
#
#   benchmarks/h2/run.sh [--threads 1] [--clients 64] [--streams 10] [--duration 10s] [--rounds 3]
#
# Every proxy terminates TLS with the same ECDSA P-256 certificate, runs --threads worker threads and
# balances round robin over the same two backends (single-worker NGINX instances answering a fixed
# 100-byte body over HTTP/1.1 keep-alive). Rounds interleave the targets; round 0 is a warm-up (the
# JIT for Sluice) and is not counted. Latency percentiles come from h2load's per-request log.
# Needs haproxy, nginx and h2load. Run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads=1 clients=64 streams=10 duration=10s rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1; options: --threads --clients --streams --duration --rounds" >&2; exit 2 ;;
  esac
done
for tool in haproxy nginx h2load openssl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install -y haproxy nginx nghttp2-client openssl)" >&2; exit 1; }
done

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

sluice_port="$(free_port)" haproxy_port="$(free_port)" nginx_port="$(free_port)"
{
  echo "access-log: { path: \"off\" }"
  echo "workers: $threads"
  echo "admin: { listen: 127.0.0.1:$(free_port) }"
  echo "listeners:"
  echo "  - name: web"
  echo "    bind: 127.0.0.1:$sluice_port"
  echo "    max-connections: 100000"
  echo "    tls: { certificates: [ { cert: '$work/cert.pem', key: '$work/key.pem' } ] }"
  echo "    routes: [ { cluster: app } ]"
  echo "clusters:"
  echo "  - name: app"
  echo "    strategy: round-robin"
  echo "    backends:"
  for b in "${backends[@]}"; do echo "      - { id: ${b%%:*}, address: '127.0.0.1:${b##*:}' }"; done
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
  echo "  bind 127.0.0.1:$haproxy_port ssl crt $work/haproxy.pem alpn h2,http/1.1"
  echo "  default_backend app"
  echo "backend app"
  echo "  balance roundrobin"
  for b in "${backends[@]}"; do echo "  server ${b%%:*} 127.0.0.1:${b##*:}"; done
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
  echo "  server {"
  echo "    listen 127.0.0.1:$nginx_port ssl http2;"
  echo "    ssl_certificate $work/cert.pem;"
  echo "    ssl_certificate_key $work/key.pem;"
  echo "    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; }"
  echo "  }"
  echo "}"
} >"$work/nginx.conf"

"$root/sluice" proxy --config "$work/sluice.yaml" >"$work/sluice.log" 2>&1 &
pids+=($!)
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.out" 2>&1 &
pids+=($!)
for p in "$sluice_port" "$haproxy_port" "$nginx_port"; do wait_port "$p"; done
echo "backends ${backends[*]}; sluice :$sluice_port, haproxy :$haproxy_port, nginx :$nginx_port; h2load -c $clients" \
     "-m $streams -D $duration, $rounds rounds, $threads thread(s); files in $work"

for round in $(seq 0 "$rounds"); do
  for mode in h2 h1; do
    for target in sluice:$sluice_port haproxy:$haproxy_port nginx:$nginx_port; do
      name="${target%%:*}"
      extra=()
      [ "$mode" = h1 ] && extra=(--h1)
      timeout $(( ${duration%s} + 60 )) h2load -c "$clients" -m "$streams" -D "${duration%s}" -t 1 "${extra[@]}" \
        --log-file "$work/$name-$mode-$round.log" "https://127.0.0.1:${target##*:}/" \
        >"$work/$name-$mode-$round.txt" 2>&1 || echo "run.sh: $name $mode round $round failed; see $work/$name-$mode-$round.txt" >&2
    done
  done
done

python3 - "$work" "$rounds" <<'PY'
import re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def one(name, mode, r):
    text = open(f"{work}/{name}-{mode}-{r}.txt").read()
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    failed = int(re.search(r"(\d+) failed", text).group(1))
    lat = sorted(int(l.split("\t")[2]) for l in open(f"{work}/{name}-{mode}-{r}.log") if l.count("\t") >= 2)
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000.0
    return rps, pct(0.50), pct(0.99), failed
for mode, title in (("h2", "h2 over TLS (ALPN)"), ("h1", "HTTP/1.1 over TLS")):
    rows = {}
    for name in ("sluice", "haproxy", "nginx"):
        runs = []
        for r in range(1, rounds + 1):
            try:
                runs.append(one(name, mode, r))
            except (OSError, AttributeError, ValueError):
                pass
        if runs:
            rows[name] = tuple(statistics.median(x[i] for x in runs) for i in range(3)) + (sum(x[3] for x in runs),)
    print(f"\n{title}: medians of {rounds} rounds")
    print("| target | req/s | p50 ms | p99 ms | failed | req/s vs HAProxy | p99 vs HAProxy | req/s vs NGINX |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (rps, p50, p99, failed) in rows.items():
        h, n = rows.get("haproxy"), rows.get("nginx")
        print(f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {failed} | "
              f"{rps / h[0] if h else float('nan'):.2f}x | {p99 / h[2] if h else float('nan'):.2f}x | "
              f"{rps / n[0] if n else float('nan'):.2f}x |")
PY
