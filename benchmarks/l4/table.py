#!/usr/bin/env python3
"""The markdown table of benchmarks/l4/run.sh: medians over the counted rounds of L4Load's result lines.

    python3 table.py WORK_DIR ROUNDS TESTS

WORK_DIR holds TEST-TARGET-ROUND.txt (round 0 is the warm-up, not read). For each test: the median rate
(MB/s for bulk, round trips/s for rr and udp), the median p99 (rr, udp), the errors over all rounds, and
Sluice's rate ratio to HAProxy and to NGINX. The verdict line checks the issue's target: Sluice's rate at
least the best peer's and its p99 no higher.
"""
import math
import statistics
import sys

TARGETS = ("sluice", "haproxy", "nginx")
UNITS = {"bulk": "MB/s", "rr": "round trips/s", "udp": "datagram round trips/s"}


def parse(line):
    """`result mode=rr rate=123 ...` -> {'mode': 'rr', 'rate': '123', ...}"""
    return dict(field.split("=", 1) for field in line.split()[1:] if "=" in field)


def results(work, test, target, rounds):
    rows = []
    for r in range(1, rounds + 1):
        try:
            with open(f"{work}/{test}-{target}-{r}.txt") as f:
                for line in f:
                    if line.startswith("result "):
                        rows.append(parse(line))
        except OSError:
            pass
    return rows


def median(rows, key):
    values = [float(row[key]) for row in rows if key in row and not math.isnan(float(row[key]))]
    return statistics.median(values) if values else float("nan")


def table(work, rounds, tests):
    out = []
    for test in tests:
        medians = {}
        for target in TARGETS:
            rows = results(work, test, target, rounds)
            if rows:
                medians[target] = (median(rows, "rate"), median(rows, "p99_ms"),
                                   sum(int(row.get("errors", 0)) for row in rows), len(rows))
        if not medians:
            continue
        out.append(f"### {test} ({UNITS[test]}, median of {rounds} rounds)")
        out.append("")
        out.append("| target | rate | p99 ms | errors | rounds | Sluice vs this |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        sluice = medians.get("sluice")
        for target, (rate, p99, errors, n) in medians.items():
            ratio = f"{sluice[0] / rate:.2f}x" if sluice and rate and target != "sluice" else "-"
            p99_text = "-" if math.isnan(p99) else f"{p99:.3f}"
            out.append(f"| {target} | {rate:.1f} | {p99_text} | {errors} | {n} | {ratio} |")
        peers = {t: m for t, m in medians.items() if t != "sluice"}
        if sluice and peers:
            best = max(peers, key=lambda t: peers[t][0])
            rate_ok = sluice[0] >= peers[best][0]
            p99_ok = math.isnan(sluice[1]) or sluice[1] <= peers[best][1]
            out.append("")
            out.append(f"Target (>= 1.0x the best peer, p99 no higher): best peer {best}, "
                       f"Sluice {sluice[0] / peers[best][0]:.2f}x, rate {'met' if rate_ok else 'NOT met'}"
                       + ("" if math.isnan(sluice[1]) else f", p99 {'met' if p99_ok else 'NOT met'}") + ".")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: table.py WORK_DIR ROUNDS TESTS (comma-separated: bulk,rr,udp)")
    print(table(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")))
