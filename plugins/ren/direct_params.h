#pragma once
// The direct (unconstrained) parameterisation of a REN and its map to the explicit model
// (docs/methods/ren.md §4), written with autodiff ops so the map is built once per parameter update and
// back-propagated through once after the rollout.
//
// Parameter names in the set (absent ones are not created):
//   X ((2nx+nv)²), rho (1×1, polar only), Y1 (nx×nx), B2 (nx×nu), D12 (nv×nu), C2 (ny×nx), D21 (ny×nv),
//   D22 (ny×nu, contracting with free D₂₂), X3 (d×d), Y3 (d×d), Z3 (|ny−nu|×d) (Lipschitz with D₂₂ ≠ 0,
//   general, passive; d = min(nu, ny), no Z3 for passive), lambda (nv×1) and S2 (nv×nv) (full D₁₁),
//   bx (nx×1), bv (nv×1), by (ny×1).
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "core/nn/parameters.h"
#include "plugins/ren/equilibrium.h"
#include "plugins/ren/ren_config.h"

#include <memory>
#include <string>

namespace sd::ren {

/// How the direct parameters are drawn (docs/methods/ren.md §8).
enum class RenInit {
    Random,      ///< JL ":random": Glorot-normal X and matrices, ρ₀ = ‖X‖_F, b_x = 0, D₂₂ = 0
    Paper,       ///< PAPER-CODE: X = Cholesky factor of the assembled LMI with E = F = P = I (docs/methods/ren.md §8)
    EchoState    ///< PAPER-CODE echo-state sampler: X = 2N(0,1)/√(2nx+nv), scaled B₂, D₁₂ (docs/methods/ren.md §6.5)
};
RenInit renInitFromString(const std::string& name);

/// Draws every direct parameter for `config` (validated) from `rng`.
nn::ParameterSet initDirectParameters(const RenConfig& config, Rng& rng, RenInit init);

/// The explicit model x⁺ = Ax + B₁w + B₂u + b_x, v = C₁x + D₁₁w + D₁₂u + b_v, y = C₂x + D₂₁w + D₂₂u + b_y.
struct ExplicitRen {
    ad::Var A, B1, B2, C1, D11, D12, C2, D21, D22, bx, bv, by;
    /// Full D₁₁ only: the splitting solver for this D₁₁ (factorised once) and its convergence counts.
    std::shared_ptr<const PeacemanRachford> splitting;
    std::shared_ptr<EquilibriumStats> stats;
};

/// The implicit-form quantities the LMI is stated in (docs/methods/ren.md §4.5, §9.1), as graph values.
struct ImplicitRen {
    ad::Var H;          ///< (2nx+nv)² matrix whose blocks give the rest (H = H_X + Γ₂ − Γ₁)
    ad::Var HX;         ///< H_X ≻ 0 (ε I included)
    ad::Var E, F, P, B1, C1, Lambda /* nv×1 */, D11, B2, D12;
};

/// The direct→explicit map. `implicit` (optional) receives the implicit quantities.
/// Throws sd::Error if E is singular (impossible for a valid parameter set up to rounding).
ExplicitRen buildExplicit(const RenConfig& config, const nn::ParameterSet& params, ImplicitRen* implicit = nullptr);

/// D₂₂ of the IQC classes from (X3, Y3, Z3) by the Cayley transform (docs/methods/ren.md §4.3).
ad::Var robustD22(const RenConfig& config, const nn::ParameterSet& params);

}  // namespace sd::ren
