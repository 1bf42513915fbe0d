#include "core/systems/burgers_data.h"

#include "core/common/error.h"
#include "core/systems/input_signals.h"

#include <numbers>

namespace sd::systems {

data::Dataset generateBurgersData(const BurgersDataOptions& o, Rng& rng) {
    const std::string where = "generate burgers";
    const ControlledBurgers model(o.model);
    if (o.samples < 2) throw Error(where + ": samples", "must be at least 2");
    if (!(o.tEnd > 0.0)) throw Error(where + ": t_end", "must be positive");
    if (o.trainTrajectories < 0 || o.testTrajectories < 0 || o.trainTrajectories + o.testTrajectories < 1)
        throw Error(where + ": train_trajectories", "need at least one trajectory");

    std::vector<std::pair<std::string, ode::InputSignal>> inputs;
    for (Eigen::Index i = 0; i < o.trainTrajectories; ++i) {
        const double a1 = rng.normal(), a2 = rng.normal();
        const double w1 = rng.uniform(0.5, 3.0), w2 = rng.uniform(0.5, 3.0);
        inputs.emplace_back("train " + std::to_string(i),
                            sumOfSines(Eigen::Vector2d(a1, a2), Eigen::Vector2d(w1, w2), Eigen::Vector2d(0.0, std::numbers::pi / 2)));
    }
    for (Eigen::Index i = 0; i < o.testTrajectories; ++i) {
        const double a = rng.uniform(0.5, 2.0), w = rng.uniform(0.5, 3.0);
        inputs.emplace_back("test " + std::to_string(i), squareWave(a, w));
    }

    data::Dataset ds;
    ds.name = "burgers";
    for (Eigen::Index i = 1; i <= model.nodes(); ++i) ds.stateNames.push_back("v" + std::to_string(i));
    ds.inputNames = {"u"};
    ds.dt = o.tEnd / static_cast<double>(o.samples - 1);
    const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(o.samples, 0.0, o.tEnd);
    for (std::size_t j = 0; j < inputs.size(); ++j) {
        const auto& [id, u] = inputs[j];
        const ode::Solution s = model.simulate(u, times, o.solver);
        if (!s.status.completed()) throw Error(where, id + ": reference solve stopped: " + s.status.message);
        data::Trajectory tr;
        tr.id = id;
        tr.t = times;
        tr.x = s.x;
        tr.u = u.sample(times);
        if (o.derivatives) tr.dxdt = model.rhsBatch(tr.x, tr.u.row(0));
        ds.splits[static_cast<Eigen::Index>(j) < o.trainTrajectories ? "train" : "test"].push_back(static_cast<int>(j));
        ds.trajectories.push_back(std::move(tr));
    }
    return ds;
}

}  // namespace sd::systems
