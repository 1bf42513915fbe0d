#!/usr/bin/env python3
"""The n-link pendulum study of Manek & Kolter (Fig. 5) with seeds, long budgets and α/ε axes (issue 16 item 1),
through the stabledyn Python module (the same plugin, data generator and training code as `stabledyn study
pendulum`, which this script reproduces for one seed — see README.md).

Per (n, seed s):
  data     stabledyn.generate("pendulum", links=n, mode="pairs", samples_per_link=K, seed=s + n): K·n training and
           K·n test pairs, x ~ U[−π, π]^{2n} (the study's data, docs/results/pendulum.md);
  x0       M initial states ~ U[−π/8, π/8]^{2n} drawn by sd::Rng(7919·s + n) (mt19937_64, column by column — the
           same states as the CLI study), the true trajectories by classical RK4 (h = 0.01, `steps` states);
  models   lyapunov-net "stable" for every (α, ε) asked, and "simple" (no α/ε), init_seed = s, shuffling seed = s;
           Adam lr 1e-3, batch 2000 (full batch for n ≤ 8 at K = 200), `epochs` epochs;
  metric   the reference metric (core/analysis/rollout_error): e_i = Σ_traj [Σ_j (u_j − û_j)² + Σ_j wrap(q_j − q̂_j)²],
           reported as ē_i = e_i / M over time and as the cumulative Σ_i e_i / M.
One JSON line per trained model is appended to --out (resumable: runs already there are skipped). Each line has
the per-epoch train/test losses at the epochs listed in "curve_epochs" (all for ≤ 2000 epochs, else 400
log-spaced ones) and ē_i at every 10th step.

  PYTHONPATH=build/python nice -n 19 /usr/bin/python3 studies/pendulum/pendulum_grid.py --links 1,2 --seeds 0-4 \
      --alphas 1e-3 --epss 1e-3 --epochs 1000 --out runs/pendulum/grid.jsonl
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

import stabledyn as sd

MASK64 = (1 << 64) - 1


class MT19937_64:
    """std::mt19937_64, the engine of sd::Rng (core/common/rng.h)."""

    def __init__(self, seed):
        self.mt = [0] * 312
        self.mt[0] = seed & MASK64
        for i in range(1, 312):
            self.mt[i] = (6364136223846793005 * (self.mt[i - 1] ^ (self.mt[i - 1] >> 62)) + i) & MASK64
        self.i = 312

    def __call__(self):
        if self.i >= 312:
            mt = self.mt
            for k in range(312):
                x = (mt[k] & 0xFFFFFFFF80000000) | (mt[(k + 1) % 312] & 0x7FFFFFFF)
                mt[k] = mt[(k + 156) % 312] ^ (x >> 1) ^ (0xB5026F5AA96619E9 if x & 1 else 0)
            self.i = 0
        x = self.mt[self.i]
        self.i += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & MASK64

    def uniform_matrix(self, rows, cols, lo, hi):
        """sd::Rng::uniformMatrix: column by column, lo + (hi − lo)·(engine() >> 11)·2⁻⁵³."""
        m = np.empty((rows, cols))
        for j in range(cols):
            for i in range(rows):
                m[i, j] = lo + (hi - lo) * (float(self() >> 11) * 2.0 ** -53)
        return m


def pendulum_field(n, g=9.81, b=0.3):
    """ẋ of the n-link pendulum (core/systems/pendulum.cpp) for a batch X (B × 2n)."""
    l = 1.0 / n
    idx = np.arange(n)
    c = (n - np.maximum.outer(idx, idx)) * l * l
    weight = (n - idx) * l

    def f(X):
        q, u = X[:, :n], X[:, n:]
        d = q[:, :, None] - q[:, None, :]
        M = c[None] * np.cos(d)
        F = -np.einsum("ij,bij,bj->bi", c, np.sin(d), u * u) - g * weight * np.sin(q) - b * u
        return np.concatenate([u, np.linalg.solve(M, F[:, :, None])[:, :, 0]], axis=1)

    return f


def rk4(f, X0, h, steps, bound=1e6):
    """Classical RK4, `steps` states including X0; a state whose norm exceeds `bound` (or is not finite) stops
    (its later states are NaN), as the core's divergence guard."""
    out = np.full((steps,) + X0.shape, np.nan)
    X = X0.copy()
    out[0] = X
    alive = np.ones(X0.shape[0], dtype=bool)
    for k in range(1, steps):
        Xa = X[alive]
        k1 = f(Xa)
        k2 = f(Xa + 0.5 * h * k1)
        k3 = f(Xa + 0.5 * h * k2)
        k4 = f(Xa + h * k3)
        Xa = Xa + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        ok = np.all(np.isfinite(Xa), axis=1) & (np.linalg.norm(Xa, axis=1) <= bound)
        X[alive] = Xa
        idx = np.flatnonzero(alive)
        alive[idx[~ok]] = False
        out[k][alive] = X[alive]
        if not alive.any():
            break
    return out, int((~alive).sum())


def wrap(theta):
    return theta - 2 * math.pi * np.floor((theta + math.pi) / (2 * math.pi))


def step_errors(truth, pred, n):
    """e_i summed over trajectories (core/analysis/rollout_error.cpp); angles q_j wrapped."""
    d = truth - pred
    d[:, :, :n] = wrap(d[:, :, :n])
    return np.sum(d * d, axis=(1, 2))


def curve_epochs(epochs):
    if epochs <= 2000:
        return list(range(1, epochs + 1))
    return sorted(set(np.unique(np.round(np.logspace(0, math.log10(epochs), 400)).astype(int)).tolist()) | {epochs})


def parse_seeds(s):
    if "-" in s:
        a, b = s.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(v) for v in s.split(",")]


def key_of(r):
    return (r["links"], r["seed"], r["variant"], r["alpha"], r["eps"], r["epochs"], r["samples_per_link"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--links", default="1,2")
    ap.add_argument("--seeds", default="0-4")
    ap.add_argument("--variants", default="stable,simple")
    ap.add_argument("--alphas", default="1e-3")
    ap.add_argument("--epss", default="1e-3")
    ap.add_argument("--epochs", type=int, default=1000)
    ap.add_argument("--samples-per-link", type=int, default=200)
    ap.add_argument("--trajectories", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    h = 0.01
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    done = set()
    if os.path.exists(a.out):
        with open(a.out) as f:
            done = {key_of(json.loads(line)) for line in f if line.strip()}
    configs = []
    for v in a.variants.split(","):
        if v == "stable":
            configs += [("stable", float(al), float(ep)) for al in a.alphas.split(",") for ep in a.epss.split(",")]
        else:
            configs.append(("simple", None, None))
    keep = curve_epochs(a.epochs)
    for n in [int(v) for v in a.links.split(",")]:
        for s in parse_seeds(a.seeds):
            todo = [c for c in configs if (n, s, c[0], c[1], c[2], a.epochs, a.samples_per_link) not in done]
            if not todo:
                continue
            t0 = time.perf_counter()
            ds = sd.generate("pendulum", seed=s + n, links=n, mode="pairs", samples_per_link=a.samples_per_link)
            X0 = MT19937_64(7919 * s + n).uniform_matrix(2 * n, a.trajectories, -math.pi / 8, math.pi / 8).T.copy()
            truth, _ = rk4(pendulum_field(n), X0, h, a.steps)
            truth_seconds = time.perf_counter() - t0
            for variant, alpha, eps in todo:
                hyper = {"variant": variant, "epochs": a.epochs, "batch_size": 2000, "lr": 1e-3, "init_seed": s,
                         "certificate_trajectories": 2}
                if variant == "stable":
                    hyper.update(alpha=alpha, eps=eps)
                train_curve, test_curve = [], []

                def on_epoch(e):
                    train_curve.append(e["train_loss"])
                    test_curve.append(e["validation_loss"])

                t1 = time.perf_counter()
                m = sd.train("lyapunov-net", ds, hyper, seed=s, on_epoch=on_epoch, validation_split="test")
                train_seconds = time.perf_counter() - t1
                t2 = time.perf_counter()
                pred, diverged = rk4(lambda X: m.field(X), X0, h, a.steps)
                e = step_errors(truth, pred, n)
                rollout_seconds = time.perf_counter() - t2
                cert = m.certify() if variant == "stable" else None
                ebar = e / a.trajectories
                rec = {
                    "links": n, "seed": s, "variant": variant, "alpha": alpha, "eps": eps, "epochs": a.epochs,
                    "samples_per_link": a.samples_per_link, "trajectories": a.trajectories, "steps": a.steps, "h": h,
                    "status": m.training["status"], "epochs_run": m.training["epochs_run"],
                    "final_train_mse": train_curve[-1], "test_mse": test_curve[-1],
                    "cumulative_error_per_trajectory": float(np.sum(e) / a.trajectories),
                    "final_step_error": float(ebar[-1]), "peak_step_error": float(np.max(ebar)),
                    "peak_step": int(np.argmax(ebar)), "diverged": diverged,
                    "certificate_verified": None if cert is None else cert.verified,
                    "train_seconds": train_seconds, "rollout_seconds": rollout_seconds,
                    "truth_seconds": truth_seconds,
                    "curve_epochs": keep,
                    "train_curve": [train_curve[i - 1] for i in keep if i <= len(train_curve)],
                    "test_curve": [test_curve[i - 1] for i in keep if i <= len(test_curve)],
                    "mean_step_error_every_10": ebar[::10].tolist() + [float(ebar[-1])],
                }
                with open(a.out, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                print("n=%d seed=%d %s α=%s ε=%s: train %.4g test %.4g cumulative/traj %.4g final ē %.4g "
                      "(train %.1f s, rollout %.1f s)" % (n, s, variant, alpha, eps, train_curve[-1], test_curve[-1],
                                                          rec["cumulative_error_per_trajectory"], ebar[-1],
                                                          train_seconds, rollout_seconds), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
