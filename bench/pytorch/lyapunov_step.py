#!/usr/bin/env python3
"""The Lyapunov-projected model of Manek & Kolter in PyTorch (CPU, float64), equivalent to the studio's
lyapunov-net "stable" model and timed like bench/lyapunov_net_bench.cpp. Written for this benchmark from
docs/methods/stable-dynamics.md, not taken from the reference repository.

Model: f_hat MLP n-100-100-n (ReLU); V = ReHU_1(g(x) - g(0)) + eps*|x|^2 with g the ICNN n-60-60-1 (ReHU_d inner
activations, softplus(U) hidden weights scaled by 1/rows(U), linear output), g(0) recomputed every step;
grad V by autograd with create_graph=True (double backprop); f = f_hat - gradV*relu(gradV.f_hat + alpha V)/|gradV|^2;
MSE loss; Adam (lr 1e-3).

Modes (one JSON line each):
  --mode step --batch B        one training step (zero grad, forward, backward, Adam step): us per step
  --mode train --links n       full training run on 200n pendulum pairs (batch 2000, --epochs): seconds
  --mode grid                  field evaluation on a 64x64 grid (needs input gradients even without training)
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as Fn


def rehu(a, d):
    return torch.where(a <= 0, torch.zeros_like(a), torch.where(a < d, a * a / (2 * d), a - d / 2))


class ICNN(torch.nn.Module):
    def __init__(self, sizes, d):
        super().__init__()
        n = sizes[0]
        self.d = d
        self.W = torch.nn.ModuleList([torch.nn.Linear(n, s) for s in sizes[1:]])
        self.U = torch.nn.ParameterList()
        for i in range(1, len(sizes) - 1):
            lin = torch.nn.Linear(sizes[i], sizes[i + 1], bias=False)
            self.U.append(lin.weight)

    def forward(self, x):
        z = rehu(self.W[0](x), self.d)
        for i, U in enumerate(self.U):
            S = Fn.softplus(U)
            a = self.W[i + 1](x) + z @ S.t() / S.shape[0]
            z = rehu(a, self.d) if i + 1 < len(self.U) else a
        return z


class Stable(torch.nn.Module):
    def __init__(self, n, fh=100, vh=60, d=0.005, eps=1e-3, alpha=1e-3):
        super().__init__()
        self.fhat = torch.nn.Sequential(torch.nn.Linear(n, fh), torch.nn.ReLU(), torch.nn.Linear(fh, fh), torch.nn.ReLU(),
                                        torch.nn.Linear(fh, n))
        self.g = ICNN([n, vh, vh, 1], d)
        self.eps, self.alpha, self.n = eps, alpha, n

    def V(self, x):
        c = self.g(torch.zeros(1, self.n, dtype=x.dtype))
        return rehu(self.g(x) - c, 1.0)[:, 0] + self.eps * (x * x).sum(1)

    def forward(self, x, create_graph=True):
        x = x.detach().requires_grad_(True)
        fx = self.fhat(x)
        v = self.V(x)
        gv, = torch.autograd.grad(v.sum(), x, create_graph=create_graph)
        num = Fn.relu((gv * fx).sum(1) + self.alpha * v)
        den = (gv * gv).sum(1)
        den = torch.where(den == 0, torch.ones_like(den), den)
        return fx - gv * (num / den)[:, None]


def pendulum1(x):
    q, u = x[:, 0], x[:, 1]
    return torch.stack([u, -9.81 * torch.sin(q) - 0.3 * u], 1)


def pendulum_pairs(n, count, gen):
    # Targets only matter for the loss value, not for timing; for n > 1 a smooth stand-in field of the same shape.
    x = (torch.rand(count, 2 * n, dtype=torch.float64, generator=gen) * 2 - 1) * math.pi
    if n == 1:
        y = pendulum1(x)
    else:
        y = torch.cat([x[:, n:], -9.81 * torch.sin(x[:, :n]) - 0.3 * x[:, n:]], 1)
    return x, y


def timed(step, seconds):
    for _ in range(3):
        step()
    best = float("inf")
    for _ in range(3):
        k, t0 = 0, time.perf_counter()
        while True:
            step()
            k += 1
            el = time.perf_counter() - t0
            if el >= seconds:
                break
        best = min(best, el / k)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["step", "train", "grid"], default="step")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--links", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    impl = "pytorch-" + torch.__version__
    if a.mode == "step":
        m = Stable(2).double()
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        x, y = pendulum_pairs(1, a.batch, gen)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = Fn.mse_loss(m(x), y)
            loss.backward()
            opt.step()

        us = timed(step, a.seconds) * 1e6
        print(json.dumps({"bench": "lyapunov_net_train_step", "impl": impl, "batch": a.batch, "threads": a.threads,
                          "us_per_step": us}))
    elif a.mode == "train":
        n = a.links
        m = Stable(2 * n).double()
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        x, y = pendulum_pairs(n, 200 * n, gen)
        t0 = time.perf_counter()
        for _ in range(a.epochs):
            perm = torch.randperm(x.shape[0])
            for i in range(0, x.shape[0], 2000):
                idx = perm[i:i + 2000]
                opt.zero_grad(set_to_none=True)
                loss = Fn.mse_loss(m(x[idx]), y[idx])
                loss.backward()
                opt.step()
        sec = time.perf_counter() - t0
        print(json.dumps({"bench": "lyapunov_net_full_training", "impl": impl, "links": n, "epochs": a.epochs,
                          "samples": 200 * n, "threads": a.threads, "seconds": sec, "final_loss": float(loss)}))
    else:
        m = Stable(2).double()
        g = torch.linspace(-math.pi, math.pi, 64, dtype=torch.float64)
        X = torch.stack(torch.meshgrid(g, g, indexing="xy"), -1).reshape(-1, 2)

        def ev():
            m(X, create_graph=False).detach()

        ms = timed(ev, a.seconds) * 1e3
        print(json.dumps({"bench": "lyapunov_net_grid_field", "impl": impl, "grid": 64, "threads": a.threads, "ms": ms}))


if __name__ == "__main__":
    main()
