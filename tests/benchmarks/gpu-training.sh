#!/usr/bin/env bash
# The GPU training benchmark: `lora bench train` on the anchor shapes of ../shared/anchors/peft-h200.json (PEFT 0.21 +
# transformers 5.17 measured on the H200), one JSON line per shape, then a table of ours against those anchors.
# Two halves, because the GPU machine has no .NET and no network (../shared/notes/gpu.md):
#   bash tests/benchmarks/gpu-training.sh pack   # here: artifacts/gpu/ = the lora CLI published self-contained without
#                                                # libtorch (that machine brings its own), the anchors and the peer script
#   bash tests/benchmarks/gpu-training.sh run    # there, from the repository root, $OUT set: everything lands in $OUT
#   bash tests/benchmarks/gpu-training.sh fixtures   # there: $OUT/fixtures.tgz = make_fixtures.py's parity fixtures
#   bash tests/benchmarks/gpu-training.sh experiment # there: gpu-experiment/ trained on the GPU and on the CPU, compared
#   bash tests/benchmarks/gpu-training.sh phases     # there: ours and the peer timed by phase (forward, backward, optimizer)
#   bash tests/benchmarks/gpu-training.sh profile    # there: ours and the peer timed block by block (--sections), the
#                                                    # peer's kernels, PEFT itself on the anchor shapes, QLoRA memory variants
# With the device tool: run(command="bash tests/benchmarks/gpu-training.sh run", carry=["artifacts/gpu"], timeout_s=540).
# Knobs: STEPS (20), SHAPES (gpt2 llama1b llama7b llama7b-qlora), PEFT=0 skips PEFT itself (peft_peer.py, run per shape
# where transformers + PEFT are installed, so ratios come from one run), PEER=1 also runs the plain PyTorch peer per shape.
# Dry run on a CPU machine (checks the plumbing, not the figures):
#   LORA_LIBTORCH_DIR=~/.nuget/packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native DEVICE=cpu SMALL=1 \
#   OUT=/tmp/gpu-dry bash tests/benchmarks/gpu-training.sh run
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pack_dir="$root/artifacts/gpu"

pack() {
    rm -rf "$pack_dir" && mkdir -p "$pack_dir"
    local publish
    publish=$(mktemp -d)
    dotnet publish "$root/runtime/Lora.Cli" -c Release -r linux-x64 --self-contained -p:LoraNoLibTorch=true -p:LoraTrimFramework=true -o "$publish" -v q -nologo
    # xz and no debug symbols: the self-contained runtime is ~120 MB, and the device tool carries at most 64 MiB.
    rm -f "$publish"/*.pdb
    # The built-in models travel with the working tree already (runtime/Lora.Runtime/models): not twice.
    rm -rf "$publish"/models
    XZ_OPT=-9T0 tar cJf "$pack_dir/lora.txz" -C "$publish" .
    rm -rf "$publish"
    experiment
    cp "$root/../shared/anchors/peft-h200.json" "$root/../shared/bench/peer_lora_train.py" "$root/../shared/fixtures/peft/make_fixtures.py" \
        "$root/tests/benchmarks/peer_phases.py" "$root/tests/benchmarks/peer_sections.py" "$root/tests/benchmarks/peft_peer.py" "$pack_dir/"
    du -sh "$pack_dir"
}

# The experiment of gpu-experiment/Experiment.cs compiled by the real SDK (packed into a throwaway feed) without training:
# its assembly, dataset and the folder it was compiled in (the generated config names it) go to $pack_dir/experiment.
experiment() {
    local work version project
    work=$(mktemp -d)
    # Compiled outside the repository, whose Directory.*.props (central package versions) must not apply to it.
    project=$work/GpuCheck
    version=0.1.0-gpu.$(date +%Y%m%d%H%M%S)
    dotnet pack "$root/sdk/Lora.Sdk.Packages.slnf" -c Release -o "$work/feed" -p:PackageVersion="$version" -v q -nologo >/dev/null
    mkdir -p "$project/data"
    cp "$root/tests/benchmarks/gpu-experiment/Experiment.cs" "$project/"
    cp "$root/templates/Lora.Templates/content/lora-experiment/data/spam-assassin.jsonl" "$project/data/"
    cat >"$project/GpuCheck.csproj" <<XML
<Project Sdk="Lora.Sdk/$version">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
</Project>
XML
    cat >"$project/nuget.config" <<XML
<configuration><packageSources><add key="lora-sdk" value="$work/feed" /></packageSources></configuration>
XML
    dotnet build "$project" -c Release -p:LoraTrainOnBuild=false -o "$work/bin" -v q -nologo
    cp "$work/bin/GpuCheck.dll" "$project/"
    rm -rf "$project/bin" "$project/obj" "$project/nuget.config"
    # The generated config names the folder it was compiled in; experiment_check makes that path lead to this copy.
    echo "$project" >"$pack_dir/experiment.path"
    rm -rf "$pack_dir/experiment" && mv "$project" "$pack_dir/experiment" && rm -rf "$work"
}

# name → the peer's arguments for that anchor (r, targets, batch × seq as in peft-h200.json).
shape_args() {
    local llama7b="--family llama --layers 32 --hidden 4096 --heads 32 --kv-heads 32 --ffn 11008 --vocab 32000 --seq 512 --batch 4 --rank 16 --targets q_proj,v_proj"
    local args
    case $1 in
        gpt2) args="--family gpt2 --layers 12 --hidden 768 --heads 12 --vocab 50257 --seq 512 --batch 8 --rank 8 --targets c_attn" ;;
        llama1b) args="--family llama --layers 22 --hidden 2048 --heads 32 --kv-heads 4 --ffn 5632 --vocab 32000 --seq 512 --batch 8 --rank 16 --targets q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj" ;;
        llama7b) args=$llama7b ;;
        llama7b-qlora) args="$llama7b --quant nf4 --gradient-checkpointing" ;;
        *) echo "unknown shape '$1'" >&2; return 1 ;;
    esac
    # The dry run's stand-ins: the same families, targets and options at tiny sizes.
    [[ -n "${SMALL:-}" ]] && args=$(sed -E 's/--layers [0-9]+/--layers 2/; s/--hidden [0-9]+/--hidden 128/; s/--heads [0-9]+/--heads 4/;
        s/--kv-heads [0-9]+/--kv-heads 2/; s/--ffn [0-9]+/--ffn 344/; s/--vocab [0-9]+/--vocab 1000/; s/--seq [0-9]+/--seq 64/;
        s/--batch [0-9]+/--batch 2/' <<<"$args")
    echo "$args"
}

run() {
    : "${OUT:?set OUT to the folder whose files come back}"
    local app=/tmp/lora-gpu device=${DEVICE:-cuda} steps=${STEPS:-20}
    # At most 8 files come back from the device: the per-run logs go into one archive, logs.tgz.
    logs=/tmp/lora-gpu-logs   # global: the EXIT trap reads it after run() returns
    rm -rf "$app" "$logs" && mkdir -p "$app" "$logs" && tar xJf "$pack_dir/lora.txz" -C "$app"
    trap 'tar czf "$OUT/logs.tgz" -C "$logs" . 2>/dev/null || true' EXIT
    local libtorch=${LORA_LIBTORCH_DIR:-$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__) + '/lib')")}
    export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    (nvidia-smi || true) >"$logs/nvidia-smi.txt" 2>&1
    # The ceiling the issue's limit is measured against (bf16, as the anchors train).
    local size=8192
    [[ -n "${SMALL:-}" ]] && size=256
    timeout 120 "$app/lora" bench matmul --size "$size" --dtype bf16 --device "$device" >"$OUT/matmul.json" 2>"$logs/matmul.log" || true
    : >"$OUT/results.jsonl"
    # A shape that hangs must not take the others' time: each run has its own limit (SHAPE_TIMEOUT seconds).
    local limit=${SHAPE_TIMEOUT:-240}
    for shape in ${SHAPES:-gpt2 llama1b llama7b llama7b-qlora}; do
        read -r -a args <<<"$(shape_args "$shape")"
        local started=$SECONDS
        if line=$(timeout "$limit" "$app/lora" bench train "${args[@]}" --steps "$steps" --warmup 2 --dtype bf16 --device "$device" 2>"$logs/$shape.log" | tail -n 1) && [[ -n "$line" ]]; then
            echo "{\"shape\": \"$shape\", \"impl_run_s\": $((SECONDS - started)), \"ours\": $line}" >>"$OUT/results.jsonl"
        else
            echo "{\"shape\": \"$shape\", \"error\": \"see $shape.log in logs.tgz\"}" >>"$OUT/results.jsonl"
        fi
        if [[ ${PEFT:-1} == 1 && "$shape" != *qlora ]]; then   # PEFT itself, in this run (no bitsandbytes there: no QLoRA)
            timeout "$limit" python3 "$pack_dir/peft_peer.py" "${args[@]}" --steps "$steps" --warmup 2 --dtype bf16 --device "$device" \
                2>"$logs/$shape.peft.log" | tail -n 1 | sed "s/^/{\"shape\": \"$shape\", \"peft\": /; s/\$/}/" >>"$OUT/results.jsonl" || true
        fi
        if [[ -n "${PEER:-}" && "$shape" != *qlora ]]; then   # no bitsandbytes there: no QLoRA peer
            timeout "$limit" python3 "$pack_dir/peer_lora_train.py" "${args[@]}" --steps "$steps" --warmup 2 --dtype bf16 --device "$device" \
                2>"$logs/$shape.peer.log" | tail -n 1 | sed "s/^/{\"shape\": \"$shape\", \"peer\": /; s/\$/}/" >>"$OUT/results.jsonl" || true
        fi
    done
    python3 - "$OUT/results.jsonl" "$pack_dir/peft-h200.json" "$OUT/matmul.json" >"$OUT/table.md" <<'PY' || true
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
anchors = json.load(open(sys.argv[2]))
try:
    matmul = json.load(open(sys.argv[3]))["gflops"]
except Exception:
    matmul = None
anchor_of = {"gpt2": "peft_gpt2_124m_r8_cattn_b8_s512", "llama1b": "peft_llama_1.1b_r16_alllinear_b8_s512",
             "llama7b": "peft_llama_7b_r16_qv_b4_s512", "llama7b-qlora": "peft_llama_7b_r16_qv_b4_s512"}
peers = {r["shape"]: r["peer"] for r in rows if "peer" in r}
pefts = {r["shape"]: r["peft"] for r in rows if "peft" in r}
print(f"bf16 matmul ceiling: {matmul:.0f} GFLOP/s\n" if matmul else "bf16 matmul ceiling: not measured\n")
print("| shape | ours tok/s | PEFT tok/s, this run | ratio (needs ≥ 1.2) | PEFT tok/s (anchor) | ratio to anchor | ours peak GiB | PEFT peak GiB, this run (anchor) | plain PyTorch now tok/s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    if "peer" in r or "peft" in r:
        continue
    a = anchors[anchor_of[r["shape"]]]
    if "error" in r:
        print(f"| {r['shape']} | failed ({r['error']}) | – | – | {a['tokens_per_s']:.0f} | – | – | ({a['peak_gib']:.1f}) | – |")
        continue
    o, p, f = r["ours"], peers.get(r["shape"]), pefts.get(r["shape"])
    peak = "–" if o.get("peak_gpu_gib") is None else "%.2f" % o["peak_gpu_gib"]
    peer = "–" if p is None else "%.0f" % p["tokens_per_s"]
    now = "–" if f is None else "%.0f" % f["tokens_per_s"]
    ratio = "–" if f is None else "%.2f×" % (o["tokens_per_s"] / f["tokens_per_s"])
    peft_peak = "–" if f is None else "%.2f" % f["peak_gib"]
    print(f"| {r['shape']} | {o['tokens_per_s']:.0f} | {now} | {ratio} | {a['tokens_per_s']:.0f} | {o['tokens_per_s'] / a['tokens_per_s']:.2f}× "
          f"| {peak} | {peft_peak} ({a['peak_gib']:.1f}) | {peer} |")
print("\nOur peak is what the CUDA caching allocator reserved above the context (NVML), PEFT's is max_memory_allocated"
      " (reserved is never below allocated); the QLoRA row's target is the QLoRA paper's ~6 GB for 7B.")
PY
    cat "$OUT/table.md"
}

# Issue 18's build on the GPU: the packed experiment trained, merged and evaluated by `lora experiment run` on the device
# and on that machine's CPU; $OUT/experiment.json compares the two adapters (relative error per tensor), their eval
# scores and what each run recorded of its memory.
experiment_check() {
    : "${OUT:?set OUT to the folder whose files come back}"
    local app=/tmp/lora-gpu baked runs=/tmp/lora-gpu-experiment
    logs=/tmp/lora-gpu-experiment-logs   # global: the EXIT trap reads it
    rm -rf "$logs" && mkdir -p "$logs"
    trap 'tar czf "$OUT/experiment-logs.tgz" -C "$logs" . 2>/dev/null || true' EXIT
    rm -rf "$app" && mkdir -p "$app" && tar xJf "$pack_dir/lora.txz" -C "$app"
    local libtorch=${LORA_LIBTORCH_DIR:-$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__) + '/lib')")}
    export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    # The generated config names the folder the project was compiled in: make that path lead to the packed copy.
    baked=$(cat "$pack_dir/experiment.path")
    if [[ ! -e $baked ]]; then mkdir -p "$(dirname "$baked")" && ln -s "$pack_dir/experiment" "$baked"; fi
    export LORA_MODELS_DIR="$root/runtime/Lora.Runtime/models"
    rm -rf "$runs" && mkdir -p "$runs"
    local first=${DEVICE:-cuda}
    for device in "$first" cpu; do
        local started=$SECONDS
        timeout "${EXPERIMENT_TIMEOUT:-300}" "$app/lora" experiment run --assembly "$baked/GpuCheck.dll" --artifacts "$runs/$device" --device "$device" \
            >"$logs/experiment-$device.log" 2>&1 || echo "exit $?" >>"$logs/experiment-$device.log"
        echo "$((SECONDS - started))" >"$runs/$device.seconds"
    done
    # The `lora` verbs on the device: greedy generation from the built-in model must print the same ids as on the CPU.
    for device in "$first" cpu; do
        timeout 120 "$app/lora" generate --model "$LORA_MODELS_DIR/lora-tiny-en" --prompt "Subject: meeting on Friday" --max-new-tokens 12 \
            --device "$device" >"$runs/generate-$device.txt" 2>"$logs/generate-$device.log" || echo "exit $?" >>"$logs/generate-$device.log"
    done
    python3 - "$runs" "$first" >"$OUT/experiment.json" <<'PY' || true
import json, math, os, struct, sys
from array import array
runs, first = sys.argv[1], sys.argv[2]
def tensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]; header = json.loads(f.read(n)); body = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__": continue
        a, b = v["data_offsets"]
        assert v["dtype"] == "F32", v["dtype"]
        out[k] = array("f", body[a:b])
    return out
def folder(device):
    return os.path.join(runs, device, "gpu-check")
result = {"devices": [first, "cpu"]}
for d in (first, "cpu"):
    r = {"seconds": float(open(os.path.join(runs, d + ".seconds")).read())}
    for name in ("run.json", "eval.json"):
        p = os.path.join(folder(d), name)
        if os.path.exists(p):
            j = json.load(open(p))
            r[name] = {k: j.get(k) for k in ("steps", "final_loss", "eval_loss", "train_seconds", "memory", "base", "tuned")}
    result[d] = r
try:
    a = tensors(os.path.join(folder(first), "adapter", "adapter_model.safetensors"))
    b = tensors(os.path.join(folder("cpu"), "adapter", "adapter_model.safetensors"))
    errs = {}
    for k in b:
        num = math.sqrt(sum((x - y) ** 2 for x, y in zip(a[k], b[k]))); den = math.sqrt(sum(y * y for y in b[k])) or 1.0
        errs[k] = num / den
    result["adapter_rel_err_max"] = max(errs.values())
    result["adapter_rel_err_median"] = sorted(errs.values())[len(errs) // 2]
    result["adapter_tensors"] = len(errs)
except Exception as e:
    result["adapter_compare_error"] = repr(e)
gen = {d: open(os.path.join(runs, "generate-%s.txt" % d)).read() for d in (first, "cpu") if os.path.exists(os.path.join(runs, "generate-%s.txt" % d))}
result["generate"] = gen
result["generate_same_on_both"] = len(gen) == 2 and len(set(gen.values())) == 1 and bool(gen[first].strip())
print(json.dumps(result, indent=1))
PY
    cat "$OUT/experiment.json"
}

# Where a step's time goes: ours (`--phases`) and the plain PyTorch peer (peer_phases.py) timed by phase, forward,
# backward and optimizer, on the same shapes; one JSON line each in $OUT/phases.jsonl.
phases() {
    : "${OUT:?set OUT to the folder whose files come back}"
    local app=/tmp/lora-gpu device=${DEVICE:-cuda}
    rm -rf "$app" && mkdir -p "$app" && tar xJf "$pack_dir/lora.txz" -C "$app"
    local libtorch=${LORA_LIBTORCH_DIR:-$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__) + '/lib')")}
    export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    : >"$OUT/phases.jsonl"
    for shape in ${SHAPES:-llama1b llama7b}; do
        read -r -a args <<<"$(shape_args "$shape")"
        for impl in ours peer; do
            local line
            if [[ $impl == ours ]]; then
                line=$(timeout 150 "$app/lora" bench train "${args[@]}" --steps "${STEPS:-10}" --warmup 2 --dtype bf16 --device "$device" --phases 2>>"$OUT/phases.log" | tail -n 1) || true
            else
                line=$(cd "$pack_dir" && timeout 150 python3 peer_phases.py "${args[@]}" --steps "${STEPS:-10}" --warmup 2 --dtype bf16 --device "$device" 2>>"$OUT/phases.log" | tail -n 1) || true
            fi
            echo "{\"shape\": \"$shape\", \"$impl\": ${line:-null}}" >>"$OUT/phases.jsonl"
        done
    done
    cat "$OUT/phases.jsonl"
}

# Where ours loses to the peer, block by block, and what PEFT itself does in this run: $OUT/profile.jsonl holds
# ours and the peer with --sections, PEFT on each anchor shape (peft_peer.py), ours on the same shapes, and the QLoRA shape
# with and without expandable segments; logs.tgz the peer's kernel tables, which allocator symbols libc10_cuda exports
# and where its statistics live (allocator_layout).
profile() {
    : "${OUT:?set OUT to the folder whose files come back}"
    local app=/tmp/lora-gpu device=${DEVICE:-cuda}
    logs=/tmp/lora-gpu-logs
    rm -rf "$app" "$logs" && mkdir -p "$app" "$logs" && tar xJf "$pack_dir/lora.txz" -C "$app"
    trap 'tar czf "$OUT/logs.tgz" -C "$logs" . 2>/dev/null || true' EXIT
    local libtorch=${LORA_LIBTORCH_DIR:-$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__) + '/lib')")}
    export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    { nm -D --defined-only "$libtorch/libc10_cuda.so" | grep -E "DeviceStats|resetPeakStats|CUDACachingAllocator9allocator" || true; command -v gcc nsys ncu || true; } >"$logs/symbols.txt" 2>&1
    local out=$OUT/profile.jsonl steps=${STEPS:-8}
    : >"$out"
    record() {   # record LABEL COMMAND...: the command's last output line as {"label": ..., "result": ...}
        local label=$1 line
        shift
        line=$(timeout "${SHAPE_TIMEOUT:-180}" "$@" 2>>"$logs/$label.log" | tail -n 1) || true
        echo "{\"label\": \"$label\", \"result\": ${line:-null}}" >>"$out"
    }
    allocator_layout "$libtorch" >"$logs/allocator-layout.txt" 2>&1 || true
    for shape in ${SHAPES:-llama7b llama1b}; do
        read -r -a args <<<"$(shape_args "$shape")"
        record "$shape.ours.sections" "$app/lora" bench train "${args[@]}" --steps "$steps" --warmup 2 --dtype bf16 --device "$device" --sections
        [[ ${PEER_SECTIONS:-1} == 1 ]] && record "$shape.peer.sections" python3 "$pack_dir/peer_sections.py" "${args[@]}" --steps "$steps" --warmup 2 --dtype bf16 --device "$device" \
            --profile "$logs/$shape.peer-kernels.txt"
    done
    for shape in ${PEFT_SHAPES:-gpt2 llama1b llama7b}; do
        read -r -a args <<<"$(shape_args "$shape")"
        record "$shape.ours" "$app/lora" bench train "${args[@]}" --steps 20 --warmup 2 --dtype bf16 --device "$device"
        record "$shape.peft" python3 "$pack_dir/peft_peer.py" "${args[@]}" --steps 20 --warmup 2 --dtype bf16 --device "$device"
    done
    read -r -a args <<<"$(shape_args llama7b-qlora)"
    record "qlora" "$app/lora" bench train "${args[@]}" --steps 6 --warmup 2 --dtype bf16 --device "$device" --sections
    PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True record "qlora.expandable" "$app/lora" bench train "${args[@]}" --steps 6 --warmup 2 --dtype bf16 --device "$device"
    cat "$out"
}

# Where the CUDA caching allocator's statistics live in this libtorch (TorchSharp binds none): the virtual slot of
# CUDAAllocator::getDeviceStats and the DeviceStats field offsets, compiled against the installed torch's headers.
allocator_layout() {
    local libtorch=$1 include probe=/tmp/lora-allocator-probe
    include=$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__) + '/include')")
    cat >"$probe.cpp" <<'CPP'
#include <c10/cuda/CUDACachingAllocator.h>
#include <cstddef>
#include <cstdio>
#include <cstring>
using Allocator = c10::cuda::CUDACachingAllocator::CUDAAllocator;
using Stats = c10::CachingDeviceAllocator::DeviceStats;
int main() {
    auto stats = &Allocator::getDeviceStats;
    auto reset = &Allocator::resetPeakStats;
    std::ptrdiff_t s, r;
    std::memcpy(&s, &stats, sizeof s);
    std::memcpy(&r, &reset, sizeof r);
    std::printf("getDeviceStats vtable byte offset %td, resetPeakStats %td, sizeof(DeviceStats) %zu, allocated_bytes at %zu, reserved_bytes at %zu\n",
                s - 1, r - 1, sizeof(Stats), offsetof(Stats, allocated_bytes), offsetof(Stats, reserved_bytes));
}
CPP
    g++ -std=c++20 -I"$include" -I"$include/torch/csrc/api/include" -I/usr/local/cuda/include "$probe.cpp" -o "$probe" \
        -L"$libtorch" -lc10_cuda -lc10 && "$probe"
    python3 -c "import torch; print(torch.__version__)"
}

# The parity fixtures of ../shared/fixtures/peft/make_fixtures.py (every spec), made where transformers + PEFT exist:
# $OUT/fixtures.tgz holds one folder per spec and the script's log.
fixtures() {
    : "${OUT:?set OUT to the folder whose files come back}"
    local made=/tmp/lora-fixtures
    rm -rf "$made" && mkdir -p "$made"
    # shellcheck disable=SC2046
    OUT=$made PYTHONUNBUFFERED=1 timeout 300 python3 "$pack_dir/make_fixtures.py" $(python3 "$pack_dir/make_fixtures.py" --list) \
        >"$made/make_fixtures.log" 2>&1 || true
    python3 -c "import torch, transformers, peft, safetensors; print(torch.__version__, transformers.__version__, peft.__version__, safetensors.__version__)" \
        >"$made/versions.txt" 2>&1 || true
    tar czf "$OUT/fixtures.tgz" -C "$made" .
}

case "${1:-}" in
    pack) pack ;;
    run) run ;;
    fixtures) fixtures ;;
    experiment) experiment_check ;;
    phases) phases ;;
    profile) profile ;;
    *) echo "usage: $0 pack|run|fixtures|experiment|phases|profile" >&2; exit 2 ;;
esac
