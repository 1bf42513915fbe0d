#pragma once
// The controlled-Burgers data recipe (docs/methods/systems.md §4).
#include "core/common/rng.h"
#include "core/data/dataset.h"
#include "core/systems/burgers.h"

namespace sd::systems {

struct BurgersDataOptions {
    BurgersParams model;
    Eigen::Index trainTrajectories = 10;
    Eigen::Index testTrajectories = 10;
    double tEnd = 10.0;
    Eigen::Index samples = 1001;        ///< equidistant samples on [0, tEnd]
    BurgersSolverOptions solver;        ///< rosenbrock4, rtol 1e-8 by default
    bool derivatives = false;           ///< also store the exact FOM right-hand side as dxdt
};

/// Training trajectories "train i": u(t) = a1 sin(ω1 t) + a2 cos(ω2 t), draws per trajectory in order
/// a1, a2 ~ N(0,1), ω1, ω2 ~ U[0.5, 3]; then test trajectories "test i": u(t) = a sign(sin(ω t)),
/// draws a ~ U[0.5, 2], ω ~ U[0.5, 3]. All from v(x, 0) = 0, solved by ControlledBurgers::simulate.
/// Each trajectory has t, x (N×samples), u (1×samples, the input at the sample times).
/// Splits "train", "test"; dt = tEnd/(samples−1); state names v1..vN, input name u.
/// Throws sd::Error("generate burgers", …) if a reference solve does not complete.
data::Dataset generateBurgersData(const BurgersDataOptions& options, Rng& rng);

}  // namespace sd::systems
