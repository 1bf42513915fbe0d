// Controlled-Burgers ground truth (issue 17 item 5), one JSON line per measurement:
//  1. the full `generate burgers` recipe (default: 10 + 10 trajectories, N = 250, t ∈ [0, 10], 1001 samples,
//     rosenbrock4 rtol 1e-8) with the banded solver and with Boost.Odeint's dense one, and the largest relative
//     difference between the two datasets;
//  2. how the time grows with N: the recipe's first training trajectory for N = 250, 500, 1000, 2000 (banded;
//     odeint's dense solver up to --dense-max-nodes, default 500), with the accepted steps and the time per step
//     and node.
// Usage: burgers_bench [--no-dense] [--dense-max-nodes N] [--repeats R]
#include "bench/bench_support.h"
#include "core/common/rng.h"
#include "core/systems/burgers_data.h"
#include "core/systems/input_signals.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <numbers>
#include <vector>

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Run {
    sd::data::Dataset data;
    double seconds = 0.0;
};

/// The recipe with `o`, best (smallest) time of `repeats` runs; the dataset of the last.
Run generate(const sd::systems::BurgersDataOptions& o, int repeats) {
    Run r;
    r.seconds = 1e300;
    for (int i = 0; i < repeats; ++i) {
        sd::Rng rng(6);
        const auto t0 = Clock::now();
        r.data = sd::systems::generateBurgersData(o, rng);
        r.seconds = std::min(r.seconds, since(t0));
    }
    return r;
}

double maxRelativeDifference(const sd::data::Dataset& a, const sd::data::Dataset& b) {
    double diff = 0.0, scale = 0.0;
    for (std::size_t k = 0; k < a.trajectories.size(); ++k) {
        diff = std::max(diff, (a.trajectories[k].x - b.trajectories[k].x).cwiseAbs().maxCoeff());
        scale = std::max(scale, b.trajectories[k].x.cwiseAbs().maxCoeff());
    }
    return diff / scale;
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    bool dense = true;
    Eigen::Index denseMaxNodes = 500;
    int repeats = 1;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--no-dense")) dense = false;
        else if (!std::strcmp(argv[i], "--dense-max-nodes") && i + 1 < argc) denseMaxNodes = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::max(1, std::atoi(argv[++i]));
    }

    // ---- 1. the full recipe ----
    {
        sd::systems::BurgersDataOptions o;
        o.trainTrajectories = 10;
        o.testTrajectories = 10;
        const Run banded = generate(o, repeats);
        json j = {{"bench", "burgers_generate"}, {"nodes", o.model.nodes}, {"trajectories", 20}, {"seconds_banded", banded.seconds},
                  {"load_avg", sd::bench::loadAverage()}};
        if (dense) {
            o.solver.denseJacobian = true;
            const Run ref = generate(o, 1);
            j["seconds_dense_odeint"] = ref.seconds;
            j["speedup"] = ref.seconds / banded.seconds;
            j["max_relative_difference"] = maxRelativeDifference(banded.data, ref.data);
        }
        std::cout << j.dump() << std::endl;
    }

    // ---- 2. growth with N: the recipe's first training trajectory ----
    sd::Rng rng(6);
    const double a1 = rng.normal(), a2 = rng.normal(), w1 = rng.uniform(0.5, 3.0), w2 = rng.uniform(0.5, 3.0);
    const auto u = sd::systems::sumOfSines(Eigen::Vector2d(a1, a2), Eigen::Vector2d(w1, w2), Eigen::Vector2d(0.0, std::numbers::pi / 2));
    const Eigen::VectorXd times = Eigen::VectorXd::LinSpaced(1001, 0.0, 10.0);
    for (const Eigen::Index N : {Eigen::Index(250), Eigen::Index(500), Eigen::Index(1000), Eigen::Index(2000)}) {
        const sd::systems::ControlledBurgers model(sd::systems::BurgersParams{N});
        sd::systems::BurgersSolverOptions o;
        double best = 1e300;
        sd::ode::Solution sol;
        for (int i = 0; i < repeats; ++i) {
            const auto t0 = Clock::now();
            sol = model.simulate(u, times, o);
            best = std::min(best, since(t0));
        }
        const double steps = static_cast<double>(sol.status.steps);
        json j = {{"bench", "burgers_trajectory_vs_nodes"}, {"nodes", N}, {"completed", sol.status.completed()},
                  {"steps", sol.status.steps}, {"seconds_banded", best}, {"us_per_step", 1e6 * best / steps},
                  {"ns_per_step_and_node", 1e9 * best / steps / double(N)}, {"load_avg", sd::bench::loadAverage()}};
        if (dense && N <= denseMaxNodes) {
            o.denseJacobian = true;
            const auto t0 = Clock::now();
            const sd::ode::Solution ref = model.simulate(u, times, o);
            const double seconds = since(t0);
            j["seconds_dense_odeint"] = seconds;
            j["steps_dense_odeint"] = ref.status.steps;
            j["speedup"] = seconds / best;
            j["max_relative_difference"] = (sol.x - ref.x).cwiseAbs().maxCoeff() / ref.x.cwiseAbs().maxCoeff();
        }
        std::cout << j.dump() << std::endl;
    }
    return 0;
}
