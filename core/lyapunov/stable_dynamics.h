#pragma once
// StableDynamics — the Lyapunov-projected neural vector field of Manek & Kolter (docs/methods/stable-dynamics.md):
// a nominal MLP f̂, a LyapunovFunction V, and f = projection of f̂ onto {∇Vᵀf ≤ −αV} (projection.h).
// For every parameter value V(0) = 0, V ≥ ε‖x‖² and ∇V(x)ᵀf(x) ≤ −αV(x) (up to rounding), so the system
// ẋ = f(x) is globally exponentially stable (paper Theorem 1; f̂ is Lipschitz, being a ReLU/tanh MLP).
#include "core/lyapunov/lyapunov_function.h"

#include "core/nn/mlp.h"

namespace sd::lyap {

struct StableDynamicsOptions {
    std::vector<Eigen::Index> fhatHidden{100, 100};
    nn::Activation activation = nn::Activation::relu();
    bool fhatCenter = false;          ///< use f̂(x) − f̂(0)
    double alpha = 0.001;
    double projDenominatorEps = 0.0;
    LyapunovOptions lyapunov;
};

/// `o` itself after checking what every projected field needs (α > 0, proj_denominator_eps ≥ 0); throws
/// sd::Error otherwise. Shared with fields that project onto a fixed V (plugins/lyapunov-net/known_v_dynamics.h).
const StableDynamicsOptions& checkedStableDynamicsOptions(const StableDynamicsOptions& o);
/// Layer widths of the nominal MLP f̂: n → fhatHidden… → n.
std::vector<Eigen::Index> nominalFieldSizes(Eigen::Index n, const std::vector<Eigen::Index>& fhatHidden);

class StableDynamics {
public:
    /// Draws f̂ first, then V, from rng. Throws sd::Error for bad options (α ≤ 0, widths, …).
    StableDynamics(Eigen::Index n, const StableDynamicsOptions& options, Rng& rng);

    struct Output {
        ad::Var f;         ///< projected field, n×B
        ad::Var fhat;      ///< nominal field, n×B
        ad::Var V;         ///< 1×B
        ad::Var gradV;     ///< n×B
    };
    /// Everything at the columns of x (n×B), as graph nodes (a loss on f back-propagates to every parameter
    /// through ∇V).
    Output evaluate(const ad::Var& x) const;

    /// Plain-matrix conveniences (evaluated without building gradients).
    Eigen::MatrixXd field(const Eigen::MatrixXd& X) const;
    Eigen::MatrixXd nominalField(const Eigen::MatrixXd& X) const;

    Eigen::Index stateDim() const { return n_; }
    const StableDynamicsOptions& options() const { return opt_; }
    const nn::MLP& fhat() const { return fhat_; }
    const LyapunovFunction& lyapunov() const { return V_; }
    LyapunovFunction& lyapunov() { return V_; }
    /// "fhat.0.weight", …, "V.g.W0", …, "V.warp.A", … (trainable parameters).
    nn::ParameterSet parameters() const;

private:
    Eigen::Index n_;
    StableDynamicsOptions opt_;
    nn::MLP fhat_;
    LyapunovFunction V_;
};

}  // namespace sd::lyap
