#!/usr/bin/env bash
# Issue 21's soak: kill -9 at random moments of a template build. Every build that then runs to its end must end with
# the adapter of an uninterrupted run (relative error <= 1e-5 per tensor, as the SDK tests' AdapterWeights.AssertClose),
# leave no staging folder or temporary file of AtomicFolder behind, and no build may report an internal error.
#
# Packs Lora.Sdk into a local feed, makes a `dotnet new lora-experiment` project on the built-in base model, shrinks it
# (ROWS rows, STEPS steps, a checkpoint every SAVE steps; merge and evaluation kept, so kills land in every stage),
# restores and compiles it without training, then builds it once uninterrupted: the reference adapter and the reference
# duration D. Then, KILLS times: a build starts, and at a moment drawn uniformly from [0, D] (seeded by SEED: the same
# seed draws the same fractions of D) its whole process tree (dotnet build, any MSBuild node, the runner) gets SIGKILL.
# With CHECK_EACH=1 (the default) the next build then runs uninterrupted to its end on what the killed one left
# (resuming from its last checkpoint, or redoing the stage it was killed in) and is checked, so that every kill is
# followed by a checked build; the experiment's artifacts are then removed, so that the next kill lands in a build from
# scratch, at the stage its moment reaches. With CHECK_EACH=0 builds run in series instead, each killed one resumed by
# the next, itself killed in turn, so that kills also land in resumptions; only a build that ends before its moment and
# one last build after the KILLS kills are checked. Either way a build that ends before its moment is checked as a
# completed build and the artifacts are then removed. Prints a line per build and a summary; exit code 0 when every
# check passed, 1 otherwise.
# Usage: tests/benchmarks/kill-soak.sh [WORK_FOLDER]
# Environment: KILLS (20), CHECK_EACH (1), SEED (1), ROWS (100), STEPS (60), SAVE (5).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d -t lora-kill-soak-XXXX)}
mkdir -p "$work" && work=$(cd "$work" && pwd)
kills_wanted=${KILLS:-20} check_each=${CHECK_EACH:-1} seed=${SEED:-1} rows=${ROWS:-100} steps=${STEPS:-60} save=${SAVE:-5}
project="$work/KillSoak" experiment=kill-soak logs="$work/logs"
artifacts="$project/artifacts/lora/$experiment" adapter_file=adapter/adapter_model.safetensors
mkdir -p "$logs"

# Time in microseconds from bash's own clock: the wait before a kill polls it without starting a process each time.
now() { echo "${EPOCHREALTIME/./}"; }
seconds_since() { local t=${EPOCHREALTIME/./}; printf '%d.%d' $(((t - $1) / 1000000)) $(((t - $1) % 1000000 / 100000)); }
clock_start=$(now)

# --- The project ---------------------------------------------------------------------------------------------------
# A fresh version per run: NuGet would otherwise serve an older package of the same version from its cache.
version=0.1.0-soak.$(date +%Y%m%d%H%M%S)
echo "Packing Lora.Sdk $version into $work/feed"
dotnet pack "$root/sdk/Lora.Sdk.Packages.slnf" -c Release -o "$work/feed" -p:PackageVersion="$version" \
  -p:CreateHardLinksForCopyLocalIfPossible=true -v q -nologo -tl:off >"$logs/pack.log" 2>&1 || { cat "$logs/pack.log"; exit 1; }
dotnet new install "$work/feed/Lora.Templates.$version.nupkg" --debug:custom-hive "$work/hive" >/dev/null
dotnet new lora-experiment -n KillSoak -o "$project" --debug:custom-hive "$work/hive" --no-update-check >/dev/null
# The feed first, then nuget.org; the machine's package folder as a fallback, so that TorchSharp and libtorch come from
# disk. The project's own package folder (NUGET_PACKAGES below) keeps this run's packages out of the machine's.
cat >"$project/nuget.config" <<XML
<configuration>
  <packageSources>
    <clear />
    <add key="lora-sdk" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <fallbackPackageFolders>
    <clear />
    <add key="machine" value="${NUGET_PACKAGES:-$HOME/.nuget/packages}" />
  </fallbackPackageFolders>
</configuration>
XML
sed -E -i "s/\[Training\([^]]*\)\]/[Training(MaxSteps = $steps, LearningRate = 2e-3, BatchSize = 8, EvalBatchSize = 16, Schedule = LrSchedule.Cosine, WarmupSteps = 2, SaveSteps = $save, LoggingSteps = 1)]/" "$project/Experiment.cs"
grep -q "MaxSteps = $steps" "$project/Experiment.cs" || { echo "kill-soak: no [Training(...)] replaced in $project/Experiment.cs" >&2; exit 1; }
dataset=$(sed -nE 's/.*\[Dataset(<[^>]+>)?\("([^"]+)".*/\2/p' "$project/Experiment.cs")
head -n "$rows" "$project/$dataset" >"$project/$dataset.head" && mv "$project/$dataset.head" "$project/$dataset"

# --- Builds ----------------------------------------------------------------------------------------------------------
# As the SDK tests build (ScratchProject): no node reuse and one in-process node, so nothing outlives a build and the
# runner is the build's child; no shared compiler server either (it would outlive the build, and a kill must not reach
# another user's one).
build_args=(build -nr:false -m:1 -tl:off -nologo -v:m -p:UseSharedCompilation=false)
build_env=(env NUGET_PACKAGES="$work/packages" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_UI_LANGUAGE=en MSBUILDDISABLENODEREUSE=1)

# Starts a build in its own session and process group (setsid: a group leader, so one kill reaches the whole group).
start_build() { setsid "${build_env[@]}" dotnet "${build_args[@]}" >"$1" 2>&1 </dev/null & build_pid=$!; }

# Whether the build is still running (a finished build stays a zombie until `wait`, which kill -0 would count as alive).
running() { local state; [[ -r /proc/$1/stat ]] && read -r _ _ state _ </proc/"$1"/stat && [[ $state != Z ]]; }

# Every process of the tree under $1 (it included), from one snapshot of the process table.
tree_of() { ps -e -o pid=,ppid= | awk -v top="$1" '{ parent[$1] = $2 } END { for (p in parent) { q = p; while (q in parent && q != top && q > 1) q = parent[q]; if (q == top) print p } }'; }

# SIGKILL to the build's process group and to every process of its tree (any that left the group); sets alive: how many
# of them still run a second later (none expected).
kill_tree() {
  local pids; pids=$(tree_of "$1")
  kill -9 -- "-$1" 2>/dev/null || true
  kill -9 $pids 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  sleep 1
  alive=0; local p; for p in $pids; do if running "$p"; then alive=$((alive + 1)); fi; done
}

# What the build log last says the build was doing, as the kill landed.
stage_of() {
  local line; line=$(grep -E "^ *$experiment(:| step )" "$1" | tail -n 1 | sed -E 's/^ +//') || true
  case "$line" in
    "") echo "MSBuild (the runner had said nothing)" ;;
    *"artifacts in"*) echo "after the runner's last stage" ;;
    *"evaluating base and tuned"*) echo "evaluate" ;;
    *"merging into"*) echo "merge" ;;
    *"eval loss"*) echo "training, $(sed -E 's/.*(step [0-9]+\/[0-9]+) eval.*/evaluation after \1/' <<<"$line")" ;;
    *"checkpoint after"*) echo "training, $(sed -E 's/.*(checkpoint after step [0-9]+\/[0-9]+).*/\1/' <<<"$line")" ;;
    *" step "*) echo "training, $(sed -E 's/.* (step [0-9]+\/[0-9]+).*/\1/' <<<"$line") reported" ;;
    *"resuming from"*) echo "training, $(sed -E 's/.*(resuming from step-[0-9]+).*/\1/' <<<"$line")" ;;
    *"waiting for it"*) echo "waiting for the device (another build computes)" ;;
    *"training (fingerprint"*|*"computing in"*|*"device "*) echo "training, loading the data and the model" ;;
    *) echo "runner: ${line#"$experiment: "}" ;;
  esac
}

# AtomicFolder's leftovers under the artifacts: .NAME.tmp-<32 hex> and .NAME.old-<32 hex> folders, NAME.tmp-<32 hex> files.
list_leftovers() { find "$project/artifacts" -regextype posix-extended -regex '.*\.(tmp|old)-[0-9a-f]{32}' 2>/dev/null || true; }
leftovers() { list_leftovers | wc -l; }

# An internal error anywhere in a build log: the runner's "lora: internal error (…)", the task's crash report (LORA1006:
# the runner failed without an error on the protocol), or MSBuild's for a task that threw (MSB4018).
internal_errors() { grep -Eci "internal error|LORA1006|MSB4018|unhandled exception" "$1" || true; }

# Where a build's training resumed from, as its log says.
resumed_from() {
  local line; line=$(grep -oE "resuming from step-[0-9]+ \([0-9]+/[0-9]+ steps done\)" "$1") && { echo "$line"; return; }
  if grep -q "$experiment: training (fingerprint" "$1"; then echo "trained from scratch"
  elif grep -q "$experiment: adapter up to date" "$1"; then echo "adapter up to date, not retrained"
  else echo "did not train"; fi
}

failures=() kill_moments=() max_rel=0 max_abs=0 resumes=0 leftovers_after_kills=0 leftovers_removed=0 leftovers_left=0
internal=0 survivors=0 completed=0 kills_checked=0
fail() { failures+=("$1"); echo "  FAIL: $1"; }

# Checks a build that ran to its end: exit code 0, the reference adapter, no leftovers.
check_completed() {
  local log=$1 code=$2 name=$3
  [[ $code == 0 ]] || { fail "$name exited with $code (log $log)"; return; }
  local diff; if diff=$(python3 "$root/tests/benchmarks/adapter_diff.py" "$work/reference.safetensors" "$artifacts/$adapter_file" 1e-5); then :
  else fail "$name: adapter differs from the reference: $diff"; fi
  local rel abs; read -r rel abs < <(sed -nE '1s/.*max_rel=([^ ]+) max_abs=([^ ]+).*/\1 \2/p' <<<"$diff") || true
  max_rel=$(awk -v a="$max_rel" -v b="${rel:-inf}" 'BEGIN { print (b + 0 > a + 0 ? b : a) }')
  max_abs=$(awk -v a="$max_abs" -v b="${abs:-inf}" 'BEGIN { print (b + 0 > a + 0 ? b : a) }')
  local left; left=$(leftovers)
  leftovers_left=$((leftovers_left + left))
  [[ $left == 0 ]] || fail "$name left $left staging folder(s)/temporary file(s): $(list_leftovers | tr '\n' ' ')"
  completed=$((completed + 1))
  echo "  $(head -n 1 <<<"$diff"), leftovers $left"
}

# Facts every build log gives: resumes, leftovers the runner removed, internal errors.
scan_log() {
  local log=$1 n
  resumes=$((resumes + $(grep -c "$experiment: resuming from" "$log" || true)))
  n=$(sed -nE "s/.*$experiment: removed ([0-9]+) leftover.*/\1/p" "$log" | awk '{ s += $1 } END { print s + 0 }')
  leftovers_removed=$((leftovers_removed + n))
  n=$(internal_errors "$log")
  internal=$((internal + n))
  [[ $n == 0 ]] || fail "$log reports an internal error: $(grep -Ei -m 3 "internal error|LORA1006|MSB4018|unhandled exception" "$log" | tr '\n' ' ')"
}

# --- Reference ---------------------------------------------------------------------------------------------------------
echo "Restoring and compiling $project (no training)"
cd "$project"
"${build_env[@]}" dotnet "${build_args[@]}" -p:LoraTrainOnBuild=false >"$logs/compile.log" 2>&1 || { cat "$logs/compile.log"; exit 1; }
echo "Reference build (uninterrupted)"
t0=$(now)
"${build_env[@]}" dotnet "${build_args[@]}" >"$logs/reference.log" 2>&1 || { cat "$logs/reference.log"; exit 1; }
duration=$(seconds_since "$t0") duration_us=$(($(now) - t0))
grep -q "$experiment step $steps/$steps" "$logs/reference.log" || { echo "the reference build did not train $steps steps:"; cat "$logs/reference.log"; exit 1; }
cp "$artifacts/$adapter_file" "$work/reference.safetensors"
scan_log "$logs/reference.log"
echo "  $duration s; adapter kept as $work/reference.safetensors"
rm -rf "$artifacts"

# --- Kills ---------------------------------------------------------------------------------------------------------------
# Fractions of D drawn once from the seed: the same seed replays the same moments (relative to this machine's D).
mapfile -t fractions < <(python3 -c "import random, sys; r = random.Random(int(sys.argv[1])); print('\n'.join(f'{r.random():.4f}' for _ in range(int(sys.argv[2]))))" "$seed" $((kills_wanted * 4)))
kills=0 build_no=0 series_kills=0
while (( kills < kills_wanted )); do
  if (( build_no >= ${#fractions[@]} )); then fail "no more moments drawn after $build_no builds"; break; fi
  moment_us=$(awk -v f="${fractions[$build_no]}" -v d="$duration_us" 'BEGIN { printf "%d", f * d }')
  moment=$(awk -v m="$moment_us" 'BEGIN { printf "%.1f", m / 1e6 }')
  build_no=$((build_no + 1))
  log="$logs/build-$(printf %02d "$build_no").log"
  t0=$(now)
  start_build "$log"
  deadline=$((t0 + moment_us))
  while running "$build_pid" && (( ${EPOCHREALTIME/./} < deadline )); do sleep 0.05; done
  if running "$build_pid"; then
    at=$(seconds_since "$t0")
    stage=$(stage_of "$log")
    kill_tree "$build_pid"
    kills=$((kills + 1)) series_kills=$((series_kills + 1)) survivors=$((survivors + alive))
    left=$(leftovers); leftovers_after_kills=$((leftovers_after_kills + left))
    kill_moments+=("$at s ($stage)")
    echo "#$build_no kill $kills at $at s (drawn $moment s): $stage; $left leftover(s) on disk"
    [[ $alive == 0 ]] || fail "build $build_no: $alive process(es) of the killed tree still alive"
    scan_log "$log"
    if [[ $check_each == 1 ]]; then
      # The killed build's state, taken up by one build to its end: the resumption this soak is about, checked each time.
      resumed_log="$logs/build-$(printf %02d "$build_no")-resumed.log"
      t0=$(now)
      code=0; "${build_env[@]}" dotnet "${build_args[@]}" >"$resumed_log" 2>&1 </dev/null || code=$?
      echo "  then to the end in $(seconds_since "$t0") s; exit $code; $(resumed_from "$resumed_log")"
      scan_log "$resumed_log"
      completed_before=$completed
      check_completed "$resumed_log" "$code" "the build after kill $kills"
      (( completed == completed_before )) || kills_checked=$((kills_checked + 1))
      rm -rf "$artifacts"
      series_kills=0
    fi
  else
    code=0; wait "$build_pid" || code=$?
    echo "#$build_no ended by itself in $(seconds_since "$t0") s (drawn $moment s) after $series_kills kill(s) in this series; exit $code; $(resumed_from "$log")"
    scan_log "$log"
    check_completed "$log" "$code" "build $build_no"
    rm -rf "$artifacts"
    series_kills=0
  fi
done

# In series, the last kills are followed by one build to the end; with CHECK_EACH every kill already was.
if [[ $check_each != 1 ]]; then
  echo "Final build to the end"
  t0=$(now)
  code=0; "${build_env[@]}" dotnet "${build_args[@]}" >"$logs/final.log" 2>&1 || code=$?
  echo "  ended in $(seconds_since "$t0") s after $series_kills kill(s) in this series; exit $code; $(resumed_from "$logs/final.log")"
  scan_log "$logs/final.log"
  check_completed "$logs/final.log" "$code" "the final build"
fi

echo
echo "=== kill-soak summary ==="
echo "reference build: $duration s ($steps steps, checkpoint every $save, $rows rows); seed $seed"
echo "kills: $kills of $kills_wanted wanted, over $build_no builds; processes surviving a kill: $survivors"
for i in "${!kill_moments[@]}"; do echo "  kill $((i + 1)): ${kill_moments[$i]}"; done
echo "completed builds checked: $completed; resumes seen: $resumes"
if [[ $check_each == 1 ]]; then echo "kills followed by a checked build to the end: $kills_checked of $kills (CHECK_EACH=1)"
else echo "kills in series, one build to the end after the last (CHECK_EACH=0)"; fi
echo "adapter against the reference: max relative error $max_rel, max abs difference $max_abs (tolerance 1e-5 relative)"
echo "staging leftovers: $leftovers_after_kills on disk after kills, $leftovers_removed removed by the next build, $leftovers_left after completed builds"
echo "internal errors: $internal"
echo "total time: $(seconds_since "$clock_start") s; logs in $logs"
if (( ${#failures[@]} > 0 )); then
  echo "FAILED (${#failures[@]}):"; printf '  %s\n' "${failures[@]}"
  exit 1
fi
(( kills == kills_wanted )) || exit 1
[[ $check_each != 1 ]] || (( kills_checked == kills )) || exit 1
echo "PASSED"
