#!/usr/bin/env bash
# Sluice side by side with HAProxy and NGINX: the same as `./sluice bench proxy`, from here.
# Installs haproxy, nginx and wrk with apt-get if missing (as root), uses 127.0.0.1 only.
# Options: [--threads 1,2] [--rounds 3] [--duration 10s] [--warmup 5s] [--connections 32]
#          [--wrk-threads 1] [--out DIR] [--quick] [--no-install]; see README.md beside this file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "$root/sluice" bench proxy "$@"
