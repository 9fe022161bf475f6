#!/usr/bin/env bash
# MQTT through Sluice vs HAProxy (mode tcp) vs NGINX (stream), side by side in one run, driven by
# `./sluice mqtt-load` against three local mosquitto brokers. See README.md beside this file.
#
#   benchmarks/mqtt/run.sh [--devices 2000] [--rate 5] [--qos 1] [--duration 20s] [--rounds 3] [--threads 1]
#
# Needs mosquitto, haproxy and nginx (Debian packages) and `ulimit -n` of at least 3 x devices + 1000
# in this shell (the generator, each proxy and the brokers inherit it). Run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
devices=2000 rate=5 qos=1 duration=20s rounds=3 threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) devices="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --qos) qos="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1; options: --devices --rate --qos --duration --rounds --threads" >&2; exit 2 ;;
  esac
done
for tool in mosquitto haproxy nginx; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
if nginx -V 2>&1 | grep -q 'with-stream=dynamic' && [ ! -f /usr/lib/nginx/modules/ngx_stream_module.so ]; then
  echo "run.sh: nginx's stream module is missing (apt-get install -y libnginx-mod-stream)" >&2; exit 1
fi
need=$((3 * devices + 1000))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  echo "run.sh: ulimit -n is $(ulimit -n); $devices devices need about $need: ulimit -n 65536 first" >&2; exit 1
fi

"$root/sluice" --version >/dev/null   # builds the jar now if sources changed, not while a port is awaited
work="$(mktemp -d /tmp/sluice-mqtt-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # exit runs the EXIT trap; a bare trap would let the script go on
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "run.sh: nothing listens on $1; see $work/*.log" >&2; exit 1
}

brokers=()
for b in b1 b2 b3; do
  port="$(free_port)"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\nlog_type error\n' "$port" >"$work/$b.conf"
  mosquitto -c "$work/$b.conf" >"$work/$b.log" 2>&1 &
  pids+=($!)
  brokers+=("$b:$port")
done

sluice_port="$(free_port)" haproxy_port="$(free_port)" nginx_port="$(free_port)"
{
  echo "access-log: { path: \"off\" }"
  echo "workers: $threads"
  echo "admin: { listen: 127.0.0.1:$(free_port) }"
  echo "listeners:"
  echo "  - { name: mqtt, protocol: mqtt, bind: 127.0.0.1:$sluice_port, cluster: brokers, max-connections: 1000000 }"
  echo "clusters:"
  echo "  - name: brokers"
  echo "    strategy: ring-hash"
  echo "    timeouts: { connect: 10s }"
  echo "    backends:"
  for b in "${brokers[@]}"; do echo "      - { id: ${b%%:*}, address: '127.0.0.1:${b##*:}' }"; done
} >"$work/sluice.yaml"
{
  echo "global"
  echo "  nbthread $threads"
  echo "  maxconn $((2 * devices + 100))"
  echo "defaults"
  echo "  mode tcp"
  echo "  timeout connect 10s"
  echo "  timeout client 10m"
  echo "  timeout server 10m"
  echo "listen mqtt"
  echo "  bind 127.0.0.1:$haproxy_port"
  echo "  balance roundrobin"
  for b in "${brokers[@]}"; do echo "  server ${b%%:*} 127.0.0.1:${b##*:}"; done
} >"$work/haproxy.cfg"
{
  # Debian builds the stream module as a dynamic module.
  for m in /usr/lib/nginx/modules/ngx_stream_module.so; do [ -f "$m" ] && echo "load_module $m;"; done
  echo "worker_processes $threads;"
  echo "worker_rlimit_nofile $((2 * devices + 100));"
  echo "daemon off;"
  echo "pid $work/nginx.pid;"
  echo "error_log $work/nginx.log error;"
  echo "events { worker_connections $((2 * devices + 100)); }"
  echo "stream {"
  echo "  upstream brokers {"
  for b in "${brokers[@]}"; do echo "    server 127.0.0.1:${b##*:};"; done
  echo "  }"
  echo "  server { listen 127.0.0.1:$nginx_port; proxy_pass brokers; proxy_timeout 10m; proxy_connect_timeout 10s; }"
  echo "}"
} >"$work/nginx.conf"

"$root/sluice" proxy --config "$work/sluice.yaml" >"$work/sluice.log" 2>&1 &
pids+=($!)
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.out" 2>&1 &
pids+=($!)
for p in "$sluice_port" "$haproxy_port" "$nginx_port"; do wait_port "$p"; done
echo "brokers ${brokers[*]}; sluice :$sluice_port, haproxy :$haproxy_port, nginx :$nginx_port; $devices devices," \
     "$rate msg/s each, QoS $qos, $duration, $rounds rounds, $threads thread(s); files in $work"

# Round 0 is a warm-up (the JIT for Sluice), not counted. Rounds interleave the targets so the
# machine's noise falls on all alike.
for round in $(seq 0 "$rounds"); do
  for target in sluice:$sluice_port haproxy:$haproxy_port nginx:$nginx_port; do
    name="${target%%:*}"
    "$root/sluice" mqtt-load --target "127.0.0.1:${target##*:}" --devices "$devices" --rate "$rate" --qos "$qos" \
      --duration "$duration" --storm --connect-rate 100000 --max-pending 1000 --seed "$round" \
      >"$work/$name-$round.txt" 2>>"$work/$name-$round.err" || echo "run.sh: $name round $round failed; see $work/$name-$round.*" >&2
  done
done

# Medians over the rounds: storm connects/s and its p99, publish messages/s and PUBACK p99.
python3 - "$work" "$rounds" <<'PY'
import re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def fields(line):
    rate = float(re.search(r"= (\d+)/s", line).group(1))
    p99 = re.search(r"p99 ([\d.]+)", line)
    return rate, float(p99.group(1)) if p99 else float("nan")
rows = {}
for name in ("sluice", "haproxy", "nginx"):
    storm, pub = [], []
    for r in range(1, rounds + 1):
        try:
            text = open(f"{work}/{name}-{r}.txt").read().splitlines()
        except OSError:
            continue
        for line in text:
            if line.startswith("storm:"): storm.append(fields(line))
            if line.startswith("publish:"): pub.append(fields(line))
    if storm and pub:
        med = lambda xs, i: statistics.median(x[i] for x in xs)
        rows[name] = (med(storm, 0), med(storm, 1), med(pub, 0), med(pub, 1))
print(f"{'target':8} {'connects/s':>11} {'connect p99 ms':>15} {'msgs/s':>9} {'puback p99 ms':>14} {'vs haproxy':>11} {'vs nginx':>9}")
for name, (cs, cp, ms, mp) in rows.items():
    ratio = lambda other: f"{cs / rows[other][0]:.2f}x" if other in rows and rows[other][0] else "-"
    print(f"{name:8} {cs:11.0f} {cp:15.2f} {ms:9.0f} {mp:14.2f} {ratio('haproxy'):>11} {ratio('nginx'):>9}")
print("connects/s: the reconnect storm (every device at once); msgs/s is the offered open-loop rate when nobody falls"
      " behind, so compare the PUBACK p99 there. Ratios are of connects/s medians.")
PY
