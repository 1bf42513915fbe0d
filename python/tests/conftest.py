"""Shared fixtures for the stabledyn module's tests (run by ctest, label `python`).

ctest puts the built module on PYTHONPATH and names the CLI's folder in STABLEDYN_BIN_DIR; the plugin
folder is deliberately not given, so every test also checks that the module finds the build's plugins.
"""
import json
import math
import os
import subprocess

import numpy as np
import pytest

import stabledyn as sd

BIN_DIR = os.environ.get("STABLEDYN_BIN_DIR", "")

# Small but real settings: each trains in well under a second.
LYAPUNOV_HYPER = {"fhat_hidden": [16, 16], "v_hidden": [8, 8], "epochs": 4, "batch_size": 64, "alpha": 0.01,
                  "certificate_samples": 400, "certificate_trajectories": 1, "certificate_horizon": 1.0}
REN_HYPER = {"nx": 4, "nv": 8, "epochs": 3, "seq_len": 50}
OPINF_HYPER = {"basis": "pod", "pod_rank": 6, "reg_A": 1e-4, "reg_H": 1e-2}


def cli(*args, expect_ok=True):
    """Runs the stabledyn CLI; returns (exit code, parsed stdout JSON or None, stderr)."""
    exe = os.path.join(BIN_DIR, "stabledyn")
    if not os.path.exists(exe):
        pytest.skip("the stabledyn CLI is not built (STABLEDYN_BIN_DIR=%r)" % BIN_DIR)
    p = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=600)
    if expect_ok:
        assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, out, p.stderr


def pendulum_pairs(n_train=256, n_valid=64, seed=5):
    """(x, dxdt) pairs of a damped linear oscillator on [-2, 2]², train and validation trajectories."""
    rng = np.random.default_rng(seed)
    xs, ds = [], []
    for n in (n_train, n_valid):
        x = rng.uniform(-2.0, 2.0, size=(n, 2))
        xs.append(x)
        ds.append(np.column_stack([x[:, 1], -x[:, 0] - 0.3 * x[:, 1]]))
    return sd.Dataset.from_arrays(None, xs, dxdt=ds, names=["q", "p"], name="oscillator-pairs",
                                  splits={"train": [0], "validation": [1]})


def io_sequences(K=200, seed=9):
    """Two input/output sequences of a small nonlinear discrete-time system (for ren)."""
    rng = np.random.default_rng(seed)
    ts, us, ys = [], [], []
    for _ in range(2):
        u = rng.standard_normal(K)
        y = np.empty(K)
        a = b = 0.0
        for k in range(K):
            y[k] = np.tanh(a + 0.3 * b)
            a, b = 0.7 * a + 0.2 * b + u[k], -0.2 * a + 0.6 * b
        ts.append(np.arange(K, dtype=float))
        us.append(u)
        ys.append(y)
    return sd.Dataset.from_arrays(ts, u=us, y=ys, name="io-sequences", splits={"train": [0], "validation": [1]})


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("stabledyn")


@pytest.fixture(scope="session")
def burgers(workdir):
    """A small controlled Burgers dataset and a POD stable-opinf model, both made by the CLI."""
    data = workdir / "burgers.json"
    model = workdir / "burgers-model.json"
    cli("generate", "burgers", "--param", "nodes=60", "--param", "train_trajectories=3", "--param",
        "test_trajectories=2", "--param", "samples=201", "--param", "t_end=4", "--seed", "3", "--out", data)
    args = ["train", "--plugin", "stable-opinf", "--data", data, "--seed", "5", "--out", model]
    for k, v in OPINF_HYPER.items():
        args += ["--set", "%s=%s" % (k, v)]
    cli(*args)
    return {"data": data, "model": model}


@pytest.fixture(scope="session")
def lyapunov_cli_model(workdir):
    """A small lyapunov-net model trained by the CLI on pairs written by Dataset.save."""
    data = workdir / "pairs.json"
    model = workdir / "lyapunov-model.json"
    pendulum_pairs().save(data)
    args = ["train", "--plugin", "lyapunov-net", "--data", data, "--seed", "7", "--out", model]
    for k, v in LYAPUNOV_HYPER.items():
        args += ["--set", "%s=%s" % (k, json.dumps(v))]
    cli(*args)
    return {"data": data, "model": model}


def bit_equal(a, b):
    """Same shape and the same IEEE-754 bits (NaN == NaN)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    b = np.ascontiguousarray(b, dtype=np.float64)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def as_cli_json(obj):
    """obj as the CLI prints it: non-finite floats become None (JSON null)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: as_cli_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [as_cli_json(v) for v in obj]
    return obj
