#include "studies/stable_deep_dynamics/vae_study.h"

#include "core/analysis/svg_plot.h"
#include "core/catalog/dataset_catalog.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/data/hashing.h"
#include "core/data/video.h"
#include "core/data/video_image.h"
#include "studies/study_support.h"

#include <QBuffer>
#include <QByteArray>
#include <QImage>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

namespace sd::studies {

using nlohmann::json;
namespace ex = sd::experiment;

namespace vae {

Eigen::VectorXd meanAbsFrameChange(const Eigen::MatrixXd& frames) {
    const Eigen::Index T = frames.cols();
    if (T < 2 || frames.rows() == 0) return Eigen::VectorXd();
    Eigen::VectorXd c(T - 1);
    for (Eigen::Index t = 0; t + 1 < T; ++t) c[t] = (frames.col(t + 1) - frames.col(t)).cwiseAbs().mean();
    return c;
}

double tailMean(const Eigen::VectorXd& v, double fraction) {
    if (v.size() == 0) return std::nan("");
    const Eigen::Index n = std::clamp<Eigen::Index>(static_cast<Eigen::Index>(std::ceil(fraction * double(v.size()))), 1, v.size());
    return v.tail(n).mean();
}

std::string classifyVideo(const Eigen::VectorXd& change, bool diverged, double referenceChange, double staticRatio) {
    if (diverged || !change.allFinite()) return "diverged";
    if (change.size() == 0) return "static";
    return tailMean(change, 0.1) < staticRatio * referenceChange ? "static" : "moving";
}

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

Eigen::MatrixXd stretchContrast(const Eigen::MatrixXd& frames, double k) {
    const Eigen::VectorXd mean = frames.rowwise().mean();
    const Eigen::MatrixXd stretched = ((frames.colwise() - mean) * k).colwise() + mean;
    return stretched.cwiseMax(0.0).cwiseMin(1.0);
}

}  // namespace vae

namespace {

using namespace vae;

// Plot ranges (log axes): frame changes below kPlotFloor are drawn at kPlotFloor (a saturated naive video reaches
// 1e-260), latent norms above kNormCeiling at kNormCeiling (naive rollouts reach 1e60). The JSON keeps the values.
constexpr double kPlotFloor = 1e-7;
constexpr double kNormCeiling = 1e8;
constexpr Eigen::Index kMaxCurvePoints = 250;

json vecJson(const Eigen::VectorXd& v, const std::vector<Eigen::Index>& idx) {
    json a = json::array();
    for (Eigen::Index i : idx) a.push_back(jsonNumber(v[i]));
    return a;
}

void videoSquare(data::Dataset& ds, const json& p, const std::string& where) {
    if (!data::isVideoDataset(ds)) throw Error(where, "dataset '" + ds.name + "' is not a video");
    const Eigen::Index S = p.value("image_size", 32);
    const Eigen::Index trainFrames = p.value("train_frames", 0);
    if (S < 4) throw Error(where + ".image_size", "must be at least 4");
    data::Video video = data::videoFromDataset(ds, 0);
    if (trainFrames > 0 && trainFrames < video.frameCount()) video = data::sliceFrames(video, 0, trainFrames);
    if (video.height != video.width) video = data::cropCenterSquare(video);
    if (video.height != S) video = data::downscale(video, S, S);
    // Contrast k: every pixel's variation about its mean over the frames, stretched k times (clamped to [0, 1]).
    // For textures whose motion is a faint variation on a fixed picture (the generated ripples: per-pixel std
    // ≈ 0.07), which a VAE otherwise learns as its mean frame alone (docs/results/vae.md).
    const double contrast = p.value("contrast", 1.0);
    if (!(contrast > 0.0) || !std::isfinite(contrast)) throw Error(where + ".contrast", "must be a positive number");
    if (contrast != 1.0) video.frames = stretchContrast(video.frames, contrast);
    data::Dataset out = data::videoToDataset(video, ds.trajectories.front().id);
    out.name = ds.name;
    out.source = ds.source + " → centre square " + std::to_string(S) + "×" + std::to_string(S) +
                 (contrast != 1.0 ? ", contrast ×" + jsonNumber(contrast).dump() : "");
    ds = std::move(out);
}

std::vector<Eigen::Index> startFrames(const json& seeds, Eigen::Index T) {
    std::vector<Eigen::Index> starts;
    for (const auto& s : seeds) {
        Rng rng(s.get<std::uint64_t>());
        starts.push_back(std::min<Eigen::Index>(T - 1, static_cast<Eigen::Index>(rng.uniform01() * double(T))));
    }
    return starts;
}

data::Trajectory generationRequest(const Eigen::MatrixXd& frames, Eigen::Index start, Eigen::Index length) {
    data::Trajectory tr;
    tr.id = "generated";
    tr.t = Eigen::VectorXd::LinSpaced(length, 0.0, double(length - 1));
    tr.x = Eigen::MatrixXd::Zero(frames.rows(), length);
    tr.x.col(0) = frames.col(start);
    return tr;
}

/// How much of the texture's frame-to-frame variation the model's reconstructions keep:
/// 1 − Σ_t ‖ŷ_t − y_t‖² / Σ_t ‖y_t − ȳ‖², with ŷ_t the one-frame prediction from y_t (encode to μ, decode) and ȳ the
/// mean frame. About 0: every frame decodes to about the mean frame, i.e. the latent carries no information
/// (posterior collapse) and no latent dynamics can make a video move; 1: perfect reconstructions.
double reconstructionR2(const model::Model& m, const Eigen::MatrixXd& frames) {
    const Eigen::VectorXd mean = frames.rowwise().mean();
    double residual = 0.0, total = 0.0;
    for (Eigen::Index t = 0; t < frames.cols(); ++t) {
        const model::Prediction p = m.predict(generationRequest(frames, t, 1));
        residual += (p.x.col(0) - frames.col(t)).squaredNorm();
        total += (frames.col(t) - mean).squaredNorm();
    }
    return total > 0.0 ? 1.0 - residual / total : std::nan("");
}

json generationMetric(const ex::MetricContext& c) {
    const std::string where = "metric '" + c.spec.name + "'";
    const Eigen::Index frames = c.spec.params.value("frames", 1000);
    if (frames < 2) throw Error(where + ".frames", "needs at least 2");
    const json seeds = c.spec.params.value("start_seeds", json{0, 1, 2});
    if (!seeds.is_array() || seeds.empty()) throw Error(where + ".start_seeds", "a non-empty list of seeds");
    const Eigen::MatrixXd& real = c.dataset.trajectories.front().x;
    const Eigen::Index T = real.cols();
    const Eigen::VectorXd realChange = meanAbsFrameChange(real);
    const double realMeanChange = realChange.size() ? realChange.mean() : 0.0;
    const std::vector<Eigen::Index> starts = startFrames(seeds, T);
    const auto g0 = std::chrono::steady_clock::now();
    json seedRows = json::array();
    Eigen::VectorXd changeSum = Eigen::VectorXd::Zero(frames - 1);
    Eigen::VectorXi changeCount = Eigen::VectorXi::Zero(frames - 1);
    int nMoving = 0, nStatic = 0, nDiverged = 0;
    for (std::size_t si = 0; si < starts.size(); ++si) {
        const model::Prediction p = c.model.predict(generationRequest(real, starts[si], frames));
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
        const Eigen::VectorXd last = p.x.col(p.x.cols() - 1);
        seedRows.push_back({{"seed", seeds[si]}, {"start_frame", starts[si]}, {"frames_generated", p.x.cols()},
                            {"diverged", p.diverged}, {"verdict", verdict},
                            {"mean_change_first_10pct", window(0, std::max<Eigen::Index>(1, n / 10))},
                            {"mean_change_last_10pct", jsonNumber(tailMean(change, 0.1))},
                            {"mean_change_t0_10", window(0, 10)}, {"mean_change_t90_100", window(90, 100)},
                            {"mean_change_t990_1000", window(990, 1000)},
                            {"min_change", n ? jsonNumber(change.minCoeff()) : json(nullptr)},
                            {"max_change", n ? jsonNumber(change.maxCoeff()) : json(nullptr)},
                            {"frame_mean_last", jsonNumber(last.mean())},
                            {"frame_std_last", jsonNumber(std::sqrt((last.array() - last.mean()).square().mean()))}});
        if (c.cancel) break;
    }
    Eigen::VectorXd meanChange(frames - 1);
    for (Eigen::Index t = 0; t < frames - 1; ++t) meanChange[t] = changeCount[t] ? changeSum[t] / changeCount[t] : std::nan("");
    const std::vector<Eigen::Index> idx = decimationIndices(frames - 1, kMaxCurvePoints);
    // The rollout trace is a vae-latent detail (its certificate's "latent_rollouts"), read for plotting only.
    const model::Certificate& cert = c.typedCertificate;
    return {{"frames", frames},
            {"real_mean_change", realMeanChange},
            {"start_frames", starts},
            {"verdicts", {{"moving", nMoving}, {"static", nStatic}, {"diverged", nDiverged}}},
            {"diverged", nDiverged},
            {"score", jsonNumber(tailMean(meanChange, 0.1) / realMeanChange)},
            {"score_kind", "last-10 % frame change / real"},
            {"reconstruction_r2", jsonNumber(reconstructionR2(c.model, real))},
            {"split", "generated"},
            {"seeds", seedRows},
            {"mean_change_over_time", {{"t", idx}, {"mean_over_seeds", vecJson(meanChange, idx)}}},
            {"generate_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count()},
            {"certificate", {{"verified", cert.verified}, {"guarantee", cert.guarantee},
                             {"latent_radius", cert.details.value("latent_radius", json(nullptr))},
                             {"latent_rollouts", cert.details.value("latent_rollouts", json::object())}}}};
}

/// One model frame column (C·S·S, C order, values in [0, 1]) painted at (ox, oy) as data::frameImage draws it.
void paintFrame(QImage& img, int ox, int oy, const Eigen::VectorXd& frame, Eigen::Index C, Eigen::Index S) {
    const QImage f = data::frameImage(frame, {C, S, S});
    for (int y = 0; y < f.height(); ++y)
        for (int x = 0; x < f.width(); ++x) img.setPixel(ox + x, oy + y, f.pixel(x, y));
}

/// Rows of frames (each row: a list of frame columns of a (C·S·S)×T matrix; −1 = blank) → PNG file.
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

constexpr std::array<const char*, 10> kGroupPalette = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                                       "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

const char* colorOf(const std::string& label) {
    if (label == "stable") return "#1f77b4";
    if (label == "naive") return "#d62728";
    if (label == "stable-euler") return "#2ca02c";
    return "#7f7f7f";
}

/// Every training seed of one (texture, model) group: per seed its final loss, verdicts and score, and the verdict
/// totals and score / loss statistics over the seeds (the plots and strips show the first seed only).
json trainingSeedSummary(const ex::ResultTable& t, const ex::CellGroup& g) {
    json rows = json::array();
    json totals = {{"moving", 0}, {"static", 0}, {"diverged", 0}};
    for (const int cell : g.cells) {
        const json* r = t.record(cell);
        if (!r || !(*r)["metrics"].contains("generation") || (*r)["metrics"]["generation"].contains("error")) continue;
        const json& m = (*r)["metrics"]["generation"];
        for (const char* k : {"moving", "static", "diverged"}) totals[k] = totals[k].get<int>() + m["verdicts"].value(k, 0);
        rows.push_back({{"train_seed", (*r)["seed"]}, {"cell", (*r)["id"]}, {"score", m["score"]}, {"verdicts", m["verdicts"]},
                        {"reconstruction_r2", m.value("reconstruction_r2", json(nullptr))},
                        {"final_train_loss", (*r)["training"].value("final_train_loss", json(nullptr))},
                        {"train_seconds", (*r)["timings"].value("train_seconds", 0.0)},
                        {"latent_rollouts_bounded", m["certificate"]["latent_rollouts"].value("bounded", json(nullptr))},
                        {"verified", m["certificate"].value("verified", false)}});
    }
    const ex::SeedStatistic score = t.statistic(g, "generation.score"), loss = t.statistic(g, "training.final_train_loss");
    return {{"seeds", rows}, {"verdicts", totals}, {"score_mean", jsonNumber(score.mean)}, {"score_std", jsonNumber(score.std)},
            {"final_train_loss_mean", jsonNumber(loss.mean)}, {"final_train_loss_std", jsonNumber(loss.std)}, {"seeds_with_result", score.n}};
}

json vaeReport(const ex::StudyReportInput& in) {
    const auto& t = in.table;
    const auto& plan = t.plan();
    json textureRows = json::array();
    const catalog::DatasetCatalog catalog;
    for (std::size_t d = 0; d < plan.datasets.size(); ++d) {
        const std::string name = plan.datasets[d].name;
        json modelRows = json::array();
        std::vector<analysis::SvgSeries> changeSeries, normSeries;
        const data::Dataset ds = reopenDataset(in, static_cast<int>(d));
        const data::Video video = data::videoFromDataset(ds, 0);
        const Eigen::Index C = video.channels, S = video.height;
        json first;   // the first finished model's generation metric (start frames, real change)
        std::vector<Eigen::MatrixXd> keep;   // each model's seed-0 video, regenerated from its saved model
        std::vector<std::string> keptLabels;
        for (const auto& g : t.groups()) {
            if (g.dataset != static_cast<int>(d)) continue;
            const json* r = firstRecord(t, g);
            if (!r || !(*r)["metrics"].contains("generation") || (*r)["metrics"]["generation"].contains("error")) continue;
            const json& m = (*r)["metrics"]["generation"];
            if (first.is_null()) first = m;
            // The model label, followed by the labels of any further axes (e.g. the KL settings of a collapse study);
            // with further axes several groups share a model, so the colour comes from the group's position.
            const std::string modelLabel = axisLabel(t, g, "model");
            std::string label = modelLabel;
            for (const auto& a : plan.axes)
                if (a.name != "model") label += (label.empty() ? "" : " · ") + axisLabel(t, g, a.name);
            const std::string color = plan.axes.size() <= 1 ? colorOf(modelLabel) : kGroupPalette[modelRows.size() % kGroupPalette.size()];
            modelRows.push_back({{"model", label}, {"variant", (*r)["hyperparameters"].value("variant", "")}, {"hyperparameters", (*r)["hyperparameters"]},
                                 {"status", (*r)["training"].value("message", "")}, {"epochs_run", (*r)["training"].value("epochs_run", 0)},
                                 {"final_train_loss", (*r)["training"].value("final_train_loss", json(nullptr))},
                                 {"train_seconds", (*r)["timings"].value("train_seconds", 0.0)}, {"generate_seconds", m["generate_seconds"]},
                                 {"verdicts", m["verdicts"]}, {"reconstruction_r2", m.value("reconstruction_r2", json(nullptr))}, {"seeds", m["seeds"]}, {"mean_change_over_time", m["mean_change_over_time"]},
                                 {"certificate", m["certificate"]}, {"cell", (*r)["id"]},
                                 {"training_seeds", trainingSeedSummary(t, g)}});
            const auto& curve = m["mean_change_over_time"];
            const auto ts = curve["t"].get<std::vector<double>>();
            Eigen::VectorXd x(Eigen::Index(ts.size())), y(Eigen::Index(ts.size()));
            for (std::size_t k = 0; k < ts.size(); ++k) {
                x[Eigen::Index(k)] = ts[k];
                const json& v = curve["mean_over_seeds"][k];
                y[Eigen::Index(k)] = std::max(kPlotFloor, v.is_number() ? v.get<double>() : std::nan(""));
            }
            if (changeSeries.empty()) {
                const double realMean = m["real_mean_change"].get<double>();
                changeSeries.push_back({"real texture (mean)", x, Eigen::VectorXd::Constant(x.size(), realMean), "#000000", true});
            }
            changeSeries.push_back({label + " (mean over seeds)", x, y, color});
            const json normTrace = m["certificate"]["latent_rollouts"].value("norm_trace", json());
            if (!normTrace.is_null()) {
                const auto st = normTrace["steps"].get<std::vector<double>>();
                const auto mean = normTrace["mean"].get<std::vector<double>>(), hi = normTrace["max"].get<std::vector<double>>();
                const Eigen::Map<const Eigen::VectorXd> steps(st.data(), Eigen::Index(st.size()));
                auto clip = [](const std::vector<double>& v) {
                    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), Eigen::Index(v.size())).cwiseMin(kNormCeiling));
                };
                normSeries.push_back({label + " (mean)", steps, clip(mean), color});
                normSeries.push_back({label + " (max)", steps, clip(hi), color, true});
            }
            try {   // the seed-0 video again, for the strip (generation is deterministic)
                const auto mdl = loadRecordModel(in, *r);
                keep.push_back(mdl->predict(generationRequest(video.frames, m["start_frames"][0].get<Eigen::Index>(), m["frames"].get<Eigen::Index>())).x);
                keptLabels.push_back(label);
            } catch (const std::exception&) {
            }
        }
        if (first.is_null()) continue;
        data::Dataset raw;
        json sourceInfo = json::object();
        try {
            raw = catalog.open(plan.datasets[d].source.value("registry", plan.datasets[d].source.value("open", name)));
            const data::Video rv = data::videoFromDataset(raw, 0);
            sourceInfo = {{"source_frames", rv.frameCount()}, {"source_size", {rv.width, rv.height}}};
        } catch (const std::exception&) {
        }
        json row = {{"texture", name}, {"frames_used", video.frameCount()}, {"image_size", S}, {"channels", C},
                    {"real_mean_change", first["real_mean_change"]}, {"start_frames", first["start_frames"]}, {"models", modelRows}};
        for (const auto& [k, v] : sourceInfo.items()) row[k] = v;
        const Eigen::Index frames = first["frames"].get<Eigen::Index>();
        json plots = json::array();
        analysis::writeSvgLinePlot(in.reportDir / (name + "_frame_change.svg"), changeSeries,
                                   {name + ": mean |frame-to-frame change| (" + std::to_string(S) + "×" + std::to_string(S) + ", mean over " +
                                        std::to_string(first["start_frames"].size()) + " start frames)",
                                    "frame t", "mean |y(t+1) − y(t)| (drawn ≥ 1e-7)", true, 800, 420});
        plots.push_back((in.reportDir / (name + "_frame_change.svg")).string());
        if (!normSeries.empty()) {
            analysis::writeSvgLinePlot(in.reportDir / (name + "_latent_norm.svg"), normSeries,
                                       {name + ": latent norm ‖z_t‖ of generated rollouts (certificate ball starts; mean solid, max dashed)", "frame t",
                                        "‖z_t‖ (drawn ≤ 1e8)", true, 800, 420});
            plots.push_back((in.reportDir / (name + "_latent_norm.svg")).string());
        }
        if (!keep.empty()) {
            // Strip: real (8 consecutive frames from seed 0's start), each model at 8 evenly spaced times, then
            // each model's last 8 generated frames (before a divergence, if any).
            std::vector<std::pair<const Eigen::MatrixXd*, std::vector<Eigen::Index>>> rows;
            const Eigen::Index start = first["start_frames"][0].get<Eigen::Index>();
            rows.push_back({&video.frames, {}});
            for (Eigen::Index k = 0; k < 8; ++k) rows.back().second.push_back(std::min<Eigen::Index>(video.frameCount() - 1, start + k));
            for (const auto& v : keep) {
                std::vector<Eigen::Index> ts;
                for (int k = 0; k < 8; ++k) ts.push_back(static_cast<Eigen::Index>(std::llround(double(k) * double(frames - 1) / 7.0)));
                rows.push_back({&v, ts});
            }
            for (const auto& v : keep) {
                // The frames generated before a divergence: the columns that are finite.
                Eigen::Index n = v.cols();
                while (n > 0 && !v.col(n - 1).allFinite()) --n;
                std::vector<Eigen::Index> ts;
                for (Eigen::Index k = n - 8; k < n; ++k) ts.push_back(k);
                rows.push_back({&v, ts});
            }
            writeStrip(in.reportDir / (name + "_strip.png"), rows, C, S);
            plots.push_back((in.reportDir / (name + "_strip.png")).string());
        }
        row["files"] = plots;
        textureRows.push_back(row);
    }
    json models = json::array();
    const int ma = plan.axisIndex("model");
    if (ma >= 0)
        for (const auto& v : plan.axes[static_cast<std::size_t>(ma)].values) models.push_back(v.label);
    json seeds = json::array();
    for (const auto& m : plan.metrics)
        if (m.kind == "vae_generation") seeds = m.params.value("start_seeds", json{0, 1, 2});
    const json out = {{"study", "vae"}, {"textures", textureRows}, {"seeds", seeds}, {"train_seeds", plan.seeds.values}, {"models", models},
                      {"fixed", plan.fixed},
                      {"seed_meaning", "start frame drawn uniformly from the texture's frames with sd::Rng(seed); one trained model per (texture, model, training seed); plots and strips show the first training seed, models[].training_seeds all of them"},
                      {"latent_norm_source", "certificate latent_rollouts.norm_trace: certificate_trajectories rollouts of certificate_steps latent steps from random latents in the certificate ball"},
                      {"static_rule", "mean change over the last 10% of frames < 0.1 x the real texture's mean frame change"}};
    writeFileAtomic(in.reportDir / "study_vae.json", out.dump() + "\n");
    return out;
}

}  // namespace

void registerVaeStudy(ex::Extensions& e) {
    e.addTransform({"video_square", "centre square crop and area downscale of a video to image_size × image_size; contrast k stretches each pixel's variation about its mean frame k times", {"image_size", "train_frames", "contrast"}, videoSquare});
    e.addMetric({"vae_generation", "generated videos from seeded start frames: frame change, verdicts, latent norm", {"frames", "start_seeds"}, generationMetric});
    e.addStudyReport("vae", vaeReport);
}

}  // namespace sd::studies
