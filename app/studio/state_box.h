#pragma once
// The box the state-space views show: the bounding box of the loaded data's states (every trajectory,
// every sample; NaN ignored) or, without data, [−2, 2] on each coordinate of the model's state space —
// one definition for the phase portrait, the Lyapunov view and the screenshot tour.
#include "core/analysis/plane_grid.h"
#include "core/data/dataset.h"

#include <Eigen/Core>

namespace sd::studio {

struct StateBox {
    Eigen::VectorXd low, high;   ///< per state coordinate
    bool fromData = false;       ///< false: the [−2, 2] box of a model without data
    Eigen::Index dim() const { return low.size(); }
    Eigen::VectorXd centre() const { return 0.5 * (low + high); }
};

/// The data's box (its state dimension), or [−2, 2]^n when `ds` is null or has no finite state sample.
StateBox stateBox(const data::Dataset* ds, Eigen::Index modelStateDim);

/// The plane (coordinates ix, iy) of a box with a relative margin on each side (never empty).
analysis::PlaneBox planeBox(const StateBox& box, Eigen::Index ix, Eigen::Index iy, double margin = 0.15);

}  // namespace sd::studio
