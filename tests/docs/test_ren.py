"""ren models re-implemented in numpy from docs/methods/ren.md, compared with `stabledyn simulate` (outputs y of
every REN class, acyclic and full D₁₁, every initial-state option, observer and echo-state modes, LBDN, R2DN, RNN and
LSTM)."""
import sys

from docs_common import Cli, Report, np, relu, relu1, sigmoid, write_dataset

ACT = {"relu": (relu, relu1), "tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2),
       "sigmoid": (sigmoid, lambda a: sigmoid(a) * (1 - sigmoid(a)))}


def matrix(values, rows, cols, fallback):
    return fallback if len(values) == 0 else np.array(values, dtype=float).reshape(rows, cols)


def cayley_N(P, eps, nu, ny, with_z):
    """N with ‖N‖₂ < 1 (docs/methods/ren.md §4.3)."""
    d = min(nu, ny)
    if d == 0:
        return np.zeros((ny, nu))
    M = P["X3"].T @ P["X3"] + P["Y3"] - P["Y3"].T + eps * np.eye(d)
    if with_z and P["Z3"].shape[0] > 0:
        M = M + P["Z3"].T @ P["Z3"]
    I = np.eye(d)
    if ny == nu:
        return np.linalg.solve(I + M, I - M)
    inv = np.linalg.inv(I + M)
    if ny > nu:
        return np.vstack([(I - M) @ inv, -2 * P["Z3"] @ inv])
    return np.hstack([inv @ (I - M), -2 * inv @ P["Z3"].T])


def explicit(doc):
    """The direct → explicit map (docs/methods/ren.md §4)."""
    P, h, st = doc["P"], doc["hyperparameters"], doc["structure"]
    nx, nv, nu, ny = st["nx"], st["nv"], st["nu"], st["ny"]
    n, eps, cls = 2 * nx + nv, h["epsilon"], h["ren_class"]
    X = P["X"]
    if h["polar"]:
        HX = P["rho"][0, 0] ** 2 * (X.T @ X) / (np.sum(X * X) + 1e-300) + eps * np.eye(n)
    else:
        HX = X.T @ X + eps * np.eye(n)
    Q = S = R = None
    if cls == "lipschitz":
        g = h["gamma"]
        Q, S, R = -np.eye(ny) / g, np.zeros((nu, ny)), g * np.eye(nu)
    elif cls == "general":
        Q = matrix(h["qsr_Q"], ny, ny, -np.eye(ny))
        S = matrix(h["qsr_S"], nu, ny, np.zeros((nu, ny)))
        R = matrix(h["qsr_R"], nu, nu, np.eye(nu))
    elif cls == "passive":
        Q, S, R = -2 * h["passive_rho"] * np.eye(ny), np.eye(nu), -2 * h["passive_nu"] * np.eye(nu)
    if cls == "contracting":
        D22 = P.get("D22", np.zeros((ny, nu)))
    elif cls == "lipschitz":
        D22 = np.zeros((ny, nu)) if h["d22"] == "zero" else h["gamma"] * cayley_N(P, eps, nu, ny, True)
    elif cls == "general":
        LQ = np.linalg.cholesky(-Q).T                     # upper: LQᵀLQ = −Q
        QinvSt = np.linalg.solve(Q, S.T)
        LR = np.linalg.cholesky(R - S @ QinvSt).T
        D22 = -QinvSt + np.linalg.solve(LQ, cayley_N(P, eps, nu, ny, True)) @ LR
    else:
        M = P["X3"].T @ P["X3"] + P["Y3"] - P["Y3"].T + eps * np.eye(nu)
        rho = h["passive_rho"]
        D22 = M + h["passive_nu"] * np.eye(nu) if rho == 0 else np.linalg.inv(np.eye(nu) + M) / rho
    H = HX
    if cls != "contracting":
        Db = D22.T @ Q + S
        L = np.hstack([Db @ P["C2"], Db @ P["D21"] - P["D12"].T, P["B2"].T])
        G = np.hstack([P["C2"], P["D21"], np.zeros((ny, nx))])
        Rt = R + S @ D22 + (S @ D22).T + D22.T @ Q @ D22
        if nu > 0:
            H = H + L.T @ np.linalg.solve(Rt, L)
        if ny > 0:
            H = H - G.T @ Q @ G
    i1, i2 = slice(0, nx), slice(nx, nx + nv)
    i3 = slice(nx + nv, n)
    Pm, F, B1c, C1c = H[i3, i3], H[i3, i1], H[i3, i2], -H[i2, i1]
    E = 0.5 * (H[i1, i1] + Pm / h["alpha_bar"] ** 2 + P["Y1"] - P["Y1"].T)
    if h["equilibrium"] == "acyclic":
        Lam = 0.5 * np.diag(H[i2, i2])
        D11c = -np.tril(H[i2, i2], -1)
    else:
        Lam = np.exp(P["lambda"][:, 0])
        D11c = np.diag(Lam) - 0.5 * H[i2, i2] - 0.5 * (P["S2"] - P["S2"].T)
    AB = np.linalg.solve(E, np.hstack([F, B1c, P["B2"]])) if nx > 0 else np.zeros((0, nx + nv + nu))
    return dict(A=AB[:, :nx], B1=AB[:, nx:nx + nv], B2=AB[:, nx + nv:], C1=C1c / Lam[:, None], D11=D11c / Lam[:, None],
                D12=P["D12"] / Lam[:, None], C2=P["C2"], D21=P["D21"], D22=D22, bx=P["bx"][:, 0], bv=P["bv"][:, 0],
                by=P["by"][:, 0])


def equilibrium(e, h, b):
    """w = σ(D₁₁w + b) (docs/methods/ren.md §5), for one vector b."""
    sig = ACT[h["activation"]][0]
    D = e["D11"]
    if h["equilibrium"] == "acyclic":
        w = np.zeros_like(b)
        for i in range(len(b)):
            w[i] = sig(D[i, :i] @ w[:i] + b[i])
        return w
    a, tol = h["pr_alpha"], h["pr_tol"]
    V = (1 + a) * np.eye(len(b)) - a * D
    u = z = np.zeros_like(b)
    for _ in range(h["pr_max_iter"]):
        uh = 2 * z - u
        zh = np.linalg.solve(V, uh + a * b)
        u = 2 * zh - uh
        znew = sig(u)
        change = np.linalg.norm(znew - z)
        z = znew
        if not np.isfinite(change) or change < tol:
            break
    return z


def rollout(e, h, x0, U, keep=False):
    """docs/methods/ren.md §1.2 over the columns of U from x0; returns Y (and the states, pre-activations, equilibria)."""
    x = x0.copy()
    Ys, xs, ws, vs = [], [], [], []
    for t in range(U.shape[1]):
        u = U[:, t]
        b = e["C1"] @ x + e["D12"] @ u + e["bv"]
        w = equilibrium(e, h, b)
        xs.append(x.copy()); ws.append(w); vs.append(e["D11"] @ w + b)
        Ys.append(e["C2"] @ x + e["D21"] @ w + e["D22"] @ u + e["by"])
        x = e["A"] @ x + e["B1"] @ w + e["B2"] @ u + e["bx"]
    Y = np.array(Ys).T if Ys else np.zeros((e["C2"].shape[0], 0))
    return (Y, np.array(xs).T, ws, vs) if keep else Y


def estimate_x0(e, h, U, Y):
    """initial_state = estimated (docs/methods/ren.md §6.2): Adam (0.05) on the mean squared output error of the first samples."""
    m = min(h["estimation_samples"], Y.shape[1])
    Ul, Yl = U[:, :m], Y[:, :m]
    slope = ACT[h["activation"]][1]
    x0 = np.zeros(e["A"].shape[0])
    mom, vel = np.zeros_like(x0), np.zeros_like(x0)
    for step in range(1, h["estimation_steps"] + 1):
        Yh, xs, ws, vs = rollout(e, h, x0, Ul, keep=True)
        if not np.isfinite(np.mean((Yh - Yl) ** 2)):
            break
        ybar = 2 * (Yh - Yl) / Yl.size
        lam = np.zeros_like(x0)
        for t in range(m - 1, -1, -1):
            wbar = e["D21"].T @ ybar[:, t] + e["B1"].T @ lam
            J = slope(vs[t])
            g = np.linalg.solve((np.eye(len(J)) - J[:, None] * e["D11"]).T, wbar)
            lam = e["C2"].T @ ybar[:, t] + e["A"].T @ lam + e["C1"].T @ (J * g)
        mom = 0.9 * mom + 0.1 * lam
        vel = 0.999 * vel + 0.001 * lam * lam
        x0 = x0 - (0.05 / (1 - 0.9 ** step)) * mom / (np.sqrt(vel) / np.sqrt(1 - 0.999 ** step) + 1e-8)
    return x0 if np.all(np.isfinite(x0)) else np.zeros_like(x0)


def baseline(doc, x0, U):
    """RNN / LSTM (docs/methods/ren.md §7): output from the current state."""
    P, kind = doc["P"], doc["hyperparameters"]["model_class"]
    hdim = P["Wh"].shape[1]
    hs = x0[:hdim].copy()
    cs = x0[hdim:].copy()
    Ys = []
    for t in range(U.shape[1]):
        Ys.append(P["C"] @ hs + P["d"][:, 0])
        pre = P["Wu"] @ U[:, t] + P["Wh"] @ hs + P["b"][:, 0]
        if kind == "rnn":
            hs = np.tanh(pre)
        else:
            i, f, g, o = (pre[k * hdim:(k + 1) * hdim] for k in range(4))
            cs = sigmoid(f) * cs + sigmoid(i) * np.tanh(g)
            hs = sigmoid(o) * np.tanh(cs)
    return np.array(Ys).T


def lbdn(doc, U):
    """The LBDN of docs/methods/ren.md §12.1 over the windowed standardised inputs U (nu×K)."""
    P, h = doc["P"], doc["hyperparameters"]
    k, (nu, K) = h["lbdn_window"], U.shape
    W = np.zeros((nu * k, K))
    for j in range(k):
        W[j * nu:(j + 1) * nu, j:] = U[:, :K - j]
    act = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "sigmoid": sigmoid}[h["activation"]]

    def cayley(XY, n):
        X, Y = XY[:n], XY[n:]
        Z = X - X.T + Y.T @ Y
        inv = np.linalg.inv(np.eye(n) + Z)
        return (np.eye(n) - Z) @ inv, -2 * Y @ inv

    gamma = h["lbdn_gamma"]
    hcur = np.sqrt(gamma) * W
    i = 0
    while "layer%d.XY" % i in P:
        d, b = P["layer%d.d" % i], P["layer%d.b" % i]
        At, Bt = cayley(P["layer%d.XY" % i], d.shape[0])
        v = np.sqrt(2) * (Bt.T @ hcur) / np.exp(d) + b
        hcur = np.sqrt(2) * At @ (np.exp(d) * act(v))
        i += 1
    _, Bt = cayley(P["out.XY"], P["out.b"].shape[0])
    return np.sqrt(gamma) * Bt.T @ hcur + P["out.b"]


def r2dn(doc, x0, U):
    """The R2DN of docs/methods/ren.md §13.3 (direct parameters → explicit model) simulated as §13.1."""
    P, h = doc["P"], doc["hyperparameters"]
    st = doc["structure"]
    nx, nv, nu, ny = st["nx"], st["nv"], st["nu"], st["ny"]
    eps, ab, g = h["epsilon"], h["alpha_bar"], h["gamma"]
    X = P["X"]
    if h["polar"]:
        HX = P["rho"][0, 0] ** 2 * (X.T @ X) / (np.sum(X * X) + 1e-300) + eps * np.eye(2 * nx)
    else:
        HX = X.T @ X + eps * np.eye(2 * nx)
    B1c, C1, B2c, C2 = P["B1"], P["C1"], P["B2"], P["C2"]
    if h["ren_class"] == "contracting":
        D12, D21 = P["D12"], P["D21"]
        D22 = P.get("D22", np.zeros((ny, nu)))
        Gamma = np.block([[C1.T @ C1, np.zeros((nx, nx))], [np.zeros((nx, nx)), B1c @ B1c.T]])
    else:
        Z22 = P.get("Z22", np.zeros((ny, nu)))
        s1 = 1 / np.sqrt(1 + np.sum(P["Z12"] ** 2))
        s2 = 1 / np.sqrt(1 + np.sum(P["Z21"] ** 2) + np.sum(Z22 ** 2))
        D12h, D21h, D22h = s1 * P["Z12"], s2 * P["Z21"], s1 * s2 * Z22
        D12, D21, D22 = np.sqrt(g) * D12h, np.sqrt(g) * D21h, g * D22h
        Cb = np.vstack([C1, C2 / np.sqrt(g)])
        Bb = np.hstack([B1c, B2c / np.sqrt(g)])
        Db = np.block([[np.zeros((nv, nv)), D12h], [D21h, D22h]])
        Phi = np.block([[np.eye(nv + ny), Db], [Db.T, np.eye(nv + nu)]])
        T = np.block([[Cb.T, np.zeros((nx, nv + nu))], [np.zeros((nx, nv + ny)), Bb]])
        Gamma = T @ np.linalg.solve(Phi, T.T)
    H = HX + Gamma
    H11, F, Pm = H[:nx, :nx], H[nx:, :nx], H[nx:, nx:]
    E = 0.5 * (H11 + Pm / ab ** 2 + P["Y1"] - P["Y1"].T)
    A, B1, B2 = np.linalg.solve(E, F), np.linalg.solve(E, B1c), np.linalg.solve(E, B2c)
    act = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "sigmoid": sigmoid}[h["activation"]]

    def cayley(XY, n):
        Xc, Yc = XY[:n], XY[n:]
        Z = Xc - Xc.T + Yc.T @ Yc
        inv = np.linalg.inv(np.eye(n) + Z)
        return (np.eye(n) - Z) @ inv, -2 * Yc @ inv

    def phi(v):
        hcur, i = v, 0
        while "net.layer%d.XY" % i in P:
            d, b = P["net.layer%d.d" % i][:, 0], P["net.layer%d.b" % i][:, 0]
            At, Bt = cayley(P["net.layer%d.XY" % i], len(d))
            hcur = np.sqrt(2) * At @ (np.exp(d) * act(np.sqrt(2) * (Bt.T @ hcur) / np.exp(d) + b))
            i += 1
        _, Bt = cayley(P["net.out.XY"], nv)
        return Bt.T @ hcur + P["net.out.b"][:, 0]

    x, Ys = x0.copy(), []
    for t in range(U.shape[1]):
        u = U[:, t]
        w = phi(C1 @ x + D12 @ u + P["bv"][:, 0])
        Ys.append(C2 @ x + D21 @ w + D22 @ u + P["by"][:, 0])
        x = A @ x + B1 @ w + B2 @ u + P["bx"][:, 0]
    return np.array(Ys).T


def predict(doc, tr):
    """What `stabledyn simulate` prints for one trajectory (docs/methods/ren.md §6): y in data units, or x̂ for an observer."""
    h, nrm = doc["hyperparameters"], doc["normalisation"]
    off_u, sc_u = np.array(nrm["input"]["offset"]), np.array(nrm["input"]["scale"])
    off_y, sc_y = np.array(nrm["output"]["offset"]), np.array(nrm["output"]["scale"])
    U = (tr["u"] - off_u[:, None]) / sc_u[:, None]
    Ystd = (tr["y"] - off_y[:, None]) / sc_y[:, None]
    if h["training"] == "observer":
        e = explicit(doc)
        _, xs, _, _ = rollout(e, h, np.zeros(doc["structure"]["nx"]), np.vstack([U, Ystd]), keep=True)
        return xs
    if h["model_class"] == "lbdn":
        return lbdn(doc, U) * sc_y[:, None] + off_y[:, None]
    n = doc["structure"]["recurrent_state"]
    x0 = {"zero": np.zeros(n), "learned": doc["P"]["x0"][:, 0]}.get(h["initial_state"])
    if h["model_class"] == "r2dn":
        Y = r2dn(doc, x0, U)
    elif h["model_class"] != "ren":
        Y = baseline(doc, x0, U)
    else:
        e = explicit(doc)
        if x0 is None:
            x0 = estimate_x0(e, h, U, Ystd)
        Y = rollout(e, h, x0, U)
    return Y * sc_y[:, None] + off_y[:, None]


def make_data(rng, nu, ny, K=90, count=3):
    """A small nonlinear system with states (for observer mode): s⁺ = 0.8 tanh(M s + N u), y = C s + 0.2 s₀² + 3."""
    ns = 4
    M = rng.normal(0, 0.5, (ns, ns)); N = rng.normal(0, 1, (ns, nu)); C = rng.normal(0, 1, (ny, ns))
    trs = []
    for j in range(count):
        u = np.cumsum(rng.normal(0, 0.3, (nu, K)), axis=1) * 0.5 + rng.normal(0, 0.2, (nu, K)) + 1.0
        s = np.zeros((ns, K))
        for t in range(K - 1):
            s[:, t + 1] = 0.8 * np.tanh(M @ s[:, t] + N @ u[:, t])
        y = C @ s + 0.2 * s[0] ** 2 + 3.0
        trs.append({"id": "seq %d" % j, "t": np.arange(K) * 0.1, "x": s, "u": u, "y": y})
    return trs, ["s%d" % i for i in range(ns)], ["u%d" % i for i in range(nu)], ["y%d" % i for i in range(ny)]


def main():
    cli = Cli(sys.argv)
    rep = Report("ren (docs/methods/ren.md)")
    rng = np.random.default_rng(5)
    data = {}
    for name, (nu, ny) in {"a": (2, 3), "b": (2, 2), "c": (3, 1)}.items():
        trs, sn, un, yn = make_data(rng, nu, ny)
        write_dataset(cli.path("ren_%s.json" % name), trs, sn, un, yn, {"train": [0, 1], "test": [2]}, dt=0.1)
        data[name] = trs
    base = dict(nx=3, nv=4, epochs=2, seq_len=30, lr=0.01)
    models = {
        "contracting-learned": ("a", dict(base, initial_state="learned", alpha_bar=0.9)),
        "contracting-full-nopolar": ("a", dict(base, equilibrium="full", polar=False, activation="relu", pr_alpha=0.5,
                                               pr_tol=1e-12, d22="zero", normalisation_trajectory="seq 1")),
        "lipschitz-full-tanh": ("a", dict(base, ren_class="lipschitz", gamma=3.0, equilibrium="full", activation="tanh",
                                          pr_tol=1e-12)),
        "lipschitz-d22zero-paper": ("a", dict(base, ren_class="lipschitz", d22="zero", init="paper", activation="sigmoid",
                                              standardise=False, epsilon=1e-3)),
        "general-estimated": ("c", dict(base, ren_class="general", qsr_Q=[-2.0], qsr_S=[0.1, 0.2, 0.0],
                                        qsr_R=[3, 0.1, 0, 0.1, 2, 0, 0, 0, 1], initial_state="estimated",
                                        estimation_samples=20, estimation_steps=15)),
        "general-square": ("b", dict(base, ren_class="general", qsr_Q=[-1, 0.2, 0.2, -2], qsr_S=[0.1, 0, 0, 0.3])),
        "passive-input": ("b", dict(base, ren_class="passive", passive_nu=0.1)),
        "passive-output-full": ("b", dict(base, ren_class="passive", passive_rho=0.5, equilibrium="full", pr_tol=1e-12)),
        "observer": ("a", dict(base, training="observer", batch_size=40, activation="tanh")),
        "echo-state": ("a", dict(base, training="echo-state", nx=5, nv=6)),
        "lbdn": ("a", dict(model_class="lbdn", lbdn_hidden=[6, 5], lbdn_gamma=2.5, activation="tanh", epochs=3, lr=0.01,
                           lbdn_batch_size=40)),
        "lbdn-window-relu": ("c", dict(model_class="lbdn", lbdn_hidden=[7], lbdn_window=3, epochs=2, lbdn_batch_size=50,
                                       normalisation_trajectory="seq 1")),
        "r2dn-contracting-learned": ("a", dict(base, model_class="r2dn", r2dn_hidden=[5, 4], activation="tanh",
                                               initial_state="learned", alpha_bar=0.9)),
        "r2dn-lipschitz": ("a", dict(base, model_class="r2dn", ren_class="lipschitz", gamma=2.0, r2dn_hidden=[6])),
        "r2dn-lipschitz-d22zero-nopolar": ("c", dict(base, model_class="r2dn", ren_class="lipschitz", gamma=0.7, d22="zero",
                                                     polar=False, r2dn_hidden=[], activation="sigmoid")),
        "rnn": ("a", dict(model_class="rnn", hidden=5, epochs=2, seq_len=30, lr=0.01)),
        "lstm-learned": ("a", dict(model_class="lstm", hidden=4, epochs=2, seq_len=30, lr=0.01, initial_state="learned")),
    }
    for name, (ds, settings) in models.items():
        out = name + ".json"
        doc = cli.train("ren", "ren_%s.json" % ds, out, settings, seed=3)
        tr = data[ds][2]
        _, xs, ys, _ = cli.simulate(out, "--data", "ren_%s.json" % ds, "--split", "test", "--trajectory", "0")
        ours = predict(doc, tr)
        theirs = xs if settings.get("training") == "observer" else ys
        rep.close("%s (%s): %s over %d samples" % (name, doc["variant"], "states" if settings.get("training") == "observer"
                                                  else "outputs", tr["u"].shape[1]), ours, theirs, 1e-9)
        rep.check("%s: dims.state is %s" % (name, "the data's states" if settings.get("training") == "observer" else "0"),
                  doc["dims"]["state"] == (4 if settings.get("training") == "observer" else 0))
    rep.finish()


if __name__ == "__main__":
    main()
