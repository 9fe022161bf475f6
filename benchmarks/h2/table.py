"""The tables of benchmarks/h2/run.sh: one per mode, medians over the counted rounds, ratios to HAProxy.

python3 table.py WORK ROUNDS MODES TARGETS CLK_TCK

Reads WORK/<target>-<mode>-<round>.{txt,log,cpu[,elapsed]} as run.sh leaves them (round 0, the
warm-up, is skipped). CPU per request is the proxy's user+system CPU ticks over the run (from
/proc/<pid>/stat), over the requests that succeeded in it.
"""
import re
import statistics
import sys

TITLES = {
    "h2": "h2 over TLS (ALPN), h2load --streams a connection",
    "h1": "HTTP/1.1 over TLS, h2load --h1",
    "wrk": "HTTPS keep-alive HTTP/1.1, wrk",
    "handshakes": "new TLS connections/s, one request each (full handshakes), h2load batches",
    "resumed": "resumed TLS connections/s, one request each (session resumption), wrk Connection: close",
    "h2-100": "h2 over TLS (ALPN), h2load 100 streams a connection",
    "grpc": "gRPC unary calls/s over h2+TLS, h2c gRPC backends",
}
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def percentiles(path):
    """p50 and p99 in ms from an h2load --log-file (start, status, latency in microseconds)."""
    lat = sorted(int(line.split("\t")[2]) for line in open(path) if line.count("\t") >= 2)
    if not lat:
        raise ValueError(f"{path}: no requests logged")
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000.0
    return pct(0.50), pct(0.99)


def h2load_counts(text):
    """(succeeded, failed) summed over every 'requests:' line of one or more h2load outputs."""
    lines = re.findall(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", text)
    if not lines:
        raise ValueError("no h2load summary")
    return sum(int(s) for s, _ in lines), sum(int(f) for _, f in lines)


def one(work, target, mode, r):
    """(req/s, p50 ms, p99 ms, failed, succeeded, extra) of one run; extra is the mean connect ms for handshakes."""
    base = f"{work}/{target}-{mode}-{r}"
    text = open(f"{base}.txt").read()
    extra = float("nan")
    if mode in ("wrk", "resumed"):
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
        total = int(re.search(r"(\d+) requests in", text).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
        failed = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in sock.groups()) if sock else 0)
        succeeded = total - (int(non2xx.group(1)) if non2xx else 0)
        lat = {q: float(v) * UNIT_MS[u] for q, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
        return rps, lat["50"], lat["99"], failed, succeeded, extra
    succeeded, failed = h2load_counts(text)
    p50, p99 = percentiles(f"{base}.log")
    if mode == "handshakes":
        rps = succeeded / (int(open(f"{base}.elapsed").read()) / 1e9)
        means = [float(v) * UNIT_MS[u] for v, u in
                 re.findall(r"time for connect:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", text)]
        extra = statistics.mean(means) if means else float("nan")
    else:
        rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    return rps, p50, p99, failed, succeeded, extra


def main():
    work, rounds, modes, targets, clk_tck = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), \
        sys.argv[4].split(","), int(sys.argv[5])
    try:
        print("TLS providers:\n" + "".join("  " + line for line in open(f"{work}/providers.txt")), end="")
    except OSError:
        pass
    nan = float("nan")
    ratio = lambda a, b: a / b if b and b == b else nan   # b is neither 0 nor NaN
    for mode in modes:
        rows = {}
        for target in targets:
            runs = []
            for r in range(1, rounds + 1):
                try:
                    rps, p50, p99, failed, succeeded, extra = one(work, target, mode, r)
                    ticks = int(open(f"{work}/{target}-{mode}-{r}.cpu").read())
                    cpu_us = ticks / clk_tck / succeeded * 1e6 if succeeded else nan
                    runs.append((rps, p50, p99, cpu_us, extra, failed))
                except (OSError, AttributeError, KeyError, ValueError, ZeroDivisionError) as e:
                    print(f"table.py: {target} {mode} round {r} unreadable ({e}); see {work}", file=sys.stderr)
            if runs:
                rows[target] = tuple(statistics.median(x[i] for x in runs) for i in range(5)) \
                    + (sum(x[5] for x in runs), len(runs))
        print(f"\n{mode}: {TITLES[mode]}; medians of {rounds} round(s)")
        handshakes = mode == "handshakes"
        nginx = "nginx" in targets
        print("| target | req/s | p50 ms | p99 ms |" + (" connect ms (mean) |" if handshakes else "")
              + " failed | CPU µs/req | req/s vs HAProxy | p99 vs HAProxy | CPU vs HAProxy |"
              + (" req/s vs NGINX |" if nginx else ""))
        print("|---|---:|---:|---:|" + ("---:|" if handshakes else "") + "---:|---:|---:|---:|---:|"
              + ("---:|" if nginx else ""))
        h, n = rows.get("haproxy"), rows.get("nginx")
        for target, (rps, p50, p99, cpu, connect, failed, counted) in rows.items():
            print(f"| {target} | {rps:,.0f} | {p50:.2f} | {p99:.2f} |" + (f" {connect:.2f} |" if handshakes else "")
                  + f" {failed} | {cpu:.1f} | {ratio(rps, h[0] if h else nan):.2f}x |"
                  f" {ratio(p99, h[2] if h else nan):.2f}x | {ratio(cpu, h[3] if h else nan):.2f}x |"
                  + (f" {ratio(rps, n[0] if n else nan):.2f}x |" if nginx else "")
                  + ("" if counted == rounds else f" ({counted} of {rounds} rounds read)"))
    if "grpc" in modes:
        # The backends count every call: h2load's, in every round, and the one pre-check call per target.
        try:
            answered = re.findall(r"calls answered: (\d+)", open(f"{work}/grpc-backends.log").read())
        except OSError:
            answered = []
        counted = 0
        for t in targets:
            for r in range(0, rounds + 1):
                try:
                    counted += h2load_counts(open(f"{work}/{t}-grpc-{r}.txt").read())[0]
                except (OSError, ValueError):
                    pass
        print(f"\ngRPC backends answered {answered[-1] if answered else '?'} calls; h2load counted {counted} succeeded"
              f" (warm-up round included) and the pre-check made {len(targets)}: equal when every call reached a backend")

if __name__ == "__main__":
    main()
