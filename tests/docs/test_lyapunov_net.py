"""lyapunov-net models re-implemented in numpy from docs/methods/lyapunov-net.md and stable-dynamics.md, compared
with `stabledyn field` (f, V, ∇V) and `stabledyn simulate` (Dopri5 trajectories)."""
import sys

from docs_common import Cli, Report, integrate, mlp, np, rehu, rehu1, softplus


def icnn(P, prefix, Y, d):
    """g and ∇g of the ICNN (docs/methods/stable-dynamics.md §2.1–§2.2)."""
    k = 0
    while "%sW%d" % (prefix, k) in P:
        k += 1
    W = [P["%sW%d" % (prefix, i)] for i in range(k)]
    b = [P["%sb%d" % (prefix, i)] for i in range(k)]
    S = [softplus(P["%sU%d" % (prefix, i)]) for i in range(k - 1)]
    a, z = [], None
    for i in range(k):
        ai = W[i] @ Y + b[i]
        if i > 0:
            ai = ai + (S[i - 1] @ z) / S[i - 1].shape[0]
        a.append(ai)
        if i < k - 1:
            z = rehu(ai, d)
    G = np.repeat(W[k - 1].T, Y.shape[1], axis=1)
    delta = np.ones((1, Y.shape[1]))
    for i in range(k - 2, -1, -1):
        delta = rehu1(a[i], d) * ((S[i].T @ delta) / S[i].shape[0])
        G = G + W[i].T @ delta
    return a[k - 1], G


def warped_g(P, h, X):
    """g(F(X)) and J_Fᵀ∇g (docs/methods/stable-dynamics.md §4)."""
    d = h["inner_rehu_d"]
    if h["warp"] != "residual":
        return icnn(P, "V.g.", X, d)
    A, a, B = P["V.warp.A"], P["V.warp.a"], P["V.warp.B"]
    s = h["warp_lipschitz"] / np.sqrt(np.sum(A * A) * np.sum(B * B) + 1e-12)
    T = np.tanh(A @ X + a)
    g, G = icnn(P, "V.g.", X + s * (B @ T), d)
    return g, G + s * (A.T @ ((1 - T * T) * (B.T @ G)))


def known_v(h, X):
    """V (1×B) and ∇V of a known-V model (docs/methods/lyapunov-net.md §8.1)."""
    n = X.shape[0]
    if h["known_v"] == "quadratic":
        P = np.array(h["known_v_P"], float).reshape(n, n) if h["known_v_P"] else np.eye(n)
        return np.sum(X * (P @ X), axis=0, keepdims=True), 2 * P @ X
    L, g = n // 2, 9.81
    l = 1.0 / L
    c = np.array([[L - max(i, j) for j in range(L)] for i in range(L)], float) * l * l
    V, G = np.zeros((1, X.shape[1])), np.zeros_like(X)
    for b in range(X.shape[1]):
        q, u = X[:L, b], X[L:, b]
        M = c * np.cos(q[:, None] - q[None, :])
        S = c * np.sin(q[:, None] - q[None, :])
        pot = g * np.diag(c) / l
        V[0, b] = L * (0.5 * u @ M @ u + np.sum(pot * (1 - np.cos(q))))
        G[:L, b] = L * (-u * (S @ u) + pot * np.sin(q))
        G[L:, b] = L * (M @ u)
    return V, G


def evaluate(doc, X):
    """f, V, ∇V of a `stable` or `known_v` model; f of a `simple` one (docs/methods/lyapunov-net.md §3.1, §8.2)."""
    P, h = doc["P"], doc["hyperparameters"]
    if h["variant"] == "simple":
        return mlp(P, "mlp.", X, h["activation"]), None, None
    fhat = mlp(P, "fhat.", X, h["activation"])
    if h["fhat_center"]:
        fhat = fhat - mlp(P, "fhat.", np.zeros((X.shape[0], 1)), h["activation"])
    if h["variant"] == "known_v":
        V, gradV = known_v(h, X)
    else:
        g, G = warped_g(P, h, X)
        c = warped_g(P, h, np.zeros((X.shape[0], 1)))[0][0, 0] if h["g0_mode"] == "recompute" else P["V.zero"][0, 0]
        inner = g - c
        V = rehu(inner, h["outer_rehu_d"]) + h["eps"] * np.sum(X * X, axis=0)
        gradV = rehu1(inner, h["outer_rehu_d"]) * G + 2 * h["eps"] * X
    viol = np.maximum(0.0, np.sum(gradV * fhat, axis=0) + h["alpha"] * V)
    den = np.sum(gradV * gradV, axis=0) + h["proj_denominator_eps"]
    den[den == 0.0] = 1.0   # the 0/0 rule (docs/methods/stable-dynamics.md §5.1)
    return fhat - gradV * (viol / den), V[0], gradV


def main():
    cli = Cli(sys.argv)
    rep = Report("lyapunov-net (docs/methods/lyapunov-net.md)")
    cli.run("generate", "pendulum", "--param", "links=2", "--param", "samples_per_link=40", "--seed", "3", "--out", "pend.json")
    tight = {"rtol": 1e-12, "atol": 1e-14}
    models = {
        "stable": dict(fhat_hidden=[9, 7], v_hidden=[6, 5], epochs=4, batch_size=30, lr=0.01, init_seed=5, **tight),
        "stable-warp-frozen": dict(fhat_hidden=[8], v_hidden=[5, 4, 3], warp="residual", warp_hidden=6, warp_lipschitz=0.7,
                                   g0_mode="frozen_at_init", fhat_center=True, activation="tanh", inner_rehu_d=0.3,
                                   outer_rehu_d=0.5, eps=0.05, alpha=0.2, proj_denominator_eps=1e-3, epochs=3,
                                   batch_size=25, lr=0.02, init_seed=2, **tight),
        "stable-softplus-random": dict(fhat_hidden=[6, 6], v_hidden=[7], activation="softplus", inner_rehu_d=0.8, eps=0.01,
                                       alpha=0.5, epochs=0, init_seed=11, **tight),
        "known-v-energy": dict(variant="known_v", known_v="pendulum_energy", fhat_hidden=[8, 6], alpha=0.3, epochs=3,
                               batch_size=30, lr=0.005, init_seed=3, **tight),
        "known-v-quadratic": dict(variant="known_v", known_v="quadratic",
                                  known_v_P=[2.0, 0.3, 0.0, 0.1, 0.3, 1.5, 0.2, 0.0, 0.0, 0.2, 1.0, 0.1, 0.1, 0.0, 0.1, 0.8],
                                  fhat_hidden=[7], fhat_center=True, activation="tanh", alpha=0.5, epochs=2, batch_size=40,
                                  lr=0.01, init_seed=6, **tight),
        "simple": dict(variant="simple", simple_hidden=[10, 6], epochs=3, batch_size=40, lr=0.01, **tight),
    }
    rng = np.random.default_rng(1)
    for name, settings in models.items():
        out = name + ".json"
        doc = cli.train("lyapunov-net", "pend.json", out, settings, seed=4)
        n = doc["dims"]["state"]
        X = np.concatenate([rng.uniform(-3, 3, (n, 30)), np.zeros((n, 1)), rng.uniform(-1e-3, 1e-3, (n, 3))], axis=1)
        f_cli, V_cli, G_cli = cli.field(out, X, lyapunov=settings.get("variant") != "simple")
        f, V, G = evaluate(doc, X)
        rep.close("%s: f at 34 states (incl. x = 0)" % name, f, f_cli, 1e-9)
        if V is None:
            rep.check("%s: no V (field --lyapunov refused)" % name,
                      cli.fails("field", "--model", out, "--points", cli.path("points.npz"), "--lyapunov"))
        else:
            rep.close("%s: V" % name, V, V_cli, 1e-9)
            rep.close("%s: grad V" % name, G, G_cli, 1e-9)
            if settings.get("g0_mode", "recompute") == "recompute":
                rep.check("%s: V(0) = 0 exactly" % name, V[X.shape[1] - 4] == 0.0 and V_cli[X.shape[1] - 4] == 0.0)
        # Simulation: Dopri5 at rtol 1e-12 in the CLI against an independent adaptive integration.
        x0 = np.array([1.2, -0.7, 0.4, 0.9])[:n]
        t, xs, _, _ = cli.simulate(out, "--x0", ",".join(repr(v) for v in x0), "--t-end", "1.5", "--samples", "16")
        ref = integrate(lambda _t, x: evaluate(doc, x.reshape(-1, 1))[0][:, 0], x0, t)
        rep.close("%s: simulated trajectory (integration tolerance)" % name, ref, xs, 1e-8)
    rep.finish()


if __name__ == "__main__":
    main()
