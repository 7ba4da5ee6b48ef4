#!/usr/bin/env bash
# Listing search and detail under load, on SQLite or PostgreSQL.
#
#   scripts/bench-listings.sh [sqlite|postgres]
#
# Builds the binary, creates a fresh database, generates N published listings
# (techmarket demo generate), starts `serve` on loopback, warms up, then runs wrk
# against each target and prints requests/s, p50 and p99 latency.
#
# Settings (environment):
#   N=100000          listings to generate
#   DURATION=20s      wrk duration per run
#   THREADS=2         wrk threads
#   CONNS="2 16"      connection counts to run each target with (2 ≈ service time
#                     on a 2-core box, 16 = saturation, latency includes queueing)
#   TARGETS=...       space-separated name=path-template pairs; templates may use
#                     {q} (a search phrase, URL-encoded), {page} (1–5) and {id}
#                     (an existing listing id). The default covers the API and the
#                     web page for search and detail.
#   PG_URL=postgres://postgres@127.0.0.1:5432   server for the postgres run (trust auth);
#                     the database techmarket_bench is dropped and recreated
#   PORT=18090        where serve listens
#   KEEP=1            keep the SQLite directory / PG database afterwards (for EXPLAIN)
#   REUSE=dir-or-url  skip generation and benchmark an existing database instead
#   NICE=-10          run serve and wrk (and, for postgres, the server's processes) at this
#                     nice level (as root), so that other work on a shared machine does not
#                     inflate the tail; default 0
#   IDS_FILE=path     listing ids for the detail targets when reusing a database
#                     (default: the newest 500 published listings, via the API)
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${1:-sqlite}
N=${N:-100000}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-"2 16"}
PORT=${PORT:-18090}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
TARGETS=${TARGETS:-"search-api=/api/v1/listings?q={q}&page={page} search-web=/listings?q={q}&page={page} browse-api=/api/v1/listings?page={page} detail-api=/api/v1/listings/{id} detail-web=/listings/{id}"}

# Search phrases: frequent and rare terms, Chinese and English, one and two words.
QUERIES=(电池 传感器 无人机 涂层 污水 机器人 芯片 复合材料 检测装置 钙钛矿 锂离子电池 焊接 水稻 核素 混凝土
  sensor battery device drone coating water "electronic device" display vehicle robot)

command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
work=$(mktemp -d /tmp/bench-listings.XXXXXX)
server_pid=""
cleanup() {
  restore_nice
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-}" != 1 ]; then
    rm -rf "$work"
    if [ "$engine" = postgres ] && [ -z "${REUSE:-}" ]; then
      psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS techmarket_bench" >/dev/null 2>&1 || true
    fi
  else
    echo "kept: $work ${db_flag[*]:-}"
  fi
}
trap cleanup EXIT
restore_nice() { [ "$engine" = postgres ] && [ "${NICE:-0}" != 0 ] && { pgrep -u postgres postgres | xargs -r renice -n 0 >/dev/null 2>&1 || true; }; return 0; }

echo "== building"
go build -o "$work/techmarket" ./cmd/techmarket
bin="$work/techmarket"

case "$engine" in
  sqlite)
    if [ -n "${REUSE:-}" ]; then db_flag=(--data-dir "$REUSE"); else db_flag=(--data-dir "$work/data"); fi ;;
  postgres)
    if [ -n "${REUSE:-}" ]; then
      db_flag=(--database-url "$REUSE")
    else
      psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS techmarket_bench" >/dev/null
      psql "$PG_URL/postgres" -qc "CREATE DATABASE techmarket_bench" >/dev/null
      db_flag=(--database-url "$PG_URL/techmarket_bench?sslmode=disable")
    fi ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac

ids="$work/ids.txt"
if [ -n "${IDS_FILE:-}" ]; then cp "$IDS_FILE" "$ids"; fi
if [ -z "${REUSE:-}" ]; then
  echo "== generating $N listings on $engine"
  start=$(date +%s)
  "$bin" demo generate --listings "$N" --ids-file "$ids" "${db_flag[@]}" 2> >(grep -v '^  ' >&2) >/dev/null
  echo "generation took $(( $(date +%s) - start ))s"
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$engine" = postgres ] && [ "${NICE:-0}" != 0 ]; then
  pgrep -u postgres postgres | xargs -r renice -n "$NICE" >/dev/null 2>&1 || true
fi
echo "== starting serve"
nice -n "${NICE:-0}" "$bin" serve --addr "127.0.0.1:$PORT" "${db_flag[@]}" >"$work/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$PORT"
# /readyz answers 200 once the database is reachable and the search index is built.
start=$(date +%s)
for _ in $(seq 1 1200); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
echo "ready after $(( $(date +%s) - start ))s ($(grep -o 'search index ready.*' "$work/serve.log" || true))"
curl -fs "$base/readyz" >/dev/null || { echo "serve did not become ready; log:" >&2; cat "$work/serve.log" >&2; exit 1; }

if [ ! -s "$ids" ]; then
  # Reused database: take ids from the newest listings through the API.
  for p in 1 2 3 4 5; do
    curl -fs "$base/api/v1/listings?per_page=100&page=$p" | grep -o '"id":"[0-9a-f-]\{36\}"' | cut -d'"' -f4
  done | sort -u >"$ids"
fi

urlencode() { local LC_ALL=C s=$1 i c out=""; for (( i=0; i<${#s}; i++ )); do c=${s:i:1}
  case "$c" in [a-zA-Z0-9.~_-]) out+="$c" ;; *) printf -v c '%%%02X' "'$c"; out+="$c" ;; esac; done; printf '%s' "$out"; }

# One file of request paths per target; wrk's Lua script cycles through them.
mapfile -t id_list <"$ids"
make_paths() { # template file
  local tpl=$1 out=$2 i q page
  : >"$out"
  for i in $(seq 0 499); do
    q=$(urlencode "${QUERIES[i % ${#QUERIES[@]}]}")
    page=$(( (i / ${#QUERIES[@]}) % 5 + 1 ))
    local p=${tpl//\{q\}/$q}
    p=${p//\{page\}/$page}
    p=${p//\{id\}/${id_list[(i * 7919) % ${#id_list[@]}]}}
    echo "$p" >>"$out"
  done
}

cat >"$work/paths.lua" <<'EOF'
-- Cycles through the request paths in the file named by PATHS_FILE, each thread
-- starting at a different offset.
local paths, i = {}, 0
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
function setup(thread) i = i + 1; thread:set("offset", i * 97) end
function init() n = offset or 0 end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], { ["Accept-Language"] = "zh-CN,zh;q=0.9" })
end
EOF

results="$work/results.txt"
printf '%-12s %5s %10s %9s %9s %8s\n' target conns "req/s" p50 p99 errors >"$results"
for spec in $TARGETS; do
  name=${spec%%=*}; tpl=${spec#*=}
  make_paths "$tpl" "$work/$name.paths"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base$(head -1 "$work/$name.paths")")
  if [ "$status" != 200 ]; then
    echo "skip $name: $(head -1 "$work/$name.paths") answers $status" >&2
    continue
  fi
  echo "== $name (warm-up)"
  PATHS_FILE="$work/$name.paths" wrk -t1 -c2 -d5s -s "$work/paths.lua" "$base" >/dev/null
  for c in $CONNS; do
    echo "== $name, $c connections, $DURATION"
    out=$(PATHS_FILE="$work/$name.paths" nice -n "${NICE:-0}" wrk -t"$THREADS" -c"$c" -d"$DURATION" --timeout 10s --latency -s "$work/paths.lua" "$base")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errs=$(awk '/Non-2xx/ {print "non2xx:" $5} /Socket errors/ {print "timeout:" $NF}' <<<"$out" | paste -sd, -)
    printf '%-12s %5s %10s %9s %9s %8s\n' "$name" "$c" "$rps" "$p50" "$p99" "${errs:-0}" >>"$results"
  done
done

echo
echo "== $engine, $N listings (+ demo market), wrk -t$THREADS -d$DURATION, $(nproc) cores, nice ${NICE:-0}, load average before: $load_before"
cat "$results"
