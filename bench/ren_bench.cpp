// ren benchmark (issue 7): forward + backward of an acyclic contracting REN over one 1024-step sequence at the
// paper's F-16 size (nx 75, nv 150, nu 2, ny 3) and WH size (nx 40, nv 100, nu 2, ny 1): direct→explicit map
// once, rollout with one IFT equilibrium node per step, MSE loss, backward to every direct parameter.
// With --pytorch <bench/pytorch/ren_forward_backward.py> the same model in PyTorch 1.13 runs in the same
// invocation and the ratio is printed. With --wh-epoch the wall time of one training epoch on the WH
// benchmark (paper sizes, seq 512) through RenModel::train is measured too. One JSON line per case.
#include "bench/bench_support.h"
#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/catalog/dataset_catalog.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "plugins/ren/direct_params.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_model.h"
#include "plugins/ren/ren_simulation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace sd;
using namespace sd::ren;
using Eigen::Index;
using Eigen::MatrixXd;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

long peakRssKb() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f))
        if (!std::strncmp(line, "VmHWM:", 6)) kb = std::atol(line + 6);
    std::fclose(f);
    return kb;
}

std::string runPython(const std::string& script, Index nx, Index nv, Index nu, Index ny, Index steps, int repeats) {
    const std::string cmd = "/usr/bin/python3 " + script + " " + std::to_string(nx) + " " + std::to_string(nv) + " " + std::to_string(nu) + " " +
                            std::to_string(ny) + " " + std::to_string(steps) + " " + std::to_string(repeats);
    return sd::bench::commandOutput(cmd);
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    std::string pytorch;
    bool whEpoch = false;
    int repeats = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--pytorch") && i + 1 < argc) pytorch = argv[++i];
        else if (!std::strcmp(argv[i], "--wh-epoch")) whEpoch = true;
        else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::atoi(argv[++i]);
    }
    struct Size { const char* name; Index nx, nv, nu, ny; };
    const Size sizes[] = {{"f16", 75, 150, 2, 3}, {"wh", 40, 100, 2, 1}};
    const Index K = 1024;
    for (const Size& s : sizes) {
        RenConfig c;
        c.nx = s.nx, c.nv = s.nv, c.nu = s.nu, c.ny = s.ny;
        c.activation = RenActivation::ReLU;
        c.validate();
        Rng rng(0);
        const nn::ParameterSet p = initDirectParameters(c, rng, RenInit::Random);
        const MatrixXd U = rng.normalMatrix(s.nu, K), T = rng.normalMatrix(s.ny, K);
        auto once = [&]() {
            p.zeroGrad();
            const ExplicitRen e = buildExplicit(c, p);
            const RenRollout r = simulateRen(c, e, ad::Var::constant(MatrixXd::Zero(s.nx, 1)), ad::Var::constant(U), K);
            const ad::Var loss = ad::mseLoss(r.Y, ad::Var::constant(T));
            ad::backward(loss);
            return loss.item();
        };
        once();
        std::vector<double> times;
        for (int r = 0; r < repeats; ++r) {
            const double t0 = now();
            once();
            times.push_back(now() - t0);
        }
        std::sort(times.begin(), times.end());
        const double median = times[times.size() / 2];
        nlohmann::json line = {{"bench", "ren_forward_backward"}, {"size", s.name}, {"nx", s.nx}, {"nv", s.nv}, {"nu", s.nu}, {"ny", s.ny},
                               {"steps", K}, {"batch", 1}, {"seconds_median", median}, {"seconds_min", times.front()}, {"repeats", repeats},
                               {"peak_rss_kb", peakRssKb()}};
        if (!pytorch.empty()) {
            const std::string out = runPython(pytorch, s.nx, s.nv, s.nu, s.ny, K, std::max(1, repeats / 2));
            try {
                const auto j = nlohmann::json::parse(out);
                line["pytorch_seconds_median"] = j["seconds_median"];
                line["pytorch_over_sd"] = j["seconds_median"].get<double>() / median;
            } catch (const std::exception&) {
                line["pytorch_error"] = out;
            }
        }
        std::cout << line.dump() << std::endl;
    }
    if (whEpoch) {
        const catalog::DatasetCatalog cat;
        const data::Dataset ds = cat.open("wiener-hammerstein-process-noise");
        for (const char* cls : {"ren", "lstm"}) {
            const nlohmann::json hyper = model::validateHyperparameters(
                hyperparameterSchema(), {{"model_class", cls}, {"nx", 40}, {"nv", 100}, {"hidden", 100}, {"epochs", 1}, {"seq_len", 512},
                                         {"init", "paper"}, {"epsilon", 1e-3}, {"polar", false}, {"d22", "zero"}});
            RenModel m(hyper, data::DatasetInfo::of(ds));
            std::atomic<bool> cancel{false};
            model::TrainRequest req;
            req.validationSplit = "";
            double epochSeconds = 0.0;
            m.train(ds, req, [&](const model::TrainEvent& e) { epochSeconds = e.epochSeconds; }, cancel);
            std::cout << nlohmann::json{{"bench", "ren_wh_epoch"}, {"model", cls}, {"nx", 40}, {"nv", 100}, {"seq_len", 512},
                                        {"train_samples", 2 * 8192}, {"parameters", m.parameterCount()}, {"epoch_seconds", epochSeconds},
                                        {"peak_rss_kb", peakRssKb()}}.dump()
                      << std::endl;
        }
    }
    return 0;
}
