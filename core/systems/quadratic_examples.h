#pragma once
// Stand-in Examples I and II and their data recipe (docs/methods/systems.md §3).
//
// System (n = 3, m = 1): A = J − R with J = [[0,1,0],[−1,0,1],[0,−1,0]], R_I = diag(0.2, 0.1, 0.3),
// R_II = diag(0.05, 0.02, 0.05); H = [H_1 H_2 H_3] with H_1 = [[0,0,0],[0,0,−1],[0,1,0]],
// H_2 = ½[[0,0,1],[0,0,0],[−1,0,0]], H_3 = 0 (energy-preserving: xᵀH(x⊗x) = 0); B = [1; 0; 0.5]; c = 0.
#include "core/common/rng.h"
#include "core/data/dataset.h"
#include "core/ode/input_signal.h"
#include "core/systems/quadratic_system.h"

#include <string>

namespace sd::systems {

/// "example1" or "example2"; sd::Error("quadratic preset", …) for any other name.
QuadraticSystem quadraticExample(const std::string& preset);

struct QuadraticDataOptions {
    std::string preset = "example1";
    double tEnd = 20.0;
    Eigen::Index samples = 2001;       ///< equidistant samples on [0, tEnd] per trajectory
    int trainInputs = 2;
    double noiseStd = -1.0;            ///< Gaussian state noise on TRAINING states; < 0 = preset default (0 / 0.01)
    bool derivatives = true;           ///< store exact ẋ (only for noise-free trajectories)
    double rtol = 1e-10, atol = 1e-12; ///< Dopri5 tolerances of the reference simulation
};

/// The data recipe (docs/methods/systems.md §3). Trajectories, in order: "train 0" … "train {trainInputs−1}" with
/// u = c1 sin(k1 t) + c2 cos(k2 t) (draws per input, in order: k1, k2 ~ integers in [1,5], c1, c2 ~ U[0.5,2]),
/// then "test step" (u ≡ 2) and "test square" (u = 4 sign(sin(0.5 t))). All start from x(0) = 0.
/// Training states get additive N(0, noiseStd²) noise (drawn after all inputs, trajectory by trajectory,
/// column-major); noisy trajectories carry no dxdt. Splits: "train", "test". dt = tEnd/(samples−1).
/// State names x1..x3, input name u. Throws sd::Error if a reference simulation diverges.
data::Dataset generateQuadraticData(const QuadraticDataOptions& options, Rng& rng);

/// Simulates a quadratic system from x0 with input u at `times` (Dopri5, tolerances given) and returns a
/// trajectory (t, x, u sampled at t, dxdt if requested). Throws sd::Error(where, …) if the run is stopped.
data::Trajectory simulateQuadratic(const QuadraticSystem& sys, const Eigen::VectorXd& x0, const ode::InputSignal& u,
                                   const Eigen::VectorXd& times, double rtol, double atol, bool derivatives,
                                   const std::string& where);

}  // namespace sd::systems
