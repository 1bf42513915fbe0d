// The stabledyn Python module's call overhead against the core called from C++, in one run (issue 18).
// One JSON line per measurement on stdout:
//   * field of a lyapunov-net model (default sizes: f̂ 2→100→100→2, ICNN 60-60) on B points, on 10 000 points
//     (the first 10 000 of them) and on 1 point;
//   * simulate: Dopri5 over 1001 samples (t ∈ [0, 10]) from one initial state;
//   * training: lyapunov-net (default sizes, batch 2000) for E epochs on 1-link pendulum pairs.
// The same model, points and data go to the Python twin (bench/python/binding_calls.py, run with
// /usr/bin/python3 and <exe>/../python on PYTHONPATH), which times the same calls through `stabledyn`; the
// ratio rows compare the two. Both sides use the tuned allocator (the module tunes it on import).
// Usage: python_binding_bench [--python bench/python/binding_calls.py] [--points B] [--epochs E] [--seconds S]
#include "bench/bench_support.h"
#include "core/common/rng.h"
#include "core/data/dataset_json.h"
#include "core/data/npz.h"
#include "core/model/model_document.h"
#include "core/model/plugin_host.h"
#include "core/systems/generator_registry.h"

#include <QCoreApplication>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <time.h>
#include <unistd.h>

using namespace sd;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void printLine(const json& j) { std::cout << j.dump() << std::endl; }

double cpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// Best of `rounds` rounds (each ≥ minSeconds of repeated calls, after `warmups` calls) of the wall time
/// and, separately, of the process CPU time per call. CPU time is the steadier number on a loaded machine.
json bestPerCall(const std::function<void()>& f, double minSeconds, int warmups, int rounds = 3) {
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < warmups; ++i) f();
    double wall = 1e300, cpu = 1e300;
    for (int r = 0; r < rounds; ++r) {
        long n = 0;
        const auto t0 = Clock::now();
        const double c0 = cpuSeconds();
        double elapsed = 0;
        do {
            f();
            ++n;
            elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
        } while (elapsed < minSeconds);
        wall = std::min(wall, elapsed / double(n));
        cpu = std::min(cpu, (cpuSeconds() - c0) / double(n));
    }
    return {{"wall_s", wall}, {"cpu_s", cpu}};
}

}  // namespace

int main(int argc, char** argv) {
    sd::bench::applyAllocatorChoice(argc, argv);
    QCoreApplication app(argc, argv);  // plugin search path beside the executable
    std::string python;
    Eigen::Index points = 100000;
    int epochs = 10;
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--python") && i + 1 < argc) python = argv[++i];
        else if (!std::strcmp(argv[i], "--points") && i + 1 < argc) points = std::stol(argv[++i]);
        else if (!std::strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::stod(argv[++i]);
        else if (std::strcmp(argv[i], "--default-allocator")) {
            std::cerr << "usage: python_binding_bench [--python FILE] [--points B] [--epochs E] [--seconds S] [--default-allocator]\n";
            return 2;
        }
    }
    model::PluginHost host;
    host.scan();
    const auto& plugin = host.require("lyapunov-net");

    // Data: 1-link pendulum pairs (train 10 000, validation 2 000), the model with default sizes.
    const data::Dataset ds = systems::generate("pendulum", {{"links", 1}, {"mode", "pairs"}, {"samples_per_link", 10000}}, 0);
    const json hyper = {{"epochs", epochs}, {"batch_size", 2000}, {"certificate_samples", 1000}, {"certificate_trajectories", 1}};
    const auto untrained = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));
    Rng rng(1);
    const Eigen::MatrixXd X = rng.uniformMatrix(2, points, -3.0, 3.0), U(0, points);
    const Eigen::Index small = std::min<Eigen::Index>(10000, points);
    const Eigen::MatrixXd x1 = X.leftCols(1), u1(0, 1), Xs = X.leftCols(small), Us(0, small);

    const fs::path dir = fs::temp_directory_path() / ("stabledyn-binding-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    model::saveModelFile(dir / "model.json", untrained->toJson());
    // Evaluate the model as read back from the file, as the Python side does.
    const auto loaded = host.loadModel(model::readJsonFile(dir / "model.json"));
    data::saveDatasetJson(dir / "data.json", ds);
    data::saveNpz(dir / "points.npz", {{"X", data::NpyArray::fromMatrix(X.transpose())}});

    data::Trajectory tr;
    tr.t = Eigen::VectorXd::LinSpaced(1001, 0.0, 10.0);
    tr.x = Eigen::Vector2d(2.0, -1.0);
    tr.u = Eigen::MatrixXd(0, 1001);
    json cpp = {{"bench", "binding_calls"}, {"impl", "C++ core"}, {"points", points}, {"epochs", epochs}, {"batch", 2000}};
    cpp["field_points"] = bestPerCall([&] { (void)loaded->field(X, U); }, seconds, 1);
    cpp["field_10k"] = bestPerCall([&] { (void)loaded->field(Xs, Us); }, seconds, 1);
    cpp["field_one"] = bestPerCall([&] { (void)loaded->field(x1, u1); }, seconds, 10);
    cpp["simulate"] = bestPerCall([&] { (void)loaded->predict(tr); }, seconds, 1);
    cpp["train"] = bestPerCall([&] {
        auto m = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        m->train(ds, model::TrainRequest{}, {}, cancel);
    }, 0.0, 0);
    printLine(cpp);

    if (!python.empty()) {
        const fs::path moduleDir = fs::path(QCoreApplication::applicationDirPath().toStdString()) / ".." / "python";
        const std::string cmd = "PYTHONPATH=" + moduleDir.string() + " /usr/bin/python3 " + python + " --dir " + dir.string() +
                                " --epochs " + std::to_string(epochs) + " --seconds " + std::to_string(seconds);
        const std::string out = sd::bench::commandOutput(cmd);
        try {
            const json py = json::parse(out);
            printLine(py);
            json ratio = {{"bench", "binding_calls_ratio"}, {"what", "Python / C++ (1 = no overhead)"}};
            for (const char* call : {"field_points", "field_10k", "field_one", "simulate", "train"})
                for (const char* clock : {"wall_s", "cpu_s"})
                    ratio[std::string(call) + (clock == std::string("wall_s") ? "_wall" : "_cpu")] =
                        py[call][clock].get<double>() / cpp[call][clock].get<double>();
            printLine(ratio);
        } catch (const std::exception& e) {
            std::cerr << "python twin failed: " << e.what() << "\n" << out << std::endl;
        }
    }
    fs::remove_all(dir);
    return 0;
}
