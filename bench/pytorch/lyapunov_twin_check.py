#!/usr/bin/env python3
"""Implementation check for the pendulum study (issue 16 item 1): the studio's lyapunov-net models and their
PyTorch twins (lyapunov_step.py's Stable, an nn.Sequential MLP for "simple"), trained from the SAME initial
weights on the SAME data in the SAME minibatch order, float64 — do their loss curves and final fields agree to
within float64 round-off growth?

How the runs are made identical:
  * data: stabledyn.generate("pendulum", links=n, mode="pairs", samples_per_link=K, seed=S+n) — the study's data;
  * weights: the studio model's initial parameters (create_model, init_seed) are read from its JSON document
    (17 significant digits, exact) and copied into the torch modules;
  * minibatches: the core shuffles with sd::Rng = std::mt19937_64(seed) and a Fisher–Yates pass per epoch with
    rejection-sampled uniformInt (core/nn/minibatch.cpp, core/common/rng.cpp); this script re-implements both,
    so torch sees every batch with the same samples in the same order;
  * optimiser: Adam lr 1e-3, betas (0.9, 0.999), eps 1e-8 (core/nn/adam.h is torch.optim.Adam); loss: mean
    squared error over all entries; the logged epoch loss is the batch-size-weighted mean of the batch losses
    before each step (core/nn/trainer.cpp).
What remains different is only floating-point evaluation order (Eigen vs torch kernels; the core's closed-form
∇V vs torch's double backward). To show what "round-off growth" means here, a third run trains the torch twin
from the same weights perturbed by one ulp: |torch − torch(1 ulp)| is the growth of a last-bit difference
through this training, the yardstick for |studio − torch|.

Run with Debian's python (torch 1.13) and the built module:
  PYTHONPATH=build/python nice -n 19 /usr/bin/python3 bench/pytorch/lyapunov_twin_check.py --links 1 \
      --epochs 1000 --out docs/results/pendulum/twin_n1.json
Prints one JSON line per variant (summary); --out writes the per-epoch curves too.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as Fn

import stabledyn as sd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lyapunov_step import Stable  # noqa: E402  (the twin of the "stable" variant)

MASK64 = (1 << 64) - 1


class MT19937_64:
    """std::mt19937_64 (the engine behind sd::Rng)."""

    def __init__(self, seed):
        self.mt = [0] * 312
        self.mt[0] = seed & MASK64
        for i in range(1, 312):
            self.mt[i] = (6364136223846793005 * (self.mt[i - 1] ^ (self.mt[i - 1] >> 62)) + i) & MASK64
        self.i = 312

    def _twist(self):
        mt = self.mt
        for k in range(312):
            x = (mt[k] & 0xFFFFFFFF80000000) | (mt[(k + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[k] = mt[(k + 156) % 312] ^ xa
        self.i = 0

    def __call__(self):
        if self.i >= 312:
            self._twist()
        x = self.mt[self.i]
        self.i += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & MASK64

    def uniform_int(self, lo, hi):
        """sd::Rng::uniformInt: rejection sampling, then modulo."""
        span = hi - lo + 1
        limit = MASK64 - (MASK64 % span)
        while True:
            r = self()
            if r < limit:
                return lo + r % span


def self_test_rng():
    e = MT19937_64(7)
    assert [e(), e(), e()] == [13915952638675311015, 17511516338625233250, 2165911192842364878]


def minibatches(count, batch_size, rng):
    """core/nn/minibatch.cpp: Fisher–Yates with rng, then consecutive batches (the last may be short)."""
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = rng.uniform_int(0, i)
        order[i], order[j] = order[j], order[i]
    bs = count if batch_size <= 0 or batch_size > count else batch_size
    return [order[s:s + bs] for s in range(0, count, bs)]


def matrix(doc, name):
    p = doc["parameters"][name]
    return torch.tensor(np.array(p["data"], dtype=np.float64).reshape(p["shape"]), dtype=torch.float64)


def torch_twin(doc, n):
    """A torch module holding exactly the studio model's parameters (document → tensors)."""
    h = doc["hyperparameters"]
    if h["variant"] == "stable":
        assert h["fhat_hidden"] == [100, 100] and h["v_hidden"] == [60, 60] and h["warp"] == "none"
        assert not h["fhat_center"] and h["g0_mode"] == "recompute" and h["proj_denominator_eps"] == 0
        assert h["outer_rehu_d"] == 1.0 and h["activation"] == "relu"
        m = Stable(n, fh=100, vh=60, d=h["inner_rehu_d"], eps=h["eps"], alpha=h["alpha"]).double()
        with torch.no_grad():
            for i, k in enumerate((0, 2, 4)):
                m.fhat[k].weight.copy_(matrix(doc, "fhat.%d.weight" % i))
                m.fhat[k].bias.copy_(matrix(doc, "fhat.%d.bias" % i)[:, 0])
            for i, lin in enumerate(m.g.W):
                lin.weight.copy_(matrix(doc, "V.g.W%d" % i))
                lin.bias.copy_(matrix(doc, "V.g.b%d" % i)[:, 0])
            for i, U in enumerate(m.g.U):
                U.copy_(matrix(doc, "V.g.U%d" % i))
        expected = 3 * 2 + 3 * 2 + 2
    else:
        sizes = [n] + h["simple_hidden"] + [n]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]).double())
            if i + 2 < len(sizes):
                layers.append(torch.nn.ReLU())
        m = torch.nn.Sequential(*layers)
        with torch.no_grad():
            for i, lin in enumerate(l for l in layers if isinstance(l, torch.nn.Linear)):
                lin.weight.copy_(matrix(doc, "mlp.%d.weight" % i))
                lin.bias.copy_(matrix(doc, "mlp.%d.bias" % i)[:, 0])
        expected = 2 * (len(sizes) - 1)
    assert len(doc["parameters"]) == expected, sorted(doc["parameters"])
    return m


def twin_field(m, x, create_graph):
    return m(x, create_graph=create_graph) if isinstance(m, Stable) else m(x)


def train_torch(m, X, Y, epochs, batch, lr, seed, Xv, Yv):
    opt = torch.optim.Adam(m.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    rng = MT19937_64(seed)
    train_curve, valid_curve = [], []
    for _ in range(epochs):
        s, seen = 0.0, 0
        for idx in minibatches(X.shape[0], batch, rng):
            idx = torch.tensor(idx)
            opt.zero_grad(set_to_none=True)
            loss = Fn.mse_loss(twin_field(m, X[idx], True), Y[idx])
            loss.backward()
            opt.step()
            s += float(loss) * len(idx)
            seen += len(idx)
        train_curve.append(s / seen)
        valid_curve.append(float(Fn.mse_loss(twin_field(m, Xv, False).detach(), Yv)))
    return train_curve, valid_curve


def parameters_of(m):
    return torch.cat([p.detach().reshape(-1) for p in m.parameters()]).numpy()


def studio_parameters(doc, m):
    """The studio model's parameters in the order of m.parameters() (for distances)."""
    h = doc["hyperparameters"]
    if h["variant"] == "stable":
        # torch's order: f̂ (weight, bias per layer), g.W (weight, bias per layer), then g.U
        names = ["fhat.%d.%s" % (i, w) for i in range(3) for w in ("weight", "bias")]
        names += [x for i in range(3) for x in ("V.g.W%d" % i, "V.g.b%d" % i)] + ["V.g.U0", "V.g.U1"]
    else:
        k = len(h["simple_hidden"]) + 1
        names = ["mlp.%d.%s" % (i, w) for i in range(k) for w in ("weight", "bias")]
    return np.concatenate([np.array(doc["parameters"][nm]["data"], dtype=np.float64) for nm in names])


def perturb_one_ulp(m):
    with torch.no_grad():
        for p in m.parameters():
            a = p.numpy()
            a[...] = np.nextafter(a, np.inf)


def rel(a, b):
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / max(np.linalg.norm(np.asarray(b)), 1e-300))


def run_variant(variant, ds, n, args):
    hyper = {"variant": variant, "epochs": args.epochs, "batch_size": args.batch, "lr": args.lr, "init_seed": args.seed,
             "alpha": args.alpha, "eps": args.eps, "certificate_trajectories": 0, "certificate_samples": 100}
    init = sd.create_model("lyapunov-net", ds, hyper).to_dict()
    train, test = ds.split("train")[0], ds.split("test")[0]
    X, Y = torch.tensor(np.array(train.x)), torch.tensor(np.array(train.dxdt))
    Xv, Yv = torch.tensor(np.array(test.x)), torch.tensor(np.array(test.dxdt))

    # The studio model: the same code path as `stabledyn train`.
    cpp_train, cpp_valid = [], []

    def on_epoch(e):
        cpp_train.append(e["train_loss"])
        cpp_valid.append(e["validation_loss"])

    t0 = time.perf_counter()
    model = sd.train("lyapunov-net", ds, hyper, seed=args.seed, on_epoch=on_epoch, validation_split="test")
    cpp_seconds = time.perf_counter() - t0
    final = model.to_dict()

    twin = torch_twin(init, 2 * n)
    # The copy is exact: the untrained fields agree to rounding.
    field0 = twin_field(twin, Xv, False).detach().numpy()
    field0_rel = rel(sd.model_from_json(init).field(np.array(test.x)), field0)
    t0 = time.perf_counter()
    tt, tv = train_torch(twin, X, Y, args.epochs, args.batch, args.lr, args.seed, Xv, Yv)
    torch_seconds = time.perf_counter() - t0

    ulp = torch_twin(init, 2 * n)
    perturb_one_ulp(ulp)
    ut, uv = train_torch(ulp, X, Y, args.epochs, args.batch, args.lr, args.seed, Xv, Yv)

    # Final fields on the test states and on 2000 fresh points of the box.
    P = np.random.default_rng(123).uniform(-math.pi, math.pi, size=(2000, 2 * n))
    pts = np.vstack([np.array(test.x), P])
    f_cpp = model.field(pts)
    f_torch = twin_field(twin, torch.tensor(pts), False).detach().numpy()
    f_ulp = twin_field(ulp, torch.tensor(pts), False).detach().numpy()
    p_cpp, p_torch, p_ulp = studio_parameters(final, twin), parameters_of(twin), parameters_of(ulp)

    cpp_train, tt, ut = np.array(cpp_train), np.array(tt), np.array(ut)
    loss_rel = np.abs(cpp_train - tt) / np.abs(tt)
    ulp_rel = np.abs(ut - tt) / np.abs(tt)
    summary = {
        "check": "lyapunov_net_torch_twin", "variant": variant, "links": n, "samples": int(X.shape[0]),
        "epochs": args.epochs, "batch_size": args.batch, "seed": args.seed, "alpha": args.alpha, "eps": args.eps,
        "steps_per_epoch": len(minibatches(X.shape[0], args.batch, MT19937_64(0))),
        "initial_field_rel_diff": field0_rel,
        "first_loss": {"studio": float(cpp_train[0]), "torch": float(tt[0])},
        "final_train_loss": {"studio": float(cpp_train[-1]), "torch": float(tt[-1]), "torch_1ulp": float(ut[-1])},
        "final_test_loss": {"studio": float(cpp_valid[-1]), "torch": float(tv[-1]), "torch_1ulp": float(uv[-1])},
        "max_rel_loss_diff_studio_vs_torch": float(loss_rel.max()),
        "max_rel_loss_diff_torch_vs_torch_1ulp": float(ulp_rel.max()),
        "final_field_rel_diff_studio_vs_torch": rel(f_cpp, f_torch),
        "final_field_rel_diff_torch_vs_torch_1ulp": rel(f_ulp, f_torch),
        "final_param_rel_diff_studio_vs_torch": rel(p_cpp, p_torch),
        "final_param_rel_diff_torch_vs_torch_1ulp": rel(p_ulp, p_torch),
        "seconds": {"studio": cpp_seconds, "torch": torch_seconds},
        "torch": torch.__version__, "threads": torch.get_num_threads(),
    }
    curves = {"studio_train": cpp_train.tolist(), "torch_train": tt.tolist(), "torch_1ulp_train": ut.tolist(),
              "studio_test": cpp_valid, "torch_test": tv, "torch_1ulp_test": uv}
    return summary, curves


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--links", type=int, default=1)
    ap.add_argument("--samples-per-link", type=int, default=200)
    ap.add_argument("--epochs", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--alpha", type=float, default=1e-3)
    ap.add_argument("--eps", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0, help="data seed = seed + links, init_seed, shuffling seed")
    ap.add_argument("--variants", default="stable,simple")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", help="JSON file with the summaries and per-epoch curves")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    self_test_rng()
    n = a.links
    ds = sd.generate("pendulum", seed=a.seed + n, links=n, mode="pairs", samples_per_link=a.samples_per_link)
    results = []
    for variant in a.variants.split(","):
        summary, curves = run_variant(variant, ds, n, a)
        print(json.dumps(summary), flush=True)
        results.append({"summary": summary, "curves": curves})
    if a.out:
        with open(a.out + ".tmp", "w") as f:
            json.dump({"runs": results}, f)
        os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
