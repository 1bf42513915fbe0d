#include "core/systems/pendulum_data.h"

#include "core/common/error.h"
#include "core/ode/rk4.h"
#include "core/systems/pendulum.h"

#include <cmath>
#include <numbers>

namespace sd::systems {

data::Dataset generatePendulumPairs(const PendulumPairOptions& o, Rng& rng) {
    const std::string where = "generate pendulum";
    const NLinkPendulum p(o.links);
    if (o.samplesPerLink < 1) throw Error(where + ": samples_per_link", "must be at least 1");
    const Eigen::Index n = o.links, count = o.samplesPerLink * n;
    data::Dataset ds;
    ds.name = "pendulum-" + std::to_string(n);
    ds.stateNames = p.stateNames();
    for (const char* split : {"train", "test"}) {
        Eigen::MatrixXd X(2 * n, count);
        if (o.lowEnergy) {
            X.topRows(n) = rng.uniformMatrix(n, count, -std::numbers::pi / 4, std::numbers::pi / 4);
            X.bottomRows(n).setZero();
        } else {
            X = rng.uniformMatrix(2 * n, count, -std::numbers::pi, std::numbers::pi);
        }
        if (o.float32) X = X.cast<float>().cast<double>();
        data::Trajectory tr;
        tr.id = split;
        tr.x = X;
        tr.dxdt = p.derivatives(X);
        ds.splits[split] = {static_cast<int>(ds.trajectories.size())};
        ds.trajectories.push_back(std::move(tr));
    }
    return ds;
}

data::Dataset generatePendulumTrajectories(const PendulumTrajectoryOptions& o, Rng& rng) {
    const std::string where = "generate pendulum";
    const NLinkPendulum p(o.links);
    if (o.trainTrajectories < 0 || o.testTrajectories < 0 || o.trainTrajectories + o.testTrajectories < 1)
        throw Error(where + ": trajectories", "need at least one trajectory");
    if (o.validationTrajectories < 0 || o.validationTrajectories > o.trainTrajectories)
        throw Error(where + ": validation_trajectories", "must lie in [0, train_trajectories]");
    if (!(o.tEnd > 0.0)) throw Error(where + ": t_end", "must be positive");
    if (!(o.step > 0.0)) throw Error(where + ": step", "must be positive");
    if (!(o.sampleTime > 0.0)) throw Error(where + ": sample_time", "must be positive");
    const Eigen::Index n = o.links, B = o.trainTrajectories + o.testTrajectories;
    const auto K = static_cast<Eigen::Index>(std::llround(o.tEnd / o.sampleTime)) + 1;
    const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(K, 0.0, static_cast<double>(K - 1) * o.sampleTime);
    const Eigen::MatrixXd X0 = rng.uniformMatrix(2 * n, B, -o.range, o.range);
    ode::Rk4Options ro;
    ro.step = o.step;
    const ode::BatchSolution sol = ode::integrateRk4Batch(p.batchField(), X0, times, {}, ro);
    data::Dataset ds;
    ds.name = "pendulum-" + std::to_string(n) + "-trajectories";
    ds.stateNames = p.stateNames();
    ds.dt = o.sampleTime;
    for (Eigen::Index b = 0; b < B; ++b) {
        if (!sol.status[static_cast<std::size_t>(b)].completed())
            throw Error(where, "trajectory " + std::to_string(b) + " stopped: " + sol.status[static_cast<std::size_t>(b)].message);
        // The last `validationTrajectories` of the training draws form the validation split.
        const Eigen::Index firstValidation = o.trainTrajectories - o.validationTrajectories;
        const char* split = b < firstValidation ? "train" : b < o.trainTrajectories ? "validation" : "test";
        const Eigen::Index index = b < firstValidation ? b : b < o.trainTrajectories ? b - firstValidation : b - o.trainTrajectories;
        data::Trajectory tr;
        tr.id = std::string(split) + " " + std::to_string(index);
        tr.t = times;
        tr.x = sol.trajectory(b);
        tr.dxdt = p.derivatives(tr.x);
        ds.splits[split].push_back(static_cast<int>(b));
        ds.trajectories.push_back(std::move(tr));
    }
    return ds;
}

}  // namespace sd::systems
