#pragma once
// Proper orthogonal decomposition: a reduced basis from the thin SVD of stacked snapshots
// (docs/methods/core.md §5).
#include "core/data/dataset.h"


#include <vector>

namespace sd::data {

/// How "energy" is measured when the rank is chosen by an energy fraction.
enum class EnergyCriterion {
    SquaredSingularValues,   ///< Σ_{i≤r} σ_i² / Σ σ_i²  (opinf; default)
    SingularValues           ///< Σ_{i≤r} σ_i / Σ σ_i    (goyalpike notebooks)
};

struct PodOptions {
    int rank = 0;                 ///< > 0: use exactly this rank (clamped to the number of singular values)
    double energy = 0.9999;       ///< used when rank == 0: the smallest r whose cumulative energy ≥ this
    EnergyCriterion criterion = EnergyCriterion::SquaredSingularValues;
};

struct PodBasis {
    Eigen::MatrixXd basis;                 ///< N×r orthonormal columns V_r
    Eigen::VectorXd singularValues;        ///< all min(N, K) singular values, descending
    Eigen::VectorXd energySquared;         ///< cumulative Σσ²-fractions (entry i = energy of rank i+1)
    Eigen::VectorXd energyPlain;           ///< cumulative Σσ-fractions
    EnergyCriterion criterion = EnergyCriterion::SquaredSingularValues;

    int rank() const { return static_cast<int>(basis.cols()); }
    /// Cumulative energy kept by the chosen rank under the chosen criterion.
    double retainedEnergy() const;
    /// Reduced coordinates V_rᵀ X (columns are samples).
    Eigen::MatrixXd project(const Eigen::MatrixXd& fullStates) const { return basis.transpose() * fullStates; }
    /// Lift back to the full space V_r X̂.
    Eigen::MatrixXd lift(const Eigen::MatrixXd& reducedStates) const { return basis * reducedStates; }
    /// A copy of `trajectory` with x and dxdt projected (t, u, y unchanged).
    Trajectory project(const Trajectory& trajectory) const;
};

/// Cumulative energy fractions of descending singular values (all zero values give zeros).
Eigen::VectorXd cumulativeEnergy(const Eigen::VectorXd& singularValues, EnergyCriterion criterion);
/// Smallest rank whose cumulative energy reaches `fraction` (at least 1).
int rankForEnergy(const Eigen::VectorXd& singularValues, double fraction, EnergyCriterion criterion);

/// POD of an N×K snapshot matrix by Eigen::BDCSVD (thin U). Throws sd::Error for an empty or non-finite
/// matrix or an energy fraction outside (0, 1].
PodBasis computePod(const Eigen::MatrixXd& snapshots, const PodOptions& options = {});
/// POD of the states x of the given trajectories, stacked column-wise.
PodBasis computePod(const std::vector<const Trajectory*>& trajectories, const PodOptions& options = {});

/// Stacks the states of trajectories column-wise (throws if state dimensions differ).
Eigen::MatrixXd stackStates(const std::vector<const Trajectory*>& trajectories);

}  // namespace sd::data
