// vae-latent training throughput (issue 8, "Measure"), one JSON line per variant:
//   frame pairs per second of one training step (encode → reparameterise → latent step → decode both → loss
//   → backward → Adam) at 64×64 RGB for the plugin's default architecture (conv widths 16-32-64, kernel 4,
//   stride 2; latent 32; latent MLP 32-64-64-32; ICNN 32-64-64-1), batch --batch (default 32), float64,
//   one thread; and the peak resident memory (getrusage ru_maxrss) of the process that ran it.
// Variants: naive (latent MLP), stable-euler (Lyapunov-projected latent field, plain Euler step, the
// reference's training) and stable (the plugin's default euler_v_safe step: + a 60-step bisection on V per
// step, no gradient through it).
// Each variant runs in a fresh child process (this program started again with --variant), so every peak
// memory number belongs to one variant. With --pytorch bench/pytorch/vae_train_step.py the PyTorch 1.13 twin
// (float64, torch.set_num_threads(1)) runs the same step in the same run (via /usr/bin/python3) and the ratio
// ours / PyTorch in pairs per second is printed. Not part of ctest.
// Options: --pytorch SCRIPT, --seconds S (per timing round, default 2), --batch B, --image-size S (default 64),
//          --variants a,b,c, --threads 1,2 (each variant at each compute-thread count, PyTorch with the same
//          torch.set_num_threads; default 1), --default-allocator (glibc defaults instead of sd::tuneAllocatorForTensors).
#include "core/autodiff/backward.h"
#include "bench/bench_support.h"
#include "core/common/rng.h"
#include "core/data/video.h"
#include "core/model/hyperparameters.h"
#include "core/nn/adam.h"
#include "plugins/vae-latent/vae_hyperparameters.h"
#include "plugins/vae-latent/vae_latent_model.h"

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>

using Eigen::MatrixXd;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

/// Warm up 2 calls, then best of 3 rounds of ≥ minSeconds: seconds per call.
double timeCall(const std::function<void()>& f, double minSeconds) { return sd::bench::bestSecondsPerCall(f, minSeconds, 2); }

std::optional<json> runCommand(const std::string& cmd) {
    const std::string out = sd::bench::commandOutput(cmd);
    try {
        return json::parse(out);
    } catch (const std::exception&) {
        std::cerr << "could not parse the output of: " << cmd << "\n" << out << std::endl;
        return std::nullopt;
    }
}

double maxRssMiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;  // Linux: KiB
}

/// Measures one variant in this process: JSON {us_per_step, pairs_per_second, loss, max_rss_mib, ...}.
json measure(const std::string& variant, Eigen::Index batch, Eigen::Index S, double seconds) {
    json hyper = {{"variant", variant == "naive" ? "naive" : "stable"}, {"image_size", S}, {"init_seed", 0}};
    if (variant == "stable-euler") hyper["latent_integrator"] = "euler";
    hyper = sd::model::validateHyperparameters(sd::vae::hyperparameterSchema(), hyper);
    sd::data::DatasetInfo info;
    info.name = "bench";
    info.stateDim = 3 * S * S;
    info.hasTime = true;
    info.stateNames = sd::data::videoPixelNames(3, S, S);
    const sd::vae::VaeLatentModel m(hyper, info);
    const auto params = m.parameters();
    sd::nn::AdamOptions ao;
    ao.learningRate = hyper["lr"].get<double>();
    sd::nn::Adam adam(params.vars(), ao);
    sd::Rng rng(0);
    const MatrixXd cur = rng.uniformMatrix(3 * S * S, batch, 0.0, 1.0), nxt = rng.uniformMatrix(3 * S * S, batch, 0.0, 1.0);
    double loss = 0.0;
    const double s = timeCall([&] {
        const MatrixXd noise = rng.normalMatrix(m.latentSize(), batch);
        adam.zeroGrad();
        const sd::ad::Var l = m.loss(cur, nxt, noise);
        sd::ad::backward(l);
        adam.step();
        loss = l.item();
    }, seconds);
    return {{"us_per_step", s * 1e6}, {"pairs_per_second", double(batch) / s}, {"loss", loss}, {"max_rss_mib", maxRssMiB()},
            {"parameters", params.totalSize()}};
}

}  // namespace

int main(int argc, char** argv) {
    bool defaultAllocator = false;
    for (int i = 1; i < argc; ++i) defaultAllocator = defaultAllocator || !std::strcmp(argv[i], "--default-allocator");
    if (!defaultAllocator) sd::tuneAllocatorForTensors();
    std::string script, only, variants = "naive,stable-euler,stable";
    double seconds = 2.0;
    Eigen::Index batch = 32, S = 64;
    int childThreads = 1;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--pytorch") && i + 1 < argc) script = argv[++i];
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--batch") && i + 1 < argc) batch = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--image-size") && i + 1 < argc) S = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--variant") && i + 1 < argc) only = argv[++i];
        else if (!std::strcmp(argv[i], "--variants") && i + 1 < argc) variants = argv[++i];
        else if (!std::strcmp(argv[i], "--child-threads") && i + 1 < argc) childThreads = std::atoi(argv[++i]);
    }
    sd::setComputeThreads(childThreads);
    if (!only.empty()) {  // child mode: one variant, one JSON object
        std::cout << measure(only, batch, S, seconds).dump() << std::endl;
        return 0;
    }
    char self[4096];
    const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        std::cerr << "cannot find /proc/self/exe" << std::endl;
        return 1;
    }
    self[len] = 0;
    const std::string common = " --batch " + std::to_string(batch) + " --image-size " + std::to_string(S) + " --seconds " + std::to_string(seconds);
    for (const int threads : sd::bench::threadCounts(argc, argv)) {
    std::stringstream ss(variants);
    std::string v;
    while (std::getline(ss, v, ',')) {
        if (v.empty()) continue;
        json j = {{"bench", "vae_latent_train_step"}, {"variant", v}, {"impl", "sd::ad"}, {"image_size", S}, {"batch", batch},
                  {"allocator", defaultAllocator ? "glibc default" : "tuned"}, {"threads", threads},
                  {"load_avg", sd::bench::loadAverage()}};
        if (auto r = runCommand(std::string(self) + " --variant " + v + common + " --child-threads " + std::to_string(threads) +
                                (defaultAllocator ? " --default-allocator" : ""))) j.update(*r);
        if (!script.empty())
            if (auto py = runCommand("/usr/bin/python3 " + script + " --variant " + v + common + " --threads " + std::to_string(threads))) {
                j["pytorch"] = *py;
                if (j.contains("pairs_per_second") && py->contains("pairs_per_second"))
                    j["ours_over_pytorch"] = j["pairs_per_second"].get<double>() / (*py)["pairs_per_second"].get<double>();
            }
        std::cout << j.dump() << std::endl;
    }
    }  // thread counts
    return 0;
}
