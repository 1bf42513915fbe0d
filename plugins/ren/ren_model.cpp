#include "plugins/ren/ren_model.h"

#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/training_bridge.h"
#include "core/nn/adam.h"
#include "plugins/ren/r2dn_check.h"
#include "plugins/ren/r2dn_simulation.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_simulation.h"
#include "plugins/ren/sensitivity.h"

#include <Eigen/Eigenvalues>
#include <cmath>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;
using nlohmann::json;

namespace {

/// Row-major list → rows×cols, or `fallback` when the list is empty.
MatrixXd matrixFromList(const json& list, Index rows, Index cols, const MatrixXd& fallback, const std::string& key) {
    if (list.empty()) return fallback;
    if (static_cast<Index>(list.size()) != rows * cols)
        throw Error("hyperparameter '" + key + "'", "expected " + std::to_string(rows * cols) + " entries (" + std::to_string(rows) + "×" +
                                                     std::to_string(cols) + ", row-major), got " + std::to_string(list.size()));
    MatrixXd m(rows, cols);
    for (Index i = 0; i < rows; ++i)
        for (Index j = 0; j < cols; ++j) m(i, j) = list[static_cast<std::size_t>(i * cols + j)].get<double>();
    return m;
}

nn::ParameterSet deepCopy(const nn::ParameterSet& p) {
    nn::ParameterSet out;
    for (const auto& e : p.entries()) out.add(e.name, Var::parameter(e.var.value()));
    return out;
}

}  // namespace

RenModel::RenModel(json hyper, const data::DatasetInfo& info) : hyper_(std::move(hyper)) {
    const std::string cls = hyper_.at("model_class").get<std::string>();
    if (cls == "lbdn") throw Error("hyperparameter 'model_class'", "lbdn is a feed-forward model (LbdnModel), not a RenModel");
    r2dn_ = cls == "r2dn";
    baseline_ = cls != "ren" && !r2dn_;
    baselineKind_ = cls == "lstm" ? BaselineKind::Lstm : BaselineKind::Rnn;
    const std::string training = hyper_.at("training").get<std::string>();
    mode_ = training == "observer" ? Mode::Observer : training == "echo-state" ? Mode::EchoState : Mode::Simulation;
    nuData_ = info.inputDim;
    nyData_ = info.outputDim;
    nxData_ = info.stateDim;
    if (baseline_ && mode_ != Mode::Simulation)
        throw Error("hyperparameter 'training'", "the " + cls + " baseline supports only simulation training");
    if (r2dn_ && mode_ != Mode::Simulation) throw Error("hyperparameter 'training'", "an R2DN supports only simulation training");
    config_.renClass = renClassFromString(hyper_.at("ren_class").get<std::string>());
    if (mode_ == Mode::Observer) {
        if (nxData_ <= 0) throw Error("dataset '" + info.name + "'", "observer training needs state channels (the REN state is the data state)");
        if (config_.renClass != RenClass::Contracting) throw Error("hyperparameter 'ren_class'", "the observer must be a contracting REN");
        config_.nx = nxData_;
        config_.nu = nuData_ + nyData_;
        config_.ny = 0;
    } else {
        if (nyData_ <= 0) throw Error("dataset '" + info.name + "'", "has no output channels; simulation training fits outputs y");
        config_.nx = hyper_.at("nx").get<Index>();
        config_.nu = nuData_;
        config_.ny = nyData_;
    }
    if (mode_ == Mode::EchoState && config_.renClass != RenClass::Contracting)
        throw Error("hyperparameter 'ren_class'", "echo-state mode fits a free output map, so it needs a contracting REN");
    config_.nv = hyper_.at("nv").get<Index>();
    config_.activation = activationFromString(hyper_.at("activation").get<std::string>());
    config_.alphaBar = hyper_.at("alpha_bar").get<double>();
    config_.epsilon = hyper_.at("epsilon").get<double>();
    config_.polar = hyper_.at("polar").get<bool>();
    config_.acyclic = hyper_.at("equilibrium").get<std::string>() == "acyclic";
    config_.d22Zero = hyper_.at("d22").get<std::string>() == "zero" || mode_ == Mode::Observer;
    config_.d22Free = !config_.d22Zero;
    config_.gamma = hyper_.at("gamma").get<double>();
    config_.passiveNu = hyper_.at("passive_nu").get<double>();
    config_.passiveRho = hyper_.at("passive_rho").get<double>();
    config_.prAlpha = hyper_.at("pr_alpha").get<double>();
    config_.prTol = hyper_.at("pr_tol").get<double>();
    config_.prMaxIter = hyper_.at("pr_max_iter").get<int>();
    if (config_.renClass == RenClass::General) {
        const Index nu = config_.nu, ny = config_.ny;
        config_.Q = matrixFromList(hyper_.at("qsr_Q"), ny, ny, -MatrixXd::Identity(ny, ny), "qsr_Q");
        config_.S = matrixFromList(hyper_.at("qsr_S"), nu, ny, MatrixXd::Zero(nu, ny), "qsr_S");
        config_.R = matrixFromList(hyper_.at("qsr_R"), nu, nu, MatrixXd::Identity(nu, nu), "qsr_R");
    }
    if (!config_.acyclic && config_.activation != RenActivation::ReLU && config_.prAlpha != 1.0)
        throw Error("hyperparameter 'pr_alpha'", "must be 1 unless the activation is relu");
    config_.validate();
    if (r2dn_) validateR2dnConfig(config_);
    inScale_ = data::ChannelScaler::identity(nuData_);
    outScale_ = data::ChannelScaler::identity(nyData_);
    initialise(0);
}

RenModel::RenModel(const RenModel& o)
    : hyper_(o.hyper_), mode_(o.mode_), baseline_(o.baseline_), r2dn_(o.r2dn_), baselineKind_(o.baselineKind_), hidden_(o.hidden_),
      nuData_(o.nuData_), nyData_(o.nyData_), nxData_(o.nxData_), config_(o.config_), params_(deepCopy(o.params_)),
      x0_(Var::parameter(o.x0_.value())), inScale_(o.inScale_), outScale_(o.outScale_), trained_(o.trained_),
      training_(o.training_), sensitivity_(o.sensitivity_) {}

void RenModel::initialise(std::uint64_t seed) {
    Rng rng(seed);
    if (baseline_) {
        hidden_ = hyper_.at("hidden").get<Index>();
        if (hidden_ == 0) {
            Rng tmp(0);
            const Index target = initDirectParameters(config_, tmp, RenInit::Random).totalSize();
            hidden_ = baselineHiddenFor(baselineKind_, nuData_, nyData_, target);
        }
        params_ = initBaseline(baselineKind_, nuData_, hidden_, nyData_, rng);
    } else if (r2dn_) {
        params_ = initR2dnParameters(config_, hyper_.at("r2dn_hidden").get<std::vector<Index>>(), rng);
    } else {
        const RenInit init = mode_ == Mode::EchoState ? RenInit::EchoState : renInitFromString(hyper_.at("init").get<std::string>());
        params_ = initDirectParameters(config_, rng, init);
    }
    x0_ = Var::parameter(MatrixXd::Zero(recurrentStateDim(), 1));
}

std::string RenModel::pluginId() const { return kPluginId; }

std::string RenModel::variant() const {
    if (baseline_) return hyper_.at("model_class").get<std::string>();
    if (r2dn_) return "r2dn-" + toString(config_.renClass);
    std::string v = toString(config_.renClass) + (config_.acyclic ? "-acyclic" : "-full");
    if (mode_ == Mode::Observer) v = "observer-" + v;
    if (mode_ == Mode::EchoState) v = "echo-state-" + v;
    return v;
}

// dims are the DATA channels (docs/methods/ren.md §2): the REN's own state (structure.nx) is internal, so dims.state
// is 0 except in observer mode, where the REN state is the data state.
model::ModelDims RenModel::dims() const {
    return {mode_ == Mode::Observer ? nxData_ : 0, nuData_, nyData_};
}

Index RenModel::recurrentStateDim() const { return baseline_ ? baselineStateDim(baselineKind_, hidden_) : config_.nx; }

ExplicitRen RenModel::explicitModel(ImplicitRen* implicit) const {
    if (baseline_ || r2dn_) throw Error("ren", "explicitModel() is defined for REN models, not " + variant());
    return buildExplicit(config_, params_, implicit);
}

ExplicitR2dn RenModel::explicitR2dn() const {
    if (!r2dn_) throw Error("ren", "explicitR2dn() is defined for R2DN models, not " + variant());
    return buildExplicitR2dn(config_, params_);
}

Var RenModel::simulateStandardised(const Var& x0, const Var& U) const {
    if (baseline_) return simulateBaseline(baselineKind_, params_, x0, U, U.cols()).Y;
    if (r2dn_) return simulateR2dn(config_, explicitR2dn(), x0, U, U.cols()).Y;
    return simulateRen(config_, explicitModel(), x0, U, U.cols()).Y;
}

double RenModel::observedSensitivity(Index length, int iterations, std::uint64_t seed) const {
    SensitivityOptions o;
    o.length = length;
    o.iterations = iterations;
    o.seed = seed;
    if (baseline_) {
        // Parameters are constants here: gradients go to (uᵃ, uᵇ, x₀) only.
        nn::ParameterSet frozen;
        for (const auto& e : params_.entries()) frozen.add(e.name, Var::leaf(e.var.value(), false));
        const BaselineKind kind = baselineKind_;
        return estimateSensitivity([&](const Var& x0, const Var& U) { return simulateBaseline(kind, frozen, x0, U, U.cols()).Y; },
                                   recurrentStateDim(), config_.nu, o).lowerBound;
    }
    if (r2dn_) {
        ExplicitR2dn e;
        {
            ad::NoGradGuard guard;
            e = explicitR2dn();
        }
        return estimateSensitivity([&](const Var& x0, const Var& U) { return simulateR2dn(config_, e, x0, U, U.cols()).Y; },
                                   config_.nx, config_.nu, o).lowerBound;
    }
    ExplicitRen e;
    {
        ad::NoGradGuard guard;
        e = explicitModel();
    }
    return estimateSensitivity([&](const Var& x0, const Var& U) { return simulateRen(config_, e, x0, U, U.cols()).Y; },
                               config_.nx, config_.nu, o).lowerBound;
}

void RenModel::checkData(const data::Dataset& ds) const {
    auto expect = [&](Index got, Index want, const char* what) {
        if (got != want)
            throw Error("dataset '" + ds.name + "'", "has " + std::to_string(got) + " " + what + " channels, the model expects " + std::to_string(want));
    };
    expect(ds.inputDim(), nuData_, "input");
    expect(ds.outputDim(), nyData_, "output");
    if (mode_ == Mode::Observer) expect(ds.stateDim(), nxData_, "state");
    for (const auto& tr : ds.trajectories) {
        const Index K = tr.samples();
        if ((nuData_ > 0 && (tr.u.rows() != nuData_ || tr.u.cols() != K)) || (nyData_ > 0 && (tr.y.rows() != nyData_ || tr.y.cols() != K)) ||
            (mode_ == Mode::Observer && (tr.x.rows() != nxData_ || tr.x.cols() != K)))
            throw Error("trajectory '" + tr.id + "'", "channel counts or sample counts do not match the model (" + std::to_string(nuData_) +
                                                         " inputs, " + std::to_string(nyData_) + " outputs)");
    }
}

MatrixXd RenModel::rennInputs(const data::Trajectory& tr, const std::string& where) const {
    const Index K = tr.samples();
    if (nuData_ > 0 && (tr.u.rows() != nuData_ || tr.u.cols() != K))
        throw Error(where, "expected " + std::to_string(nuData_) + " input channels with " + std::to_string(K) + " samples");
    const MatrixXd u = nuData_ > 0 ? inScale_.apply(tr.u) : MatrixXd(0, K);
    if (mode_ != Mode::Observer) return u;
    if (tr.y.rows() != nyData_ || tr.y.cols() != K)
        throw Error(where, "the observer needs " + std::to_string(nyData_) + " measured output channels");
    MatrixXd out(config_.nu, K);
    out << u, outScale_.apply(tr.y);
    return out;
}

MatrixXd RenModel::initialStateFor(const MatrixXd& U, const MatrixXd* Y) const {
    const Index n = recurrentStateDim();
    const std::string kind = hyper_.at("initial_state").get<std::string>();
    if (kind == "learned") return x0_.value();
    if (kind == "zero" || !Y || Y->cols() == 0 || n == 0 || mode_ == Mode::Observer) return MatrixXd::Zero(n, 1);
    // Estimated: x₀ minimising the output error over the leading samples (parameters held constant).
    const Index m = std::min<Index>(hyper_.at("estimation_samples").get<Index>(), Y->cols());
    const int steps = hyper_.at("estimation_steps").get<int>();
    const Var Ulead = Var::constant(U.leftCols(m));
    const Var Ylead = Var::constant(Y->leftCols(m));
    ExplicitRen e;
    ExplicitR2dn er;
    nn::ParameterSet frozen;
    if (baseline_) {
        for (const auto& en : params_.entries()) frozen.add(en.name, Var::leaf(en.var.value(), false));
    } else if (r2dn_) {
        ad::NoGradGuard guard;
        er = explicitR2dn();
    } else {
        ad::NoGradGuard guard;
        e = explicitModel();
    }
    const Var x0 = Var::parameter(MatrixXd::Zero(n, 1));
    nn::AdamOptions ao;
    ao.learningRate = 0.05;
    nn::Adam adam({x0}, ao);
    for (int s = 0; s < steps; ++s) {
        const Var Yhat = baseline_ ? simulateBaseline(baselineKind_, frozen, x0, Ulead, m).Y
                         : r2dn_   ? simulateR2dn(config_, er, x0, Ulead, m).Y
                                   : simulateRen(config_, e, x0, Ulead, m).Y;
        const Var loss = ad::mseLoss(Yhat, Ylead);
        if (!std::isfinite(loss.item())) break;
        x0.mutableGrad() = ad::grad(loss, x0).value();
        adam.step();
    }
    return x0.value().allFinite() ? x0.value() : MatrixXd::Zero(n, 1);
}

model::Prediction RenModel::predict(const data::Trajectory& tr) const {
    const std::string where = "trajectory '" + tr.id + "'";
    const MatrixXd U = rennInputs(tr, where);
    const Index K = U.cols();
    model::Prediction p;
    if (mode_ == Mode::Observer) {
        ad::NoGradGuard guard;
        const RenRollout r = simulateRen(config_, explicitModel(), Var::constant(MatrixXd::Zero(config_.nx, 1)), Var::constant(U), K, true);
        p.x = r.states;
        p.y.resize(0, K);
    } else {
        MatrixXd Y;
        const bool haveY = tr.y.rows() == nyData_ && tr.y.cols() == K;
        if (haveY) Y = outScale_.apply(tr.y);
        // Before the no-grad scope: the estimated x₀ is fitted by gradient steps (docs/methods/ren.md §6.2); under a
        // NoGradGuard its gradient would be zero and x₀ would silently stay 0.
        const MatrixXd x0 = initialStateFor(U, haveY ? &Y : nullptr);
        ad::NoGradGuard guard;
        p.y = outScale_.invert(simulateStandardised(Var::constant(x0), Var::constant(U)).value());
        p.x.resize(0, K);
    }
    const MatrixXd& out = mode_ == Mode::Observer ? p.x : p.y;
    for (Index k = 0; k < out.cols(); ++k)
        if (!out.col(k).allFinite() || out.col(k).norm() > 1e6) {
            p.diverged = true;
            p.divergenceTime = tr.t.size() > k ? tr.t[k] : double(k);
            break;
        }
    return p;
}

model::Certificate RenModel::certify() const {
    json cert;
    cert["variant"] = variant();
    cert["discrete_time"] = true;
    // A measurement made after training and stored with the model: certify() does not repeat it (it is a
    // gradient-ascent search, docs/methods/ren.md §9.3), so it is labelled as such and never enters `verified`.
    if (sensitivity_.is_object()) {
        cert["observed_sensitivity"] = sensitivity_;
        cert["observed_sensitivity"]["status"] = "stored, not verified: measured after training, not re-measured by certify";
    }
    const double observed = sensitivity_.is_object() && sensitivity_.contains("observed") && sensitivity_["observed"].is_number()
                                ? sensitivity_["observed"].get<double>()
                                : std::numeric_limits<double>::quiet_NaN();
    if (baseline_) {
        cert["guarantee"] = "none: unconstrained " + hyper_.at("model_class").get<std::string>() + " baseline";
        cert["verified"] = false;
        cert["parameter_count"] = params_.totalSize();
        model::Certificate c = model::Certificate::fromDetails(model::GuaranteeKind::None, std::move(cert), "ren certificate");
        c.observedSensitivity = observed;
        return c;
    }
    if (r2dn_) {
        const bool scaled = !inScale_.empty() && !outScale_.empty() && nuData_ > 0;
        model::Certificate c = certifyR2dn(config_, params_, std::move(cert),
                                           scaled ? outScale_.scale.maxCoeff() / inScale_.scale.minCoeff() : model::Certificate::kNaN);
        c.observedSensitivity = observed;
        return c;
    }
    ad::NoGradGuard guard;
    ImplicitRen im;
    const ExplicitRen e = explicitModel(&im);
    const LmiReport lmi = checkLmi(config_, im, e);
    const ContractionReport con = checkContractionBySimulation(config_, e, 300, 20240521);
    std::string g;
    model::GuaranteeKind kind = model::GuaranteeKind::Contraction;
    switch (config_.renClass) {
        case RenClass::Contracting:
            g = "contracting (rate ≤ " + std::to_string(config_.alphaBar) + "): any two state trajectories under the same input converge";
            break;
        case RenClass::Lipschitz:
            kind = model::GuaranteeKind::Lipschitz;
            g = "contracting and Lipschitz: ‖Δy‖ ≤ γ‖Δu‖ (standardised signals) with γ = " + std::to_string(config_.gamma);
            cert["gamma"] = config_.gamma;
            if (!inScale_.empty() && !outScale_.empty() && nuData_ > 0)
                cert["gamma_data_units"] = config_.gamma * outScale_.scale.maxCoeff() / inScale_.scale.minCoeff();
            break;
        case RenClass::General:
            kind = model::GuaranteeKind::IncrementalDissipativity;
            g = "contracting and incrementally (Q, S, R)-dissipative";
            break;
        case RenClass::Passive:
            kind = model::GuaranteeKind::IncrementalPassivity;
            g = "contracting and incrementally passive (ν = " + std::to_string(config_.passiveNu) + ", ρ = " + std::to_string(config_.passiveRho) + ")";
            break;
    }
    if (mode_ == Mode::Observer) g += "; as an observer, estimates from any two initial guesses converge";
    cert["guarantee"] = g;
    cert["verified"] = lmi.ok();
    cert["lmi"] = lmi.toJson();
    cert["contraction_simulation"] = con.toJson();
    cert["contraction_simulation"]["distance_ratio"] = con.initialDistance > 0 ? con.finalDistance / con.initialDistance : 0.0;
    std::vector<std::complex<double>> eigenvalues;
    if (config_.nx > 0) {
        Eigen::EigenSolver<MatrixXd> es(e.A.value(), false);
        json eig = json::array();
        double radius = 0.0;
        for (Index i = 0; i < es.eigenvalues().size(); ++i) {
            eigenvalues.push_back(es.eigenvalues()[i]);
            eig.push_back({es.eigenvalues()[i].real(), es.eigenvalues()[i].imag()});
            radius = std::max(radius, std::abs(es.eigenvalues()[i]));
        }
        cert["discrete_eigenvalues_A"] = eig;
        cert["spectral_radius_A"] = radius;
    }
    cert["parameter_count"] = params_.totalSize();
    if (e.stats) cert["splitting_failures"] = e.stats->failures;
    model::Certificate c = model::Certificate::fromDetails(kind, std::move(cert), "ren certificate");
    c.checks = lmi.checks();
    c.eigenvalues = std::move(eigenvalues);
    c.discreteTime = true;
    if (kind == model::GuaranteeKind::Lipschitz) c.lipschitzBound = config_.gamma;
    c.observedSensitivity = observed;
    return c;
}

json RenModel::toJson() const {
    json doc = model::makeEnvelope(kPluginId, kPluginVersion, variant(), hyper_, dims());
    doc["structure"] = {{"model_class", hyper_.at("model_class")}, {"trained", trained_}, {"nx", config_.nx}, {"nv", config_.nv},
                        {"nu", config_.nu}, {"ny", config_.ny}, {"hidden", hidden_}, {"recurrent_state", recurrentStateDim()}};
    model::writeParameters(doc, params_);
    json& p = doc["parameters"];
    p["x0"] = model::encodeMatrix(x0_.value());
    doc["normalisation"] = {{"input", inScale_.toJson()}, {"output", outScale_.toJson()}};
    doc["sensitivity"] = sensitivity_;
    doc["training"] = training_;
    doc["certificate"] = certificate();
    return doc;
}

std::unique_ptr<RenModel> RenModel::fromJson(const json& doc) {
    const std::string src = "model JSON";
    model::checkEnvelope(doc, kPluginId, src);
    const json hyper = model::validateHyperparameters(hyperparameterSchema(), doc["hyperparameters"]);
    const model::ModelDims dims = model::readDims(doc, src);
    data::DatasetInfo info;
    info.name = "model JSON";
    info.stateDim = dims.state;
    info.inputDim = dims.input;
    info.outputDim = dims.output;
    if (hyper.at("model_class") == "ren") {
        // The sizes the hyperparameters imply are checked against the file's X before the model is built:
        // a file claiming nx = nv = 4000 would otherwise initialise a 12000² REN first (docs/methods/ren.md §2).
        const Index nx = hyper.at("training") == "observer" ? dims.state : hyper.at("nx").get<Index>();
        const Index side = 2 * nx + hyper.at("nv").get<Index>();
        model::readParameter(doc, "X", side, side, src);
    } else if (hyper.at("model_class") == "r2dn") {
        // The same check for the R2DN's X and its network's layers (docs/methods/ren.md §13.3).
        const Index nx = hyper.at("nx").get<Index>(), nv = hyper.at("nv").get<Index>();
        model::readParameter(doc, "X", 2 * nx, 2 * nx, src);
        Index width = nv;
        const auto hidden = hyper.at("r2dn_hidden").get<std::vector<Index>>();
        for (std::size_t k = 0; k < hidden.size(); ++k) {
            model::readParameter(doc, "net.layer" + std::to_string(k) + ".XY", width + hidden[k], hidden[k], src);
            width = hidden[k];
        }
    }
    auto m = std::make_unique<RenModel>(hyper, info);
    if (!doc.contains("parameters") || !doc["parameters"].is_object()) throw Error(src + ": parameters", "missing or not an object");
    for (const auto& e : m->params_.entries())
        m->params_.set(e.name, model::readParameter(doc, e.name, e.var.rows(), e.var.cols(), src));
    m->x0_.mutableValue() = model::readParameter(doc, "x0", m->recurrentStateDim(), 1, src);
    if (!doc.contains("normalisation") || !doc["normalisation"].is_object()) throw Error(src + ": normalisation", "missing or not an object");
    m->inScale_ = data::ChannelScaler::fromJson(doc["normalisation"].value("input", json()), src + ": normalisation.input");
    m->outScale_ = data::ChannelScaler::fromJson(doc["normalisation"].value("output", json()), src + ": normalisation.output");
    if (m->inScale_.offset.size() != dims.input || m->outScale_.offset.size() != dims.output)
        throw Error(src + ": normalisation", "channel counts differ from dims");
    m->trained_ = doc.contains("structure") && doc["structure"].value("trained", false);
    m->training_ = doc.value("training", json());
    m->sensitivity_ = doc.value("sensitivity", json());
    if (!m->sensitivity_.is_null()) {
        const json& sv = m->sensitivity_;
        if (!sv.is_object() || !sv.contains("observed") ||
            !(sv["observed"].is_null() || (sv["observed"].is_number() && sv["observed"].get<double>() >= 0.0)))
            throw Error(src + ": sensitivity", "expected null or an object with \"observed\" a non-negative number or null");
    }
    return m;
}

}  // namespace sd::ren
