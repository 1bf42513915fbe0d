#!/usr/bin/env python3
"""MLP 2->100->100->2 (ReLU) forward + backward of an MSE loss in PyTorch (CPU, float64), timed like
bench/autodiff_mlp_bench.cpp (warm-up, best of 3 rounds of >= --seconds). Prints one JSON line.
Invoked by autodiff_mlp_bench --pytorch <this file>; runs alone too."""
import argparse
import json
import math
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (Eigen side is single-threaded)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    dt = torch.float64
    net = torch.nn.Sequential(torch.nn.Linear(2, 100), torch.nn.ReLU(), torch.nn.Linear(100, 100), torch.nn.ReLU(),
                              torch.nn.Linear(100, 2)).to(dt)
    # Batch in rows here (PyTorch convention); same FLOPs as the column convention.
    x = (torch.rand(a.batch, 2, dtype=dt) * 2 - 1) * math.pi
    t = torch.randn(a.batch, 2, dtype=dt)

    def step():
        for p in net.parameters():
            p.grad = None
        loss = torch.nn.functional.mse_loss(net(x), t)
        loss.backward()
        return loss

    for _ in range(5):
        step()
    best = float("inf")
    for _ in range(3):
        n = 0
        t0 = time.perf_counter()
        while True:
            step()
            n += 1
            el = time.perf_counter() - t0
            if el >= a.seconds:
                break
        best = min(best, el / n * 1e6)
    flops = 2 * (2.0 * a.batch * 10400) + 2.0 * a.batch * 10200
    print(json.dumps({"bench": "mlp_2_100_100_2_step", "impl": "pytorch-" + torch.__version__, "batch": a.batch,
                      "threads": a.threads, "us_per_step": best, "gflops": flops / best * 1e-3}))


if __name__ == "__main__":
    main()
