#!/usr/bin/env bash
# Benchmark: wall time and peak memory of `drlint` on generated two-region plans of 1k, 10k and
# 100k resources (and a tiny real stack), and on generated AWS Config snapshots of 10k, 40k and
# 100k configuration items. Not a test: numbers depend on the machine.
#   bash benches/run.sh                # prints Markdown tables
#   SUITE=config bash benches/run.sh   # only the AWS Config snapshots (SUITE=plan: only plans)
#   SUITE=quadratic bash benches/run.sh  # only the snapshots whose findings could grow with the
#                                        # square of the input (issue 10.2; part of SUITE=config)
#   SUITE=live bash benches/run.sh     # only `drlint live` on a generated inventory (benches/live.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SUITE:-all}" = live ]; then exec bash benches/live.sh; fi
cargo build --release --quiet --bin drlint --example gen_plan --example gen_config
target=${CARGO_TARGET_DIR:-target}
out=$target/bench
mkdir -p "$out"
bin=$target/release/drlint
runs=${RUNS:-3}
suite=${SUITE:-all}
header() { # first column name
  printf '| input | %s | size (MB) | wall (s, best of %s) | MB/s | peak RSS (MB) | RSS / size |\n|---|---|---|---|---|---|---|\n' "$1" "$runs"
}
measure() { # name file resources
  local best="" rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$bin" "$2" --format json --fail-on never > "$out/report.json"
    read -r wall kb < "$out/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
    rss=$kb
  done
  local bytes; bytes=$(stat -c %s "$2")
  awk -v n="$1" -v r="$3" -v b="$bytes" -v w="$best" -v k="$rss" 'BEGIN{
    mb=b/1e6; printf "| %s | %s | %.1f | %.2f | %.0f | %.0f | %.2fx |\n", n, r, mb, w, (w>0? mb/w : 0), k/1024, (k*1024)/b }'
}
if [ "$suite" = all ] || [ "$suite" = plan ]; then
header resources
# A tiny stack is too fast for /usr/bin/time's 10 ms resolution: time 50 runs.
start=$(date +%s%N)
for _ in $(seq 50); do "$bin" fixtures/seed002/cdk.tf.json --format json --fail-on never > /dev/null; done
end=$(date +%s%N)
/usr/bin/time -f "%M" -o "$out/time.txt" "$bin" fixtures/seed002/cdk.tf.json --format json --fail-on never > /dev/null
awk -v ns=$((end - start)) -v k="$(cat "$out/time.txt")" 'BEGIN{printf "| seed-002 CDKTF stack (mean of 50) | 21 | 0.01 | %.4f | - | %.0f | - |\n", ns/50/1e9, k/1024}'
for n in 1000 10000 100000; do
  f="$out/plan_$n.json"
  [ -f "$f" ] || "$target/release/examples/gen_plan" "$n" > "$f"
  measure "generated plan" "$f" "$n"
done
fi
if [ "$suite" != plan ]; then
[ "$suite" = config ] || [ "$suite" = quadratic ] || echo
header items
if [ "$suite" != quadratic ]; then
for n in 10000 40000 100000; do
  f="$out/config_$n.json"
  [ -f "$f" ] || "$target/release/examples/gen_config" "$n" > "$f"
  measure "generated AWS Config snapshot" "$f" "$n"
done
fi
# Every VPC on 172.31.0.0/16 (peered pairs, plus an unpeered default VPC per region and unit),
# and a backup selection listing ARNs per unit.
for shape in "same-cidr:--same-cidr --default-vpcs" "unit-selections:--unit-selections"; do
  name=${shape%%:*}
  for n in 10000 40000 100000; do
    f="$out/config_${name}_$n.json"
    # shellcheck disable=SC2086 # the flags are words
    [ -f "$f" ] || "$target/release/examples/gen_config" "$n" ${shape#*:} > "$f"
    measure "snapshot, ${shape#*:}" "$f" "$n"
  done
done
fi
