#include "plugins/ren/r2dn_params.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/nn/init.h"
#include "plugins/ren/parameter_helpers.h"
#include "plugins/ren/lbdn.h"

#include <cmath>
#include <string>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;

namespace {

const Var& expectShape(const nn::ParameterSet& p, const std::string& name, Index rows, Index cols) {
    if (!p.contains(name)) throw Error("r2dn: parameter " + name, "missing");
    const Var& v = p.var(name);
    if (v.rows() != rows || v.cols() != cols)
        throw Error("r2dn: parameter " + name, "expected " + ad::shapeString(rows, cols) + ", got " + ad::shapeString(v.value()));
    return v;
}

/// 1/√(1 + ‖M‖²_F) as a 1×1 graph node: M·(this) has Frobenius (hence spectral) norm < 1.
Var normalisingFactor(const Var& M) { return ad::reciprocal(ad::sqrt(ad::squaredNorm(M) + 1.0)); }

/// [[M₁₁, M₁₂], [M₂₁, M₂₂]] from four blocks (zero-size blocks allowed).
Var blocks(const Var& a, const Var& b, const Var& c, const Var& d) {
    const Index r1 = a.rows(), r2 = c.rows(), c1 = a.cols(), c2 = b.cols();
    Var out = constantZeros(r1 + r2, c1 + c2);
    if (a.value().size()) out = out + ad::padBlock(a, 0, 0, r1 + r2, c1 + c2);
    if (b.value().size()) out = out + ad::padBlock(b, 0, c1, r1 + r2, c1 + c2);
    if (c.value().size()) out = out + ad::padBlock(c, r1, 0, r1 + r2, c1 + c2);
    if (d.value().size()) out = out + ad::padBlock(d, r1, c1, r1 + r2, c1 + c2);
    return out;
}

}  // namespace

Var ExplicitR2dn::network(const Var& V) const {
    Var h = V;
    for (const SandwichLayer& L : layers) h = ad::matmul(L.out, activate(activation, ad::linear(L.in, h, L.bias)));
    return ad::linear(outW, h, outB);
}

void validateR2dnConfig(const RenConfig& c) {
    if (c.renClass != RenClass::Contracting && c.renClass != RenClass::Lipschitz)
        throw Error("hyperparameter 'ren_class'", "an R2DN is contracting or lipschitz (docs/methods/ren.md §13), not " + toString(c.renClass));
    if (c.nx < 1) throw Error("hyperparameter 'nx'", "an R2DN needs at least one state");
    if (c.nv < 1) throw Error("hyperparameter 'nv'", "an R2DN needs at least one neuron (the width of the 1-Lipschitz network's input and output)");
    if (c.renClass == RenClass::Lipschitz && (c.nu < 1 || c.ny < 1))
        throw Error("hyperparameter 'ren_class'", "a Lipschitz R2DN needs at least one input and one output channel");
}

nn::ParameterSet initR2dnParameters(const RenConfig& c, const std::vector<Index>& hidden, Rng& rng) {
    validateR2dnConfig(c);
    const Index nx = c.nx, nv = c.nv, nu = c.nu, ny = c.ny;
    const bool lipschitz = c.renClass == RenClass::Lipschitz;
    nn::ParameterSet p;
    const MatrixXd X = glorotOrEmpty(rng, 2 * nx, 2 * nx);
    p.add("X", Var::parameter(X));
    if (c.polar) p.add("rho", Var::parameter(MatrixXd::Constant(1, 1, std::max(X.norm(), 1e-3))));
    p.add("Y1", Var::parameter(glorotOrEmpty(rng, nx, nx)));
    p.add("B1", Var::parameter(glorotOrEmpty(rng, nx, nv)));
    p.add("C1", Var::parameter(glorotOrEmpty(rng, nv, nx)));
    p.add("B2", Var::parameter(glorotOrEmpty(rng, nx, nu)));
    p.add("C2", Var::parameter(glorotOrEmpty(rng, ny, nx)));
    p.add(lipschitz ? "Z12" : "D12", Var::parameter(glorotOrEmpty(rng, nv, nu)));
    p.add(lipschitz ? "Z21" : "D21", Var::parameter(glorotOrEmpty(rng, ny, nv)));
    if (!c.d22Zero) p.add(lipschitz ? "Z22" : "D22", Var::parameter(MatrixXd::Zero(ny, nu)));
    p.add("bx", Var::parameter(MatrixXd::Zero(nx, 1)));
    p.add("bv", Var::parameter(glorotOrEmpty(rng, nv, 1)));
    p.add("by", Var::parameter(MatrixXd::Zero(ny, 1)));
    const Lbdn net(nv, hidden, nv, 1.0, c.activation, rng);
    p.append("net", net.parameters());
    return p;
}

std::vector<Index> r2dnHiddenWidths(const nn::ParameterSet& p) {
    std::vector<Index> widths;
    for (std::size_t k = 0; p.contains("net.layer" + std::to_string(k) + ".d"); ++k)
        widths.push_back(p.get("net.layer" + std::to_string(k) + ".d").rows());
    return widths;
}

ExplicitR2dn buildExplicitR2dn(const RenConfig& c, const nn::ParameterSet& p, ImplicitR2dn* implicit) {
    validateR2dnConfig(c);
    const Index nx = c.nx, nv = c.nv, nu = c.nu, ny = c.ny, n = 2 * nx;
    const bool lipschitz = c.renClass == RenClass::Lipschitz;
    const Var& X = expectShape(p, "X", n, n);
    const Var eps = Var::constant(c.epsilon * MatrixXd::Identity(n, n));
    Var HX;
    if (c.polar) {
        // ρ² XᵀX/‖X‖²_F: H_X is invariant to the scale of X; ρ carries it (as the REN, docs/methods/ren.md §4.1).
        const Var& rho = expectShape(p, "rho", 1, 1);
        HX = ad::mul(ad::transpose(X) * X, ad::div(ad::square(rho), ad::squaredNorm(X) + 1e-300)) + eps;
    } else {
        HX = ad::transpose(X) * X + eps;
    }
    const Var& B1t = expectShape(p, "B1", nx, nv);
    const Var& C1 = expectShape(p, "C1", nv, nx);
    const Var& B2t = expectShape(p, "B2", nx, nu);
    const Var& C2 = expectShape(p, "C2", ny, nx);
    ExplicitR2dn e;
    Var Gamma;
    if (!lipschitz) {
        e.D12 = expectShape(p, "D12", nv, nu);
        e.D21 = expectShape(p, "D21", ny, nv);
        e.D22 = c.d22Zero ? constantZeros(ny, nu) : expectShape(p, "D22", ny, nu);
        Gamma = blocks(ad::transpose(C1) * C1, constantZeros(nx, nx), constantZeros(nx, nx), B1t * ad::transpose(B1t));
    } else {
        // The scaled loop (docs/methods/ren.md §13.2): inputs [w; √γ u], outputs [v; y/√γ], feed-through D̄ with ‖D̄‖ < 1.
        const double rg = std::sqrt(c.gamma);
        const Var& Z12 = expectShape(p, "Z12", nv, nu);
        const Var& Z21 = expectShape(p, "Z21", ny, nv);
        const Var s12 = normalisingFactor(Z12);
        const Var D12h = ad::mul(Z12, s12);
        Var D21h, D22h;
        if (c.d22Zero) {
            D21h = ad::mul(Z21, normalisingFactor(Z21));
            D22h = constantZeros(ny, nu);
        } else {
            const Var& Z22 = expectShape(p, "Z22", ny, nu);
            const Var s2 = normalisingFactor(ad::hcat({Z21, Z22}));
            D21h = ad::mul(Z21, s2);
            // √(1 − ‖D̂₁₂‖²_F) = s₁₂: I − D̂₁₂ᵀD̂₁₂ ⪰ s₁₂²I, so the D̂₂₂ block fits beside D̂₁₂
            // (docs/methods/ren.md §13.3, step 2).
            D22h = ad::mul(ad::mul(Z22, s2), s12);
        }
        e.D12 = rg * D12h;
        e.D21 = rg * D21h;
        e.D22 = c.gamma * D22h;
        const Var Cbar = ad::vcat({C1, C2 / rg});            // (nv+ny)×nx
        const Var Bbar = ad::hcat({B1t, B2t / rg});          // nx×(nv+nu)
        const Var Dbar = blocks(constantZeros(nv, nv), D12h, D21h, D22h);
        const Index nout = nv + ny, nin = nv + nu;
        const Var Phi = blocks(constantIdentity(nout), Dbar, ad::transpose(Dbar), constantIdentity(nin));
        const Var T = blocks(ad::transpose(Cbar), constantZeros(nx, nin), constantZeros(nx, nout), Bbar);   // 2nx × (nout+nin)
        Gamma = T * ad::solve(Phi, ad::transpose(T));
    }
    const Var H = HX + Gamma;
    const Var H11 = ad::block(H, 0, 0, nx, nx);
    const Var F = ad::block(H, nx, 0, nx, nx);
    const Var P = ad::block(H, nx, nx, nx, nx);
    const Var& Y1 = expectShape(p, "Y1", nx, nx);
    const Var E = 0.5 * (H11 + P / (c.alphaBar * c.alphaBar) + Y1 - ad::transpose(Y1));
    // One LU of E for A, B₁, B₂ together.
    const Var EinvFB = ad::solve(E, ad::hcat({F, B1t, B2t}));
    e.A = ad::colsOf(EinvFB, 0, nx);
    e.B1 = ad::colsOf(EinvFB, nx, nv);
    e.B2 = ad::colsOf(EinvFB, nx + nv, nu);
    e.C1 = C1;
    e.C2 = C2;
    e.bx = expectShape(p, "bx", nx, 1);
    e.bv = expectShape(p, "bv", nv, 1);
    e.by = expectShape(p, "by", ny, 1);
    // φ: the sandwich layers of lbdn.h with γ = 1, factors applied once here rather than at every step.
    e.activation = c.activation;
    const double root2 = std::sqrt(2.0);
    Index width = nv;
    for (const Index out : r2dnHiddenWidths(p)) {
        const std::string k = "net.layer" + std::to_string(e.layers.size()) + ".";
        const Var& XY = expectShape(p, k + "XY", width + out, out);
        const Var& d = expectShape(p, k + "d", out, 1);
        const auto [At, Bt] = sandwichCayley(XY, out);
        SandwichLayer L;
        L.in = ad::mul(root2 * ad::transpose(Bt), ad::exp(-d));          // rows scaled by Ψ⁻¹
        L.bias = expectShape(p, k + "b", out, 1);
        L.out = ad::mul(root2 * At, ad::transpose(ad::exp(d)));          // columns scaled by Ψ
        e.layers.push_back(L);
        width = out;
    }
    const auto [outAt, outBt] = sandwichCayley(expectShape(p, "net.out.XY", nv + width, nv), nv);
    (void)outAt;
    e.outW = ad::transpose(outBt);
    e.outB = expectShape(p, "net.out.b", nv, 1);
    if (implicit) {
        implicit->H = H;
        implicit->HX = HX;
        implicit->E = E;
        implicit->F = F;
        implicit->P = P;
    }
    return e;
}

}  // namespace sd::ren
