#pragma once
// Reaction–diffusion PDE generator of the REN paper code's observer example (docs/methods/systems.md §5):
//   ∂_t ξ = ∂_zz ξ + R(ξ), R(ξ) = ½ ξ(1 − ξ)(ξ − ½), ξ(0,t) = ξ(L,t) = b(t);
//   L = 10, N = 51 nodes (z_i = iΔz, Δz = L/(N−1) = 0.2), σ = 0.1, Δt = σΔz² = 0.004.
// One SAMPLE step x_t → x_{t+1} with boundary input b_t = 4 explicit Euler sub-steps, each:
//   interior i = 1..N−2 (all from the previous sub-step's values, boundary nodes included):
//     ξ_i ← ξ_i + Δt ( (ξ_{i−1} + ξ_{i+1} − 2ξ_i)/Δz² + ½ ξ_i(1 − ξ_i)(ξ_i − ½) ),
//   then both boundary nodes ← b_t.
// Measurement y_t = [b_t; ξ_mid(x_t)], mid = 24 (0-based; the reference's 1-based node ⌊51/2⌋ = 25, z = 4.8;
// the JAX port's 0-based 25 is available through measurementNode).
// Sequence convention: x_{t+1} = step(x_t, b_t); y_t = measure(x_t, b_t); the sample period is 4Δt = 0.016.
#include "core/common/rng.h"
#include "core/data/dataset.h"

#include <Eigen/Core>

namespace sd::systems {

struct ReactionDiffusionParams {
    Eigen::Index nodes = 51;
    double length = 10.0;
    double sigma = 0.1;              ///< Δt = σΔz²
    int substeps = 4;
    Eigen::Index measurementNode = 24;  ///< 0-based index of ξ_mid
};

class ReactionDiffusion {
public:
    /// Throws sd::Error("reaction-diffusion: <param>", …) for invalid parameters.
    explicit ReactionDiffusion(const ReactionDiffusionParams& params = {});
    const ReactionDiffusionParams& params() const { return p_; }
    double spacing() const { return dz_; }                       ///< Δz
    double timeStep() const { return dt_; }                      ///< Δt of one Euler sub-step
    double samplePeriod() const { return dt_ * p_.substeps; }    ///< time of one sample step

    /// x_{t+1} from x_t (N) and the boundary input b_t (substeps Euler sub-steps as above).
    Eigen::VectorXd step(const Eigen::VectorXd& xi, double b) const;
    /// y = [b; ξ_mid].
    Eigen::Vector2d measure(const Eigen::VectorXd& xi, double b) const;

    struct Run {
        Eigen::MatrixXd x;   ///< N×T states x_0..x_{T−1}
        Eigen::MatrixXd y;   ///< 2×T measurements
    };
    /// T = b.size() samples from x0 with inputs b_0..b_{T−1}.
    Run simulate(const Eigen::VectorXd& x0, const Eigen::VectorXd& b) const;

private:
    ReactionDiffusionParams p_;
    double dz_, dt_;
};

struct ReactionDiffusionDataOptions {
    ReactionDiffusionParams model;
    Eigen::Index samples = 100000;       ///< training samples from ξ ≡ 0, b_0 = 0
    Eigen::Index testSamples = 2000;     ///< test samples (0 = no test trajectory) from ξ ≡ 1, b_0 = 0.5
    double walkStd = 0.05;               ///< random-walk step std
    double testDrift = -0.01;            ///< test walk b_{t+1} = clip(b_t + walkStd (η_t + testDrift), 0, 1)
};

/// Trajectory "train" (then "test"): t = k·samplePeriod, x = ξ (N×T), u = b (1×T, clipped random walk
/// b_{t+1} = clip(b_t + walkStd η_t, 0, 1), drawn train first), y = [b; ξ_mid] (2×T). Splits "train", "test";
/// state names xi1..xiN, input "b", outputs "b", "xi_mid"; dt = samplePeriod.
data::Dataset generateReactionDiffusionData(const ReactionDiffusionDataOptions& options, Rng& rng);

}  // namespace sd::systems
