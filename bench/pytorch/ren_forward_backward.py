"""PyTorch 1.13 twin of bench/ren_bench.cpp: an acyclic contracting REN (docs/methods/ren.md §4, polar parameterisation),
direct→explicit map once, a 1024-step rollout with the equilibrium layer as ONE torch.autograd.Function whose
backward is the implicit-function-theorem adjoint (one triangular solve per column), MSE loss, backward.
float64, torch.set_num_threads(1) (the C++ side is single-threaded).
Usage: python3 ren_forward_backward.py NX NV NU NY STEPS REPEATS  → one JSON line with the median seconds."""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


class AcyclicEquilibrium(torch.autograd.Function):
    @staticmethod
    def forward(ctx, D11, b):
        # b: nv × B; row by row, w_i = relu(D11[i, :i] w[:i] + b_i)
        nv = b.shape[0]
        w = torch.zeros_like(b)
        for i in range(nv):
            w[i] = torch.relu(D11[i, :i] @ w[:i] + b[i])
        v = torch.tril(D11, -1) @ w + b
        J = (v > 0).to(b.dtype)
        ctx.save_for_backward(D11, w, J)
        return w

    @staticmethod
    def backward(ctx, wbar):
        D11, w, J = ctx.saved_tensors
        nv, B = w.shape
        L = torch.tril(D11, -1)
        h = torch.empty_like(wbar)
        eye = torch.eye(nv)
        for c in range(B):
            # (I − J D)ᵀ g = w̄, unit upper triangular
            M = (eye - J[:, c:c + 1] * L).T
            g = torch.linalg.solve_triangular(M, wbar[:, c:c + 1], upper=True, unitriangular=True)
            h[:, c] = (J[:, c:c + 1] * g)[:, 0]
        return torch.tril(h @ w.T, -1), h


def explicit(p, nx, nv, eps=1e-12):
    X = p["X"]
    H = p["rho"] ** 2 * (X.T @ X) / (X ** 2).sum() + eps * torch.eye(2 * nx + nv)
    H11 = H[:nx, :nx]; H21 = H[nx:nx + nv, :nx]; H22 = H[nx:nx + nv, nx:nx + nv]
    H31 = H[nx + nv:, :nx]; H32 = H[nx + nv:, nx:nx + nv]; P = H[nx + nv:, nx + nv:]
    Y1 = p["Y1"]
    E = 0.5 * (H11 + P + Y1 - Y1.T)
    Lam = 0.5 * torch.diagonal(H22)
    D11c = -torch.tril(H22, -1)
    EinvFB = torch.linalg.solve(E, torch.cat([H31, H32, p["B2"]], dim=1))
    A = EinvFB[:, :nx]; B1 = EinvFB[:, nx:nx + nv]; B2 = EinvFB[:, nx + nv:]
    C1 = -H21 / Lam[:, None]; D11 = D11c / Lam[:, None]; D12 = p["D12"] / Lam[:, None]
    return A, B1, B2, C1, D11, D12, p["C2"], p["D21"], p["D22"], p["bx"], p["bv"], p["by"]


def step(p, nx, nv, U, T):
    A, B1, B2, C1, D11, D12, C2, D21, D22, bx, bv, by = explicit(p, nx, nv)
    K = U.shape[1]
    x = torch.zeros(nx, 1)
    inV = D12 @ U + bv; inX = B2 @ U + bx; inY = D22 @ U + by
    ys = []
    for t in range(K):
        b = C1 @ x + inV[:, t:t + 1]
        w = AcyclicEquilibrium.apply(D11, b)
        ys.append(C2 @ x + D21 @ w + inY[:, t:t + 1])
        x = A @ x + B1 @ w + inX[:, t:t + 1]
    loss = ((torch.cat(ys, dim=1) - T) ** 2).mean()
    loss.backward()
    return loss.item()


def main():
    nx, nv, nu, ny, steps, repeats = (int(a) for a in sys.argv[1:7])
    g = torch.Generator().manual_seed(0)
    n = 2 * nx + nv
    def glorot(r, c):
        return torch.randn(r, c, generator=g) * (2.0 / (r + c)) ** 0.5
    p = {"X": glorot(n, n), "Y1": glorot(nx, nx), "B2": glorot(nx, nu), "D12": glorot(nv, nu), "C2": glorot(ny, nx),
         "D21": glorot(ny, nv), "D22": torch.zeros(ny, nu), "bx": torch.zeros(nx, 1), "bv": glorot(nv, 1), "by": glorot(ny, 1)}
    p["rho"] = p["X"].norm().reshape(1, 1)
    for v in p.values():
        v.requires_grad_(True)
    U = torch.randn(nu, steps, generator=g); T = torch.randn(ny, steps, generator=g)
    step(p, nx, nv, U, T)  # warm-up
    times = []
    for _ in range(repeats):
        for v in p.values():
            v.grad = None
        t0 = time.perf_counter()
        step(p, nx, nv, U, T)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "nx": nx, "nv": nv, "nu": nu, "ny": ny, "steps": steps,
                      "seconds_median": statistics.median(times), "seconds_min": min(times), "repeats": repeats}))


if __name__ == "__main__":
    main()
