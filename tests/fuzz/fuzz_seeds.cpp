// Writes the seed corpora of the fuzz harnesses from the project's own writers, so every seed is a valid
// file of the current format: fuzz_seeds <out-dir>  (scripts/fuzz.sh adds the repository's JSON plans and
// manifests). Model seeds are untrained random models of every plugin found by the plugin host.
#include "app/studio/session_file.h"
#include "core/common/atomic_file.h"
#include "core/data/csv.h"
#include "core/data/dataset_json.h"
#include "core/data/npz.h"
#include "core/data/video.h"
#include "core/data/video_export.h"
#include "core/model/model_plugin.h"
#include "core/model/plugin_host.h"
#include "core/systems/generator_registry.h"
#include "core/systems/ripple_texture.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QImage>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <utility>
#include <vector>

using namespace sd;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    writeFileAtomic(file, bytes);
}

data::Dataset smallPendulum(const std::string& mode) {
    nlohmann::json p{{"mode", mode}};
    if (mode == "pairs") p["samples_per_link"] = 6;
    else p.update({{"train_trajectories", 1}, {"test_trajectories", 1}, {"t_end", 0.05}});
    return systems::generate("pendulum", p, 1);
}

/// One input and one output channel, 40 samples: enough for REN simulation training.
data::Dataset tinyInputOutput() {
    data::Dataset ds;
    ds.name = "tiny-io";
    ds.inputNames = {"u"};
    ds.outputNames = {"y"};
    ds.dt = 0.1;
    data::Trajectory tr;
    tr.id = "train";
    tr.t = Eigen::VectorXd::LinSpaced(40, 0.0, 3.9);
    tr.u = tr.t.transpose().array().sin().matrix();
    tr.y = (0.5 * tr.t.transpose().array()).cos().matrix();
    ds.trajectories.push_back(tr);
    return ds;
}

/// The quadratic example 1 with few samples: stable-opinf's own kind of data.
data::Dataset tinyQuadratic() {
    return systems::generate("quadratic", {{"preset", "example1"}, {"samples", 41}, {"t_end", 2.0}, {"train_inputs", 1}}, 1);
}

}  // namespace

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR\n");
        return 2;
    }
    const fs::path out = argv[1];
    try {
        // The library writers (saveCsv, saveNpz, …) write into existing folders only.
        for (const char* harness : {"csv", "npz", "dataset_json", "video", "session", "model"}) fs::create_directories(out / harness);
        const auto traj = smallPendulum("trajectories"), pairs = smallPendulum("pairs");

        // CSV: the writer's own output, plus the tolerated dialect variants (csv.h).
        data::saveCsv(out / "csv" / "pendulum.csv", traj);
        write(out / "csv" / "dialect.csv", "\xEF\xBB\xBF\"t\";\"x \"\"1\"\"\";;fs\r\n0;1.5;;100\r\n0.1;-2e-3;;\r\n\r\n");
        write(out / "csv" / "tabs.csv", "time\tx\ty\n0\t1\t2\n1\t+3\t4.5e1\n");

        // NPZ: X/Y pairs as np.savez writes them.
        data::saveNpz(out / "npz" / "pairs.npz",
                      {{"X", data::NpyArray::fromMatrix(pairs.trajectories[0].x.transpose())},
                       {"Y", data::NpyArray::fromMatrix(pairs.trajectories[0].dxdt.transpose())}});

        data::saveDatasetJson(out / "dataset_json" / "trajectories.json", traj);
        data::saveDatasetJson(out / "dataset_json" / "pairs.json", pairs);

        // Video: first byte 1 = GIF, 0 = a PNG frame (fuzz_video.cpp).
        systems::RippleTextureOptions ro;
        ro.height = ro.width = 8;
        ro.frames = 3;
        ro.warmup = 2;
        const data::Video video = systems::generateRippleTexture(ro);
        write(out / "video" / "ripples.gif", "\x01" + data::encodeGif(video));
        QImage frame(5, 4, QImage::Format_RGB888);
        frame.fill(Qt::darkCyan);
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        frame.save(&buffer, "PNG");
        write(out / "video" / "frame.png.bin", std::string(1, '\0') + std::string(png.constData(), std::size_t(png.size())));

        // Session: a CSV file reference with its column mapping, a model board, view settings.
        studio::Session s;
        s.dataset.kind = studio::DatasetReference::Kind::File;
        s.dataset.path = "data/pendulum.csv";
        s.dataset.csvMapping = data::saveCsv(out / "csv" / "pendulum.csv", traj);
        s.splits = std::map<std::string, std::vector<int>>{{"train", {0}}, {"validation", {1}}};
        s.pluginId = "lyapunov-net";
        s.hyperparameters = {{"hidden", 16}};
        s.views = {{"phase", {{"grid", 32}}}};
        write(out / "session" / "file.session.json", s.toJson().dump(2));

        // Models: an untrained random model of every randomisable plugin (the video plugin on a video dataset),
        // a briefly trained one of the others.
        model::PluginHost host;
        host.scan();
        const auto stateInfo = data::DatasetInfo::of(traj);
        systems::RippleTextureOptions big = ro;
        big.height = big.width = 64;   // at least the vae-latent default image size
        const auto videoInfo = data::DatasetInfo::of(data::videoToDataset(systems::generateRippleTexture(big)));
        for (const auto& p : host.plugins()) {
            const std::string id = p.id();
            const auto& info = id == "vae-latent" ? videoInfo : stateInfo;
            // Import recomputes the certificate, so a seed with the default certificate effort costs ~18 s per
            // execution under the fuzzer's instrumentation — every mutation of it would be a timeout. Seeds use
            // the smallest effort their schema allows (at least one sample / trajectory / step).
            nlohmann::json cheap = nlohmann::json::object();
            for (const auto& f : p.plugin->hyperparameterSchema().value("params", nlohmann::json::array())) {
                const std::string key = f.value("key", "");
                if (key.rfind("certificate_", 0) != 0) continue;
                if (f.value("type", "") == "int") cheap[key] = std::max<long long>(f.value("min", 1LL), 1LL);
                else if (f.value("type", "") == "number") cheap[key] = 0.5;
            }
            try {
                if (p.plugin->isRandomisable()) {
                    write(out / "model" / (id + ".json"), p.plugin->createRandomised(cheap, info, 1)->toJson().dump(1));
                    continue;
                }
                // ren and stable-opinf have no random draw of their parameters: a few training steps on a tiny
                // dataset give a model file with every field their load checks (stable-opinf: with and without
                // the stable factors that must agree with A and H).
                if (id != "ren" && id != "stable-opinf") {
                    std::fprintf(stderr, "fuzz_seeds: no model seed recipe for %s\n", id.c_str());
                    continue;
                }
                const bool ren = id == "ren";
                const auto ds = ren ? tinyInputOutput() : tinyQuadratic();
                std::vector<std::pair<std::string, nlohmann::json>> variants;
                if (ren) variants = {{"", {{"nx", 2}, {"nv", 3}, {"epochs", 1}, {"seq_len", 8}}}};
                else variants = {{"-least-squares", {{"variant", "least-squares"}}}, {"-stable", {{"variant", "stable"}, {"epochs", 2}}}};
                for (auto& [suffix, hyper] : variants) {
                    hyper.update(cheap);
                    auto m = p.plugin->create(hyper, data::DatasetInfo::of(ds));
                    const std::atomic<bool> cancel{false};
                    m->train(ds, model::TrainRequest{}, nullptr, cancel);
                    write(out / "model" / (id + suffix + ".json"), m->toJson().dump(1));
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "fuzz_seeds: no model seed for %s: %s\n", id.c_str(), e.what());
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}
