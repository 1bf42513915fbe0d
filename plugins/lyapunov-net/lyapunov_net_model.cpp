#include "plugins/lyapunov-net/lyapunov_net_model.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/nn_training.h"
#include "core/model/training_bridge.h"
#include "core/nn/minibatch.h"
#include "core/nn/trainer.h"
#include "core/ode/dopri5.h"
#include "plugins/lyapunov-net/known_v_certificate.h"
#include "plugins/lyapunov-net/lyapunov_hyperparameters.h"
#include "plugins/lyapunov-net/stability_certificate.h"
#include "plugins/lyapunov-net/training_pairs.h"

#include <cmath>

namespace sd::lyapnet {

using nlohmann::json;

namespace {

std::vector<Eigen::Index> widths(const json& j) { return j.get<std::vector<Eigen::Index>>(); }

lyap::StableDynamicsOptions stableOptions(const json& h) {
    lyap::StableDynamicsOptions o;
    o.fhatHidden = widths(h.at("fhat_hidden"));
    o.activation = nn::Activation::fromName(h.at("activation").get<std::string>());
    o.fhatCenter = h.at("fhat_center").get<bool>();
    o.alpha = h.at("alpha").get<double>();
    o.projDenominatorEps = h.at("proj_denominator_eps").get<double>();
    lyap::LyapunovOptions& v = o.lyapunov;
    v.hidden = widths(h.at("v_hidden"));
    v.innerRehuD = h.at("inner_rehu_d").get<double>();
    v.outerRehuD = h.at("outer_rehu_d").get<double>();
    v.eps = h.at("eps").get<double>();
    v.g0Mode = h.at("g0_mode").get<std::string>() == "recompute" ? lyap::G0Mode::Recompute : lyap::G0Mode::FrozenAtInit;
    v.warp = h.at("warp").get<std::string>() == "residual";
    v.warpHidden = h.at("warp_hidden").get<Eigen::Index>();
    v.warpLipschitz = h.at("warp_lipschitz").get<double>();
    return o;
}

KnownLyapunov knownLyapunov(const json& h, Eigen::Index n) {
    if (h.at("known_v").get<std::string>() == "pendulum_energy") return KnownLyapunov::pendulumEnergy(n);
    const auto entries = h.at("known_v_P").get<std::vector<double>>();
    if (entries.empty()) return KnownLyapunov::quadratic(Eigen::MatrixXd::Identity(n, n));
    if (static_cast<Eigen::Index>(entries.size()) != n * n)
        throw Error("lyapunov-net: known_v_P", "needs " + std::to_string(n * n) + " entries (n×n row-major, n = " +
                                                   std::to_string(n) + "), got " + std::to_string(entries.size()));
    return KnownLyapunov::quadratic(Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        entries.data(), n, n));
}

double meanSquaredError(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    return (a - b).squaredNorm() / static_cast<double>(std::max<Eigen::Index>(1, a.size()));
}

}  // namespace

LyapunovNetModel::LyapunovNetModel(json hyper, const data::DatasetInfo& info) : hyper_(std::move(hyper)), n_(info.stateDim) {
    if (n_ <= 0) throw Error("dataset '" + info.name + "'", "has no state channels; lyapunov-net learns ẋ = f(x) on states");
    if (info.inputDim > 0)
        throw Error("dataset '" + info.name + "'", "has " + std::to_string(info.inputDim) +
                                                       " input channels; lyapunov-net models autonomous systems ẋ = f(x) only");
    Rng rng(hyper_.at("init_seed").get<std::uint64_t>());
    if (variant() == "stable") {
        stable_.emplace(n_, stableOptions(hyper_), rng);
    } else if (variant() == "known_v") {
        known_.emplace(n_, stableOptions(hyper_), knownLyapunov(hyper_, n_), rng);
    } else {
        std::vector<Eigen::Index> sizes{n_};
        for (Eigen::Index w : widths(hyper_.at("simple_hidden"))) sizes.push_back(w);
        sizes.push_back(n_);
        simple_.emplace(sizes, nn::Activation::fromName(hyper_.at("activation").get<std::string>()), rng);
    }
    lo_ = Eigen::VectorXd::Constant(n_, -1.0);
    hi_ = Eigen::VectorXd::Constant(n_, 1.0);
    refreshEvaluator();
}

void LyapunovNetModel::refreshEvaluator() {
    if (stable_) evaluator_.emplace(*stable_);
}

LyapunovNetModel::LyapunovNetModel(const LyapunovNetModel& other)
    : LyapunovNetModel(other.hyper_, [&] {
          data::DatasetInfo info;
          info.stateDim = other.n_;
          return info;
      }()) {
    // Fresh leaves (drawn above), then the other model's values: an independent deep copy.
    parameters().restore(other.parameters().snapshot());
    if (stable_) stable_->lyapunov().setFrozenOffset(other.stable_->lyapunov().frozenOffset());
    refreshEvaluator();
    lo_ = other.lo_;
    hi_ = other.hi_;
    training_ = other.training_;
    certificate_ = other.certificate_;
}

std::string LyapunovNetModel::pluginId() const { return kPluginId; }

nn::ParameterSet LyapunovNetModel::parameters() const {
    if (stable_) return stable_->parameters();
    if (known_) return known_->parameters();
    nn::ParameterSet p;
    p.append("mlp", simple_->parameters());
    return p;
}

ad::Var LyapunovNetModel::forward(const ad::Var& x) const {
    if (known_) return known_->evaluate(x).f;
    return stable_ ? stable_->evaluate(x).f : (*simple_)(x);
}

model::TrainSummary LyapunovNetModel::train(const data::Dataset& ds, const model::TrainRequest& request,
                                            const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) {
    if (ds.stateDim() != n_)
        throw Error("dataset '" + ds.name + "'", "has " + std::to_string(ds.stateDim()) + " state channels, the model expects " +
                                                     std::to_string(n_));
    if (ds.inputDim() != 0)
        throw Error("dataset '" + ds.name + "'", "has inputs; lyapunov-net models autonomous systems only");
    const std::string mode = hyper_.at("derivatives").get<std::string>();
    TrainingPairs train;
    std::optional<TrainingPairs> validation;
    bool started = false;
    const model::TrainSummary summary = model::runNnTraining(ds, request, hyper_, onEpoch, cancel, [&](const model::TrainingSets& sets) {
        started = true;
        train = collectTrainingPairs(sets.train, n_, mode);
        if (train.X.cols() == 0) throw Error("dataset '" + ds.name + "'", "has no training samples");
        if (!sets.validation.empty()) validation = collectTrainingPairs(sets.validation, n_, mode);
        if (validation && validation->X.cols() == 0) validation.reset();

        model::NnTrainingProblem p;
        p.parameters = parameters().vars();
        p.problem.sampleCount = train.X.cols();
        p.problem.batchLoss = [&](std::span<const Eigen::Index> idx, int) {
            const ad::Var x = ad::Var::constant(nn::gatherColumns(train.X, idx));
            const ad::Var y = ad::Var::constant(nn::gatherColumns(train.Xdot, idx));
            return ad::mseLoss(forward(x), y);
        };
        // The cached evaluator is stale while training: evaluate validation with a fresh snapshot.
        auto currentField = [this](const Eigen::MatrixXd& X) -> Eigen::MatrixXd {
            if (stable_) return lyap::FieldEvaluator(*stable_).field(X);
            if (known_) return known_->evaluate(X).f;
            ad::NoGradGuard noGrad;
            return (*simple_)(ad::Var::constant(X)).value();
        };
        if (validation) p.problem.validationLoss = [&, currentField] { return meanSquaredError(currentField(validation->X), validation->Xdot); };
        // epochs = 0 keeps the random initial model (paper Fig. 3).
        p.untrainedLoss = [&] { return meanSquaredError(field(train.X, {}), train.Xdot); };
        return p;
    }, training_);
    if (!started) return summary;   // cancelled before the start: the model is unchanged

    // Region of interest of the certificate: the training states' box, extended to contain the origin.
    lo_ = train.X.rowwise().minCoeff().cwiseMin(0.0);
    hi_ = train.X.rowwise().maxCoeff().cwiseMax(0.0);
    for (Eigen::Index r = 0; r < n_; ++r)
        if (!(hi_[r] > lo_[r])) { lo_[r] -= 1.0; hi_[r] += 1.0; }
    refreshEvaluator();
    certificate_.reset();
    return summary;
}

Eigen::MatrixXd LyapunovNetModel::field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const {
    if (X.rows() != n_)
        throw Error(std::string(kPluginId) + " field", "states have " + std::to_string(X.rows()) + " rows, expected " + std::to_string(n_));
    if (U.rows() != 0) throw Error(std::string(kPluginId) + " field", "the model is autonomous; inputs must have 0 rows");
    if (evaluator_) return evaluator_->field(X);
    if (known_) return known_->evaluate(X).f;
    ad::NoGradGuard noGrad;
    return forward(ad::Var::constant(X)).value();
}

Eigen::MatrixXd LyapunovNetModel::nominalField(const Eigen::MatrixXd& X) const {
    requireLyapunov("evaluate f̂ of");
    if (X.rows() != n_) throw Error(std::string(kPluginId) + " nominal field", "states must have " + std::to_string(n_) + " rows");
    return known_ ? known_->evaluate(X).fhat : evaluator_->evaluate(X).fhat;
}

model::Prediction LyapunovNetModel::predict(const data::Trajectory& tr) const {
    if (tr.x.rows() != n_ || tr.x.cols() == 0)
        throw Error("trajectory '" + tr.id + "'", "prediction needs an initial state of dimension " + std::to_string(n_));
    model::Prediction p;
    if (tr.t.size() == 0) {  // unordered pairs: no time axis to integrate along
        p.x = tr.x;
        return p;
    }
    ode::Dopri5Options opt;
    opt.rtol = hyper_.at("rtol").get<double>();
    opt.atol = hyper_.at("atol").get<double>();
    opt.guard.normBound = hyper_.at("divergence_bound").get<double>();
    // The projected field is discontinuous at 0 (docs/methods/stable-dynamics.md §5.2): the adaptive step
    // chatters there. The invariant rest set ends the run first (docs/methods/lyapunov-net.md §10); the
    // step limit is the last resort and is reported as a stall.
    opt.guard.maxSteps = 2'000'000;
    if (const double level = restLevel(); level > 0.0)
        opt.guard.atRest = [this, level](const Eigen::VectorXd& x) { return lyapunov(x)[0] <= level; };
    const ode::Field f = [this](double, const Eigen::VectorXd& x, const Eigen::VectorXd&) {
        return Eigen::VectorXd(field(x, Eigen::MatrixXd(0, 1)));
    };
    const ode::Solution sol = ode::integrateDopri5(f, tr.x.col(0), tr.t, ode::InputSignal(), opt);
    p.x = sol.x;
    p.setEnd(sol.status);
    return p;
}

double LyapunovNetModel::restLevel() const {
    const double r = hyper_.at("rest_radius").get<double>();
    if (!hasLyapunov() || !(r > 0.0)) return 0.0;
    // With ε > 0 the projection under-corrects, so {V ≤ c} need not be invariant.
    if (hyper_.at("proj_denominator_eps").get<double>() > 0.0) return 0.0;
    const double w = known_ ? known_->lyapunov().quadraticLowerBound() : stable_->options().lyapunov.eps;
    return w > 0.0 ? w * r * r : 0.0;
}

void LyapunovNetModel::requireLyapunov(const char* what) const {
    if (!hasLyapunov()) throw Error(std::string(kPluginId) + " (" + variant() + ")", std::string("cannot ") + what + " a model without a Lyapunov function (variant 'simple')");
}

Eigen::RowVectorXd LyapunovNetModel::lyapunov(const Eigen::MatrixXd& X) const {
    requireLyapunov("evaluate V of");
    if (X.rows() != n_) throw Error(std::string(kPluginId) + " V", "states must have " + std::to_string(n_) + " rows");
    return known_ ? known_->lyapunov().evaluate(X) : evaluator_->lyapunov(X);
}

Eigen::MatrixXd LyapunovNetModel::lyapunovGradient(const Eigen::MatrixXd& X) const {
    requireLyapunov("evaluate ∇V of");
    if (X.rows() != n_) throw Error(std::string(kPluginId) + " ∇V", "states must have " + std::to_string(n_) + " rows");
    Eigen::MatrixXd G;
    if (known_) known_->lyapunov().evaluate(X, &G);
    else evaluator_->lyapunov(X, &G);
    return G;
}

double LyapunovNetModel::lyapunovDecreaseRate() const {
    if (known_) return known_->options().alpha;
    return stable_ ? stable_->options().alpha : 0.0;
}

CertificateOptions LyapunovNetModel::certificateOptions() const {
    CertificateOptions o;
    o.lo = lo_;
    o.hi = hi_;
    o.samples = hyper_.at("certificate_samples").get<Eigen::Index>();
    o.trajectories = hyper_.at("certificate_trajectories").get<Eigen::Index>();
    o.horizon = hyper_.at("certificate_horizon").get<double>();
    o.restLevel = restLevel();
    return o;
}

model::Certificate LyapunovNetModel::certify() const {
    if (known_) {
        if (!certificate_) {
            json details = certifyKnownV(*known_, certificateOptions());
            details["variant"] = "known_v";
            // A quadratic V is a global Lyapunov function; the pendulum energy only a local one (known_v_certificate.h).
            const auto kind = known_->lyapunov().kind() == KnownLyapunov::Kind::Quadratic ? model::GuaranteeKind::ExponentialStability
                                                                                          : model::GuaranteeKind::LocalStability;
            certificate_ = model::Certificate::fromDetails(kind, std::move(details), std::string(kPluginId) + " certificate");
            // decreaseRate belongs to ExponentialStability only (core/model/certificate.h); α stays in the details.
            if (kind == model::GuaranteeKind::ExponentialStability) certificate_->decreaseRate = known_->options().alpha;
        }
        return *certificate_;
    }
    if (!stable_)
        return model::Certificate::fromDetails(
            model::GuaranteeKind::None, {{"guarantee", "none: the simple variant is an unconstrained MLP (the paper's baseline)"},
                                         {"verified", false}, {"variant", "simple"}});
    if (!certificate_) {
        json details = certifyStability(*stable_, certificateOptions());
        details["variant"] = "stable";
        certificate_ = model::Certificate::fromDetails(model::GuaranteeKind::ExponentialStability, std::move(details),
                                                       std::string(kPluginId) + " certificate");
        certificate_->decreaseRate = stable_->options().alpha;
    }
    return *certificate_;
}

json LyapunovNetModel::toJson() const {
    json doc = model::makeEnvelope(kPluginId, kPluginVersion, variant(), hyper_, dims());
    std::vector<double> lo(lo_.data(), lo_.data() + n_), hi(hi_.data(), hi_.data() + n_);
    doc["structure"] = {{"region", {{"lo", lo}, {"hi", hi}}}, {"trained", !training_.is_null()}};
    model::writeParameters(doc, parameters());
    json& p = doc["parameters"];
    if (stable_ && stable_->options().lyapunov.g0Mode == lyap::G0Mode::FrozenAtInit)
        p["V.zero"] = model::encodeMatrix(Eigen::MatrixXd::Constant(1, 1, stable_->lyapunov().frozenOffset()));
    doc["training"] = training_;
    doc["certificate"] = certificate();
    return doc;
}

std::unique_ptr<LyapunovNetModel> LyapunovNetModel::fromJson(const json& doc) {
    const std::string src = "model JSON";
    model::checkEnvelope(doc, kPluginId, src);
    const json hyper = model::validateHyperparameters(hyperparameterSchema(), doc["hyperparameters"]);
    const model::ModelDims dims = model::readDims(doc, src);
    if (dims.input != 0) throw Error(src + ": dims.input", "lyapunov-net models are autonomous (expected 0)");
    data::DatasetInfo info;
    info.stateDim = dims.state;
    auto m = std::make_unique<LyapunovNetModel>(hyper, info);
    model::readParameters(doc, m->parameters(), src);
    if (m->stable_ && m->stable_->options().lyapunov.g0Mode == lyap::G0Mode::FrozenAtInit)
        m->stable_->lyapunov().setFrozenOffset(model::readParameter(doc, "V.zero", 1, 1, src)(0, 0));
    m->refreshEvaluator();
    if (doc.contains("structure") && doc["structure"].contains("region")) {
        const json& r = doc["structure"]["region"];
        try {
            const auto lo = r.at("lo").get<std::vector<double>>(), hi = r.at("hi").get<std::vector<double>>();
            if (static_cast<Eigen::Index>(lo.size()) != dims.state || static_cast<Eigen::Index>(hi.size()) != dims.state)
                throw Error(src + ": structure.region", "lo and hi need " + std::to_string(dims.state) + " entries");
            m->lo_ = Eigen::Map<const Eigen::VectorXd>(lo.data(), dims.state);
            m->hi_ = Eigen::Map<const Eigen::VectorXd>(hi.data(), dims.state);
        } catch (const json::exception& e) {
            throw Error(src + ": structure.region", std::string("expected {\"lo\": [numbers], \"hi\": [numbers]}: ") + e.what());
        }
        if (!((m->hi_ - m->lo_).array() > 0.0).all()) throw Error(src + ": structure.region", "needs lo < hi in every dimension");
    }
    m->training_ = doc.value("training", json());
    return m;
}

}  // namespace sd::lyapnet
