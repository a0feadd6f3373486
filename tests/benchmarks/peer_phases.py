#!/usr/bin/env python3
"""The plain PyTorch peer (../shared/bench/peer_lora_train.py, imported from beside this file) with its step timed by
phase, as `lora bench train --phases` times ours: forward (under bf16 autocast), backward, optimizer, the device synced
between them. Same arguments as the peer; prints one JSON line with phase_forward_s, phase_backward_s, phase_optimizer_s."""
import json, statistics, sys, time
import torch
import peer_lora_train as peer


def main():
    sys.argv, argv = sys.argv[:1], sys.argv[1:]
    parser_args = {}
    # Reuse the peer's own argument parser and model, so the two cannot drift.
    import argparse
    real_parse = argparse.ArgumentParser.parse_args
    argparse.ArgumentParser.parse_args = lambda self, args=None, ns=None: parser_args.setdefault("a", real_parse(self, argv))
    captured = {}
    real_adamw = torch.optim.AdamW
    def capture(params, **kw):
        captured["opt"] = real_adamw(params, **kw)
        raise StopIteration   # the peer's setup is done: its model, parameters and optimizer exist
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
    a, opt = parser_args["a"], captured["opt"]
    m = [mod for mod in [captured["model"]]][0]
    ids = torch.randint(0, a.vocab, (a.batch, a.seq), device=a.device)
    phases = {"forward": [], "backward": [], "optimizer": []}
    def sync():
        torch.cuda.synchronize()
        return time.perf_counter()
    for i in range(a.warmup + a.steps):
        t0 = sync()
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
            loss = m(ids)
        t1 = sync()
        loss.backward()
        t2 = sync()
        opt.step()
        opt.zero_grad(set_to_none=True)
        t3 = sync()
        if i >= a.warmup:
            for k, v in zip(phases, (t1 - t0, t2 - t1, t3 - t2)):
                phases[k].append(v)
    print(json.dumps({"impl": "peer-phases", **{f"phase_{k}_s": statistics.median(v) for k, v in phases.items()}}))


if __name__ == "__main__":
    main()
