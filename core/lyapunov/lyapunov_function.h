#pragma once
// LyapunovFunction — the learned positive-definite V of docs/methods/stable-dynamics.md §3 ("PSD-REHU"):
//
//   V(x) = σ_D(g(F(x)) − c) + ε‖x‖²,
//
// g an ICNN [n, h…, 1] with ReHU_d inner activations (convex in its input), σ_D the ReHU with width D
// (outer_rehu_d, 1 in the reference), F the identity or an invertible ResidualWarp, and
//   * G0Mode::Recompute:     c = g(F(0)) at the current parameters (one extra ICNN pass per batch, in the
//                            graph, so gradients flow through it): V(0) = 0 exactly, always;
//   * G0Mode::FrozenAtInit:  c = the value of g(F(0)) at initialisation (reference code parity), stored.
// With Recompute: V(0) = 0 and V(x) ≥ ε‖x‖² > 0 for x ≠ 0, for every parameter value.
//
// ∇ₓV is built as forward graph nodes from the ICNN's closed-form input gradient (docs/methods/stable-dynamics.md §2.2):
//   ∇V = σ_D'(g(F(x)) − c)·J_F(x)ᵀ∇g(F(x)) + 2εx,
// so losses through ∇V need only one ordinary reverse sweep (no create_graph).
#include "core/nn/icnn.h"
#include "core/lyapunov/residual_warp.h"

#include <optional>
#include <vector>

namespace sd::lyap {

enum class G0Mode { Recompute, FrozenAtInit };

struct LyapunovOptions {
    std::vector<Eigen::Index> hidden{60, 60};  ///< ICNN hidden widths
    double innerRehuD = 0.005;
    double outerRehuD = 1.0;
    double eps = 0.001;
    G0Mode g0Mode = G0Mode::Recompute;
    bool warp = false;                          ///< use a ResidualWarp F
    Eigen::Index warpHidden = 16;
    double warpLipschitz = 0.5;
};

class LyapunovFunction {
public:
    /// Draws the ICNN (and warp) parameters from rng in that order; in FrozenAtInit mode also stores
    /// c = g(F(0)). Throws sd::Error for bad options (non-positive widths, d, ε).
    LyapunovFunction(Eigen::Index n, const LyapunovOptions& options, Rng& rng);

    struct Output {
        ad::Var V;         ///< 1×B
        ad::Var gradient;  ///< ∇ₓV, n×B (undefined unless requested)
        ad::Var inner;     ///< g(F(x)) − c, 1×B (the outer ReHU's argument)
    };
    /// V (and ∇V) at the columns of x (n×B).
    Output evaluate(const ad::Var& x, bool withGradient) const;

    /// The subtracted constant c: g(F(0)) now (Recompute) or the stored initial value (FrozenAtInit).
    double offset() const;
    /// FrozenAtInit: the stored c (for loading a saved model). Ignored in Recompute mode.
    void setFrozenOffset(double c) { frozenOffset_ = c; }
    double frozenOffset() const { return frozenOffset_; }

    Eigen::Index inputSize() const { return n_; }
    const LyapunovOptions& options() const { return opt_; }
    const nn::ICNN& icnn() const { return g_; }
    const std::optional<ResidualWarp>& warp() const { return warp_; }
    /// "g.W0", …, "g.U0", … and "warp.A", "warp.a", "warp.B" (the trainable parameters; c is not one).
    nn::ParameterSet parameters() const;

private:
    /// g(F(x)) and, if requested, J_Fᵀ∇g (both as graph nodes).
    nn::ICNN::Output warpedG(const ad::Var& x, bool withGradient, const std::vector<ad::Var>& S) const;

    Eigen::Index n_;
    LyapunovOptions opt_;
    nn::ICNN g_;
    std::optional<ResidualWarp> warp_;
    double frozenOffset_ = 0.0;
};

}  // namespace sd::lyap
