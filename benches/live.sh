#!/usr/bin/env bash
# Benchmark of `drlint live` (issue 10 point 3): wall time and peak RSS of an audit of a
# generated inventory served by the fake AWS Config endpoint of the live tests
# (benches/fake_config_server.rs, on 127.0.0.1), against the size of the items drlint keeps for
# the rules (the saved snapshot files: the documents the model reads) and against an offline
# lint of those same files (`drlint snap/*.json`: the model and the rules alone, without the
# audit). Not a test: numbers depend on the machine, and the fake endpoint runs on the same
# machine (it generates every answer, so the live wall time includes its work).
#   SUITE=live bash benches/run.sh      # or: bash benches/live.sh
#   SIZES="50000 100000" bash benches/live.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin drlint --example fake_config_server
target=${CARGO_TARGET_DIR:-target}
out=$target/bench/live
mkdir -p "$out"
bin=$target/release/drlint
srv_bin=$target/release/examples/fake_config_server
sizes=${SIZES:-50000 100000 500000}
concurrency=${CONCURRENCY:-4}
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; fi; }
trap cleanup EXIT
# measure NAME ITEMS ACCOUNTS REGIONS DRLINT_ARGS...
measure() {
  local name=$1 n=$2 accounts=$3 regions=$4
  shift 4
  cleanup
  "$srv_bin" "$n" "$accounts" "$regions" > "$out/server.url" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$out/server.url" ] && break; sleep 0.05; done
  local url; url=$(head -1 "$out/server.url")
  rm -rf "$out/snap"
  /usr/bin/time -f "%e %M" -o "$out/time.txt" env AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret \
    AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    "$bin" live --endpoint-url "$url" "$@" --concurrency "$concurrency" --save-snapshot "$out/snap" \
    --format json --output "$out/report.json" --fail-on never --quiet
  cleanup
  server_pid=""
  read -r wall kb < "$out/time.txt"
  /usr/bin/time -f "%e %M" -o "$out/time-offline.txt" "$bin" "$out"/snap/*.json \
    --format json --output "$out/report-offline.json" --fail-on never
  read -r owall okb < "$out/time-offline.txt"
  local bytes; bytes=$(cat "$out"/snap/*.json | wc -c)
  local files; files=$(ls "$out"/snap/*.json | wc -l)
  awk -v name="$name" -v n="$n" -v f="$files" -v b="$bytes" -v w="$wall" -v k="$kb" -v ow="$owall" -v ok="$okb" 'BEGIN{
    printf "| %s | %d | %d | %.1f | %.2f | %.1f | %.0f | %.2fx | %.2f | %.0f | %.2fx |\n", name, n, f, b/1e6, w, w*1e6/n, k/1024, (k*1024)/b, ow, ok/1024, k/ok }'
}
printf '| audit | items | documents | items kept (MB) | live wall (s) | µs/item | live peak RSS (MB) | RSS / items kept | offline lint wall (s) | offline peak RSS (MB) | live RSS / offline RSS |\n|---|---|---|---|---|---|---|---|---|---|---|\n'
for n in $sizes; do
  measure "aggregator, 4 accounts x 2 regions" "$n" 4 us-east-1,us-west-2 --aggregator org
done
n=$(echo "$sizes" | awk '{print $2 ? $2 : $1}')
measure "2 regions, 1 account" "$n" 1 us-east-1,us-west-2 --region us-east-1 --region us-west-2
