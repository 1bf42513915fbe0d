"""Notebook-style walk-through: a controlled Burgers model trained by the CLI, used from Python.

Train the model headless first (from the project root, after scripts/build.sh):

    B=build/bin
    $B/stabledyn generate burgers --param train_trajectories=4 --param test_trajectories=4 --out burgers.json
    $B/stabledyn train --plugin stable-opinf --data burgers.json --set basis=pod --set pod_rank=9 \
         --set reg_A=1e-4 --set reg_H=1e-2 --out model.json

then run this script with Debian's Python and the built module on the path:

    PYTHONPATH=build/python /usr/bin/python3 python/examples/burgers_from_cli.py model.json burgers.json --out burgers.png

It loads the model, reads its certificate, simulates every test input, compares with the data, and (when
matplotlib is installed: apt-get install python3-matplotlib) plots the space-time solutions side by side.
"""
import argparse
import sys

import numpy as np

import stabledyn as sd

# %% Load the model the CLI trained and the data it was trained on
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("model", help="model JSON written by `stabledyn train`")
parser.add_argument("data", help="dataset (file or registry name), e.g. the burgers.json the CLI generated")
parser.add_argument("--trajectory", type=int, default=0, help="test trajectory to plot")
parser.add_argument("--out", help="save the figure here instead of showing it")
args = parser.parse_args()

model = sd.load_model(args.model)
data = sd.open_dataset(args.data)
print(model)
print(data)

# %% What the model guarantees — recomputed from its parameters, not read from the file
cert = model.certificate()
print("guarantee:", cert["guarantee"])
print("verified: ", cert["verified"])
if "max_real_eigenvalue" in cert:
    print("largest real part of an eigenvalue of A: %.4g" % cert["max_real_eigenvalue"])

# %% Simulate every test input from its initial state (the same integration as `stabledyn simulate`)
split = "test" if "test" in data.splits else ""
tests = data.split(split) if split else [data[i] for i in range(len(data))]
errors = []
for i, tr in enumerate(tests):
    sim = model.predict(data, trajectory=i, split=split)
    rel = np.linalg.norm(sim.x - tr.x) / np.linalg.norm(tr.x)
    errors.append(rel)
    print("%-12s relative state error %.4f%s" % (tr.id, rel, "  (diverged)" if sim.diverged else ""))
print("mean relative test error %.4f (the CLI's `stabledyn eval` gives %.4f)"
      % (np.mean(errors), model.evaluate(data, split)["mean_relative_error"]))

# %% The vector field itself: one sample per row, numpy in and out
tr = tests[args.trajectory]
f = model.field(tr.x, tr.u)                  # (K, nx): ẋ predicted at every sample of the trajectory
print("field at %d states of %s: array of shape %s" % (f.shape[0], tr.id, f.shape))

# %% Plot: data, prediction and error over space and time (matplotlib is optional)
try:
    import matplotlib
    if args.out:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed (apt-get install python3-matplotlib); skipping the plot")
    sys.exit(0)

sim = model.predict(data, trajectory=args.trajectory, split=split)
space = np.linspace(0.0, 1.0, tr.x.shape[1] + 2)[1:-1]          # interior nodes of (0, 1)
fig, axes = plt.subplots(1, 4, figsize=(16, 3.8), gridspec_kw={"width_ratios": [1, 1, 1, 1.1]})
vmax = np.abs(tr.x).max()
panels = [(tr.x, "data"), (sim.x, "stable-opinf prediction"), (sim.x - tr.x, "prediction − data")]
for ax, (values, title) in zip(axes[:3], panels):
    im = ax.pcolormesh(space, tr.t, values, shading="auto", cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    ax.set_title(title)
    ax.set_xlabel("x")
axes[0].set_ylabel("t")
fig.colorbar(im, ax=axes[2], label="state w(x, t)")
axes[3].plot(tr.t, tr.u[:, 0], color="0.4", label="input u(t)")
axes[3].plot(tr.t, np.linalg.norm(sim.x - tr.x, axis=1) / np.linalg.norm(tr.x, axis=1).max(), color="C3",
             label="error ‖x̂ − x‖ / max ‖x‖")
axes[3].set_xlabel("t")
axes[3].legend(loc="upper right")
fig.suptitle("Burgers, %s (%s): %s — test error %.3f" % (model.plugin, model.variant, tr.id, errors[args.trajectory]))
fig.tight_layout()
if args.out:
    fig.savefig(args.out, dpi=110)
    print("wrote", args.out)
else:
    plt.show()
