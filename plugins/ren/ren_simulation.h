#pragma once
// Simulation of an explicit REN over a batch of input sequences, as an autodiff graph (training,
// sensitivity) or under NoGradGuard (prediction). The explicit model is built once by the caller and
// reused for every step (docs/methods/ren.md §4).
//
// Layout: B parallel sequences of K steps are stored TIME-MAJOR in one matrix: column t·B + j is step t of
// sequence j. Evaluation order per step (docs/methods/ren.md §1.2): b = C₁x + D₁₂u + b_v, w = σ(D₁₁w + b) (one
// equilibrium node), y = C₂x + D₂₁w + D₂₂u + b_y (from the CURRENT state), x⁺ = Ax + B₁w + B₂u + b_x.
#include "core/autodiff/var.h"
#include "plugins/ren/direct_params.h"

#include <functional>
#include <string>

namespace sd::ren {

struct RenRollout {
    ad::Var Y;                 ///< ny × (K·B) outputs, time-major
    ad::Var finalState;        ///< nx × B state after the last step (x_K)
    Eigen::MatrixXd states;    ///< nx × (K·B) states x_0..x_{K−1} (values only; filled if requested)
    Eigen::MatrixXd equilibria;///< nv × (K·B) equilibria w_0..w_{K−1} (values only; filled if requested)
};

/// The explicit state-space matrices around the nonlinearity (REN and R2DN, docs/methods/ren.md §1.1, §13.1).
struct StateSpaceTerms {
    ad::Var A, B1, B2, C1, D12, C2, D21, D22, bx, bv, by;
};
/// w_t from b_t = C₁x_t + D₁₂u_t + b_v (all B columns of one step): the REN's equilibrium, the R2DN's network.
using NeuronLayer = std::function<ad::Var(const ad::Var& b)>;

/// The loop of docs/methods/ren.md §1.2 shared by both: K steps from x0 (nx×B) with inputs U (nu × K·B,
/// time-major). `who` names the caller in shape errors (sd::Error).
RenRollout simulateStateSpace(const RenConfig& config, const StateSpaceTerms& m, const NeuronLayer& layer, const ad::Var& x0,
                              const ad::Var& U, Eigen::Index K, bool keepStates, const std::string& who);

/// Simulates K steps from x0 (nx×B) with inputs U (nu × K·B, time-major). Throws sd::Error on shapes.
RenRollout simulateRen(const RenConfig& config, const ExplicitRen& model, const ad::Var& x0, const ad::Var& U,
                       Eigen::Index K, bool keepStates = false);

/// Time-major packing of B sequences (each rows×K) into rows × (K·B), and back.
Eigen::MatrixXd packTimeMajor(const std::vector<Eigen::MatrixXd>& sequences);
std::vector<Eigen::MatrixXd> unpackTimeMajor(const Eigen::MatrixXd& packed, Eigen::Index batch);

}  // namespace sd::ren
