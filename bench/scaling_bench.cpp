// How training time grows with the amount of data and the model size, for every plugin (issue 17 item 6),
// one JSON line per run: Model::train through the plugin host (what the CLI, studio and Python module run),
// on generated data at 1×, 4× and 16× the base sample count, for a small and a larger model per plugin.
//   lyapunov-net  1-link pendulum pairs (500 · scale), default batch 2000, f̂ 32-32 / ICNN 24-24 and the defaults 100-100 / 60-60
//   stable-opinf  controlled Burgers (N = 250), `scale` training trajectories of 1001 samples, POD r = 4 and 9,
//                 variant stable with the derivative loss and with the one-step RK4 loss
//   ren           reaction–diffusion observer data (2000 · scale samples), nx/nv 8/16 (default) and 32/64
//   vae-latent    the generated ripple video (50 · scale + 1 frames), image size 16 and 32 (default), stable variant
// Epochs are fixed per plugin (so the time per epoch is what grows). Data generation is not timed.
// Options: --threads N (compute threads, default 1), --plugins a,b (default all), --scales 1,4,16,
//          --plugin-dir DIR. Not part of ctest.
#include "bench/bench_support.h"
#include "core/data/video.h"
#include "core/model/plugin_host.h"
#include "core/systems/generator_registry.h"
#include "core/systems/ripple_texture.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace model = sd::model;
namespace data = sd::data;

namespace {

struct Size {
    std::string label;
    json hyper;
};

struct PluginCase {
    std::string plugin;
    std::vector<Size> sizes;
    int epochs = 1;
    std::string dataDescription;
    std::function<data::Dataset(int scale)> makeData;
};

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

Eigen::Index trainingSamples(const data::Dataset& ds) {
    Eigen::Index n = 0;
    for (const data::Trajectory* tr : ds.split("train", /*fallbackToAll=*/true)) n += tr->x.cols() > 0 ? tr->x.cols() : tr->y.cols();
    return n;
}

std::vector<PluginCase> cases() {
    std::vector<PluginCase> c;
    c.push_back({"lyapunov-net",
                 {{"fhat 32-32, ICNN 24-24", {{"fhat_hidden", {32, 32}}, {"v_hidden", {24, 24}}}},
                  {"fhat 100-100, ICNN 60-60 (default)", {{"fhat_hidden", {100, 100}}, {"v_hidden", {60, 60}}}}},
                 10, "1-link pendulum pairs, 500 × scale",
                 [](int scale) {
                     return sd::systems::generate("pendulum", {{"links", 1}, {"mode", "pairs"}, {"samples_per_link", 500 * scale}}, 0);
                 }});
    for (const char* loss : {"derivative", "rk4_onestep"}) {
        const bool rk4 = std::string(loss) == "rk4_onestep";
        c.push_back({"stable-opinf",
                     {{std::string("r = 4, ") + loss, {{"variant", "stable"}, {"basis", "pod"}, {"pod_rank", 4}, {"loss", loss}}},
                      {std::string("r = 9, ") + loss, {{"variant", "stable"}, {"basis", "pod"}, {"pod_rank", 9}, {"loss", loss}}}},
                     rk4 ? 20 : 500, "controlled Burgers N = 250, scale × 1001 samples",
                     [](int scale) {
                         return sd::systems::generate("burgers", {{"nodes", 250}, {"train_trajectories", scale}, {"test_trajectories", 1}}, 0);
                     }});
    }
    c.push_back({"ren",
                 {{"nx 8, nv 16 (default)", {{"nx", 8}, {"nv", 16}}}, {"nx 32, nv 64", {{"nx", 32}, {"nv", 64}}}},
                 2, "reaction-diffusion observer data, 2000 × scale samples",
                 [](int scale) {
                     return sd::systems::generate("reaction-diffusion", {{"samples", 2000 * scale}, {"test_samples", 200}}, 0);
                 }});
    c.push_back({"vae-latent",
                 {{"image 16", {{"image_size", 16}}}, {"image 32 (default)", {{"image_size", 32}}}},
                 1, "ripple video 64×64 RGB, 50 × scale + 1 frames",
                 [](int scale) {
                     return data::videoToDataset(sd::systems::generateVideo("ripples", {{"frames", 50 * scale + 1}}), "ripples");
                 }});
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    std::vector<std::string> only;
    std::vector<int> scales = {1, 4, 16};
    std::vector<std::filesystem::path> pluginDirs;
    for (int i = 1; i + 1 < argc; ++i) {
        if (!std::strcmp(argv[i], "--plugins")) only = splitList(argv[++i]);
        else if (!std::strcmp(argv[i], "--scales")) {
            scales.clear();
            for (const std::string& s : splitList(argv[++i])) scales.push_back(std::stoi(s));
        } else if (!std::strcmp(argv[i], "--plugin-dir")) pluginDirs.emplace_back(argv[++i]);
    }
    const int threads = sd::bench::threadCounts(argc, argv).front();
    sd::setComputeThreads(threads);
    model::PluginHost host;
    host.scan(pluginDirs);

    for (const PluginCase& pc : cases()) {
        if (!only.empty() && std::find(only.begin(), only.end(), pc.plugin) == only.end()) continue;
        const auto& plugin = host.require(pc.plugin);
        for (const int scale : scales) {
            const data::Dataset ds = pc.makeData(scale);
            for (const Size& size : pc.sizes) {
                json hyper = size.hyper;
                hyper["epochs"] = pc.epochs;
                json line = {{"bench", "training_scaling"}, {"plugin", pc.plugin}, {"model", size.label},
                             {"data", pc.dataDescription}, {"scale", scale}, {"train_samples", trainingSamples(ds)},
                             {"epochs", pc.epochs}, {"threads", threads}, {"load_avg", sd::bench::loadAverage()}};
                try {
                    auto m = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));
                    std::atomic<bool> cancel{false};
                    const auto t0 = Clock::now();
                    const model::TrainSummary summary = m->train(ds, model::TrainRequest{}, {}, cancel);
                    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
                    line["seconds"] = s;
                    line["seconds_per_epoch"] = s / pc.epochs;
                    line["final_train_loss"] = summary.finalTrainLoss;
                } catch (const std::exception& e) {
                    line["error"] = e.what();
                }
                std::cout << line.dump() << std::endl;
            }
        }
    }
    return 0;
}
