#include "core/systems/reaction_diffusion.h"

#include "core/common/error.h"
#include "core/systems/input_signals.h"

namespace sd::systems {

ReactionDiffusion::ReactionDiffusion(const ReactionDiffusionParams& params) : p_(params) {
    const std::string w = "reaction-diffusion: ";
    if (p_.nodes < 3) throw Error(w + "nodes", "must be at least 3");
    if (!(p_.length > 0.0)) throw Error(w + "length", "must be positive");
    if (!(p_.sigma > 0.0)) throw Error(w + "sigma", "must be positive");
    if (p_.substeps < 1) throw Error(w + "substeps", "must be at least 1");
    if (p_.measurementNode < 0 || p_.measurementNode >= p_.nodes)
        throw Error(w + "measurement_node", "must be in [0, " + std::to_string(p_.nodes - 1) + "]");
    dz_ = p_.length / static_cast<double>(p_.nodes - 1);
    dt_ = p_.sigma * dz_ * dz_;
}

Eigen::VectorXd ReactionDiffusion::step(const Eigen::VectorXd& xi, double b) const {
    const Eigen::Index N = p_.nodes;
    if (xi.size() != N) throw Error("reaction-diffusion", "state has " + std::to_string(xi.size()) + " entries, expected " + std::to_string(N));
    Eigen::VectorXd cur = xi, next(N);
    const double inv = 1.0 / (dz_ * dz_);
    for (int s = 0; s < p_.substeps; ++s) {
        for (Eigen::Index i = 1; i + 1 < N; ++i) {
            const double v = cur[i];
            next[i] = v + dt_ * ((cur[i - 1] + cur[i + 1] - 2.0 * v) * inv + 0.5 * v * (1.0 - v) * (v - 0.5));
        }
        next[0] = b;
        next[N - 1] = b;
        cur.swap(next);
    }
    return cur;
}

Eigen::Vector2d ReactionDiffusion::measure(const Eigen::VectorXd& xi, double b) const {
    return Eigen::Vector2d(b, xi[p_.measurementNode]);
}

ReactionDiffusion::Run ReactionDiffusion::simulate(const Eigen::VectorXd& x0, const Eigen::VectorXd& b) const {
    const Eigen::Index T = b.size();
    Run r;
    r.x.resize(p_.nodes, T);
    r.y.resize(2, T);
    Eigen::VectorXd x = x0;
    for (Eigen::Index t = 0; t < T; ++t) {
        r.x.col(t) = x;
        r.y.col(t) = measure(x, b[t]);
        if (t + 1 < T) x = step(x, b[t]);
    }
    return r;
}

data::Dataset generateReactionDiffusionData(const ReactionDiffusionDataOptions& o, Rng& rng) {
    const std::string where = "generate reaction-diffusion";
    const ReactionDiffusion pde(o.model);
    if (o.samples < 2) throw Error(where + ": samples", "must be at least 2");
    if (o.testSamples < 0 || o.testSamples == 1) throw Error(where + ": test_samples", "must be 0 or at least 2");
    if (!(o.walkStd >= 0.0)) throw Error(where + ": walk_std", "must be non-negative");
    const Eigen::Index N = o.model.nodes;

    data::Dataset ds;
    ds.name = "reaction-diffusion";
    for (Eigen::Index i = 1; i <= N; ++i) ds.stateNames.push_back("xi" + std::to_string(i));
    ds.inputNames = {"b"};
    ds.outputNames = {"b", "xi_mid"};
    ds.dt = pde.samplePeriod();

    auto add = [&](const std::string& id, const Eigen::VectorXd& x0, const Eigen::VectorXd& b) {
        const ReactionDiffusion::Run run = pde.simulate(x0, b);
        data::Trajectory tr;
        tr.id = id;
        tr.t = Eigen::VectorXd::LinSpaced(b.size(), 0.0, static_cast<double>(b.size() - 1) * ds.dt);
        tr.x = run.x;
        tr.u = b.transpose();
        tr.y = run.y;
        ds.splits[id].push_back(static_cast<int>(ds.trajectories.size()));
        ds.trajectories.push_back(std::move(tr));
    };
    const Eigen::VectorXd bTrain = clippedRandomWalk(rng, o.samples, 0.0, o.walkStd, 0.0, 1.0);
    add("train", Eigen::VectorXd::Zero(N), bTrain);
    if (o.testSamples > 0) {
        const Eigen::VectorXd bTest = clippedRandomWalk(rng, o.testSamples, 0.5, o.walkStd, 0.0, 1.0, o.testDrift);
        add("test", Eigen::VectorXd::Ones(N), bTest);
    }
    return ds;
}

}  // namespace sd::systems
