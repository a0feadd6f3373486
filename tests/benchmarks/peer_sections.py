#!/usr/bin/env python3
"""The plain PyTorch peer (../shared/bench/peer_lora_train.py, imported from beside this file) timed as
`lora bench train --sections` times ours: each residual block's forward and backward apart, the device synced at every
boundary, under the same section names (forward.AttentionBlock, backward.MlpBlock, backward.head_and_loss, ...).
Then, with --profile FILE, torch.profiler's kernel table of one forward and one backward written to FILE: what the
peer's time is made of, kernel by kernel (TorchSharp has no profiler, so ours is compared by section).
Same arguments as the peer; prints one JSON line: {"impl": "peer-sections", "sections_ms": {...}}. Llama family only."""
import json, statistics, sys, time
import torch
import torch.nn.functional as F
import peer_lora_train as peer

clock = {"mark": float("nan"), "seen": False, "step": {}, "recording": False}


def now():
    torch.cuda.synchronize()
    return time.perf_counter() * 1000


def add(section, ms):
    if clock["recording"]:
        clock["step"][section] = clock["step"].get(section, 0.0) + ms


class Mark(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, section, at_input):
        ctx.section, ctx.at_input = section, at_input
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        t = now()
        name = ctx.section if ctx.at_input else ("backward.between_blocks" if clock["seen"] else "backward.head_and_loss")
        add(name, t - clock["mark"])
        clock["seen"], clock["mark"] = True, t
        return g.clone(), None, None


def block(name, x, run):
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    x = Mark.apply(x, f"backward.{name}", True)
    t = now()
    y = run(x)
    add(f"forward.{name}", now() - t)
    return Mark.apply(y, f"backward.{name}", False)


def sectioned_forward(self, x, pos):
    # peer.LlamaBlock.forward split at its residual boundary into the two blocks ours has.
    B, T, _ = x.shape
    a, hd = self.a, self.a.hidden // self.a.heads

    def attention_block(x):
        y = self.n1(x)
        q = self.q_proj(y).view(B, T, a.heads, hd).transpose(1, 2)
        k = self.k_proj(y).view(B, T, a.kv_heads, hd).transpose(1, 2)
        v = self.v_proj(y).view(B, T, a.kv_heads, hd).transpose(1, 2)
        q, k = peer.rope(q, pos), peer.rope(k, pos)
        rep = a.heads // a.kv_heads
        k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
        o = peer.attention(q, k, v).transpose(1, 2).reshape(B, T, -1)
        return x + self.o_proj(o)

    def mlp_block(x):
        y = self.n2(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))

    return block("MlpBlock", block("AttentionBlock", x, attention_block), mlp_block)


def setup(argv):
    """The peer's own model, parameters and optimizer, built by its main() (so the two cannot drift)."""
    import argparse
    sys.argv = sys.argv[:1]
    parsed, captured = {}, {}
    real_parse = argparse.ArgumentParser.parse_args
    argparse.ArgumentParser.parse_args = lambda self, args=None, ns=None: parsed.setdefault("a", real_parse(self, argv))
    real_adamw = torch.optim.AdamW

    def capture(params, **kw):
        captured["opt"] = real_adamw(params, **kw)
        raise StopIteration
    torch.optim.AdamW = capture
    real_model = peer.Model

    def keep(a):
        captured["model"] = real_model(a)
        return captured["model"]
    peer.Model = keep
    try:
        peer.main()
    except StopIteration:
        pass
    return parsed["a"], captured["model"], captured["opt"]


def main():
    argv = sys.argv[1:]
    profile = None
    if "--profile" in argv:
        i = argv.index("--profile")
        profile, argv = argv[i + 1], argv[:i] + argv[i + 2:]
    a, m, opt = setup(argv)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq), device=a.device)

    def step(sectioned):
        peer.LlamaBlock.forward = sectioned_forward if sectioned else plain_forward
        clock["seen"], clock["step"] = False, {}
        start = now()
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
            loss = m(ids)
        t = now()
        add("forward.embedding_head_and_loss", t - start - sum(v for k, v in clock["step"].items() if k.startswith("forward.")))
        clock["mark"] = t
        loss.backward()
        add("backward.embedding", now() - clock["mark"])
        opt.step()
        opt.zero_grad(set_to_none=True)
        return dict(clock["step"])

    plain_forward = peer.LlamaBlock.forward
    steps = []
    for i in range(a.warmup + a.steps):
        clock["recording"] = i >= a.warmup
        s = step(True)
        if clock["recording"]:
            steps.append(s)
    medians = {k: round(statistics.median(s.get(k, 0.0) for s in steps), 3) for k in steps[0]}
    print(json.dumps({"impl": "peer-sections", "sections_ms": medians}))

    if profile:
        from torch.profiler import profile as prof, ProfilerActivity
        clock["recording"] = False
        peer.LlamaBlock.forward = plain_forward
        tables = []
        for phase in ("forward", "backward"):
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
                if phase == "forward":
                    with prof(activities=[ProfilerActivity.CUDA]) as p:
                        loss = m(ids)
                        torch.cuda.synchronize()
                else:
                    loss = m(ids)
                    torch.cuda.synchronize()
            if phase == "backward":
                with prof(activities=[ProfilerActivity.CUDA]) as p:
                    loss.backward()
                    torch.cuda.synchronize()
            else:
                loss.backward()
            opt.zero_grad(set_to_none=True)
            for key in ("self_device_time_total", "self_cuda_time_total"):
                try:
                    tables.append(f"== {phase} ==\n" + p.key_averages().table(sort_by=key, row_limit=40, max_name_column_width=90))
                    break
                except Exception as e:  # the column's name changed across torch versions
                    err = e
            else:
                tables.append(f"== {phase} == no table: {err!r}")
        open(profile, "w").write("\n\n".join(tables))


if __name__ == "__main__":
    main()
