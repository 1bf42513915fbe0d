#pragma once
// The reduced basis of a training run (docs/methods/stable-opinf.md §2): the POD basis the user asked for,
// none, or — when no basis is asked for but the full-state problem is under-determined (more unknowns
// per row than samples) — a POD basis whose rank is chosen automatically by the energy threshold
// `auto_pod_energy`, capped so the least-squares problem stays determined. The choice is reported.
#include "plugins/stable-opinf/quadratic_operators.h"

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <string>

namespace sd::opinf {

struct BasisChoice {
    Eigen::MatrixXd basis;        ///< N×r, empty = no basis (r = N)
    nlohmann::json record;        ///< for the training record: kind, rank, energy, reason (null without a basis)
    std::string summary;          ///< one line for the user ("" without a basis)
};

/// Unknowns per row of the least-squares problem with reduced dimension r (docs/methods/stable-opinf.md §5).
Eigen::Index unknownsPerRow(OperatorSet ops, Eigen::Index r, Eigen::Index inputDim);

/// X: N×K training states (all trajectories side by side). `hyper`: validated stable-opinf hyperparameters
/// (basis, pod_rank, pod_energy, auto_pod_energy). Throws sd::Error (core/data/pod.h) for empty or
/// non-finite states.
BasisChoice chooseBasis(const Eigen::MatrixXd& X, const nlohmann::json& hyper, OperatorSet ops, Eigen::Index inputDim);

}  // namespace sd::opinf
