"""Python twin of bench/python_binding_bench.cpp: the same calls through the stabledyn module.

Reads the model, points and dataset the C++ program wrote to --dir and prints one JSON line with the
same fields (best of 3 rounds of at least --seconds each, like bench_support.h's bestSecondsPerCall).
"""
import argparse
import json
import os
import time

import numpy as np

import stabledyn as sd


def best_per_call(f, min_seconds, warmups, rounds=3):
    """Best wall and process-CPU seconds per call, like bestPerCall in python_binding_bench.cpp."""
    for _ in range(warmups):
        f()
    wall = cpu = float("inf")
    for _ in range(rounds):
        n, t0, c0 = 0, time.perf_counter(), time.process_time()
        while True:
            f()
            n += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= min_seconds:
                break
        wall = min(wall, elapsed / n)
        cpu = min(cpu, (time.process_time() - c0) / n)
    return {"wall_s": wall, "cpu_s": cpu}


parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--seconds", type=float, default=1.0)
args = parser.parse_args()

model = sd.load_model(os.path.join(args.dir, "model.json"))
X = np.load(os.path.join(args.dir, "points.npz"))["X"]          # (B, 2), C-contiguous float64
data = sd.open_dataset(os.path.join(args.dir, "data.json"))
x1 = np.ascontiguousarray(X[:1])
Xs = np.ascontiguousarray(X[:10000])
t = np.linspace(0.0, 10.0, 1001)
x0 = np.array([2.0, -1.0])
hyper = {"epochs": args.epochs, "batch_size": 2000, "certificate_samples": 1000, "certificate_trajectories": 1}

result = {"bench": "binding_calls", "impl": "Python stabledyn", "points": X.shape[0], "epochs": args.epochs,
          "batch": 2000, "allocator_tuned": sd.allocator_tuned}
result["field_points"] = best_per_call(lambda: model.field(X), args.seconds, 1)
result["field_10k"] = best_per_call(lambda: model.field(Xs), args.seconds, 1)
result["field_one"] = best_per_call(lambda: model.field(x1), args.seconds, 10)
result["simulate"] = best_per_call(lambda: model.simulate(x0, t), args.seconds, 1)
result["train"] = best_per_call(lambda: sd.train("lyapunov-net", data, hyper), 0.0, 0)
print(json.dumps(result))
