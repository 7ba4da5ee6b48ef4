#!/usr/bin/env bash
# A/B of the settlement ledger load test: two techmarket binaries take turns
# (A, B, A, B, …) so that a change in the machine's other load hits both alike.
#
#   scripts/bench-ledger-ab.sh OLD_BINARY NEW_BINARY [ROUNDS]
#
# Environment: DATABASE_URL (default the local test database), RATE (5000),
# DURATION (20s), ENGINE (postgres), FLAGS (more flags for both, e.g.
# "--warmup 5s"). Prints one Markdown table row per run.
set -euo pipefail
a=${1:?old binary}; b=${2:?new binary}; rounds=${3:-3}
url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
echo "| binary | run | accepted/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | avg batch | CPU µs/tx | Go µs/tx | PG µs/tx | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in $(seq "$rounds"); do
	for bin in "$a" "$b"; do
		out=$(nice -n -10 "$bin" bench ledger --engine "${ENGINE:-postgres}" --database-url "$url" \
			--rate "${RATE:-5000}" --duration "${DURATION:-20s}" ${FLAGS:-} --json 2>/dev/null)
		python3 - "$bin" "$r" "$out" <<'PY'
import json, sys
name, run, d = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
l, n = d["latency"], max(d["accepted"], 1)
load = open("/proc/loadavg").read().split()[0]
print(f"| {name} | {run} | {d['accepted_per_s']:.0f} | {l['p50_ms']:.1f} | {l['p90_ms']:.1f} | {l['p99_ms']:.1f} | "
      f"{l['p999_ms']:.1f} | {l['max_ms']:.1f} | {d['avg_batch']:.0f} | {d['cpu_us_per_tx']:.0f} | "
      f"{d['go_cpu_s'] * 1e6 / n:.0f} | {d['pg_cpu_s'] * 1e6 / n:.0f} | {load} |")
PY
	done
done
