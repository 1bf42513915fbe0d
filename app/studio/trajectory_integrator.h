#pragma once
// Forward trajectories on a model's own vector field (phase-portrait clicks). Fixed-step RK4 with a
// divergence guard: NaN or ‖x‖ > normBound stops the run and flags it. Leaving a (generous) box also stops
// it, without a flag, so a click near the edge does not integrate for ever.
#include "app/studio/dataset_sources.h"

#include <Eigen/Core>

namespace sd::studio {

struct IntegrationSettings {
    double step = 0.02;
    int maxSteps = 3000;
    double normBound = 1e6;
    Eigen::VectorXd boxLow, boxHigh;    ///< optional stop box (empty = none)
};

struct IntegratedTrajectory {
    Eigen::MatrixXd x;                  ///< nx × K states, column 0 is the start point
    Eigen::VectorXd t;
    bool diverged = false;
    bool leftBox = false;
    double stopTime = 0.0;
};

IntegratedTrajectory integrateForward(const VectorField& f, const Eigen::VectorXd& x0, const IntegrationSettings& s);

}  // namespace sd::studio
