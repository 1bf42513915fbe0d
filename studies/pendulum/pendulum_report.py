#!/usr/bin/env python3
"""Tables and figures of the pendulum grid (pendulum_grid.py's JSON lines): mean ± sample std over seeds of the
paper's error metric per n, model, α, ε and budget (with medians: one seed's rollouts can dominate a mean); how much the
train loss still fell over the last 10 % of the epochs; ē_i over time; training-loss curves.

  /usr/bin/python3 studies/pendulum/pendulum_report.py runs/pendulum/grid.jsonl --figures docs/results/pendulum
Prints the markdown tables; writes seeds_error_over_time_<epochs>.png, seeds_loss_curves.png and
alpha_eps_cumulative.png into --figures (matplotlib, Agg).
"""
import argparse
import json
import math
import os
from collections import defaultdict

import numpy as np


def load(paths):
    runs, seen = [], set()
    for p in paths:
        with open(p) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    k = (r["links"], r["seed"], r["variant"], r["alpha"], r["eps"], r["epochs"], r["samples_per_link"])
                    if k not in seen:
                        seen.add(k)
                        runs.append(r)
    return runs


def label(variant, alpha, eps):
    return "simple" if variant == "simple" else "stable α=%g ε=%g" % (alpha, eps)


def groups_of(runs):
    g = defaultdict(list)
    for r in runs:
        g[(r["epochs"], r["samples_per_link"], r["links"], r["variant"], r["alpha"] or 0, r["eps"] or 0)].append(r)
    return g


def cumulative(r):
    """A run's cumulative error per trajectory; +inf when some of its rollouts diverged (the grid records NaN: the
    diverged trajectories have no error after they stop), so a diverged run ranks last, never first."""
    c = r["cumulative_error_per_trajectory"]
    return c if r["diverged"] == 0 and math.isfinite(c) else math.inf


def ms(values, fmt="%.3g"):
    """mean ± sample std over the finite values; "(k runs diverged)" when some are not finite."""
    v = np.array(values, dtype=float)
    bad = int(np.sum(~np.isfinite(v)))
    v = v[np.isfinite(v)]
    note = "" if bad == 0 else " (%d diverged)" % bad
    if len(v) == 0:
        return "diverged"
    if len(v) == 1:
        return fmt % v[0] + note
    return (fmt + " ± " + fmt) % (v.mean(), v.std(ddof=1)) + note


def last_tenth_drop(r):
    """How much the train loss still fell over the last 10 % of the epochs: (L(0.9 E) − L(E)) / L(E), from the
    recorded curve (the epoch nearest 0.9 E). Near 0 means the loss has flattened."""
    ep = np.array(r["curve_epochs"])
    L = np.array(r["train_curve"])
    k = int(np.argmin(np.abs(ep - 0.9 * r["epochs"])))
    return (L[k] - L[-1]) / L[-1]


def table(runs):
    g = groups_of(runs)
    lines = ["| epochs | n | model | seeds | train MSE | train-loss drop, last 10 % of epochs | test MSE | cumulative / traj "
             "| median cumulative | ē at t = 5 | ē at t = 9.99 | diverged | cert. verified | train s / model |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(g, key=lambda k: (k[0], k[1], k[2], k[3] != "simple", k[4], k[5])):
        rs = sorted(g[key], key=lambda r: r["seed"])
        epochs, K, n, variant, alpha, eps = key
        e5 = [r["mean_step_error_every_10"][50] for r in rs]
        ver = "—" if variant == "simple" else "%d/%d" % (sum(bool(r["certificate_verified"]) for r in rs), len(rs))
        lines.append("| %d | %d | %s | %d | %s | %s | %s | %s | %.3g | %s | %s | %d | %s | %.0f |" % (
            epochs, n, label(variant, alpha, eps), len(rs), ms([r["final_train_mse"] for r in rs]),
            "%.1f %%" % (100 * np.median([last_tenth_drop(r) for r in rs])),
            ms([r["test_mse"] for r in rs]), ms([cumulative(r) for r in rs]),
            np.median([cumulative(r) for r in rs]), ms(e5),
            ms([r["final_step_error"] for r in rs]), sum(r["diverged"] for r in rs), ver,
            np.mean([r["train_seconds"] for r in rs])))
    return "\n".join(lines)


def ratio_of_means(a, b):
    """mean(a) / mean(b) over runs that did not diverge, with a note of how many did."""
    fa, fb = [x for x in a if math.isfinite(x)], [x for x in b if math.isfinite(x)]
    if not fa or not fb:
        return "—"
    note = "" if len(fa) == len(a) and len(fb) == len(b) else " (stable %d, simple %d diverged)" % (len(a) - len(fa), len(b) - len(fb))
    return "%.3g%s" % (np.mean(fa) / np.mean(fb), note)


def wins(runs):
    """Per (epochs, n, α, ε): in how many seeds the stable model's cumulative error is below the simple model's
    of the same seed, and the ratio of means."""
    by = defaultdict(dict)
    for r in runs:
        by[(r["epochs"], r["samples_per_link"], r["links"], r["seed"])][(r["variant"], r["alpha"], r["eps"])] = r
    agg = defaultdict(lambda: [0, 0, [], []])
    for (epochs, K, n, seed), d in by.items():
        simple = d.get(("simple", None, None))
        if not simple:
            continue
        for (v, a, e), r in d.items():
            if v != "stable":
                continue
            x = agg[(epochs, K, n, a, e)]
            x[0] += cumulative(r) < cumulative(simple)
            x[1] += 1
            x[2].append(cumulative(r))
            x[3].append(cumulative(simple))
    lines = ["| epochs | n | stable α, ε | seeds where stable < simple (cumulative) | mean stable / mean simple "
             "| median stable / median simple |",
             "|---|---|---|---|---|---|"]
    for k in sorted(agg):
        w, c, s, b = agg[k]
        ms_, mb = np.median(s), np.median(b)
        med = "%.3g" % (ms_ / mb) if math.isfinite(ms_) and math.isfinite(mb) else \
            ("simple's median run diverged" if math.isfinite(ms_) else "stable's median run diverged")
        lines.append("| %d | %d | %g, %g | %d / %d | %s | %s |" % (k[0], k[2], k[3], k[4], w, c, ratio_of_means(s, b), med))
    return "\n".join(lines)


def figures(runs, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    g = groups_of(runs)
    links = sorted({r["links"] for r in runs})
    for epochs in sorted({r["epochs"] for r in runs}):
        fig, axes = plt.subplots(1, len(links), figsize=(4.2 * len(links), 3.6), squeeze=False)
        for ax, n in zip(axes[0], links):
            for key in sorted(k for k in g if k[0] == epochs and k[2] == n):
                rs = g[key]
                E = np.array([r["mean_step_error_every_10"] for r in rs])
                t = np.arange(E.shape[1]) * 0.1
                t[-1] = (rs[0]["steps"] - 1) * rs[0]["h"]
                mu, sd_ = E.mean(0), E.std(0, ddof=1) if len(rs) > 1 else np.zeros(E.shape[1])
                lab = label(key[3], key[4], key[5]) + " (%d)" % len(rs)
                line, = ax.plot(t, mu, ls="--" if key[3] == "simple" else "-", label=lab)
                ax.fill_between(t, np.maximum(mu - sd_, mu * 1e-3), mu + sd_, color=line.get_color(), alpha=0.15)
            ax.set_yscale("log")
            ax.set_title("n = %d, %d epochs" % (n, epochs))
            ax.set_xlabel("time (s)")
            ax.set_ylabel("ē_i = e_i / 1000 (mean ± std over seeds)")
            ax.legend(fontsize=6)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "seeds_error_over_time_%d.png" % epochs), dpi=110)
        plt.close(fig)
    # Training-loss curves of the longest budget.
    longest = max(r["epochs"] for r in runs)
    fig, axes = plt.subplots(1, len(links), figsize=(4.2 * len(links), 3.6), squeeze=False)
    for ax, n in zip(axes[0], links):
        for key in sorted(k for k in g if k[0] == longest and k[2] == n):
            rs = g[key]
            ep = np.array(rs[0]["curve_epochs"])
            L = np.array([r["train_curve"] for r in rs])
            T = np.array([r["test_curve"] for r in rs])
            line, = ax.plot(ep, L.mean(0), label=label(key[3], key[4], key[5]) + " train",
                            ls="--" if key[3] == "simple" else "-")
            ax.plot(ep, T.mean(0), color=line.get_color(), ls=":", label="… test")
            if len(rs) > 1:
                ax.fill_between(ep, L.min(0), L.max(0), color=line.get_color(), alpha=0.15)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title("n = %d: MSE per epoch (mean; band min–max over seeds)" % n, fontsize=8)
        ax.set_xlabel("epoch")
        ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "seeds_loss_curves.png"), dpi=110)
    plt.close(fig)
    # Cumulative error vs α, ε per n (each budget).
    for epochs in sorted({r["epochs"] for r in runs}):
        ks = [k for k in g if k[0] == epochs]
        if len({(k[4], k[5]) for k in ks if k[3] == "stable"}) < 2:
            continue
        fig, axes = plt.subplots(1, len(links), figsize=(4.2 * len(links), 3.4), squeeze=False)
        for ax, n in zip(axes[0], links):
            kk = sorted(k for k in ks if k[2] == n)
            names = [label(k[3], k[4], k[5]) for k in kk]
            vals = [np.array([c for c in (cumulative(r) for r in g[k]) if math.isfinite(c)] or [np.nan]) for k in kk]
            ax.bar(range(len(kk)), [v.mean() for v in vals],
                   yerr=[v.std(ddof=1) if len(v) > 1 else 0 for v in vals], capsize=3,
                   color=["#d62728" if k[3] == "simple" else "#1f77b4" for k in kk])
            ax.set_xticks(range(len(kk)))
            ax.set_xticklabels(names, rotation=60, ha="right", fontsize=6)
            ax.set_yscale("log")
            ax.set_title("n = %d, %d epochs: Σ e_i / 1000" % (n, epochs), fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "alpha_eps_cumulative_%d.png" % epochs), dpi=110)
        plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+")
    ap.add_argument("--figures")
    a = ap.parse_args()
    runs = load(a.results)
    print(table(runs))
    print()
    print(wins(runs))
    if a.figures:
        figures(runs, a.figures)


if __name__ == "__main__":
    main()
