#include "plugins/vae-latent/vae_latent_model.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/data/video.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/nn_training.h"
#include "core/model/training_bridge.h"
#include "core/nn/adam.h"
#include "core/nn/minibatch.h"
#include "core/nn/trainer.h"
#include "plugins/vae-latent/vae_hyperparameters.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sd::vae {

using nlohmann::json;

namespace {

constexpr double kDivergenceNorm = 1e6;
constexpr double kBoundFactor = 10.0;
constexpr Eigen::Index kDecodeChunk = 64;
constexpr Eigen::Index kTracePoints = 200;  // the latent norm trace records every max(1, ⌊steps/200⌋)-th step (≤ 400 points)

std::vector<Eigen::Index> widths(const json& j) { return j.get<std::vector<Eigen::Index>>(); }

lyap::StableDynamicsOptions stableOptions(const json& h) {
    lyap::StableDynamicsOptions o;
    o.fhatHidden = widths(h.at("dyn_hidden"));
    o.activation = nn::Activation::relu();
    o.alpha = h.at("alpha").get<double>();
    o.lyapunov.hidden = widths(h.at("v_hidden"));
    o.lyapunov.innerRehuD = h.at("inner_rehu_d").get<double>();
    o.lyapunov.eps = h.at("eps").get<double>();
    o.lyapunov.g0Mode = lyap::G0Mode::Recompute;
    return o;
}

data::DatasetInfo infoFor(const FrameGeometry& g) {
    data::DatasetInfo info;
    info.name = "video";
    info.stateDim = g.size();
    info.hasTime = true;
    info.stateNames = data::videoPixelNames(g.channels, g.height, g.width);
    return info;
}

double defaultRadius(Eigen::Index d) { return 2.0 * std::sqrt(static_cast<double>(d)); }

}  // namespace

// ---- frame geometry ---------------------------------------------------------------------------------------

FrameGeometry frameGeometry(const std::vector<std::string>& names, const std::string& where) {
    const std::string what = "is not a video dataset (state channels must be the pixel names c<c>_y<y>_x<x> of "
                             "data::videoToDataset); vae-latent learns video textures";
    // data::frameGeometryOf spot-checks the names; a model is only built on the exact pixel names.
    const std::optional<FrameGeometry> g = data::frameGeometryOf(names);
    if (!g || names != data::videoPixelNames(g->channels, g->height, g->width)) throw Error(where, what);
    return *g;
}

Eigen::MatrixXd toModelFrames(const Eigen::MatrixXd& frames, const FrameGeometry& g, Eigen::Index S) {
    if (frames.rows() != g.size())
        throw Error("vae-latent frames", "have " + std::to_string(frames.rows()) + " values, expected " + std::to_string(g.size()));
    if (std::min(g.height, g.width) < S)
        throw Error("vae-latent frames", std::to_string(g.height) + "x" + std::to_string(g.width) + " frames are smaller than image_size " +
                                             std::to_string(S) + " (frames are never upscaled)");
    data::Video v;
    v.channels = g.channels;
    v.height = g.height;
    v.width = g.width;
    v.frames = frames;
    if (g.height != g.width) v = data::cropCenterSquare(v);
    if (v.height != S) v = data::downscale(v, S, S);
    return std::move(v.frames);
}

Eigen::MatrixXd toDatasetFrames(const Eigen::MatrixXd& modelFrames, const FrameGeometry& g, Eigen::Index S) {
    const Eigen::Index C = g.channels;
    if (modelFrames.rows() != C * S * S)
        throw Error("vae-latent frames", "model frames have " + std::to_string(modelFrames.rows()) + " values, expected " +
                                             std::to_string(C * S * S));
    const Eigen::Index L = std::min(g.height, g.width);
    const Eigen::Index top = (g.height - L) / 2, left = (g.width - L) / 2;  // cropCenter: extra row/column at the bottom/right
    auto source = [&](Eigen::Index i, Eigen::Index offset) {
        const Eigen::Index q = std::clamp<Eigen::Index>(i - offset, 0, L - 1);
        return std::min<Eigen::Index>(S - 1, (2 * q + 1) * S / (2 * L));  // the model pixel covering the centre of q
    };
    std::vector<Eigen::Index> sy(static_cast<std::size_t>(g.height)), sx(static_cast<std::size_t>(g.width));
    for (Eigen::Index y = 0; y < g.height; ++y) sy[static_cast<std::size_t>(y)] = source(y, top);
    for (Eigen::Index x = 0; x < g.width; ++x) sx[static_cast<std::size_t>(x)] = source(x, left);
    Eigen::MatrixXd out(g.size(), modelFrames.cols());
    for (Eigen::Index t = 0; t < modelFrames.cols(); ++t)
        for (Eigen::Index c = 0; c < C; ++c)
            for (Eigen::Index y = 0; y < g.height; ++y)
                for (Eigen::Index x = 0; x < g.width; ++x)
                    out((c * g.height + y) * g.width + x, t) =
                        modelFrames((c * S + sy[static_cast<std::size_t>(y)]) * S + sx[static_cast<std::size_t>(x)], t);
    return out;
}

// ---- construction -----------------------------------------------------------------------------------------

VaeLatentModel::VaeLatentModel(json hyper, const data::DatasetInfo& info) : hyper_(std::move(hyper)) {
    const std::string where = "dataset '" + info.name + "'";
    if (info.inputDim > 0 || info.outputDim > 0)
        throw Error(where, "has inputs or outputs; vae-latent learns autonomous videos (frames as states) only");
    geometry_ = sd::vae::frameGeometry(info.stateNames, where);
    if (geometry_.size() != info.stateDim) throw Error(where, "state dimension does not match its pixel names");
    ConvVaeOptions vo;
    vo.channels = geometry_.channels;
    vo.imageSize = hyper_.at("image_size").get<Eigen::Index>();
    vo.convWidths = widths(hyper_.at("conv_widths"));
    vo.latent = hyper_.at("latent").get<Eigen::Index>();
    if (std::min(geometry_.height, geometry_.width) < vo.imageSize)
        throw Error(where, std::to_string(geometry_.height) + "x" + std::to_string(geometry_.width) + " frames are smaller than image_size " +
                               std::to_string(vo.imageSize) + " (frames are never upscaled)");
    Rng rng(hyper_.at("init_seed").get<std::uint64_t>());
    vae_.emplace(vo, rng);
    if (variant() == "stable") {
        stable_.emplace(vo.latent, stableOptions(hyper_), rng);
    } else {
        std::vector<Eigen::Index> sizes{vo.latent};
        for (Eigen::Index w : widths(hyper_.at("dyn_hidden"))) sizes.push_back(w);
        sizes.push_back(vo.latent);
        naive_.emplace(sizes, nn::Activation::relu(), rng);
    }
    latentRadius_ = defaultRadius(vo.latent);
    refreshEvaluator();
}

VaeLatentModel::VaeLatentModel(const VaeLatentModel& other) : VaeLatentModel(other.hyper_, infoFor(other.geometry_)) {
    parameters().restore(other.parameters().snapshot());
    refreshEvaluator();
    latentRadius_ = other.latentRadius_;
    training_ = other.training_;
    certificate_ = other.certificate_;
}

void VaeLatentModel::refreshEvaluator() {
    if (stable_) evaluator_.emplace(*stable_);
}

std::string VaeLatentModel::pluginId() const { return kPluginId; }

nn::ParameterSet VaeLatentModel::parameters() const {
    nn::ParameterSet p;
    p.append("vae", vae_->parameters());
    if (stable_) p.append("dyn", stable_->parameters());
    else p.append("dyn.mlp", naive_->parameters());
    return p;
}

// ---- evaluation -------------------------------------------------------------------------------------------

ad::Var VaeLatentModel::latentFieldVar(const ad::Var& z) const { return stable_ ? stable_->evaluate(z).f : (*naive_)(z); }

double VaeLatentModel::klWeightAt(int epoch) const {
    const double kl = hyper_.at("kl_weight").get<double>();
    const int warmup = hyper_.at("kl_warmup_epochs").get<int>();
    if (warmup <= 0) return kl;
    return kl * std::min(1.0, static_cast<double>(std::max(epoch, 0)) / static_cast<double>(warmup));
}

ad::Var VaeLatentModel::loss(const Eigen::MatrixXd& current, const Eigen::MatrixXd& next, const Eigen::MatrixXd& noise,
                             std::optional<double> klWeight) const {
    const Eigen::Index n = vae_->imageValues();
    if (current.rows() != n || next.rows() != n || current.cols() != next.cols() || current.cols() == 0)
        throw Error("vae-latent loss", "needs equally many current and next model frames of " + std::to_string(n) + " values");
    const double beta = std::pow(10.0, hyper_.at("recon_log_weight").get<double>());
    const double w = std::pow(10.0, hyper_.at("next_log_weight").get<double>());
    const double kl = klWeight.value_or(hyper_.at("kl_weight").get<double>());
    const double h = hyper_.at("latent_step").get<double>();
    const ConvVae::Encoding e = vae_->encode(ad::Var::constant(current));
    const ad::Var za = ConvVae::reparameterise(e, noise);
    ad::Var zb = ad::add(za, ad::scale(latentFieldVar(za), h));
    if (vSafe() && zb.value().allFinite()) {
        // euler_v_safe: the radial factor from the current parameters, as a constant (no gradient through s).
        const Eigen::RowVectorXd s = safeScale(za.value(), zb.value(), [this](const Eigen::MatrixXd& X) {
            ad::NoGradGuard noGrad;
            return Eigen::RowVectorXd(stable_->lyapunov().evaluate(ad::Var::constant(X), false).V.value());
        });
        zb = ad::mul(zb, ad::Var::constant(Eigen::MatrixXd(s.replicate(zb.rows(), 1))));
    }
    // Decode z_a and z_b in one batch (one pass through the decoder).
    const ad::Var decoded = vae_->decode(ad::hcat({za, zb}));
    const Eigen::Index B = current.cols();
    const ad::Var ya = ad::colsOf(decoded, 0, B), yb = ad::colsOf(decoded, B, B);
    const ad::Var recon = ad::sum(ad::square(ad::sub(ya, ad::Var::constant(current))));
    const ad::Var nextErr = ad::sum(ad::square(ad::sub(yb, ad::Var::constant(next))));
    ad::Var total = ad::add(ad::add(ad::scale(recon, beta), ad::scale(ConvVae::klDivergence(e), kl)), ad::scale(nextErr, w));
    return ad::scale(total, 1.0 / static_cast<double>(B));
}

std::pair<Eigen::MatrixXd, Eigen::MatrixXd> VaeLatentModel::encode(const Eigen::MatrixXd& modelFrames) const {
    ad::NoGradGuard noGrad;
    const ConvVae::Encoding e = vae_->encode(ad::Var::constant(modelFrames));
    return {e.mu.value(), e.logVar.value()};
}

Eigen::MatrixXd VaeLatentModel::encodeMean(const Eigen::MatrixXd& modelFrames) const { return encode(modelFrames).first; }

Eigen::MatrixXd VaeLatentModel::decode(const Eigen::MatrixXd& Z) const {
    if (Z.rows() != latentSize()) throw Error("vae-latent decode", "latents must have " + std::to_string(latentSize()) + " rows");
    ad::NoGradGuard noGrad;
    Eigen::MatrixXd out(vae_->imageValues(), Z.cols());
    for (Eigen::Index j = 0; j < Z.cols(); j += kDecodeChunk) {
        const Eigen::Index m = std::min(kDecodeChunk, Z.cols() - j);
        out.middleCols(j, m) = vae_->decode(ad::Var::constant(Z.middleCols(j, m))).value();
    }
    return out;
}

Eigen::MatrixXd VaeLatentModel::latentField(const Eigen::MatrixXd& Z) const {
    if (Z.rows() != latentSize()) throw Error("vae-latent latent field", "latents must have " + std::to_string(latentSize()) + " rows");
    if (evaluator_) return evaluator_->field(Z);
    ad::NoGradGuard noGrad;
    return (*naive_)(ad::Var::constant(Z)).value();
}

bool VaeLatentModel::vSafe() const { return stable_ && hyper_.at("latent_integrator").get<std::string>() == "euler_v_safe"; }

Eigen::RowVectorXd VaeLatentModel::safeScale(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Znext,
                                             const std::function<Eigen::RowVectorXd(const Eigen::MatrixXd&)>& V) const {
    const double decay = std::exp(-hyper_.at("alpha").get<double>() * hyper_.at("latent_step").get<double>());
    const Eigen::RowVectorXd target = decay * V(Z);
    const Eigen::RowVectorXd vNext = V(Znext);
    Eigen::RowVectorXd s = Eigen::RowVectorXd::Ones(Z.cols());
    std::vector<Eigen::Index> active;
    for (Eigen::Index j = 0; j < Z.cols(); ++j)
        if (!(vNext[j] <= target[j])) active.push_back(j);
    if (active.empty()) return s;
    // Bisection on s ∈ [lo, hi] with V(lo·z⁺) ≤ target < V(hi·z⁺) (lo = 0 works: V(0) = 0 ≤ target).
    const Eigen::Index m = static_cast<Eigen::Index>(active.size());
    Eigen::RowVectorXd lo = Eigen::RowVectorXd::Zero(m), hi = Eigen::RowVectorXd::Ones(m);
    Eigen::MatrixXd P(Z.rows(), m);
    for (int it = 0; it < 60; ++it) {
        const Eigen::RowVectorXd mid = 0.5 * (lo + hi);
        for (Eigen::Index k = 0; k < m; ++k) P.col(k) = mid[k] * Znext.col(active[static_cast<std::size_t>(k)]);
        const Eigen::RowVectorXd v = V(P);
        for (Eigen::Index k = 0; k < m; ++k) {
            if (v[k] <= target[active[static_cast<std::size_t>(k)]]) lo[k] = mid[k];
            else hi[k] = mid[k];
        }
    }
    for (Eigen::Index k = 0; k < m; ++k) s[active[static_cast<std::size_t>(k)]] = lo[k];
    return s;
}

Eigen::MatrixXd VaeLatentModel::latentStep(const Eigen::MatrixXd& Z) const {
    Eigen::MatrixXd next = Z + hyper_.at("latent_step").get<double>() * latentField(Z);
    if (vSafe() && next.allFinite()) {
        const Eigen::RowVectorXd s = safeScale(Z, next, [this](const Eigen::MatrixXd& X) { return evaluator_->lyapunov(X); });
        next = next * s.asDiagonal();
    }
    return next;
}

Eigen::RowVectorXd VaeLatentModel::latentLyapunov(const Eigen::MatrixXd& Z, Eigen::MatrixXd* gradient) const {
    if (!stable_) throw Error("vae-latent (naive)", "the naive latent dynamics has no Lyapunov function");
    if (Z.rows() != latentSize()) throw Error("vae-latent V", "latents must have " + std::to_string(latentSize()) + " rows");
    return evaluator_->lyapunov(Z, gradient);
}

Generation VaeLatentModel::generateFromLatent(const Eigen::VectorXd& z0, Eigen::Index count) const {
    if (z0.size() != latentSize()) throw Error("vae-latent generate", "the initial latent must have " + std::to_string(latentSize()) + " entries");
    if (count < 1) throw Error("vae-latent generate", "needs at least one frame");
    Generation g;
    g.latents.resize(latentSize(), count);
    Eigen::VectorXd z = z0;
    Eigen::Index k = 0;
    for (; k < count; ++k) {
        if (k > 0) z = latentStep(z);
        if (!z.allFinite() || z.norm() > kDivergenceNorm) {
            g.diverged = true;
            break;
        }
        g.latents.col(k) = z;
    }
    g.latents.conservativeResize(Eigen::NoChange, k);
    g.latentNorms = g.latents.colwise().norm().transpose();
    g.frames = decode(g.latents);
    return g;
}

Generation VaeLatentModel::generate(const Eigen::VectorXd& frame, Eigen::Index count) const {
    const Eigen::Index S = imageSize();
    Eigen::MatrixXd modelFrame;
    if (frame.size() == vae_->imageValues()) modelFrame = frame;
    else if (frame.size() == geometry_.size()) modelFrame = toModelFrames(frame, geometry_, S);
    else
        throw Error("vae-latent generate", "the start frame has " + std::to_string(frame.size()) + " values; expected " +
                                               std::to_string(geometry_.size()) + " (dataset frame) or " + std::to_string(vae_->imageValues()) +
                                               " (model frame)");
    return generateFromLatent(encodeMean(modelFrame).col(0), count);
}

Eigen::MatrixXd VaeLatentModel::field(const Eigen::MatrixXd&, const Eigen::MatrixXd&) const {
    throw Error(std::string(kPluginId) + " field", "not available: the model is a discrete-time frame generator (latent Euler steps); "
                                                   "its latent field is VaeLatentModel::latentField");
}

model::Prediction VaeLatentModel::predict(const data::Trajectory& tr) const {
    if (tr.x.rows() != geometry_.size() || tr.x.cols() == 0)
        throw Error("trajectory '" + tr.id + "'", "prediction needs a first frame of " + std::to_string(geometry_.size()) + " values");
    const Generation g = generate(tr.x.col(0), tr.x.cols());
    model::Prediction p;
    p.x = toDatasetFrames(g.frames, geometry_, imageSize());
    p.diverged = g.diverged;
    if (g.diverged) {
        const Eigen::Index k = g.frames.cols();
        p.divergenceTime = tr.t.size() > k ? tr.t[k] : static_cast<double>(k);
    }
    return p;
}

// ---- training ---------------------------------------------------------------------------------------------

model::TrainSummary VaeLatentModel::train(const data::Dataset& ds, const model::TrainRequest& request,
                                          const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) {
    const std::string where = "dataset '" + ds.name + "'";
    if (ds.inputDim() != 0 || ds.outputDim() != 0) throw Error(where, "has inputs or outputs; vae-latent learns videos only");
    const FrameGeometry g = sd::vae::frameGeometry(ds.stateNames, where);
    if (g.channels != geometry_.channels || g.height != geometry_.height || g.width != geometry_.width)
        throw Error(where, "has " + std::to_string(g.channels) + "x" + std::to_string(g.height) + "x" + std::to_string(g.width) +
                               " frames, the model expects " + std::to_string(geometry_.channels) + "x" + std::to_string(geometry_.height) +
                               "x" + std::to_string(geometry_.width));
    const Eigen::Index S = imageSize();
    auto collect = [&](const std::vector<const data::Trajectory*>& set, Eigen::MatrixXd& cur, Eigen::MatrixXd& nxt) {
        std::vector<Eigen::MatrixXd> frames;
        Eigen::Index pairs = 0;
        for (const data::Trajectory* tr : set) {
            if (tr->x.rows() != g.size()) throw Error("trajectory '" + tr->id + "'", "frames do not match the dataset geometry");
            if (tr->x.cols() < 2) continue;
            frames.push_back(toModelFrames(tr->x, g, S));
            pairs += tr->x.cols() - 1;
        }
        cur.resize(vae_->imageValues(), pairs);
        nxt.resize(vae_->imageValues(), pairs);
        Eigen::Index k = 0;
        for (const auto& f : frames) {
            const Eigen::Index m = f.cols() - 1;
            cur.middleCols(k, m) = f.leftCols(m);
            nxt.middleCols(k, m) = f.rightCols(m);
            k += m;
        }
    };
    Eigen::MatrixXd cur, nxt, vcur, vnxt;
    Rng noiseRng(request.seed ^ 0xA5E1A7E57ull);  // reparameterisation noise: its own stream of the request seed
    const Eigen::Index d = latentSize();
    // Deterministic (z = μ) mean loss per pair over a whole set, in chunks.
    auto meanLoss = [&](const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
        ad::NoGradGuard noGrad;
        double total = 0.0;
        for (Eigen::Index j = 0; j < a.cols(); j += kDecodeChunk) {
            const Eigen::Index m = std::min(kDecodeChunk, a.cols() - j);
            total += loss(a.middleCols(j, m), b.middleCols(j, m), Eigen::MatrixXd::Zero(d, m)).value()(0, 0) * static_cast<double>(m);
        }
        return total / static_cast<double>(a.cols());
    };
    bool started = false;
    const model::TrainSummary summary = model::runNnTraining(ds, request, hyper_, onEpoch, cancel, [&](const model::TrainingSets& sets) {
        started = true;
        collect(sets.train, cur, nxt);
        if (cur.cols() == 0) throw Error(where, "has no (t, t+1) frame pairs (every training video needs at least 2 frames)");
        if (!sets.validation.empty()) collect(sets.validation, vcur, vnxt);

        model::NnTrainingProblem p;
        p.parameters = parameters().vars();
        p.problem.sampleCount = cur.cols();
        p.problem.batchLoss = [&](std::span<const Eigen::Index> idx, int epoch) {
            const Eigen::MatrixXd noise = noiseRng.normalMatrix(d, static_cast<Eigen::Index>(idx.size()));
            return loss(nn::gatherColumns(cur, idx), nn::gatherColumns(nxt, idx), noise, klWeightAt(epoch));
        };
        if (vcur.cols() > 0) p.problem.validationLoss = [&] { return meanLoss(vcur, vnxt); };
        p.untrainedLoss = [&] { return meanLoss(cur, nxt); };
        return p;
    }, training_);
    if (!started) return summary;   // cancelled before the start: the model is unchanged
    refreshEvaluator();
    // Certificate radius: the training latents' scale (at least the prior's 2√d).
    const Eigen::MatrixXd mu = encodeMean(cur);
    const double maxNorm = mu.colwise().norm().maxCoeff();
    latentRadius_ = std::max(defaultRadius(d), std::isfinite(maxNorm) ? 1.5 * maxNorm : 0.0);
    certificate_.reset();
    return summary;
}

// ---- certificate ------------------------------------------------------------------------------------------

model::Certificate VaeLatentModel::certify() const {
    if (certificate_) return *certificate_;
    const Eigen::Index d = latentSize();
    const double R = latentRadius_;
    Rng rng(0x5EED0CE27ull);
    auto ballSample = [&](Eigen::Index count) {
        Eigen::MatrixXd Z = rng.normalMatrix(d, count);
        for (Eigen::Index j = 0; j < count; ++j) {
            const double nrm = Z.col(j).norm();
            const double r = R * std::pow(rng.uniform01(), 1.0 / static_cast<double>(d));
            Z.col(j) *= nrm > 0.0 ? r / nrm : 0.0;
        }
        return Z;
    };
    // Boundedness of generated latents (both variants: the naive numbers are informative).
    const Eigen::Index rollouts = hyper_.at("certificate_trajectories").get<Eigen::Index>();
    const Eigen::Index steps = hyper_.at("certificate_steps").get<Eigen::Index>();
    Eigen::MatrixXd Z = ballSample(rollouts);
    double maxNorm = Z.colwise().norm().maxCoeff();
    bool finite = true;
    // Norm trace (additive, for the CLI's vae study): min / mean / max of ‖z_k‖ over the rollouts at every
    // stride-th step (stride = max(1, steps / kTracePoints)) and at the last step reached.
    const Eigen::Index stride = std::max<Eigen::Index>(1, steps / kTracePoints);
    json traceSteps = json::array(), traceMin = json::array(), traceMean = json::array(), traceMax = json::array();
    auto record = [&](Eigen::Index k) {
        const Eigen::RowVectorXd n = Z.colwise().norm();
        traceSteps.push_back(k);
        traceMin.push_back(n.minCoeff());
        traceMean.push_back(n.mean());
        traceMax.push_back(n.maxCoeff());
    };
    record(0);
    Eigen::Index reached = 0;
    for (Eigen::Index k = 0; k < steps && finite; ++k) {
        Z = latentStep(Z);
        finite = Z.allFinite();
        if (finite) {
            maxNorm = std::max(maxNorm, Z.colwise().norm().maxCoeff());
            reached = k + 1;
            if (reached % stride == 0 || reached == steps) record(reached);
        }
    }
    const double bound = kBoundFactor * R;
    const bool bounded = finite && maxNorm <= bound;
    json roll = {{"count", rollouts}, {"steps", steps}, {"latent_step", hyper_.at("latent_step")},
                 {"integrator", stable_ ? hyper_.at("latent_integrator") : json("euler")}, {"bound", bound},
                 {"max_norm", finite ? json(maxNorm) : json("non-finite")}, {"final_max_norm", finite ? json(Z.colwise().norm().maxCoeff()) : json("non-finite")},
                 {"bounded", bounded},
                 {"norm_trace", {{"steps", traceSteps}, {"min", traceMin}, {"mean", traceMean}, {"max", traceMax}, {"steps_reached", reached}}}};
    const model::CertificateCheck boundedCheck{"generated latents finite and max ||z|| <= 10 x latent radius", bounded,
                                               finite ? maxNorm : std::numeric_limits<double>::infinity(), bound};
    model::Certificate cert;
    if (!stable_) {
        cert = model::Certificate::fromDetails(
            model::GuaranteeKind::None,
            {{"guarantee", "none: the naive variant's latent dynamics is an unconstrained MLP (the paper's baseline)"},
             {"verified", false}, {"variant", "naive"}, {"latent_radius", R}, {"latent_rollouts", roll}});
        cert.checks = {boundedCheck};
    } else {
        const double alpha = hyper_.at("alpha").get<double>();
        const Eigen::Index samples = hyper_.at("certificate_samples").get<Eigen::Index>();
        const Eigen::MatrixXd X = ballSample(samples);
        const lyap::FieldEvaluator::Result r = evaluator_->evaluate(X);
        Eigen::Index violations = 0, nonPositive = 0;
        double worst = -std::numeric_limits<double>::infinity();
        for (Eigen::Index j = 0; j < samples; ++j) {
            const double v = r.V[j];
            const double dot = r.gradV.col(j).dot(r.f.col(j));
            const double tol = 1e-9 * (1.0 + std::abs(v) + r.gradV.col(j).norm() * r.f.col(j).norm());
            if (!(v > 0.0)) ++nonPositive;
            if (!(dot <= -alpha * v + tol)) ++violations;
            worst = std::max(worst, (dot + alpha * v) / (1.0 + std::abs(v)));
        }
        const bool decrease = violations == 0 && nonPositive == 0;
        const std::string discrete = vSafe()
            ? "generated latents (V-safe Euler steps) satisfy V(z_k) ≤ e^{−αhk}V(z_0) by construction and are checked bounded"
            : "generated latents (plain Euler steps z ← z + h·f(z), not covered by the continuous-time guarantee) are checked bounded";
        json details = {{"guarantee", "latent exponential stability of ż = f(z): V(z) > 0 and V̇ = ∇V(z)ᵀf(z) ≤ −αV(z) for every parameter value "
                                      "(Lyapunov projection, core/lyapunov); " + discrete},
                        {"verified", decrease && bounded},
                        {"variant", "stable"},
                        {"alpha", alpha},
                        {"latent_radius", R},
                        {"decrease", {{"samples", samples}, {"violations", violations}, {"non_positive_V", nonPositive},
                                      {"max_relative_margin", worst}, {"holds", decrease}}},
                        {"latent_rollouts", roll}};
        cert = model::Certificate::fromDetails(model::GuaranteeKind::ExponentialStability, std::move(details));
        cert.decreaseRate = alpha;
        // value: the number of samples where V ≤ 0 or the decrease fails (beyond rounding).
        cert.checks = {{"V > 0 and dV/dt <= -alpha*V on the latent samples", decrease, static_cast<double>(violations + nonPositive), 0.0},
                       boundedCheck};
    }
    certificate_ = cert;
    return cert;
}

// ---- JSON -------------------------------------------------------------------------------------------------

json VaeLatentModel::toJson() const {
    json doc = model::makeEnvelope(kPluginId, kPluginVersion, variant(), hyper_, dims());
    doc["structure"] = {{"frame", {{"channels", geometry_.channels}, {"height", geometry_.height}, {"width", geometry_.width}}},
                        {"image_size", imageSize()},
                        {"latent", latentSize()},
                        {"latent_radius", latentRadius_},
                        {"decoder_final_relu", false},
                        {"trained", !training_.is_null()}};
    model::writeParameters(doc, parameters());
    doc["training"] = training_;
    doc["certificate"] = certificate();
    return doc;
}

std::unique_ptr<VaeLatentModel> VaeLatentModel::fromJson(const json& doc) {
    const std::string src = "model JSON";
    model::checkEnvelope(doc, kPluginId, src);
    const json hyper = model::validateHyperparameters(hyperparameterSchema(), doc["hyperparameters"]);
    const model::ModelDims dims = model::readDims(doc, src);
    if (dims.input != 0 || dims.output != 0) throw Error(src + ": dims", "vae-latent models have no inputs or outputs");
    if (!doc.contains("structure") || !doc["structure"].is_object()) throw Error(src + ": structure", "missing");
    const json& s = doc["structure"];
    FrameGeometry g;
    double radius = 0.0;
    try {
        g.channels = s.at("frame").at("channels").get<Eigen::Index>();
        g.height = s.at("frame").at("height").get<Eigen::Index>();
        g.width = s.at("frame").at("width").get<Eigen::Index>();
        radius = s.at("latent_radius").get<double>();
    } catch (const json::exception& e) {
        throw Error(src + ": structure", std::string("expected frame {channels, height, width} and latent_radius: ") + e.what());
    }
    if (g.channels <= 0 || g.height <= 0 || g.width <= 0 || g.size() != dims.state)
        throw Error(src + ": structure.frame", "does not match dims.state = " + std::to_string(dims.state));
    if (!(radius > 0.0) || !std::isfinite(radius)) throw Error(src + ": structure.latent_radius", "must be a positive number");
    auto m = std::make_unique<VaeLatentModel>(hyper, infoFor(g));
    model::readParameters(doc, m->parameters(), src);
    m->refreshEvaluator();
    m->latentRadius_ = radius;
    m->training_ = doc.value("training", json());
    return m;
}

}  // namespace sd::vae
