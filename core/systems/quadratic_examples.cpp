#include "core/systems/quadratic_examples.h"

#include "core/common/error.h"
#include "core/ode/dopri5.h"
#include "core/systems/input_signals.h"

#include <cmath>
#include <numbers>

namespace sd::systems {

QuadraticSystem quadraticExample(const std::string& preset) {
    Eigen::Vector3d r;
    if (preset == "example1") r << 0.2, 0.1, 0.3;
    else if (preset == "example2") r << 0.05, 0.02, 0.05;
    else throw Error("quadratic preset", "unknown preset '" + preset + "' (expected example1 or example2)");
    QuadraticSystem s;
    Eigen::Matrix3d J;
    J << 0, 1, 0, -1, 0, 1, 0, -1, 0;
    s.A = J - Eigen::Matrix3d(r.asDiagonal());
    s.H = Eigen::MatrixXd::Zero(3, 9);
    // H_1 (columns 0..2): [[0,0,0],[0,0,−1],[0,1,0]]
    s.H(1, 2) = -1.0;
    s.H(2, 1) = 1.0;
    // H_2 (columns 3..5): ½[[0,0,1],[0,0,0],[−1,0,0]]
    s.H(0, 3 + 2) = 0.5;
    s.H(2, 3 + 0) = -0.5;
    s.B = Eigen::Vector3d(1.0, 0.0, 0.5);
    s.c = Eigen::VectorXd();
    return s;
}

data::Trajectory simulateQuadratic(const QuadraticSystem& sys, const Eigen::VectorXd& x0, const ode::InputSignal& u,
                                   const Eigen::VectorXd& times, double rtol, double atol, bool derivatives,
                                   const std::string& where) {
    ode::Dopri5Options o;
    o.rtol = rtol;
    o.atol = atol;
    const ode::Solution s = ode::integrateDopri5(sys.field(), x0, times, u, o);
    if (!s.status.completed()) throw Error(where, "reference simulation stopped: " + s.status.message);
    data::Trajectory tr;
    tr.t = times;
    tr.x = s.x;
    tr.u = u.sample(times);
    if (derivatives) tr.dxdt = sys.rhsBatch(tr.x, tr.u);
    return tr;
}

data::Dataset generateQuadraticData(const QuadraticDataOptions& o, Rng& rng) {
    const std::string where = "generate quadratic";
    const QuadraticSystem sys = quadraticExample(o.preset);
    if (o.samples < 2) throw Error(where + ": samples", "must be at least 2");
    if (!(o.tEnd > 0.0)) throw Error(where + ": t_end", "must be positive");
    if (o.trainInputs < 1) throw Error(where + ": train_inputs", "must be at least 1");
    const double noise = o.noiseStd >= 0.0 ? o.noiseStd : (o.preset == "example2" ? 0.01 : 0.0);

    data::Dataset ds;
    ds.name = "quadratic-" + o.preset;
    ds.stateNames = {"x1", "x2", "x3"};
    ds.inputNames = {"u"};
    ds.dt = o.tEnd / static_cast<double>(o.samples - 1);
    const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(o.samples, 0.0, o.tEnd);
    const Eigen::VectorXd x0 = Eigen::VectorXd::Zero(3);

    std::vector<ode::InputSignal> trainInputs;
    for (int i = 0; i < o.trainInputs; ++i) {
        const double k1 = static_cast<double>(rng.uniformInt(1, 5)), k2 = static_cast<double>(rng.uniformInt(1, 5));
        const double c1 = rng.uniform(0.5, 2.0), c2 = rng.uniform(0.5, 2.0);
        trainInputs.push_back(sumOfSines(Eigen::Vector2d(c1, c2), Eigen::Vector2d(k1, k2),
                                         Eigen::Vector2d(0.0, std::numbers::pi / 2)));
    }
    for (int i = 0; i < o.trainInputs; ++i) {
        data::Trajectory tr = simulateQuadratic(sys, x0, trainInputs[static_cast<std::size_t>(i)], times, o.rtol, o.atol,
                                                o.derivatives && noise == 0.0, where);
        tr.id = "train " + std::to_string(i);
        ds.splits["train"].push_back(static_cast<int>(ds.trajectories.size()));
        ds.trajectories.push_back(std::move(tr));
    }
    if (noise > 0.0)
        for (auto& tr : ds.trajectories) tr.x += rng.normalMatrix(tr.x.rows(), tr.x.cols(), 0.0, noise);

    const std::pair<std::string, ode::InputSignal> tests[] = {{"test step", stepInput(2.0)},
                                                              {"test square", squareWave(4.0, 0.5)}};
    for (const auto& [id, u] : tests) {
        data::Trajectory tr = simulateQuadratic(sys, x0, u, times, o.rtol, o.atol, o.derivatives, where);
        tr.id = id;
        ds.splits["test"].push_back(static_cast<int>(ds.trajectories.size()));
        ds.trajectories.push_back(std::move(tr));
    }
    return ds;
}

}  // namespace sd::systems
