#!/usr/bin/env python3
"""stable-OpInf training in PyTorch 1.13 (CPU, float64), the same algorithm as
plugins/stable-opinf/stable_training.cpp, timed for bench/stable_opinf_bench.cpp:

  A = (S - S^T) - (L_R L_R^T + eps_R I),  H = [T_1 - T_1^T, ..., T_n - T_n^T],  B free,
  loss "derivative":        (zz - 2<O, P^T> + <O G, O>)/(n K) from per-trajectory statistics
                            G = sum d d^T, P = sum d z^T, d = [x; x (x) x; u]   (one step independent of K)
  loss "derivative-direct": mean((Z - A X - H (X (.) X) - B U)^2) sample by sample (the predecessor code's way)
  loss "rk4":               mean_j ||RK4_dt(x_j) - x_{j+1}||^2 / (n dt)
  + l1_H * mean|H|; Adam (default betas) + CyclicLR(triangular, base 1e-6, max 5e-3, step_size_up =
  half_cycle * batches per epoch, cycle_momentum=False) stepped per minibatch; minibatches of trajectories
  (shuffled with torch.randperm when the batch is smaller than the set).

Reads the data written by the C++ bench (JSON: n, m, trajectories[{t, X, U, Z}] with X as n*K row-major
lists), runs --epochs epochs, prints one JSON line {"seconds": ..., "final_loss": ...}."""
import argparse
import json
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=1000)
    ap.add_argument("--loss", choices=["derivative", "derivative-direct", "rk4"], default="derivative")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--l1", type=float, default=1e-3)
    ap.add_argument("--half-cycle", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dt = torch.float64
    with open(a.data) as f:
        data = json.load(f)
    n, m = data["n"], data["m"]
    trajs = []
    for tr in data["trajectories"]:
        K = len(tr["t"])
        trajs.append({"t": torch.tensor(tr["t"], dtype=dt),
                      "X": torch.tensor(tr["X"], dtype=dt).reshape(n, K),
                      "U": torch.tensor(tr["U"], dtype=dt).reshape(m, K),
                      "Z": torch.tensor(tr["Z"], dtype=dt).reshape(n, K)})

    t0 = time.perf_counter()

    def kron(X):  # rows i*n + k = X_i X_k
        return (X.unsqueeze(1) * X.unsqueeze(0)).reshape(n * n, X.shape[1])

    if a.loss == "derivative":
        stats = []
        for tr in trajs:
            D = torch.cat([tr["X"], kron(tr["X"]), tr["U"]], 0)
            stats.append((D @ D.T, D @ tr["Z"].T, float((tr["Z"] ** 2).sum()), tr["X"].shape[1]))
    elif a.loss == "rk4":
        pairs = []
        for tr in trajs:
            X, U, t = tr["X"], tr["U"], tr["t"]
            pairs.append((X[:, :-1], X[:, 1:], U[:, :-1], 0.5 * (U[:, :-1] + U[:, 1:]), U[:, 1:], (t[1:] - t[:-1]).unsqueeze(0)))

    S = torch.nn.Parameter(0.1 * torch.randn(n, n, dtype=dt))
    LR = torch.nn.Parameter(0.1 * torch.randn(n, n, dtype=dt))
    T = torch.nn.Parameter(torch.zeros(n, n * n, dtype=dt))
    B = torch.nn.Parameter(torch.zeros(n, m, dtype=dt))
    eye = torch.eye(n, dtype=dt)
    params = [S, LR, T, B]
    opt = torch.optim.Adam(params, lr=1e-6)
    N = len(trajs)
    batch = N if a.batch <= 0 else min(a.batch, N)
    per_epoch = (N + batch - 1) // batch
    sched = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=1e-6, max_lr=5e-3, step_size_up=a.half_cycle * per_epoch,
                                              mode="triangular", cycle_momentum=False)

    def operators():
        A = (S - S.T) - (LR @ LR.T + 1e-6 * eye)
        T3 = T.reshape(n, n, n).permute(1, 0, 2)          # T3[i] = block i (n x n)
        H = (T3 - T3.transpose(1, 2)).permute(1, 0, 2).reshape(n, n * n)
        return A, H

    def field(A, H, X, U):
        return A @ X + H @ kron(X) + B @ U

    last = float("nan")
    for epoch in range(a.epochs):
        order = torch.randperm(N).tolist() if batch < N else list(range(N))
        for s in range(0, N, batch):
            idx = order[s:s + batch]
            opt.zero_grad()
            A, H = operators()
            if a.loss == "derivative":
                G = sum(stats[i][0] for i in idx)
                P = sum(stats[i][1] for i in idx)
                zz = sum(stats[i][2] for i in idx)
                K = sum(stats[i][3] for i in idx)
                O = torch.cat([A, H, B], 1)
                loss = (zz - 2.0 * (O * P.T).sum() + ((O @ G) * O).sum()) / (n * K)
            elif a.loss == "derivative-direct":
                X = torch.cat([trajs[i]["X"] for i in idx], 1)
                U = torch.cat([trajs[i]["U"] for i in idx], 1)
                Z = torch.cat([trajs[i]["Z"] for i in idx], 1)
                loss = torch.mean((Z - field(A, H, X, U)) ** 2)
            else:
                X0, X1, U0, Um, U1, h = (torch.cat([pairs[i][j] for i in idx], 1) for j in range(6))
                k1 = field(A, H, X0, U0)
                k2 = field(A, H, X0 + 0.5 * h * k1, Um)
                k3 = field(A, H, X0 + 0.5 * h * k2, Um)
                k4 = field(A, H, X0 + h * k3, U1)
                pred = X0 + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
                loss = (((pred - X1) ** 2) / h).sum() / (n * X0.shape[1])
            loss = loss + a.l1 * H.abs().mean()
            loss.backward()
            opt.step()
            sched.step()
            last = float(loss)
    seconds = time.perf_counter() - t0
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": a.threads, "loss": a.loss,
                      "epochs": a.epochs, "seconds": seconds, "final_loss": last}))


if __name__ == "__main__":
    main()
