"""Shared helpers of the tests/docs checks: run the CLI, read model JSON, write datasets, compare numbers.

Everything here (and in the test_*.py scripts) is written from docs/methods/ only: the scripts re-implement the
evaluation of exported models in numpy and compare with the numbers the CLI prints. Exit status 77 = skipped
(numpy missing), registered with ctest's SKIP_RETURN_CODE.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # pragma: no cover - only on machines without python3-numpy
    print("SKIP: numpy is not installed (Debian package python3-numpy); the docs checks need it")
    sys.exit(77)

np.set_printoptions(precision=17)


class Cli:
    """The stabledyn executable, run in a scratch folder."""

    def __init__(self, argv):
        if len(argv) < 2:
            raise SystemExit("usage: %s <path to stabledyn> [work dir]" % argv[0])
        self.exe = os.path.abspath(argv[1])
        self.work = argv[2] if len(argv) > 2 else tempfile.mkdtemp(prefix="sd-docs-")
        os.makedirs(self.work, exist_ok=True)

    def path(self, name):
        return os.path.join(self.work, name)

    def run(self, *args):
        cmd = [self.exe] + [str(a) for a in args]
        r = subprocess.run(cmd, cwd=self.work, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("command failed (%d): %s\n%s" % (r.returncode, " ".join(cmd), r.stderr[-4000:]))
        return r.stdout

    def fails(self, *args):
        """True if the command exits non-zero (an error the CLI reports)."""
        return subprocess.run([self.exe] + [str(a) for a in args], cwd=self.work, capture_output=True).returncode != 0

    def run_json(self, *args):
        return json.loads(self.run(*args))

    def train(self, plugin, data, out, settings, seed=0):
        args = ["train", "--plugin", plugin, "--data", data, "--out", out, "--seed", seed, "--quiet"]
        for k, v in settings.items():
            args += ["--set", "%s=%s" % (k, json.dumps(v) if not isinstance(v, str) else v)]
        self.run(*args)
        return load_model(self.path(out))

    def field(self, model, X, U=None, lyapunov=True):
        """f, V, ∇V at the columns of X (`stabledyn field --points P.npz`: X and U with one sample per ROW)."""
        points = self.path("points.npz")
        arrays = {"X": np.ascontiguousarray(X.T, dtype=float)}
        if U is not None:
            arrays["U"] = np.ascontiguousarray(U.T, dtype=float)
        np.savez(points, **arrays)
        args = ["field", "--model", model, "--points", points] + (["--lyapunov"] if lyapunov else [])
        out = self.run_json(*args)
        f = np.array(out["F"], dtype=float).reshape(X.shape[0], X.shape[1])
        V = np.array(out["V"], dtype=float).reshape(-1) if "V" in out else None
        G = np.array(out["dV"], dtype=float).reshape(X.shape) if "dV" in out else None
        return f, V, G

    def simulate(self, model, *args):
        out = self.run_json("simulate", "--model", model, *args)
        def rows(m):
            return np.array([[np.nan if v is None else v for v in r] for r in m], dtype=float)
        return np.array(out["t"], dtype=float), rows(out["x"]), rows(out["y"]), out


def load_model(path):
    """The model JSON with every tensor as a numpy array (docs/methods/core.md §1.2: row-major data)."""
    with open(path) as fh:
        doc = json.load(fh)
    doc["P"] = {k: np.array(v["data"], dtype=float).reshape(v["shape"]) for k, v in doc["parameters"].items()}
    return doc


def write_dataset(path, trajectories, state_names=(), input_names=(), output_names=(), splits=None, dt=0.0, name="docs"):
    """A stabledyn-dataset JSON file (docs/dataset-format.md §1); trajectories: dicts of numpy arrays."""
    trs = []
    for tr in trajectories:
        e = {"id": tr["id"], "t": [float(v) for v in tr.get("t", [])]}
        for key in ("x", "u", "y", "dxdt"):
            if key in tr:
                e[key] = [[float(v) for v in row] for row in tr[key]]
        trs.append(e)
    doc = {"format": "stabledyn-dataset", "schema_version": 1, "name": name, "dt": dt,
           "state_names": list(state_names), "input_names": list(input_names), "output_names": list(output_names),
           "trajectories": trs, "splits": splits or {"train": list(range(len(trs)))}}
    with open(path, "w") as fh:
        json.dump(doc, fh)


# ---- elementwise functions and layers (docs/methods/core.md §2–§3) ----------------------------------------

def relu(a):
    return np.maximum(a, 0.0)


def relu1(a):
    return (a > 0).astype(float)


def sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(a):
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


def rehu(a, d):
    return np.where(a <= 0, 0.0, np.where(a < d, a * a / (2 * d), a - d / 2))


def rehu1(a, d):
    return np.where(a <= 0, 0.0, np.where(a < d, a / d, 1.0))


ACTIVATIONS = {"relu": relu, "tanh": np.tanh, "softplus": softplus, "sigmoid": sigmoid}


def mlp(P, prefix, X, activation):
    """MLP `<prefix><i>.weight/bias` (docs/methods/core.md §3.2): activation after every layer but the last."""
    act = ACTIVATIONS[activation]
    L = 0
    while "%s%d.weight" % (prefix, L) in P:
        L += 1
    if L == 0:
        raise KeyError("no layers with prefix " + prefix)
    H = X
    for i in range(L):
        H = P["%s%d.weight" % (prefix, i)] @ H + P["%s%d.bias" % (prefix, i)]
        if i + 1 < L:
            H = act(H)
    return H


# ---- integration (docs/methods/core.md §7) ---------------------------------------------------------------

def interp_input(ts, us):
    """Sampled input, linearly interpolated, held outside [t0, tK] (docs/methods/core.md §7.2)."""
    def u(t):
        if us.shape[0] == 0:
            return np.zeros(0)
        return np.array([np.interp(t, ts, row) for row in us])
    return u


_DP_C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1]
_DP_A = [[], [1 / 5], [3 / 40, 9 / 40], [44 / 45, -56 / 15, 32 / 9],
         [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
         [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
         [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]]
_DP_B5 = np.array([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0])
_DP_B4 = np.array([5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40])


def integrate(f, x0, times, rtol=1e-12, atol=1e-14):
    """An accurate adaptive Dormand–Prince integration of ẋ = f(t, x), hitting every output time exactly.
    Independent of the C++ integrator: it agrees with `stabledyn simulate` to the integration tolerance only."""
    xs = [np.array(x0, dtype=float)]
    x = xs[0].copy()
    t = times[0]
    h = (times[-1] - times[0]) * 1e-4
    for t_next in times[1:]:
        while t < t_next:
            h = min(h, t_next - t)
            k = []
            for s in range(7):
                xi = x + h * sum(a * kk for a, kk in zip(_DP_A[s], k))
                k.append(f(t + _DP_C[s] * h, xi))
            K = np.array(k)
            x5 = x + h * (_DP_B5 @ K)
            err = h * ((_DP_B5 - _DP_B4) @ K)
            sc = atol + rtol * np.maximum(np.abs(x), np.abs(x5))
            e = np.max(np.abs(err) / sc) if x.size else 0.0
            if e <= 1.0:
                t, x = (t_next if h == t_next - t else t + h), x5
            h = h * min(5.0, max(0.2, 0.9 * (e + 1e-300) ** -0.2))
        xs.append(x.copy())
    return np.array(xs).T


# ---- comparison -----------------------------------------------------------------------------------------

class Report:
    def __init__(self, title):
        self.title = title
        self.failures = 0
        print("== " + title)

    def close(self, name, ours, theirs, rtol, atol=0.0):
        ours = np.asarray(ours, dtype=float)
        theirs = np.asarray(theirs, dtype=float)
        if ours.shape != theirs.shape:
            print("FAIL %-60s shape %s vs %s" % (name, ours.shape, theirs.shape))
            self.failures += 1
            return
        scale = max(np.max(np.abs(theirs)) if theirs.size else 0.0, 1e-300)
        diff = np.max(np.abs(ours - theirs)) if ours.size else 0.0
        ok = bool(np.all(np.isfinite(ours) == np.isfinite(theirs))) and diff <= rtol * scale + atol
        print("%s %-60s max |diff| = %.3e (scale %.3e, tol %.1e rel)" % ("ok  " if ok else "FAIL", name, diff, scale, rtol))
        if not ok:
            self.failures += 1

    def check(self, name, condition, detail=""):
        print("%s %-60s %s" % ("ok  " if condition else "FAIL", name, detail))
        if not condition:
            self.failures += 1

    def finish(self):
        if self.failures:
            print("%d check(s) failed" % self.failures)
            sys.exit(1)
        print("all checks passed")
