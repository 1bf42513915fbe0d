#pragma once
// Pendulum datasets: the (x, ẋ) regression sets (docs/methods/systems.md §2), and RK4 trajectories.
#include "core/common/rng.h"
#include "core/data/dataset.h"

namespace sd::systems {

struct PendulumPairOptions {
    int links = 1;
    Eigen::Index samplesPerLink = 200;  ///< pairs per split = samplesPerLink·links (200n at reference HEAD, 1000n earlier)
    bool float32 = true;                ///< round the drawn states to float32 values (as the reference); ẋ is exact in double
    bool lowEnergy = false;             ///< angles ~ U[−π/4, π/4], velocities 0 (the reference's unused mode)
};

/// Two pair-set trajectories (empty t, x and dxdt filled): "train" then "test", drawn independently in that
/// order; each state ~ U[−π, π]^{2n} (entries drawn column by column). Splits "train" = {0}, "test" = {1}.
/// State names q1..qn, u1..un; no inputs; dt = 0.
data::Dataset generatePendulumPairs(const PendulumPairOptions& options, Rng& rng);

struct PendulumTrajectoryOptions {
    int links = 1;
    Eigen::Index trainTrajectories = 10;
    Eigen::Index testTrajectories = 5;
    Eigen::Index validationTrajectories = 0;   ///< taken from the training draws (split "validation")
    double tEnd = 10.0;
    double step = 0.01;          ///< RK4 step h
    double sampleTime = 0.01;    ///< output spacing (a multiple of step for exact-h steps)
    double range = 3.141592653589793;  ///< initial states ~ U[−range, range]^{2n}
};

/// RK4 trajectories (ode::integrateRk4Batch, vectorised) from random initial states (train first, then
/// test, each column-major). Each trajectory has t, x and the exact dxdt. Ids "train i" / "validation i" /
/// "test i"; splits "train", "validation" (only if validationTrajectories > 0), "test"; dt = sampleTime. Throws sd::Error if a trajectory diverges.
data::Dataset generatePendulumTrajectories(const PendulumTrajectoryOptions& options, Rng& rng);

}  // namespace sd::systems
