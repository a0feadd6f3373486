#!/usr/bin/env bash
# Runs the CPU training benchmark side by side with the PyTorch peer (../shared/bench/peer_lora_train.py) in one
# run, and rewrites the table between the BENCHMARK markers in README.md. Needs Debian's python3-torch with
# libopenblas0-pthread (apt-get install python3-torch libopenblas0-pthread). Quote it only from a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
peer="$root/../shared/bench/peer_lora_train.py"
dotnet build "$root/runtime/Lora.Cli" -c Release -v q -nologo >/dev/null
lora=(dotnet "$root/runtime/Lora.Cli/bin/Release/net10.0/lora.dll")
shape=(--family llama --layers 4 --hidden 512 --heads 8 --kv-heads 4 --ffn 1376 --vocab 32000 --seq 256 --batch 4
       --steps "${STEPS:-4}" --warmup 1 --rank 16 --targets q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj --threads 2)
# The ceiling is the best of three matmul measurements around the runs: on a shared host a single one can read low,
# which would flatter the "% of limit" column.
ceiling() { "${lora[@]}" bench matmul --size 1024 --dtype fp32 --threads 2; }
m1=$(ceiling)
ours=$("${lora[@]}" bench train "${shape[@]}")
m2=$(ceiling)
# QLoRA as its recipes run it: the same arguments, the base in NF4 with bf16 compute (bnb_4bit_compute_dtype), and
# memory-lean (gradient checkpointing); then the same with float32 compute, for comparison.
qlora=$("${lora[@]}" bench train "${shape[@]}" --quant nf4 --gradient-checkpointing --dtype bf16)
qlora32=$("${lora[@]}" bench train "${shape[@]}" --quant nf4 --gradient-checkpointing)
# And with every memory option: the embedding and LM head in 4 bits too (bitsandbytes' Embedding4bit; not
# transformers' default; at this shape they are three quarters of the weights) and 8-bit AdamW moments.
all_options=(--quant nf4 --quant-embeddings --gradient-checkpointing --dtype bf16 --optim adamw8bit)
qlora_all=$("${lora[@]}" bench train "${shape[@]}" "${all_options[@]}")
# QLoRA's peak against fp32 LoRA's, again over PAIRS more alternating pairs of both runs: fp32 LoRA's peak moves by
# up to ~6% from run to run (784-836 MiB seen), so the quoted ratio is the median of every pair of this run.
pairs=()
for _ in $(seq "${PAIRS:-2}"); do
  pairs+=("$("${lora[@]}" bench train "${shape[@]}")" "$("${lora[@]}" bench train "${shape[@]}" "${all_options[@]}")")
done
# The same comparison where the weights outweigh the process (TinyLlama's 1.1B shape, one row of 256 tokens, 3 steps):
# at the small shape above, the ~160 MiB the process holds before any model and the unquantized embedding and LM head
# dominate QLoRA's peak.
large=(--family llama --layers 22 --hidden 2048 --heads 32 --kv-heads 4 --ffn 5632 --vocab 32000 --seq 256 --batch 1
       --steps 3 --warmup 1 --rank 16 --targets q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj --threads 2)
large_lora=$("${lora[@]}" bench train "${large[@]}")
large_qlora=$("${lora[@]}" bench train "${large[@]}" --quant nf4 --gradient-checkpointing --dtype bf16)
theirs=$(/usr/bin/python3 "$peer" "${shape[@]}" --device cpu | tail -n 1)
m3=$(ceiling)
matmul=$(python3 -c 'import json,sys; print(max((json.loads(a) for a in sys.argv[1:]), key=lambda m: m["gflops"]) and json.dumps(max((json.loads(a) for a in sys.argv[1:]), key=lambda m: m["gflops"])))' "$m1" "$m2" "$m3")
table=$(python3 - "$matmul" "$ours" "$qlora" "$theirs" "$qlora32" "$large_lora" "$large_qlora" "$qlora_all" "${pairs[@]}" <<'PY'
import json, sys, platform, os, statistics
m, o, q, p, q32, bl, bq, qa = (json.loads(a) for a in sys.argv[1:9])
extra = [json.loads(a) for a in sys.argv[9:]]
pairs = [(o, qa)] + list(zip(extra[0::2], extra[1::2]))
ratios = [b["peak_rss_mib"] / a["peak_rss_mib"] for a, b in pairs]
# Matmul-bound limit: 4 FLOPs per non-embedding parameter (+ LM head) per token (forward + input gradient).
h, layers, ffn, kv, vocab = 512, 4, 1376, 256, 32000
per_layer = h * h + h * kv * 2 + h * h + 3 * h * ffn
limit = m["gflops"] * 1e9 / (4 * (layers * per_layer + vocab * h))
cpu = platform.processor() or platform.machine()
rows = [
  "| machine | shape | ours (tok/s) | PyTorch peer (tok/s) | ratio | % of matmul limit | peak RSS ours / peer (MiB) |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  f"| {os.cpu_count()} cores, {m['gflops']:.0f} GFLOP/s fp32 | Llama 4×512, vocab 32k, r16 all-linear, 4×256, fp32 | {o['tokens_per_s']:.0f} | {p['tokens_per_s']:.0f} | {o['tokens_per_s']/p['tokens_per_s']:.2f}× | {100*o['tokens_per_s']/limit:.0f}% of {limit:.0f} | {o['peak_rss_mib']:.0f} / {p['peak_rss_mib']:.0f} |",
  f"| same | same, QLoRA (NF4 base, bf16 compute, gradient checkpointing) | {q['tokens_per_s']:.0f} | – | – | – | {q['peak_rss_mib']:.0f} ({q['peak_rss_mib']/o['peak_rss_mib']:.2f} of LoRA's) |",
  f"| same | same, QLoRA with float32 compute | {q32['tokens_per_s']:.0f} | – | – | – | {q32['peak_rss_mib']:.0f} ({q32['peak_rss_mib']/o['peak_rss_mib']:.2f} of LoRA's) |",
  f"| same | same, QLoRA with the embedding and LM head in 4 bits too and 8-bit AdamW (`--quant-embeddings --optim adamw8bit`) | {qa['tokens_per_s']:.0f} | – | – | – | {qa['peak_rss_mib']:.0f} ({qa['peak_rss_mib']/o['peak_rss_mib']:.2f} of LoRA's) |",
  "",
  "| run | steps | loss first → last | peak RSS (MiB) | estimate (MiB) | estimate / peak | before the model (MiB) |",
  "| --- | --- | --- | --- | --- | --- | --- |",
]
for name, r, steps in (("LoRA fp32", o, os.environ.get('STEPS', '4')), ("QLoRA NF4, bf16 compute", q, os.environ.get('STEPS', '4')),
                       ("QLoRA NF4, fp32 compute", q32, os.environ.get('STEPS', '4')),
                       ("QLoRA NF4 with 4-bit embedding and head, 8-bit AdamW, bf16 compute", qa, os.environ.get('STEPS', '4')),
                       ("1.1B shape, 1×256: LoRA fp32", bl, 3), (f"1.1B shape, 1×256: QLoRA NF4, bf16 compute ({bq['peak_rss_mib']/bl['peak_rss_mib']:.2f} of LoRA's peak)", bq, 3)):
    rows.append(f"| {name} | {steps} | {r['loss_first']:.4f} → {r['loss_last']:.4f} | {r['peak_rss_mib']:.0f} | {r['estimate_mib']:.0f} | {r['estimate_mib']/r['peak_rss_mib']:.2f} | {r['baseline_rss_mib']:.0f} |")
rows += ["", f"QLoRA with every memory option (last row of the first table) against fp32 LoRA, peak RSS over {len(pairs)} pairs of runs in this "
         f"run, in order: " + ", ".join(f"{b['peak_rss_mib']:.1f} / {a['peak_rss_mib']:.1f} = {r:.3f}" for (a, b), r in zip(pairs, ratios))
         + f"; median {statistics.median(ratios):.3f}."]
print("\n".join(rows))
PY
)
echo "$table"
python3 - "$root/README.md" "$table" <<'PY'
import sys, re
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
block = "<!-- BENCHMARK:START -->\n" + table + "\n<!-- BENCHMARK:END -->"
text = re.sub(r"<!-- BENCHMARK:START -->.*?<!-- BENCHMARK:END -->", block, text, flags=re.S)
open(path, "w").write(text)
PY
