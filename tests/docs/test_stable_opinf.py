"""stable-opinf models re-implemented in numpy from docs/methods/stable-opinf.md, compared with `stabledyn field`
(f, V, ∇V), `stabledyn certify` (the certificate's norms and radius) and `stabledyn simulate` — including the cubic
and bilinear operators G, N (§1.2.1) and the discrete-time variant (§12)."""
import json
import sys

from docs_common import Cli, Report, integrate, interp_input, np


def kron_columns(X):
    """Column-wise x ⊗ x, row i·r + k = x_i x_k (docs/methods/core.md §1.3)."""
    r = X.shape[0]
    return np.vstack([X[i] * X for i in range(r)])


def operators(doc):
    """c, A, H, G, B, N as stored (docs/methods/stable-opinf.md §3.1); absent operators are None."""
    P, ops = doc["P"], doc["structure"]["operators"]
    return {k: (P[k] if k in ops else None) for k in "cAHGBN"}


def reduced_field(O, Xh, U):
    """c + A x̂ + H(x̂ ⊗ x̂) + G(x̂ ⊗ x̂ ⊗ x̂) + B u + N(u ⊗ x̂) for every column (docs/methods/stable-opinf.md §4.1, §1.2.1)."""
    F = np.zeros_like(Xh)
    if O["c"] is not None:
        F = F + O["c"]
    if O["A"] is not None:
        F = F + O["A"] @ Xh
    if O["H"] is not None:
        F = F + O["H"] @ kron_columns(Xh)
    if O["G"] is not None:
        F = F + O["G"] @ np.column_stack([np.kron(x, np.kron(x, x)) for x in Xh.T])
    if O["B"] is not None:
        F = F + O["B"] @ U
    if O["N"] is not None:
        F = F + O["N"] @ np.column_stack([np.kron(u, x) for u, x in zip(U.T, Xh.T)])
    return F


def iterate_map(doc, x0, us, K):
    """The discrete variant (docs/methods/stable-opinf.md §12): x̂_{k+1} = f(x̂_k, u_k), K samples, lifted."""
    O, Vr = operators(doc), basis(doc)
    x = x0 if Vr is None else Vr.T @ x0
    out = [x]
    for k in range(K - 1):
        x = reduced_field(O, x.reshape(-1, 1), us[:, k:k + 1])[:, 0]
        out.append(x)
    X = np.column_stack(out)
    return X if Vr is None else Vr @ X


def basis(doc):
    return doc["P"].get("basis")


def field(doc, X, U):
    Vr = basis(doc)
    Xh = X if Vr is None else Vr.T @ X
    F = reduced_field(operators(doc), Xh, U)
    return F if Vr is None else Vr @ F


def Q_of(doc):
    P, h = doc["P"], doc["hyperparameters"]
    r = doc["structure"]["reduced_dim"]
    if h["lyapunov_form"] == "identity":
        return np.eye(r)
    return P["L_Q"] @ P["L_Q"].T + h["eps_Q"] * np.eye(r)


def lyapunov(doc, X):
    """V = ½ x̂ᵀQx̂ and ∇V = V_r Q x̂ (docs/methods/stable-opinf.md §4.2)."""
    Vr = basis(doc)
    Xh = X if Vr is None else Vr.T @ X
    Q = Q_of(doc)
    G = Q @ Xh
    return 0.5 * np.sum(Xh * G, axis=0), (G if Vr is None else Vr @ G)


def rebuilt(doc):
    """A and H from the factors S, L_R, L_Q, T / H_free (docs/methods/stable-opinf.md §6)."""
    P, h = doc["P"], doc["hyperparameters"]
    r = doc["structure"]["reduced_dim"]
    J = P["S"] - P["S"].T
    R = P["L_R"] @ P["L_R"].T + h["eps_R"] * np.eye(r)
    Q = Q_of(doc)
    A = (J - R) @ Q
    H = None
    if "T" in P:
        T = P["T"]
        H = np.hstack([(T[:, i * r:(i + 1) * r] - T[:, i * r:(i + 1) * r].T) @ Q for i in range(r)])
    elif "H_free" in P:
        H = P["H_free"]
    return A, H, R


def check_discrete(cli, rep, name, out, doc, X, U):
    """The discrete variant: no field; simulate = iterating the map; certificate = spectral radius of A."""
    np.savez(cli.path("points.npz"), X=np.ascontiguousarray(X.T), U=np.ascontiguousarray(U.T))
    rep.check("%s: no vector field (field refused)" % name, cli.fails("field", "--model", out, "--points", cli.path("points.npz")))
    t, xs, _, _ = cli.simulate(out, "--data", "quad.json", "--split", "test", "--trajectory", "0")
    with open(cli.path("quad.json")) as fh:
        ds = json.load(fh)
    tr = ds["trajectories"][ds["splits"]["test"][0]]
    ts, us, x0 = np.array(tr["t"]), np.array(tr["u"]), np.array(tr["x"])[:, 0]
    rep.close("%s: sample_step is the data's step" % name, doc["structure"]["sample_step"], ts[1] - ts[0], 1e-9)
    with np.errstate(all="ignore"):
        ref = iterate_map(doc, x0, us, len(ts))
        Vr = basis(doc)
        norms = np.linalg.norm(ref if Vr is None else Vr.T @ ref, axis=0)
    # Divergence (docs/methods/stable-opinf.md §12): the first sample that is not finite or exceeds divergence_bound,
    # and all later ones, are NaN.
    bad = np.nonzero(~np.isfinite(norms) | (norms > doc["hyperparameters"]["divergence_bound"]))[0]
    stop = bad[0] if bad.size else len(ts)
    rep.close("%s: simulated test trajectory = iterated map (%d of %d samples before divergence)" % (name, stop, len(ts)),
              ref[:, :stop], xs[:, :stop], 1e-10)
    rep.check("%s: samples from the divergence on are NaN" % name, bool(np.all(np.isnan(xs[:, stop:]))))
    cert = cli.run_json("certify", "--model", out)["certificate"]
    A = operators(doc)["A"]
    rho = np.max(np.abs(np.linalg.eigvals(A)))
    rep.close("%s: certificate spectral radius of A" % name, rho, cert["spectral_radius"], 1e-9)
    stable = rho < 1 and operators(doc)["c"] is None
    rep.check("%s: verified iff rho(A) < 1 (and no c)" % name, cert["verified"] == stable, "rho = %.6f" % rho)


def main():
    cli = Cli(sys.argv)
    rep = Report("stable-opinf (docs/methods/stable-opinf.md)")
    cli.run("generate", "quadratic", "--param", "preset=example1", "--param", "samples=201", "--param", "t_end=10",
            "--seed", "2", "--out", "quad.json")
    tight = {"rtol": 1e-12, "atol": 1e-14}
    models = {
        "ls-pod-cAHB": dict(variant="least-squares", operators="cAHB", basis="pod", pod_rank=2, reg_A=1e-3, reg_H=1e-2,
                            reg_B=1e-4, reg_c=1e-5, **tight),
        "ls-AHB": dict(variant="least-squares", **tight),
        "stable-identity": dict(variant="stable", epochs=40, batch_trajectories=0, init="least-squares", reg_H=1e-3,
                                input_bound=3.0, **tight),
        "stable-quadratic-pod": dict(variant="stable", lyapunov_form="quadratic", basis="pod", pod_rank=2,
                                     operators="cAHB", epochs=30, batch_trajectories=1, eps_R=1e-3, eps_Q=1e-2,
                                     loss="rk4_onestep", **tight),
        "locally-stable": dict(variant="locally-stable", lyapunov_form="quadratic", epochs=30, batch_trajectories=0, **tight),
        "ls-cAHGBN": dict(variant="least-squares", operators="cAHGBN", reg_G=1e-3, reg_N=1e-4, reg_H=1e-3, **tight),
        "ls-pod-cAGN": dict(variant="least-squares", operators="cAGN", basis="pod", pod_rank=2, reg_G=1e-2, **tight),
        "discrete-AHB": dict(variant="discrete", operators="AHB", reg_H=1e-4),
        "discrete-pod-cAHGBN": dict(variant="discrete", operators="cAHGBN", basis="pod", pod_rank=2, reg_G=1e-3, reg_N=1e-3),
    }
    rng = np.random.default_rng(7)
    for name, settings in models.items():
        out = name + ".json"
        doc = cli.train("stable-opinf", "quad.json", out, settings, seed=1)
        N, m = doc["dims"]["state"], doc["dims"]["input"]
        X = rng.normal(0, 1.5, (N, 12))
        U = rng.normal(0, 1.0, (m, 12))
        if doc["variant"] == "discrete":
            check_discrete(cli, rep, name, out, doc, X, U)
            continue
        f_cli, V_cli, G_cli = cli.field(out, X, U, lyapunov=settings["variant"] == "stable")
        rep.close("%s: f in data coordinates" % name, field(doc, X, U), f_cli, 1e-9)
        if doc["variant"] == "stable":
            V, G = lyapunov(doc, X)
            rep.close("%s: V = ½ x̂ᵀQx̂" % name, V, V_cli, 1e-9)
            rep.close("%s: grad V" % name, G, G_cli, 1e-9)
        else:
            rep.check("%s: no Lyapunov view (field --lyapunov refused)" % name,
                      cli.fails("field", "--model", out, "--points", cli.path("points.npz"), "--lyapunov"))
        if doc["variant"] != "least-squares":
            A, H, R = rebuilt(doc)
            rep.close("%s: A rebuilt from S, L_R (, L_Q)" % name, A, doc["P"]["A"], 1e-12)
            if H is not None:
                rep.close("%s: H rebuilt from T / H_free" % name, H, doc["P"]["H"], 1e-12)
            cert = cli.run_json("certify", "--model", out)["certificate"]
            sig = np.linalg.eigvalsh(R)[0]
            rep.close("%s: certificate sigma_min(R)" % name, sig, cert["sigma_min_R"], 1e-9)
            nB = np.linalg.norm(doc["P"]["B"], 2) if "B" in doc["P"] else 0.0
            rep.close("%s: certificate ||B|| is the spectral norm" % name, nB, cert["norm_B"], 1e-9)
            if doc["variant"] == "stable":
                nc = np.linalg.norm(doc["P"]["c"]) if "c" in doc["P"] else 0.0
                for b in cert["bibs"]["bounds"]:
                    rep.close("%s: radius rho for U = %g" % (name, b["input_bound"]), (nB * b["input_bound"] + nc) / sig,
                              b["radius"], 1e-9)
        # Prediction of the test trajectory with the step input (docs/methods/stable-opinf.md §4.3).
        t, xs, _, _ = cli.simulate(out, "--data", "quad.json", "--split", "test", "--trajectory", "0")
        with open(cli.path("quad.json")) as fh:
            ds = json.load(fh)
        tr = ds["trajectories"][ds["splits"]["test"][0]]
        ts, us, x0 = np.array(tr["t"]), np.array(tr["u"]), np.array(tr["x"])[:, 0]
        u = interp_input(ts, us)
        O, Vr = operators(doc), basis(doc)
        xh0 = x0 if Vr is None else Vr.T @ x0
        ref = integrate(lambda tt, xh: reduced_field(O, xh.reshape(-1, 1), u(tt).reshape(-1, 1))[:, 0], xh0, t)
        ref = ref if Vr is None else Vr @ ref
        rep.close("%s: simulated test trajectory (integration tolerance)" % name, ref, xs, 1e-8)
    rep.finish()


if __name__ == "__main__":
    main()
