#include "tiny_problems.h"

#include "core/common/rng.h"
#include "core/data/video.h"
#include "core/systems/ripple_texture.h"

#include <cmath>

namespace sd::test {

namespace {

Eigen::Vector2d quadraticField(const Eigen::Vector2d& x, double u) {
    // Energy-preserving quadratic part (xᵀ H(x⊗x) = 0) over a stable linear part.
    return {-0.5 * x[0] + x[1] + 0.3 * x[0] * x[1] + u, -x[0] - 0.4 * x[1] - 0.3 * x[0] * x[0] + 0.5 * u};
}

}  // namespace

data::Dataset tinyControlledTrajectories() {
    data::Dataset ds;
    ds.name = "tiny-controlled";
    ds.source = "conformance suite";
    ds.stateNames = {"x1", "x2"};
    ds.inputNames = {"u"};
    ds.dt = 0.02;
    const double freqs[3] = {1.0, 2.0, 0.7};
    for (int k = 0; k < 3; ++k) {
        data::Trajectory tr;
        tr.id = "traj " + std::to_string(k);
        const int K = 201;
        tr.t = Eigen::VectorXd::LinSpaced(K, 0.0, 4.0);
        tr.x.resize(2, K);
        tr.u.resize(1, K);
        tr.dxdt.resize(2, K);
        auto u = [&](double t) { return std::sin(freqs[k] * t) + 0.5 * std::cos(2.3 * freqs[k] * t); };
        Eigen::Vector2d x(0.2 * k, -0.1 * k);
        for (int i = 0; i < K; ++i) {
            const double t = tr.t[i];
            tr.x.col(i) = x;
            tr.u(0, i) = u(t);
            tr.dxdt.col(i) = quadraticField(x, u(t));
            // 4 RK4 sub-steps per sample keep the data accurate (error ≪ the tests' tolerances).
            const double h = ds.dt / 4;
            for (int s = 0; s < 4; ++s) {
                const double ts = t + s * h;
                const Eigen::Vector2d k1 = quadraticField(x, u(ts)), k2 = quadraticField(x + 0.5 * h * k1, u(ts + 0.5 * h)),
                                      k3 = quadraticField(x + 0.5 * h * k2, u(ts + 0.5 * h)), k4 = quadraticField(x + h * k3, u(ts + h));
                x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
        }
        ds.trajectories.push_back(std::move(tr));
    }
    ds.splits["train"] = {0, 1};
    ds.splits["validation"] = {2};
    ds.sha256 = "conformance-tiny-controlled";
    return ds;
}

data::Dataset tinyAutonomousPairs() {
    data::Dataset ds;
    ds.name = "tiny-autonomous";
    ds.source = "conformance suite";
    ds.stateNames = {"q", "p"};
    Rng rng(5);
    for (int part = 0; part < 2; ++part) {
        data::Trajectory tr;
        tr.id = part == 0 ? "train" : "validation";
        tr.x = rng.uniformMatrix(2, part == 0 ? 256 : 64, -2.0, 2.0);
        tr.dxdt.resize(2, tr.x.cols());
        tr.dxdt.row(0) = tr.x.row(1);
        tr.dxdt.row(1) = -tr.x.row(0) - 0.3 * tr.x.row(1);
        ds.trajectories.push_back(std::move(tr));
    }
    ds.splits["train"] = {0};
    ds.splits["validation"] = {1};
    ds.sha256 = "conformance-tiny-autonomous";
    return ds;
}

data::Dataset tinyInputOutputSequences() {
    data::Dataset ds;
    ds.name = "tiny-io";
    ds.source = "conformance suite";
    ds.inputNames = {"u"};
    ds.outputNames = {"y"};
    ds.dt = 1.0;
    Rng rng(9);
    for (int s = 0; s < 2; ++s) {
        data::Trajectory tr;
        tr.id = "sequence " + std::to_string(s);
        const int K = 200;
        tr.t = Eigen::VectorXd::LinSpaced(K, 0.0, K - 1.0);
        tr.u = rng.normalMatrix(1, K);
        tr.y.resize(1, K);
        double a = 0.0, b = 0.0;
        for (int k = 0; k < K; ++k) {
            tr.y(0, k) = std::tanh(a + 0.3 * b);
            const double an = 0.7 * a + 0.2 * b + tr.u(0, k), bn = -0.2 * a + 0.6 * b;
            a = an;
            b = bn;
        }
        ds.trajectories.push_back(std::move(tr));
    }
    ds.splits["train"] = {0};
    ds.splits["validation"] = {1};
    ds.sha256 = "conformance-tiny-io";
    return ds;
}

data::Dataset tinyVideo() {
    auto make = [](std::uint64_t seed, Eigen::Index frames) {
        systems::RippleTextureOptions o;
        o.height = 16;
        o.width = 16;
        o.channels = 1;
        o.frames = frames;
        o.seed = seed;
        o.warmup = 20;
        o.dropRate = 0.5;
        o.dropRadius = 1.5;
        return systems::generateRippleTexture(o);
    };
    data::Dataset ds = data::videoToDataset(make(0, 12), "train video");
    const data::Dataset validation = data::videoToDataset(make(1, 8), "validation video");
    ds.name = "tiny-video";
    ds.trajectories.push_back(validation.trajectories.front());
    ds.splits.clear();
    ds.splits["train"] = {0};
    ds.splits["validation"] = {1};
    return ds;
}

}  // namespace sd::test
