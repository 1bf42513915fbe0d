#include "app/studio/demo_dataset.h"

#include "core/common/rng.h"
#include "core/data/hashing.h"

#include <cmath>
#include <string>

namespace sd::studio {

namespace {
constexpr double kDamping = 0.3;
constexpr double kDt = 0.05;
constexpr int kSamples = 201;
constexpr int kTrajectories = 12;
constexpr int kSubsteps = 10;   // RK4 sub-steps per sample: the samples are accurate to ~1e-10
}  // namespace

Eigen::MatrixXd demoTrueField(const Eigen::MatrixXd& X) {
    Eigen::MatrixXd F(2, X.cols());
    F.row(0) = X.row(1);
    F.row(1) = -X.row(0).array().sin() - kDamping * X.row(1).array();
    return F;
}

data::Dataset makeDemoDataset() {
    data::Dataset ds;
    ds.name = kDemoDatasetName;
    ds.source = "generated: damped pendulum, gamma=0.3, RK4, seed 7";
    ds.stateNames = {"theta", "omega"};
    ds.dt = kDt;
    Rng rng(7);
    for (int k = 0; k < kTrajectories; ++k) {
        data::Trajectory tr;
        tr.id = "traj " + std::to_string(k);
        tr.t.resize(kSamples);
        tr.x.resize(2, kSamples);
        Eigen::MatrixXd x(2, 1);
        // Energy ω²/2 + 1 − cos θ < 2 for every start: no trajectory swings over the top, all spiral to 0.
        x << rng.uniform(-1.8, 1.8), rng.uniform(-1.2, 1.2);
        const double h = kDt / kSubsteps;
        for (int i = 0; i < kSamples; ++i) {
            tr.t[i] = i * kDt;
            tr.x.col(i) = x;
            for (int s = 0; s < kSubsteps; ++s) {
                const Eigen::MatrixXd k1 = demoTrueField(x);
                const Eigen::MatrixXd k2 = demoTrueField(x + 0.5 * h * k1);
                const Eigen::MatrixXd k3 = demoTrueField(x + 0.5 * h * k2);
                const Eigen::MatrixXd k4 = demoTrueField(x + h * k3);
                x += h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
        }
        tr.dxdt = demoTrueField(tr.x);
        ds.trajectories.push_back(std::move(tr));
    }
    ds.splits["train"] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    ds.splits["validation"] = {9, 10};
    ds.splits["test"] = {11};
    ds.sha256 = data::sha256Dataset(ds);
    return ds;
}

}  // namespace sd::studio
