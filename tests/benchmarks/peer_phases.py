#!/usr/bin/env python3
"""The plain PyTorch peer (../shared/bench/peer_lora_train.py, imported from beside this file) with its step timed by
phase, as `lora bench train --phases` times ours: forward (under bf16 autocast), backward, optimizer, the device synced
between them. Same arguments as the peer; prints one JSON line with phase_forward_s, phase_backward_s, phase_optimizer_s."""
import json, statistics, sys, time
import torch
from peer_sections import setup   # builds the peer's own model and optimizer


def main():
    a, m, opt = setup(sys.argv[1:])
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
