#pragma once
// Trajectories on a model's own vector field (phase-portrait clicks), forward, backward (on −f) or both
// ways from the start point. Fixed-step RK4 (core/ode) with a divergence guard: NaN or ‖x‖ > normBound
// stops the run and flags it. Leaving an optional box, or coming to rest, also stops it, without a flag,
// so a click near the edge does not integrate for ever.
#include "app/studio/dataset_sources.h"

#include <Eigen/Core>

namespace sd::studio {

enum class IntegrationDirection { Forward = 0, Backward = 1, Both = 2 };

struct IntegrationSettings {
    double step = 0.02;
    int maxSteps = 3000;                ///< per direction
    double normBound = 1e6;
    Eigen::VectorXd boxLow, boxHigh;    ///< optional stop box (empty = none)
    IntegrationDirection direction = IntegrationDirection::Forward;
};

struct IntegratedTrajectory {
    Eigen::MatrixXd x;                  ///< nx × K states in time order
    Eigen::VectorXd t;                  ///< increasing times; t = 0 at the start point
    Eigen::Index startColumn = 0;       ///< the column of x holding the start point (0 unless backward)
    bool diverged = false;              ///< either direction hit NaN or the norm bound
    bool leftBox = false;
    double stopTime = 0.0;              ///< where the (first) divergence happened, else the last time reached
};

/// Forward from x0 on f.
IntegratedTrajectory integrateForward(const VectorField& f, const Eigen::VectorXd& x0, const IntegrationSettings& s);

/// In s.direction: backward integrates ẋ = −f and reverses time, Both joins the backward and forward
/// halves at the start point.
IntegratedTrajectory integrateTrajectory(const VectorField& f, const Eigen::VectorXd& x0, const IntegrationSettings& s);

}  // namespace sd::studio
