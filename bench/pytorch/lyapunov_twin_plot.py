#!/usr/bin/env python3
"""Figure of lyapunov_twin_check.py's outputs: per run, the training loss of the studio model, its PyTorch twin
and the twin started one ulp away (top), and the relative differences |studio − torch| and |torch(1 ulp) − torch|
per epoch (bottom: what round-off growth looks like, and where the studio sits in it).

  /usr/bin/python3 bench/pytorch/lyapunov_twin_plot.py runs/twin/*.json --out docs/results/pendulum/twin_check.png
"""
import argparse
import json

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    runs = [r for f in a.files for r in json.load(open(f))["runs"]]
    fig, axes = plt.subplots(2, len(runs), figsize=(3.3 * len(runs), 5.6), squeeze=False, sharex="col")
    for j, r in enumerate(runs):
        s, c = r["summary"], r["curves"]
        ep = np.arange(1, len(c["studio_train"]) + 1)
        st, tt, ut = (np.array(c[k]) for k in ("studio_train", "torch_train", "torch_1ulp_train"))
        ax = axes[0][j]
        ax.plot(ep, st, label="studio (C++)", lw=2.5, alpha=0.6)
        ax.plot(ep, tt, "--", label="PyTorch twin", lw=1.2)
        ax.set_yscale("log")
        ax.set_title("n=%d %s, batch %d\n(%d samples, %d step/epoch)" % (
            s["links"], s["variant"], s["batch_size"], s["samples"], s["steps_per_epoch"]), fontsize=8)
        ax.set_ylabel("train MSE")
        ax.legend(fontsize=7)
        ax = axes[1][j]
        ax.plot(ep, np.maximum(np.abs(st - tt) / tt, 1e-17), label="|studio − torch| / torch", lw=1)
        ax.plot(ep, np.maximum(np.abs(ut - tt) / tt, 1e-17), label="|torch(1 ulp) − torch| / torch", lw=1, alpha=0.8)
        ax.set_yscale("log")
        ax.set_ylim(1e-17, 1)
        ax.set_xlabel("epoch")
        ax.set_ylabel("relative difference of the loss")
        ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)


if __name__ == "__main__":
    main()
