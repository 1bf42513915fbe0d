#pragma once
// KnownVDynamics — the projected field of docs/methods/stable-dynamics.md §5 with a user-supplied Lyapunov
// function (docs/methods/lyapunov-net.md §8): f = projection of the MLP f̂ onto {∇Vᵀf ≤ −αV}, where V and its
// exact gradient come from KnownLyapunov. V has no parameters, so for a batch of states V(x) and ∇V(x) are
// constants of the graph and a loss on f reaches only f̂'s parameters (through the projection).
// Parameters are named like the stable variant's f̂ ("fhat.<i>.weight", "fhat.<i>.bias").
#include "core/lyapunov/field_evaluator.h"
#include "core/lyapunov/stable_dynamics.h"
#include "plugins/lyapunov-net/known_lyapunov.h"

namespace sd::lyapnet {

class KnownVDynamics {
public:
    /// Uses options.fhatHidden, activation, fhatCenter, alpha, projDenominatorEps (options.lyapunov is
    /// ignored). Throws sd::Error for α ≤ 0, δ < 0 or a V of another state dimension.
    KnownVDynamics(Eigen::Index n, const lyap::StableDynamicsOptions& options, KnownLyapunov V, Rng& rng);

    /// f, f̂, V, ∇V at the columns of x (n×B) as graph nodes (V, ∇V constants).
    lyap::StableDynamics::Output evaluate(const ad::Var& x) const;
    /// The same numbers as plain matrices, evaluated without recording gradients.
    lyap::FieldEvaluator::Result evaluate(const Eigen::MatrixXd& X) const;

    Eigen::Index stateDim() const { return n_; }
    const lyap::StableDynamicsOptions& options() const { return opt_; }
    const KnownLyapunov& lyapunov() const { return V_; }
    const nn::MLP& fhat() const { return fhat_; }
    nn::ParameterSet parameters() const;

private:
    Eigen::Index n_;
    lyap::StableDynamicsOptions opt_;
    nn::MLP fhat_;
    KnownLyapunov V_;
};

}  // namespace sd::lyapnet
