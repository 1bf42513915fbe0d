#!/usr/bin/env python3
"""The vae-latent training step in PyTorch (CPU, float64, one thread), equivalent to the studio's vae-latent model
with its default architecture and timed like bench/vae_latent_bench.cpp. Written for this benchmark from
docs/methods/vae-latent.md and plugins/vae-latent, not taken from the reference repository.

Model (images 3 x S x S, S = 64 by default):
  encoder  Conv2d(3,16,4,2,1) ReLU, Conv2d(16,32,4,2,1) ReLU, Conv2d(32,64,4,2,1) ReLU, flatten (64*(S/8)^2)
           mu = Linear(F, 32), logvar = Linear(F, 32)
  decoder  Linear(32, F) ReLU, reshape, ConvTranspose2d(64,32,4,2,1) ReLU, ConvTranspose2d(32,16,4,2,1) ReLU,
           ConvTranspose2d(16,3,4,2,1), sigmoid   (no ReLU before the sigmoid, as in the plugin)
  latent   naive: MLP 32-64-64-32 (ReLU); stable: f_hat MLP 32-64-64-32 projected with the ICNN Lyapunov function
           V = ReHU_1(g(z) - g(0)) + eps |z|^2, g ICNN 32-64-64-1 (ReHU_0.005, softplus(U)/rows(U)), eps 0.01,
           alpha 0.001; grad V by autograd with create_graph=True.
  step     z_b = z_a + f(z_a) (h = 1); variant "stable" also rescales z_b radially so that V(s z_b) <= e^{-alpha} V(z_a)
           (60 bisection steps on the columns that violate it, no gradient through s), as the plugin's euler_v_safe.
  loss     (sum (dec(z_a) - y_t)^2 + KL + 10^-0.25 sum (dec(z_b) - y_t+1)^2) / B, Adam lr 5e-4; z_a, z_b decoded
           in one batch.
Prints one JSON line: us_per_step, pairs_per_second, loss, max_rss_mib (resource.getrusage ru_maxrss) and
rss_after_import_mib (the peak after importing torch, before any model or tensor).
"""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn.functional as Fn


def rehu(a, d):
    return torch.where(a <= 0, torch.zeros_like(a), torch.where(a < d, a * a / (2 * d), a - d / 2))


class ICNN(torch.nn.Module):
    def __init__(self, sizes, d):
        super().__init__()
        n = sizes[0]
        self.d = d
        self.W = torch.nn.ModuleList([torch.nn.Linear(n, s) for s in sizes[1:]])
        self.U = torch.nn.ParameterList()
        for i in range(1, len(sizes) - 1):
            self.U.append(torch.nn.Linear(sizes[i], sizes[i + 1], bias=False).weight)

    def forward(self, x):
        z = rehu(self.W[0](x), self.d)
        for i, U in enumerate(self.U):
            S = Fn.softplus(U)
            a = self.W[i + 1](x) + z @ S.t() / S.shape[0]
            z = rehu(a, self.d) if i + 1 < len(self.U) else a
        return z


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


class StableLatent(torch.nn.Module):
    def __init__(self, n, hidden=64, vh=64, d=0.005, eps=0.01, alpha=0.001):
        super().__init__()
        self.fhat = mlp([n, hidden, hidden, n])
        self.g = ICNN([n, vh, vh, 1], d)
        self.eps, self.alpha, self.n = eps, alpha, n

    def V(self, z):
        c = self.g(torch.zeros(1, self.n, dtype=z.dtype))
        return rehu(self.g(z) - c, 1.0)[:, 0] + self.eps * (z * z).sum(1)

    def forward(self, z):
        if not z.requires_grad:
            z = z.requires_grad_(True)
        fz = self.fhat(z)
        v = self.V(z)
        gv, = torch.autograd.grad(v.sum(), z, create_graph=True)
        num = Fn.relu((gv * fz).sum(1) + self.alpha * v)
        den = (gv * gv).sum(1)
        den = torch.where(den == 0, torch.ones_like(den), den)
        return fz - gv * (num / den)[:, None]


class Vae(torch.nn.Module):
    def __init__(self, S, widths=(16, 32, 64), latent=32):
        super().__init__()
        chans = [3] + list(widths)
        self.enc = torch.nn.ModuleList([torch.nn.Conv2d(chans[i], chans[i + 1], 4, 2, 1) for i in range(len(widths))])
        self.side = S // 2 ** len(widths)
        F = widths[-1] * self.side * self.side
        self.mu = torch.nn.Linear(F, latent)
        self.logvar = torch.nn.Linear(F, latent)
        self.fc = torch.nn.Linear(latent, F)
        self.dec = torch.nn.ModuleList([torch.nn.ConvTranspose2d(chans[i + 1], chans[i], 4, 2, 1) for i in reversed(range(len(widths)))])
        self.widths = widths

    def encode(self, x):
        h = x
        for c in self.enc:
            h = Fn.relu(c(h))
        h = h.flatten(1)
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        h = Fn.relu(self.fc(z)).view(-1, self.widths[-1], self.side, self.side)
        for i, c in enumerate(self.dec):
            h = c(h)
            h = Fn.relu(h) if i + 1 < len(self.dec) else torch.sigmoid(h)
        return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", default="stable", choices=["naive", "stable-euler", "stable"])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    a = ap.parse_args()
    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # interpreter + torch, before any tensor
    torch.set_num_threads(a.threads)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    S, B, d = a.image_size, a.batch, 32
    vae = Vae(S)
    dyn = mlp([d, 64, 64, d]) if a.variant == "naive" else StableLatent(d)
    params = list(vae.parameters()) + list(dyn.parameters())
    opt = torch.optim.Adam(params, lr=5e-4)
    cur = torch.rand(B, 3, S, S)
    nxt = torch.rand(B, 3, S, S)
    w = 10 ** -0.25
    vsafe = a.variant == "stable"
    decay = math.exp(-0.001)

    def step():
        opt.zero_grad()
        mu, logvar = vae.encode(cur)
        za = mu + torch.exp(0.5 * logvar) * torch.randn(B, d)
        zb = za + dyn(za)
        if vsafe:
            with torch.no_grad():
                target = decay * dyn.V(za)
                znext = zb.detach()
                active = ~(dyn.V(znext) <= target)
                s = torch.ones(B)
                if active.any():
                    lo = torch.zeros(int(active.sum()))
                    hi = torch.ones_like(lo)
                    zn, tg = znext[active], target[active]
                    for _ in range(60):
                        mid = 0.5 * (lo + hi)
                        ok = dyn.V(mid[:, None] * zn) <= tg
                        lo = torch.where(ok, mid, lo)
                        hi = torch.where(ok, hi, mid)
                    s[active] = lo
            zb = zb * s[:, None]
        dec = vae.decode(torch.cat([za, zb], 0))
        ya, yb = dec[:B], dec[B:]
        kl = -0.5 * (1 + logvar - mu * mu - logvar.exp()).sum()
        loss = (((ya - cur) ** 2).sum() + kl + w * ((yb - nxt) ** 2).sum()) / B
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        loss = step()
    best = 1e300
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while True:
            loss = step()
            n += 1
            el = time.perf_counter() - t0
            if el >= a.seconds:
                break
        best = min(best, el / n)
    print(json.dumps({"impl": "pytorch " + torch.__version__ + " float64 1 thread", "us_per_step": best * 1e6,
                      "pairs_per_second": B / best, "loss": loss,
                      "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "rss_after_import_mib": rss_import,
                      "parameters": sum(p.numel() for p in params)}))


if __name__ == "__main__":
    main()
