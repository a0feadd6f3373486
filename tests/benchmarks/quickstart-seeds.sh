#!/usr/bin/env bash
# The quick start's promise, measured: runs templates/quickstart.sh as the README gives it (wall time of the whole
# command, pack included), then builds the same project again with two more seeds in one build (a [Sweep] on
# Training.Seed; each seed also draws its own held-out tenth), and prints a table of every seed's tuned accuracy
# against the base, its training time, tokens/s and the training process's user and system CPU time (run.json).
# Usage: tests/benchmarks/quickstart-seeds.sh [WORK_FOLDER] [SEED SEED]. Quote it only from a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d -t lora-quickstart-seeds-XXXX)}
mkdir -p "$work" && work=$(cd "$work" && pwd)
seeds=("${2:-7}" "${3:-1234}")

start=$(date +%s.%N)
"$root/templates/quickstart.sh" "$work" > "$work/quickstart.log" 2>&1
wall=$(echo "$(date +%s.%N) - $start" | bc)

project="$work/QuickStart"
# The template's recipe, unchanged, over the other seeds: variants quick-start/seed-N beside quick-start.
sed -i "s/^public partial record MyExperiment;/[Sweep(\"Training.Seed\", ${seeds[0]}, ${seeds[1]})]\npublic partial record MyExperiment;/" "$project/Experiment.cs"
grep -q 'Sweep("Training.Seed"' "$project/Experiment.cs"
dotnet build "$project" -tl:off -nologo -v:q > "$work/seeds.log" 2>&1

row() {   # folder: one variant's run.json (its seed among them) and eval.json
  local run="$1/run.json" eval="$1/eval.json"
  jq -r --slurpfile e "$eval" \
    '"| \(.seed) | \($e[0].tuned.Accuracy) | \($e[0].base.Accuracy) | \($e[0].rows // "") | \(.train_seconds | floor) | \((.train_tokens / .train_seconds) | floor) | \(.train_cpu_seconds.user | floor) | \(.train_cpu_seconds.system | floor) |"' "$run"
}
artifacts="$project/artifacts/lora/quick-start"
echo "quick start (templates/quickstart.sh): $(printf '%.0f' "$wall") s wall in all"
echo
echo "| seed | tuned accuracy | base accuracy | eval rows | training s | tokens/s | user CPU s | system CPU s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
row "$artifacts"
for seed in "${seeds[@]}"; do row "$artifacts/seed-$seed"; done
