"""vae-latent models re-implemented in numpy from docs/methods/vae-latent.md (and stable-dynamics.md for the latent
field), compared with `stabledyn simulate`: the generated video (encode the first frame, latent steps incl. the
V-safe rescaling, decode, map back to the dataset geometry)."""
import sys

from test_lyapunov_net import icnn
from docs_common import Cli, Report, mlp, np, relu, rehu, rehu1, sigmoid, write_dataset


def area_weights(n_in, n_out):
    """R[o, i] = overlap([o·s, (o+1)·s], [i, i+1]) / s, s = n_in/n_out (docs/methods/vae-latent.md §2.2)."""
    s = n_in / n_out
    R = np.zeros((n_out, n_in))
    for o in range(n_out):
        a, b = o * s, (o + 1) * s
        for i in range(int(np.floor(a)), n_in):
            if i >= b:
                break
            ov = min(b, i + 1.0) - max(a, float(i))
            if ov > 0:
                R[o, i] = ov / s
    return R


def to_model_frame(frame, C, H, W, S):
    img = frame.reshape(C, H, W)
    L = min(H, W)
    top, left = (H - L) // 2, (W - L) // 2
    img = img[:, top:top + L, left:left + L]
    if L != S:
        R = area_weights(L, S)
        img = np.stack([R @ img[c] @ R.T for c in range(C)])
    return img


def to_dataset_frames(frames, C, H, W, S):
    """Nearest-neighbour upsampling into the centred square, edge replication (docs/methods/vae-latent.md §2.3)."""
    L = min(H, W)
    top, left = (H - L) // 2, (W - L) // 2
    sy = [min(S - 1, (2 * min(max(y - top, 0), L - 1) + 1) * S // (2 * L)) for y in range(H)]
    sx = [min(S - 1, (2 * min(max(x - left, 0), L - 1) + 1) * S // (2 * L)) for x in range(W)]
    out = []
    for f in frames:
        out.append(f[:, sy][:, :, sx].reshape(-1))
    return np.array(out).T


def conv2d(x, Wt, b):
    """k4 s2 p1 cross-correlation, PyTorch layout (docs/methods/vae-latent.md §3.1)."""
    Cin, H, W = x.shape
    Cout = Wt.shape[0]
    K = Wt.reshape(Cout, Cin, 4, 4)
    xp = np.zeros((Cin, H + 2, W + 2))
    xp[:, 1:-1, 1:-1] = x
    Ho, Wo = (H + 2 - 4) // 2 + 1, (W + 2 - 4) // 2 + 1
    out = np.zeros((Cout, Ho, Wo))
    for ky in range(4):
        for kx in range(4):
            patch = xp[:, ky:ky + 2 * Ho:2, kx:kx + 2 * Wo:2]          # Cin × Ho × Wo
            out += np.einsum("oc,chw->ohw", K[:, :, ky, kx], patch)
    return out + b[:, 0][:, None, None]


def conv_transpose2d(x, Wt, b):
    """The adjoint of conv2d with the same weight layout Cin × (Cout·16) (docs/methods/vae-latent.md §3.1)."""
    Cin, h, w = x.shape
    Cout = Wt.shape[1] // 16
    K = Wt.reshape(Cin, Cout, 4, 4)
    full = np.zeros((Cout, 2 * (h - 1) + 4, 2 * (w - 1) + 4))
    for ky in range(4):
        for kx in range(4):
            full[:, ky:ky + 2 * h:2, kx:kx + 2 * w:2] += np.einsum("co,chw->ohw", K[:, :, ky, kx], x)
    Ho, Wo = 2 * h, 2 * w
    return full[:, 1:1 + Ho, 1:1 + Wo] + b[:, 0][:, None, None]


def encode_mean(P, img, L):
    h = img
    for i in range(L):
        h = relu(conv2d(h, P["vae.enc.conv%d.weight" % i], P["vae.enc.conv%d.bias" % i]))
    return P["vae.enc.mu.weight"] @ h.reshape(-1) + P["vae.enc.mu.bias"][:, 0]


def decode(P, z, L, widths, S):
    side = S // 2 ** L
    h = relu(P["vae.dec.fc.weight"] @ z + P["vae.dec.fc.bias"][:, 0]).reshape(widths[-1], side, side)
    for j in range(L):
        h = conv_transpose2d(h, P["vae.dec.deconv%d.weight" % j], P["vae.dec.deconv%d.bias" % j])
        h = relu(h) if j + 1 < L else sigmoid(h)
    return h


def latent_V(P, h, Z):
    g, G = icnn(P, "dyn.V.g.", Z, h["inner_rehu_d"])
    c = icnn(P, "dyn.V.g.", np.zeros((Z.shape[0], 1)), h["inner_rehu_d"])[0][0, 0]
    inner = g - c
    V = rehu(inner, 1.0) + h["eps"] * np.sum(Z * Z, axis=0)
    return V[0], rehu1(inner, 1.0) * G + 2 * h["eps"] * Z


def latent_field(P, h, Z):
    if h["variant"] == "naive":
        return mlp(P, "dyn.mlp.", Z, "relu")
    fhat = mlp(P, "dyn.fhat.", Z, "relu")
    V, G = latent_V(P, h, Z)
    viol = np.maximum(0.0, np.sum(G * fhat, axis=0) + h["alpha"] * V)
    den = np.sum(G * G, axis=0)
    den[den == 0.0] = 1.0
    return fhat - G * (viol / den)


def latent_step(P, h, z, stats):
    """One frame (docs/methods/vae-latent.md §4.2–§4.3)."""
    Z = z.reshape(-1, 1)
    nxt = Z + h["latent_step"] * latent_field(P, h, Z)
    if h["variant"] == "stable" and h["latent_integrator"] == "euler_v_safe" and np.all(np.isfinite(nxt)):
        target = np.exp(-h["alpha"] * h["latent_step"]) * latent_V(P, h, Z)[0][0]
        if not latent_V(P, h, nxt)[0][0] <= target:
            stats["rescaled"] += 1
            lo, hi = 0.0, 1.0
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                if latent_V(P, h, mid * nxt)[0][0] <= target:
                    lo = mid
                else:
                    hi = mid
            nxt = lo * nxt
    return nxt[:, 0]


def generate(doc, frames):
    P, h, st = doc["P"], doc["hyperparameters"], doc["structure"]
    C, H, W = st["frame"]["channels"], st["frame"]["height"], st["frame"]["width"]
    S, widths = st["image_size"], h["conv_widths"]
    L = len(widths)
    stats = {"rescaled": 0}
    z = encode_mean(P, to_model_frame(frames[:, 0], C, H, W, S), L)
    out = []
    for k in range(frames.shape[1]):
        if k > 0:
            z = latent_step(P, h, z, stats)
        if not np.all(np.isfinite(z)) or np.linalg.norm(z) > 1e6:
            break
        out.append(decode(P, z, L, widths, S))
    return to_dataset_frames(out, C, H, W, S), stats


def main():
    cli = Cli(sys.argv)
    rep = Report("vae-latent (docs/methods/vae-latent.md)")
    rng = np.random.default_rng(9)
    C, H, W, T = 3, 9, 7, 7
    yy, xx = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    trs = []
    for j in range(2):
        frames = []
        for t in range(T):
            img = np.stack([0.5 + 0.4 * np.sin(0.7 * xx + 0.5 * yy * (c + 1) + 0.6 * t + j) for c in range(C)])
            frames.append(np.clip(img + rng.normal(0, 0.02, img.shape), 0, 1).reshape(-1))
        trs.append({"id": "video %d" % j, "t": np.arange(T) * 0.04, "x": np.array(frames).T})
    names = ["c%d_y%d_x%d" % (c, y, x) for c in range(C) for y in range(H) for x in range(W)]
    write_dataset(cli.path("video.json"), trs, names, splits={"train": [0], "test": [1]}, dt=0.04)
    common = dict(image_size=4, conv_widths=[3, 5], latent=3, dyn_hidden=[6], epochs=2, batch_size=3, lr=0.01)
    models = {
        "stable-vsafe": dict(common, v_hidden=[5, 4], latent_step=4.0, alpha=0.3, eps=0.05, inner_rehu_d=0.2),
        "stable-euler": dict(common, v_hidden=[4], latent_integrator="euler", latent_step=0.5, init_seed=3),
        "naive": dict(common, variant="naive", latent_step=1.0, init_seed=1),
    }
    rescaled = 0
    for name, settings in models.items():
        out = name + ".json"
        doc = cli.train("vae-latent", "video.json", out, settings, seed=2)
        _, xs, _, _ = cli.simulate(out, "--data", "video.json", "--split", "test", "--trajectory", "0")
        ours, stats = generate(doc, trs[1]["x"])
        rescaled += stats["rescaled"]
        rep.close("%s: %d generated frames (%d V-safe rescalings)" % (name, ours.shape[1], stats["rescaled"]), ours, xs, 1e-9)
    rep.check("the V-safe rescaling was exercised", rescaled > 0, "(%d steps rescaled)" % rescaled)
    rep.finish()


if __name__ == "__main__":
    main()
