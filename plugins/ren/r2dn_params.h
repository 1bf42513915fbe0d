#pragma once
// R2DN — robust recurrent deep network (Barbara, Wang & Manchester 2024; docs/methods/ren.md §13): a linear
// state-space system in feedback with a 1-Lipschitz sandwich network φ: ℝ^{n_v} → ℝ^{n_v} (lbdn.h with γ = 1) and
// no feed-through from w to v, so every step is explicit (no equilibrium solve):
//
//   v_t = C₁x_t + D₁₂u_t + b_v,   w_t = φ(v_t),
//   y_t = C₂x_t + D₂₁w_t + D₂₂u_t + b_y,
//   x_{t+1} = A x_t + B₁w_t + B₂u_t + b_x.
//
// The direct parameterisation makes the linear part satisfy the small-gain LMI of docs/methods/ren.md §13.2 for
// every parameter value: H = H_X + Γ with H_X = XᵀX + εI (polar: ρ²XᵀX/‖X‖²_F + εI), Γ ⪰ 0 built from
// (C₁, B₁, …); [[H₁₁, ·], [F, P]] = H, E = ½(H₁₁ + P/ᾱ² + Y₁ − Y₁ᵀ), A = E⁻¹F, B₁ = E⁻¹B̃₁, B₂ = E⁻¹B̃₂.
//   contracting: Γ = blkdiag(C₁ᵀC₁, B̃₁B̃₁ᵀ); D₁₂, D₂₁, D₂₂ free.
//   lipschitz γ: D̂₁₂ = Z₁₂/√(1+‖Z₁₂‖²_F), [D̂₂₁ D̂₂₂'] = [Z₂₁ Z₂₂]/√(1+‖[Z₂₁ Z₂₂]‖²_F), D̂₂₂ = D̂₂₂'·√(1−‖D̂₁₂‖²_F);
//     D₁₂ = √γD̂₁₂, D₂₁ = √γD̂₂₁, D₂₂ = γD̂₂₂; with C̄ = [C₁; C₂/√γ], B̄ = [B̃₁, B̃₂/√γ], D̄ = [[0, D̂₁₂], [D̂₂₁, D̂₂₂]]:
//     Γ = T Φ⁻¹ Tᵀ, T = blkdiag(C̄ᵀ, B̄), Φ = [[I, D̄], [D̄ᵀ, I]].
//
// Parameter names in the set: X (2nx×2nx), rho (1×1, polar only), Y1 (nx×nx), B1 (nx×nv), C1 (nv×nx), B2 (nx×nu),
// C2 (ny×nx); contracting: D12 (nv×nu), D21 (ny×nv), D22 (ny×nu, d22 free only); lipschitz: Z12 (nv×nu),
// Z21 (ny×nv), Z22 (ny×nu, d22 free only); bx (nx×1), bv (nv×1), by (ny×1); the network's "net.layer<k>.XY",
// "net.layer<k>.d", "net.layer<k>.b", "net.out.XY", "net.out.b" (lbdn.h).
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "core/nn/parameters.h"
#include "plugins/ren/ren_config.h"

#include <vector>

namespace sd::ren {

/// One sandwich layer with its Cayley factors applied: h ↦ out·σ(in·h + b) (docs/methods/ren.md §12.1).
struct SandwichLayer {
    ad::Var in;     ///< √2 Ψ⁻¹B  (n_{k+1}×n_k)
    ad::Var bias;   ///< b        (n_{k+1}×1)
    ad::Var out;    ///< √2 AᵀΨ   (n_{k+1}×n_{k+1})
};

/// The explicit R2DN: the state-space matrices and the network φ with its layers built once per parameter update.
struct ExplicitR2dn {
    ad::Var A, B1, B2, C1, D12, C2, D21, D22, bx, bv, by;
    std::vector<SandwichLayer> layers;
    ad::Var outW, outB;   ///< φ's output map B_out (nv×n_L) and bias
    RenActivation activation = RenActivation::ReLU;

    /// φ(V) for a batch of columns (graph over the parameters).
    ad::Var network(const ad::Var& V) const;
};

/// The implicit quantities the certificate's metric uses: E, P (V(Δx) = ΔxᵀEᵀP⁻¹EΔx) and H.
struct ImplicitR2dn {
    ad::Var H, HX, E, F, P;
};

/// Checks what an R2DN needs beyond RenConfig::validate(): class contracting or lipschitz, n_x ≥ 1, n_v ≥ 1,
/// lipschitz needs n_u, n_y ≥ 1. Throws sd::Error naming the hyperparameter.
void validateR2dnConfig(const RenConfig& config);

/// Draws every direct parameter (Glorot normal matrices, ρ₀ = ‖X‖_F, zero b_x, b_y, D₂₂/Z₂₂; the network as lbdn.h
/// with γ = 1 and widths `hidden`) from rng.
nn::ParameterSet initR2dnParameters(const RenConfig& config, const std::vector<Eigen::Index>& hidden, Rng& rng);

/// The direct→explicit map above. `implicit` (optional) receives E, F, P, H. Throws sd::Error on missing or
/// misshapen parameters.
ExplicitR2dn buildExplicitR2dn(const RenConfig& config, const nn::ParameterSet& params, ImplicitR2dn* implicit = nullptr);

/// Widths n₁ … n_L of φ's hidden layers as stored in `params` (from the shapes of net.layer<k>.d).
std::vector<Eigen::Index> r2dnHiddenWidths(const nn::ParameterSet& params);

}  // namespace sd::ren
