#!/usr/bin/env python3
"""Hugging Face PEFT on the benchmark's shapes, run where transformers + PEFT are installed (the GPU machine), so that
ours is compared with PEFT in the same run rather than with figures measured on another day (machines of the same kind
differ by up to 15%). It trains what ../shared/anchors/peft-h200.json describes: a transformers model built from a
config with random weights in bf16 (SDPA attention), PEFT LoRA adapters (PEFT keeps them in float32 over a bf16 base),
AdamW (lr 1e-4), the model's own causal-LM loss. Same arguments as ../shared/bench/peer_lora_train.py; prints one JSON
line with the anchors' fields (tokens_per_s, step_s, peak_gib = max_memory_allocated, params, trainable)."""
import argparse, json, statistics, time
import torch


def config(a):
    if a.family == "gpt2":
        from transformers import GPT2Config
        return GPT2Config(n_embd=a.hidden, n_layer=a.layers, n_head=a.heads, vocab_size=a.vocab, n_positions=max(1024, a.seq))
    from transformers import LlamaConfig
    return LlamaConfig(hidden_size=a.hidden, num_hidden_layers=a.layers, num_attention_heads=a.heads,
                       num_key_value_heads=a.kv_heads or a.heads, intermediate_size=a.ffn, vocab_size=a.vocab,
                       max_position_embeddings=max(2048, a.seq))


def main():
    p = argparse.ArgumentParser()
    for name, default in [("--family", "llama"), ("--targets", "q_proj,v_proj"), ("--dtype", "bf16"), ("--device", "cuda")]:
        p.add_argument(name, default=default)
    for name, default in [("--layers", 4), ("--hidden", 512), ("--heads", 8), ("--kv-heads", 0), ("--ffn", 1376), ("--vocab", 32000),
                          ("--seq", 256), ("--batch", 4), ("--steps", 10), ("--warmup", 2), ("--rank", 16), ("--threads", 0)]:
        p.add_argument(name, type=int, default=default)
    p.add_argument("--alpha", type=float, default=32)
    a = p.parse_args()
    from transformers import AutoModelForCausalLM
    from peft import LoraConfig, get_peft_model
    dtype = torch.bfloat16 if a.dtype == "bf16" else torch.float32
    torch.manual_seed(0)
    with torch.device(a.device):
        try:
            model = AutoModelForCausalLM.from_config(config(a), dtype=dtype, attn_implementation="sdpa")
        except TypeError:  # transformers before `dtype` replaced `torch_dtype`
            model = AutoModelForCausalLM.from_config(config(a), torch_dtype=dtype, attn_implementation="sdpa")
    targets = [t.replace("mlp.", "") for t in a.targets.split(",")]
    model = get_peft_model(model, LoraConfig(r=a.rank, lora_alpha=a.alpha, target_modules=sorted(set(targets)), lora_dropout=0.0))
    model.train()
    train = [q for q in model.parameters() if q.requires_grad]
    opt = torch.optim.AdamW(train, lr=1e-4)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq), device=a.device)
    torch.cuda.reset_peak_memory_stats()
    times = []
    for i in range(a.warmup + a.steps):
        t = time.perf_counter()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        if i >= a.warmup:
            times.append(time.perf_counter() - t)
    step = statistics.median(times)
    import peft, transformers
    print(json.dumps({"impl": f"peft-{peft.__version__}+transformers-{transformers.__version__}", "family": a.family,
                      "tokens_per_s": a.batch * a.seq / step, "step_s": step,
                      "peak_gib": torch.cuda.max_memory_allocated() / 2**30, "reserved_gib": torch.cuda.max_memory_reserved() / 2**30,
                      "params": sum(q.numel() for q in model.parameters()), "trainable": sum(q.numel() for q in train),
                      "adapter_dtype": str(train[0].dtype), "loss_last": loss.item()}))


if __name__ == "__main__":
    main()
