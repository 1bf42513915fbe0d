// `stabledyn study vae` — the video-texture study of the vae-latent plugin (issue 8 item 6; Manek & Kolter 2019
// §4.3, docs/methods/vae-latent.md), run through the plugin contract only (create / train / predict / certificate).
//
// For each texture (registry names, default video-ripples,video-candle):
//   * the texture's frames are centre-cropped to their largest square and area-downscaled to S×S
//     (--image-size, default 32) by the study itself (core/data), optionally limited to the first
//     --train-frames frames; the plugin then sees an S×S video (its own image_size = S, no further scaling);
//   * each model of --models (default stable,naive; also stable-euler = the stable variant with the reference's
//     plain Euler step) is trained once (init_seed 0, train seed --train-seed, default 0);
//   * for every seed s of --seeds the start frame is drawn uniformly from the texture's frames with sd::Rng(s)
//     (the seeds are different START FRAMES of one trained model; the weights do not change with s), and
//     Model::predict on a trajectory of --frames samples generates the video (encode the start frame, roll out
//     frames − 1 latent steps, decode);
//   * measured per model: the mean absolute frame-to-frame change c_t = mean_i |y_{t+1,i} − y_{t,i}| over time
//     (per seed and averaged), the latent norm over time, and a verdict per seed: "diverged" (predict stopped
//     on a non-finite latent or ‖z‖ > 1e6), "static" (mean c_t over the last 10 % of the frames below 10 % of the
//     real texture's mean frame change), else "moving".
//   * the latent norm is not part of Model::predict; it comes from the plugin's certificate
//     (latent_rollouts.norm_trace, an additive field of vae-latent): certificate_trajectories = max(8, #seeds)
//     latent rollouts of --frames steps from random latents in the certificate's ball (radius
//     max(2√d, 1.5 × the largest training-frame latent norm)); min / mean / max of ‖z_k‖ over the rollouts.
// Output: JSON on stdout; with --out-dir: study_vae.json, SVG plots per texture (frame change vs t, latent norm
// vs t; stable vs naive) and a PNG frame strip per texture (rows: real, then each model's seed-0 video at 8
// evenly spaced times — blank after a divergence —, then each model's last 8 generated frames).
#include "cli_context.h"
#include "core/analysis/svg_plot.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/data/video.h"
#include "core/model/hyperparameters.h"

#include <QBuffer>
#include <QByteArray>
#include <QImage>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace sd::cli {

using nlohmann::json;

// ---- pure helpers (unit-tested in tests/cli/test_study_vae.cpp) ---------------------------------------------
namespace vaestudy {

/// c_t = mean over the rows of |frames(:, t+1) − frames(:, t)|, t = 0..T−2 (empty for T < 2). Non-finite
/// entries propagate (NaN).
Eigen::VectorXd meanAbsFrameChange(const Eigen::MatrixXd& frames) {
    const Eigen::Index T = frames.cols();
    if (T < 2 || frames.rows() == 0) return Eigen::VectorXd();
    Eigen::VectorXd c(T - 1);
    for (Eigen::Index t = 0; t + 1 < T; ++t) c[t] = (frames.col(t + 1) - frames.col(t)).cwiseAbs().mean();
    return c;
}

/// Mean of the last ⌈fraction·n⌉ entries (at least one); NaN for an empty vector.
double tailMean(const Eigen::VectorXd& v, double fraction) {
    if (v.size() == 0) return std::nan("");
    const Eigen::Index n = std::clamp<Eigen::Index>(static_cast<Eigen::Index>(std::ceil(fraction * double(v.size()))), 1, v.size());
    return v.tail(n).mean();
}

/// "diverged" if the rollout stopped early (diverged) or any change is non-finite; "static" if the mean change
/// over the last 10 % is below staticRatio × referenceChange; else "moving".
std::string classifyVideo(const Eigen::VectorXd& change, bool diverged, double referenceChange, double staticRatio = 0.1) {
    if (diverged || !change.allFinite()) return "diverged";
    if (change.size() == 0) return "static";
    return tailMean(change, 0.1) < staticRatio * referenceChange ? "static" : "moving";
}

/// At most maxPoints (≥ 2) evenly spaced indices of 0..n−1, always including 0 and n−1.
std::vector<Eigen::Index> decimationIndices(Eigen::Index n, Eigen::Index maxPoints) {
    std::vector<Eigen::Index> idx;
    if (n <= 0) return idx;
    if (n <= maxPoints || maxPoints < 2) {
        for (Eigen::Index i = 0; i < n; ++i) idx.push_back(i);
        return idx;
    }
    for (Eigen::Index k = 0; k < maxPoints; ++k) {
        const Eigen::Index i = static_cast<Eigen::Index>(std::llround(double(k) * double(n - 1) / double(maxPoints - 1)));
        if (idx.empty() || i != idx.back()) idx.push_back(i);
    }
    return idx;
}

}  // namespace vaestudy

namespace {

using namespace vaestudy;

// Plot ranges (log axes): frame changes below kPlotFloor are drawn at kPlotFloor (a saturated naive video reaches
// 1e-260), latent norms above kNormCeiling at kNormCeiling (naive rollouts reach 1e60). The JSON keeps the values.
constexpr double kPlotFloor = 1e-7;
constexpr double kNormCeiling = 1e8;

json vecJson(const Eigen::VectorXd& v, const std::vector<Eigen::Index>& idx) {
    json a = json::array();
    for (Eigen::Index i : idx) a.push_back(jsonNumber(v[i]));
    return a;
}

/// One model frame column (C·S·S, C order, values in [0, 1]) → an S×S RGB image.
void paintFrame(QImage& img, int ox, int oy, const Eigen::VectorXd& frame, Eigen::Index C, Eigen::Index S) {
    auto px = [&](Eigen::Index c, Eigen::Index y, Eigen::Index x) {
        const double v = frame[(c * S + y) * S + x];
        return std::isfinite(v) ? int(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)) : 255;
    };
    for (Eigen::Index y = 0; y < S; ++y)
        for (Eigen::Index x = 0; x < S; ++x) {
            const int r = px(0, y, x), g = C >= 3 ? px(1, y, x) : r, b = C >= 3 ? px(2, y, x) : r;
            img.setPixel(ox + int(x), oy + int(y), qRgb(r, g, b));
        }
}

/// Rows of frames (each row: a list of frame columns of a (C·S·S)×T matrix; −1 = blank) → PNG bytes.
void writeStrip(const std::filesystem::path& path, const std::vector<std::pair<const Eigen::MatrixXd*, std::vector<Eigen::Index>>>& rows,
                Eigen::Index C, Eigen::Index S) {
    const int gap = 1;
    std::size_t cols = 0;
    for (const auto& r : rows) cols = std::max(cols, r.second.size());
    QImage img(int(cols) * (int(S) + gap) - gap, int(rows.size()) * (int(S) + gap) - gap, QImage::Format_RGB32);
    img.fill(qRgb(255, 255, 255));
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t k = 0; k < rows[r].second.size(); ++k) {
            const Eigen::Index t = rows[r].second[k];
            if (t < 0 || t >= rows[r].first->cols()) continue;
            paintFrame(img, int(k) * (int(S) + gap), int(r) * (int(S) + gap), rows[r].first->col(t), C, S);
        }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!img.save(&buffer, "PNG")) throw Error(path.string(), "could not encode the PNG strip");
    writeFileAtomic(path, std::string_view(bytes.constData(), std::size_t(bytes.size())));
}

struct ModelSpec {
    std::string label, variant, integrator;
};

ModelSpec parseModel(const std::string& s) {
    if (s == "stable") return {s, "stable", "euler_v_safe"};
    if (s == "stable-euler") return {s, "stable", "euler"};
    if (s == "naive") return {s, "naive", ""};
    throw Error("option --models", "expected stable, stable-euler or naive, got '" + s + "'");
}

const char* colorOf(const std::string& label) {
    if (label == "stable") return "#1f77b4";
    if (label == "naive") return "#d62728";
    if (label == "stable-euler") return "#2ca02c";
    return "#7f7f7f";
}

}  // namespace

int runVaeStudy(int argc, char** argv) {
    const Args args(argc, argv, 3,
                    {{"textures", true, false, "comma list of registry names (default video-ripples,video-candle)"},
                     {"seeds", true, false, "comma list of start-frame seeds (default 0,1,2)"},
                     {"frames", true, false, "generated frames per seed (default 1000)"},
                     {"epochs", true, false, "training epochs (default 200)"},
                     {"image-size", true, false, "side S of the square frames (default 32)"},
                     {"train-frames", true, false, "use at most this many frames of each texture (default 0 = all)"},
                     {"models", true, false, "comma list: stable, naive, stable-euler (default stable,naive)"},
                     {"latent", true, false, "latent size (default: the plugin's, 32)"},
                     {"batch-size", true, false, ""}, {"lr", true, false, ""},
                     {"train-seed", true, false, "training seed (default 0)"},
                     {"out-dir", true, false, ""},
                     {"plugin-dir", true, true, "extra plugin folder (repeatable)"}});
    model::PluginHost host;
    scanPlugins(host, args);
    const auto& plugin = host.require("vae-latent");
    const catalog::DatasetCatalog catalog;
    const auto textures = splitList(args.get("textures", "video-ripples,video-candle"));
    std::vector<std::uint64_t> seeds;
    for (const auto& s : splitList(args.get("seeds", "0,1,2"))) seeds.push_back(std::stoull(s));
    if (seeds.empty()) throw Error("option --seeds", "needs at least one seed");
    const Eigen::Index frames = args.getInt("frames", 1000);
    if (frames < 2) throw Error("option --frames", "needs at least 2");
    const Eigen::Index S = args.getInt("image-size", 32);
    const Eigen::Index trainFrames = args.getInt("train-frames", 0);
    const int epochs = int(args.getInt("epochs", 200));
    const auto trainSeed = static_cast<std::uint64_t>(args.getInt("train-seed", 0));
    std::vector<ModelSpec> models;
    for (const auto& m : splitList(args.get("models", "stable,naive"))) models.push_back(parseModel(m));
    const bool writeFiles = args.has("out-dir");
    const std::filesystem::path dir = args.get("out-dir", ".");
    if (writeFiles) std::filesystem::create_directories(dir);
    const auto studyStart = std::chrono::steady_clock::now();

    json textureRows = json::array();
    for (const std::string& name : textures) {
        // ---- the texture at model resolution ----
        const data::Dataset raw = catalog.open(name);
        data::Video video = data::videoFromDataset(raw, 0);
        const Eigen::Index origH = video.height, origW = video.width, origT = video.frameCount();
        if (trainFrames > 0 && trainFrames < video.frameCount()) video = data::sliceFrames(video, 0, trainFrames);
        if (video.height != video.width) video = data::cropCenterSquare(video);
        if (video.height != S) video = data::downscale(video, S, S);
        const data::Dataset ds = data::videoToDataset(video, raw.trajectories.front().id);
        const Eigen::Index C = video.channels, T = video.frameCount();
        const Eigen::VectorXd realChange = meanAbsFrameChange(video.frames);
        const double realMeanChange = realChange.size() ? realChange.mean() : 0.0;
        std::cerr << "texture " << name << ": " << origT << " frames " << origW << "x" << origH << " -> " << T << " frames " << S << "x" << S
                  << " (C = " << C << "), real mean |frame change| " << realMeanChange << std::endl;

        std::vector<Eigen::Index> starts;
        for (std::uint64_t s : seeds) {
            Rng rng(s);
            starts.push_back(std::min<Eigen::Index>(T - 1, static_cast<Eigen::Index>(rng.uniform01() * double(T))));
        }
        json modelRows = json::array();
        std::vector<analysis::SvgSeries> changeSeries, normSeries;
        const std::vector<Eigen::Index> changeIdx = decimationIndices(frames - 1, 250);
        {
            Eigen::VectorXd t(Eigen::Index(changeIdx.size())), y(Eigen::Index(changeIdx.size()));
            for (std::size_t k = 0; k < changeIdx.size(); ++k) {
                t[Eigen::Index(k)] = double(changeIdx[k]);
                y[Eigen::Index(k)] = realMeanChange;
            }
            changeSeries.push_back({"real texture (mean)", t, y, "#000000", true});
        }
        std::vector<std::pair<const Eigen::MatrixXd*, std::vector<Eigen::Index>>> stripRows;
        std::vector<Eigen::MatrixXd> keep;  // seed-0 videos of each model (for the strip)
        keep.reserve(models.size());
        stripRows.push_back({&video.frames, {}});
        for (Eigen::Index k = 0; k < 8; ++k) stripRows.back().second.push_back(std::min<Eigen::Index>(T - 1, starts.front() + k));

        for (const ModelSpec& spec : models) {
            json hyper = {{"variant", spec.variant}, {"image_size", S}, {"epochs", epochs}, {"init_seed", 0},
                          {"certificate_steps", frames - 1}, {"certificate_trajectories", std::max<std::size_t>(8, seeds.size())}};
            if (!spec.integrator.empty()) hyper["latent_integrator"] = spec.integrator;
            if (args.has("latent")) hyper["latent"] = args.getInt("latent", 32);
            if (args.has("batch-size")) hyper["batch_size"] = args.getInt("batch-size", 32);
            if (args.has("lr")) hyper["lr"] = args.getDouble("lr", 5e-4);
            hyper = model::validateHyperparameters(plugin.plugin->hyperparameterSchema(), hyper);
            auto mdl = plugin.plugin->create(hyper, data::DatasetInfo::of(ds));
            std::atomic<bool> cancel{false};
            model::TrainRequest req;
            req.seed = trainSeed;
            req.validationSplit = "";
            const auto t0 = std::chrono::steady_clock::now();
            const auto summary = mdl->train(ds, req, [&](const model::TrainEvent& e) {
                if (e.epoch == 1 || e.epoch % 10 == 0 || e.epoch == e.totalEpochs) {
                    char line[200];
                    std::snprintf(line, sizeof line, "  %s/%s: epoch %d/%d loss %.5g (%.1f s)", name.c_str(), spec.label.c_str(), e.epoch,
                                  e.totalEpochs, e.trainLoss, e.elapsedSeconds);
                    std::cerr << line << std::endl;
                }
            }, cancel);
            const double trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

            // ---- generation from each start frame ----
            const auto g0 = std::chrono::steady_clock::now();
            json seedRows = json::array();
            Eigen::VectorXd changeSum = Eigen::VectorXd::Zero(frames - 1);
            Eigen::VectorXi changeCount = Eigen::VectorXi::Zero(frames - 1);
            int nMoving = 0, nStatic = 0, nDiverged = 0;
            for (std::size_t si = 0; si < seeds.size(); ++si) {
                data::Trajectory tr;
                tr.id = "generated";
                tr.t = Eigen::VectorXd::LinSpaced(frames, 0.0, double(frames - 1));
                tr.x = Eigen::MatrixXd::Zero(ds.stateDim(), frames);
                tr.x.col(0) = video.frames.col(starts[si]);
                const model::Prediction p = mdl->predict(tr);
                const Eigen::VectorXd change = meanAbsFrameChange(p.x);
                for (Eigen::Index t = 0; t < change.size(); ++t)
                    if (std::isfinite(change[t])) {
                        changeSum[t] += change[t];
                        ++changeCount[t];
                    }
                const std::string verdict = classifyVideo(change, p.diverged, realMeanChange);
                (verdict == "moving" ? nMoving : verdict == "static" ? nStatic : nDiverged)++;
                const Eigen::Index n = change.size();
                auto window = [&](Eigen::Index a, Eigen::Index b) {  // mean change over steps [a, b)
                    a = std::min(a, n);
                    b = std::min(b, n);
                    return b > a ? jsonNumber(change.segment(a, b - a).mean()) : json(nullptr);
                };
                seedRows.push_back({{"seed", seeds[si]}, {"start_frame", starts[si]}, {"frames_generated", p.x.cols()},
                                    {"diverged", p.diverged}, {"verdict", verdict},
                                    {"mean_change_first_10pct", window(0, std::max<Eigen::Index>(1, n / 10))},
                                    {"mean_change_last_10pct", jsonNumber(tailMean(change, 0.1))},
                                    {"mean_change_t0_10", window(0, 10)}, {"mean_change_t90_100", window(90, 100)},
                                    {"mean_change_t990_1000", window(990, 1000)},
                                    {"min_change", n ? jsonNumber(change.minCoeff()) : json(nullptr)},
                                    {"max_change", n ? jsonNumber(change.maxCoeff()) : json(nullptr)},
                                    {"frame_mean_last", jsonNumber(p.x.col(p.x.cols() - 1).mean())},
                                    {"frame_std_last", jsonNumber(std::sqrt((p.x.col(p.x.cols() - 1).array() - p.x.col(p.x.cols() - 1).mean()).square().mean()))}});
                if (si == 0) keep.push_back(p.x);
            }
            const double genSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
            Eigen::VectorXd meanChange(frames - 1);
            for (Eigen::Index t = 0; t < frames - 1; ++t) meanChange[t] = changeCount[t] ? changeSum[t] / changeCount[t] : std::nan("");

            // ---- latent norm over time (certificate rollouts) ----
            // The rollout trace is a vae-latent detail (its certificate's "latent_rollouts"), read for plotting only.
            const model::Certificate cert = mdl->certify();
            const json roll = cert.details.value("latent_rollouts", json::object());
            json normTrace = roll.value("norm_trace", json());
            if (!normTrace.is_null()) {
                const auto st = normTrace["steps"].get<std::vector<double>>();
                const auto mean = normTrace["mean"].get<std::vector<double>>(), hi = normTrace["max"].get<std::vector<double>>();
                const Eigen::Map<const Eigen::VectorXd> ts(st.data(), Eigen::Index(st.size()));
                auto clip = [](const std::vector<double>& v) {
                    Eigen::VectorXd c = Eigen::Map<const Eigen::VectorXd>(v.data(), Eigen::Index(v.size()));
                    return Eigen::VectorXd(c.cwiseMin(kNormCeiling));
                };
                normSeries.push_back({spec.label + " (mean)", ts, clip(mean), colorOf(spec.label)});
                normSeries.push_back({spec.label + " (max)", ts, clip(hi), colorOf(spec.label), true});
            } else {
                std::cerr << "  warning: the vae-latent plugin reports no latent_rollouts.norm_trace (older plugin?)" << std::endl;
            }
            {
                Eigen::VectorXd t(Eigen::Index(changeIdx.size()));
                for (std::size_t k = 0; k < changeIdx.size(); ++k) t[Eigen::Index(k)] = double(changeIdx[k]);
                Eigen::VectorXd y(Eigen::Index(changeIdx.size()));
                for (std::size_t k = 0; k < changeIdx.size(); ++k) y[Eigen::Index(k)] = std::max(kPlotFloor, meanChange[changeIdx[k]]);
                changeSeries.push_back({spec.label + " (mean over seeds)", t, y, colorOf(spec.label)});
            }
            std::cerr << "  " << name << "/" << spec.label << ": train " << trainSeconds << " s (loss " << summary.finalTrainLoss << "), generate "
                      << genSeconds << " s; moving " << nMoving << ", static " << nStatic << ", diverged " << nDiverged << std::endl;
            modelRows.push_back({{"model", spec.label}, {"variant", spec.variant}, {"hyperparameters", hyper}, {"status", summary.message},
                                 {"epochs_run", summary.epochsRun}, {"final_train_loss", jsonNumber(summary.finalTrainLoss)},
                                 {"train_seconds", trainSeconds}, {"generate_seconds", genSeconds},
                                 {"verdicts", {{"moving", nMoving}, {"static", nStatic}, {"diverged", nDiverged}}},
                                 {"seeds", seedRows},
                                 {"mean_change_over_time", {{"t", changeIdx}, {"mean_over_seeds", vecJson(meanChange, changeIdx)}}},
                                 {"certificate", {{"verified", cert.verified}, {"guarantee", cert.guarantee},
                                                  {"latent_radius", cert.details.value("latent_radius", json(nullptr))},
                                                  {"latent_rollouts", roll}}}});
        }

        json row = {{"texture", name}, {"source_frames", origT}, {"source_size", {origW, origH}}, {"frames_used", T}, {"image_size", S},
                    {"channels", C}, {"real_mean_change", realMeanChange}, {"start_frames", starts}, {"models", modelRows}};
        if (writeFiles) {
            const std::string stem = name;
            analysis::writeSvgLinePlot(dir / (stem + "_frame_change.svg"), changeSeries,
                                       {name + ": mean |frame-to-frame change| (" + std::to_string(S) + "×" + std::to_string(S) + ", mean over " +
                                            std::to_string(seeds.size()) + " start frames)",
                                        "frame t", "mean |y(t+1) − y(t)| (drawn ≥ 1e-7)", true, 800, 420});
            json plots = {(dir / (stem + "_frame_change.svg")).string()};
            if (!normSeries.empty()) {
                analysis::writeSvgLinePlot(dir / (stem + "_latent_norm.svg"), normSeries,
                                           {name + ": latent norm ‖z_t‖ of generated rollouts (certificate ball starts; mean solid, max dashed)",
                                            "frame t", "‖z_t‖ (drawn ≤ 1e8)", true, 800, 420});
                plots.push_back((dir / (stem + "_latent_norm.svg")).string());
            }
            // Strip: real (8 consecutive frames from seed 0's start), each model at 8 evenly spaced times, then
            // each model's last 8 generated frames.
            for (std::size_t m = 0; m < keep.size(); ++m) {
                std::vector<Eigen::Index> ts;
                for (int k = 0; k < 8; ++k) ts.push_back(static_cast<Eigen::Index>(std::llround(double(k) * double(frames - 1) / 7.0)));
                stripRows.push_back({&keep[m], ts});
            }
            for (std::size_t m = 0; m < keep.size(); ++m) {  // the last 8 frames generated (before divergence, if any)
                std::vector<Eigen::Index> ts;
                const Eigen::Index n = keep[m].cols();
                for (Eigen::Index k = n - 8; k < n; ++k) ts.push_back(k);
                stripRows.push_back({&keep[m], ts});
            }
            writeStrip(dir / (stem + "_strip.png"), stripRows, C, S);
            plots.push_back((dir / (stem + "_strip.png")).string());
            row["files"] = plots;
        }
        textureRows.push_back(row);
    }
    json seedJson = json::array();
    for (auto s : seeds) seedJson.push_back(s);
    json models_ = json::array();
    for (const auto& m : models) models_.push_back(m.label);
    const json out = {{"study", "vae"}, {"textures", textureRows}, {"seeds", seedJson}, {"frames", frames}, {"epochs", epochs},
                      {"image_size", S}, {"train_frames", trainFrames}, {"train_seed", trainSeed}, {"models", models_},
                      {"seed_meaning", "start frame drawn uniformly from the texture's frames with sd::Rng(seed); one trained model per (texture, model)"},
                      {"latent_norm_source", "certificate latent_rollouts.norm_trace: max(8, #seeds) rollouts of frames-1 latent steps from random latents in the certificate ball"},
                      {"static_rule", "mean change over the last 10% of frames < 0.1 x the real texture's mean frame change"},
                      {"total_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - studyStart).count()}};
    if (writeFiles) writeFileAtomic(dir / "study_vae.json", out.dump() + "\n");  // compact: the file is committed
    printJson(out);
    return 0;
}

}  // namespace sd::cli
