// lyapunov-net speed (issues 3 and 5), one JSON line per measurement:
//   * one training step of the Lyapunov-projected model (f̂ 2→100→100→2, ICNN 2→60→60→1, ReHU, projection,
//     MSE, Adam) at batch 256 and 2000;
//   * a full training run on 200n pendulum pairs for n = 1 and 2 (batch 2000, --epochs, default 1000);
//   * the projected field on a 64×64 grid (the studio's streamplot), in ms.
// Options: --pytorch SCRIPT, --seconds S (per timing round), --epochs N (full runs), --only step|train|grid,
// --batch B (step at one batch size), --threads 1,2 (each section at each compute-thread count, PyTorch with
// the same torch.set_num_threads; default 1), --calls N (exactly N calls per measurement, for callgrind), --gemm KERNEL
// (portable|avx2|avx512, default the best for the CPU), --default-allocator.
// With --pytorch <bench/pytorch/lyapunov_step.py> the equivalent PyTorch 1.13 computation runs in the same
// process run (via /usr/bin/python3) and the ratio PyTorch time / ours is printed. Not part of ctest.
#include "bench/bench_support.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/rng.h"
#include "core/nn/adam.h"
#include "core/nn/minibatch.h"
#include "core/systems/pendulum.h"
#include "core/lyapunov/field_evaluator.h"
#include "core/lyapunov/stable_dynamics.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

using Eigen::MatrixXd;
using nlohmann::json;
namespace lyap = sd::lyap;

namespace {

using Clock = std::chrono::steady_clock;

int gFixedCalls = 0;  // --calls N: exactly N calls per measurement (callgrind), no timing rounds

/// Warm up 3 calls, then best of 3 rounds of ≥ minSeconds: seconds per call.
double timeCall(const std::function<void()>& f, double minSeconds) {
    if (gFixedCalls > 0) return sd::bench::fixedSecondsPerCall(f, gFixedCalls);
    return sd::bench::bestSecondsPerCall(f, minSeconds, 3);
}

std::optional<json> runPython(const std::string& script, const std::string& arguments) {
    if (script.empty()) return std::nullopt;
    const std::string out = sd::bench::commandOutput("/usr/bin/python3 " + script + " " + arguments);
    try {
        return json::parse(out);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

/// Pendulum-like pairs: exact 1-link derivatives for n = 1; for n > 1 the same smooth stand-in as the Python
/// script (u, −9.81 sin q − 0.3u per link), so both sides fit the same targets.
void pairs(int n, Eigen::Index count, sd::Rng& rng, MatrixXd& X, MatrixXd& Y) {
    X = rng.uniformMatrix(2 * n, count, -M_PI, M_PI);
    Y.resize(2 * n, count);
    Y.topRows(n) = X.bottomRows(n);
    Y.bottomRows(n) = -9.81 * X.topRows(n).array().sin().matrix() - 0.3 * X.bottomRows(n);
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    std::string script;
    double seconds = 1.0;
    int epochs = 1000;
    std::string only;  // "step", "train" or "grid": run one section
    Eigen::Index onlyBatch = 0;  // --batch B: the step measurement at this batch only
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--pytorch") && i + 1 < argc) script = argv[++i];
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!std::strcmp(argv[i], "--calls") && i + 1 < argc) gFixedCalls = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--batch") && i + 1 < argc) onlyBatch = std::atoi(argv[++i]);
    }

    const std::vector<int> threadCounts = sd::bench::threadCounts(argc, argv);
    for (const int threads : threadCounts) {
    sd::setComputeThreads(threads);
    const std::string pyThreads = " --threads " + std::to_string(threads);
    // ---- one training step ----
    for (const Eigen::Index batch : {Eigen::Index(256), Eigen::Index(2000)}) {
        if (!only.empty() && only != "step") break;
        if (onlyBatch > 0 && batch != onlyBatch) continue;
        sd::Rng rng(0);
        const lyap::StableDynamics m(2, lyap::StableDynamicsOptions{}, rng);
        const auto params = m.parameters();
        sd::nn::Adam adam(params.vars());
        MatrixXd X, Y;
        pairs(1, batch, rng, X, Y);
        const double s = timeCall([&] {
            adam.zeroGrad();
            sd::ad::backward(sd::ad::mseLoss(m.evaluate(sd::ad::Var::constant(X)).f, sd::ad::Var::constant(Y)));
            adam.step();
        }, seconds);
        json j = {{"bench", "lyapunov_net_train_step"}, {"impl", "sd::ad"}, {"gemm", sd::bench::gemmKernelName()},
                  {"batch", batch}, {"threads", threads}, {"us_per_step", s * 1e6}, {"load_avg", sd::bench::loadAverage()}};
        if (auto py = runPython(script, "--mode step --batch " + std::to_string(batch) + " --seconds " + std::to_string(seconds) + pyThreads)) {
            j["pytorch_us_per_step"] = (*py)["us_per_step"];
            j["pytorch_impl"] = (*py)["impl"];
            j["pytorch_over_ours"] = (*py)["us_per_step"].get<double>() / (s * 1e6);
        }
        std::cout << j.dump() << std::endl;
    }

    // ---- full training runs ----
    for (const int n : {1, 2}) {
        if (!only.empty() && only != "train") break;
        sd::Rng rng(0);
        const lyap::StableDynamics m(2 * n, lyap::StableDynamicsOptions{}, rng);
        const auto params = m.parameters();
        sd::nn::Adam adam(params.vars());
        MatrixXd X, Y;
        pairs(n, 200 * n, rng, X, Y);
        sd::Rng shuffle(1);
        double loss = 0;
        const auto t0 = Clock::now();
        for (int e = 0; e < epochs; ++e)
            for (const auto& idx : sd::nn::minibatches(X.cols(), 2000, &shuffle)) {
                adam.zeroGrad();
                const auto l = sd::ad::mseLoss(m.evaluate(sd::ad::Var::constant(sd::nn::gatherColumns(X, idx))).f,
                                               sd::ad::Var::constant(sd::nn::gatherColumns(Y, idx)));
                sd::ad::backward(l);
                adam.step();
                loss = l.item();
            }
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        json j = {{"bench", "lyapunov_net_full_training"}, {"impl", "sd::ad"}, {"links", n}, {"epochs", epochs},
                  {"samples", 200 * n}, {"threads", threads}, {"seconds", s}, {"final_loss", loss},
                  {"load_avg", sd::bench::loadAverage()}};
        if (auto py = runPython(script, "--mode train --links " + std::to_string(n) + " --epochs " + std::to_string(epochs) + pyThreads)) {
            j["pytorch_seconds"] = (*py)["seconds"];
            j["pytorch_final_loss"] = (*py)["final_loss"];
            j["pytorch_over_ours"] = (*py)["seconds"].get<double>() / s;
        }
        std::cout << j.dump() << std::endl;
    }

    // ---- 64×64 grid field evaluation (streamplot) ----
    for (const bool demo : {false, true}) {
        if (!only.empty() && only != "grid") break;
        sd::Rng rng(0);
        lyap::StableDynamicsOptions o;
        if (demo) {  // random-network demo sizes (docs/methods/stable-dynamics.md §8): ICNN 2-100-100-1
            o.lyapunov.hidden = {100, 100};
            o.lyapunov.innerRehuD = 0.01;
            o.lyapunov.eps = 0.01;
            o.alpha = 0.01;
        }
        const lyap::StableDynamics m(2, o, rng);
        MatrixXd G(2, 64 * 64);
        for (int i = 0; i < 64; ++i)
            for (int k = 0; k < 64; ++k) G.col(i * 64 + k) << -M_PI + 2 * M_PI * k / 63.0, -M_PI + 2 * M_PI * i / 63.0;
        // What Model::field does: a plain-Eigen snapshot of the parameters (rebuilt per call here, as after
        // every training epoch in the GUI), then the batched evaluation.
        MatrixXd F;
        const double s = timeCall([&] { F = lyap::FieldEvaluator(m).field(G); }, seconds);
        MatrixXd Fgraph = m.field(G);
        const double graphSeconds = timeCall([&] { Fgraph = m.field(G); }, seconds);
        json j = {{"bench", "lyapunov_net_grid_field"}, {"impl", "sd::ad"}, {"grid", 64}, {"icnn_hidden", demo ? 100 : 60},
                  {"ms", s * 1e3}, {"target_ms", 20}, {"graph_path_ms", graphSeconds * 1e3},
                  {"max_abs_diff_vs_graph", (F - Fgraph).cwiseAbs().maxCoeff()}, {"threads", threads},
                  {"load_avg", sd::bench::loadAverage()}};
        if (!demo)
            if (auto py = runPython(script, "--mode grid --seconds " + std::to_string(seconds) + pyThreads)) {
                j["pytorch_ms"] = (*py)["ms"];
                j["pytorch_over_ours"] = (*py)["ms"].get<double>() / (s * 1e3);
            }
        std::cout << j.dump() << std::endl;
    }
    }  // thread counts
    return 0;
}
