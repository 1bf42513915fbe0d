#include "plugins/ren/lbdn_model.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/common/json_number.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/nn_training.h"
#include "core/model/training_bridge.h"
#include "core/nn/adam.h"
#include "core/nn/lr_schedule.h"
#include "core/nn/minibatch.h"
#include "core/nn/trainer.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/standardisation.h"

#include <Eigen/SVD>

namespace sd::ren {

using ad::Var;
using Eigen::Index;
using Eigen::MatrixXd;
using nlohmann::json;

namespace {

Lbdn makeNetwork(const json& h, Index nIn, Index nOut, std::uint64_t seed) {
    Rng rng(seed);
    return Lbdn(nIn, h.at("lbdn_hidden").get<std::vector<Index>>(), nOut, h.at("lbdn_gamma").get<double>(),
                activationFromString(h.at("activation").get<std::string>()), rng);
}

// Samples of the certificate (standardised input space): fixed seed, so certify() is deterministic.
constexpr std::uint64_t kCertificateSeed = 20230601;
constexpr Index kCertificatePairs = 2000;
constexpr Index kCertificateJacobians = 200;
constexpr double kRelativeTolerance = 1e-9;

}  // namespace

MatrixXd stackWindow(const MatrixXd& U, Index window) {
    const Index nu = U.rows(), K = U.cols();
    MatrixXd W = MatrixXd::Zero(nu * window, K);
    for (Index j = 0; j < window; ++j)
        if (K > j) W.block(j * nu, j, nu, K - j) = U.leftCols(K - j);
    return W;
}

LbdnModel::LbdnModel(json hyper, const data::DatasetInfo& info)
    : hyper_(std::move(hyper)), nu_(info.inputDim), ny_(info.outputDim), window_(hyper_.at("lbdn_window").get<Index>()),
      net_(makeNetwork(hyper_, std::max<Index>(1, info.inputDim) * window_, std::max<Index>(1, info.outputDim), 0)) {
    if (nu_ <= 0) throw Error("dataset '" + info.name + "'", "has no input channels; an LBDN maps inputs u to outputs y");
    if (ny_ <= 0) throw Error("dataset '" + info.name + "'", "has no output channels; an LBDN maps inputs u to outputs y");
    inScale_ = data::ChannelScaler::identity(nu_);
    outScale_ = data::ChannelScaler::identity(ny_);
}

LbdnModel::LbdnModel(const LbdnModel& o)
    : hyper_(o.hyper_), nu_(o.nu_), ny_(o.ny_), window_(o.window_), net_(o.net_.clone()), inScale_(o.inScale_),
      outScale_(o.outScale_), trained_(o.trained_), training_(o.training_) {}

void LbdnModel::initialise(std::uint64_t seed) { net_ = makeNetwork(hyper_, nu_ * window_, ny_, seed); }

std::string LbdnModel::pluginId() const { return kPluginId; }

MatrixXd LbdnModel::windowedInputs(const MatrixXd& u) const { return stackWindow(inScale_.apply(u), window_); }

model::TrainSummary LbdnModel::train(const data::Dataset& ds, const model::TrainRequest& request,
                                     const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) {
    if (ds.inputDim() != nu_ || ds.outputDim() != ny_)
        throw Error("dataset '" + ds.name + "'", "has " + std::to_string(ds.inputDim()) + " inputs and " + std::to_string(ds.outputDim()) +
                                                     " outputs, the model expects " + std::to_string(nu_) + " and " + std::to_string(ny_));
    for (const auto& tr : ds.trajectories) {
        const Index K = tr.samples();
        if (tr.u.rows() != nu_ || tr.u.cols() != K || tr.y.rows() != ny_ || tr.y.cols() != K)
            throw Error("trajectory '" + tr.id + "'", "channel counts or sample counts do not match the model");
    }
    MatrixXd W, Y, Wv, Yv;
    const double lr = hyper_.at("lr").get<double>();
    const nn::StepDecayLr decay(lr, hyper_.at("lr_decay").get<double>(), hyper_.at("lr_decay_epochs").get<int>(), hyper_.at("lr_min").get<double>());
    bool started = false;
    const model::TrainSummary summary = model::runNnTraining(ds, request, hyper_, onEpoch, cancel, [&](const model::TrainingSets& sets) {
        started = true;
        // Standardisation statistics, as for the REN (docs/methods/ren.md §6.1).
        Standardisation st = fitStandardisation(hyper_, ds, sets.train, nu_, ny_);
        inScale_ = std::move(st.inputs);
        outScale_ = std::move(st.outputs);
        initialise(request.seed);

        auto pairsOf = [&](const std::vector<const data::Trajectory*>& set, Index skip, MatrixXd& Wo, MatrixXd& Yo) {
            Index total = 0;
            for (const auto* tr : set) total += std::max<Index>(0, tr->u.cols() - skip);
            Wo.resize(nu_ * window_, total);
            Yo.resize(ny_, total);
            Index c = 0;
            for (const auto* tr : set) {
                const Index K = tr->u.cols(), k = std::max<Index>(0, K - skip);
                if (k == 0) continue;
                Wo.middleCols(c, k) = windowedInputs(tr->u).rightCols(k);
                Yo.middleCols(c, k) = outScale_.apply(tr->y).rightCols(k);
                c += k;
            }
        };
        pairsOf(sets.train, 0, W, Y);
        if (W.cols() == 0) throw Error("dataset '" + ds.name + "'", "has no training samples");
        pairsOf(sets.validation, hyper_.at("washout").get<Index>(), Wv, Yv);

        model::NnTrainingProblem p;
        p.parameters = net_.parameters().vars();
        p.batchSize = hyper_.at("lbdn_batch_size").get<Index>();
        p.clipValue = hyper_.at("clip_value").get<double>();
        p.schedule = &decay;
        p.problem.sampleCount = W.cols();
        p.problem.batchLoss = [&](std::span<const Index> idx, int) {
            return ad::mseLoss(net_(Var::constant(nn::gatherColumns(W, idx))), Var::constant(nn::gatherColumns(Y, idx)));
        };
        if (Wv.cols() > 0)
            p.problem.validationLoss = [&] { return (net_.evaluate(Wv) - Yv).squaredNorm() / static_cast<double>(Yv.size()); };
        return p;
    }, training_);
    if (started) trained_ = true;
    return summary;
}

model::Prediction LbdnModel::predict(const data::Trajectory& tr) const {
    const Index K = tr.samples();
    if (tr.u.rows() != nu_ || tr.u.cols() != K)
        throw Error("trajectory '" + tr.id + "'", "expected " + std::to_string(nu_) + " input channels with " + std::to_string(K) + " samples");
    model::Prediction p;
    p.y = outScale_.invert(net_.evaluate(windowedInputs(tr.u)));
    p.x.resize(0, K);
    for (Index k = 0; k < K; ++k)
        if (!p.y.col(k).allFinite()) {
            p.diverged = true;
            p.divergenceTime = tr.t.size() > k ? tr.t[k] : double(k);
            break;
        }
    return p;
}

model::Certificate LbdnModel::certify() const {
    const double gamma = net_.gamma();
    const Index n = net_.inputDim();
    // Difference quotients over pairs at several distances, and Jacobian norms, in standardised input space.
    Rng rng(kCertificateSeed);
    double worstRatio = 0.0, worstJacobian = 0.0;
    bool finite = true;
    const MatrixXd A = rng.normalMatrix(n, kCertificatePairs, 0.0, 2.0);
    MatrixXd B = A;
    for (Index j = 0; j < kCertificatePairs; ++j) B.col(j) += std::pow(10.0, -3.0 + 4.0 * static_cast<double>(j % 5) / 4.0) * rng.normalMatrix(n, 1);
    const MatrixXd FA = net_.evaluate(A), FB = net_.evaluate(B);
    finite = FA.allFinite() && FB.allFinite();
    for (Index j = 0; j < kCertificatePairs; ++j) {
        const double d = (A.col(j) - B.col(j)).norm();
        if (d > 0.0) worstRatio = std::max(worstRatio, (FA.col(j) - FB.col(j)).norm() / d);
    }
    for (Index j = 0; j < kCertificateJacobians; ++j) {
        const MatrixXd J = net_.jacobian(A.col(j));
        finite = finite && J.allFinite();
        worstJacobian = std::max(worstJacobian, Eigen::JacobiSVD<MatrixXd>(J).singularValues()(0));
    }
    const double orth = net_.orthogonalityResidual();
    const double limit = gamma * (1.0 + kRelativeTolerance);
    const bool orthOk = orth <= 1e-9, ratioOk = worstRatio <= limit, jacOk = worstJacobian <= limit;
    json cert;
    cert["variant"] = "lbdn";
    cert["discrete_time"] = true;
    cert["guarantee"] = "Lipschitz by construction (sandwich layers, Wang & Manchester 2023): ‖f(a) − f(b)‖ ≤ γ‖a − b‖ for the "
                        "per-step map of standardised inputs to standardised outputs, γ = " + std::to_string(gamma) +
                        "; over sequences ‖Δy‖ ≤ γ√k‖Δu‖ with window k = " + std::to_string(window_);
    cert["verified"] = orthOk && ratioOk && jacOk && finite;
    cert["gamma"] = gamma;
    cert["window"] = window_;
    cert["gamma_sequence"] = gamma * std::sqrt(static_cast<double>(window_));
    cert["orthogonality_residual"] = jsonNumber(orth);
    cert["max_difference_quotient"] = jsonNumber(worstRatio);
    cert["max_jacobian_norm"] = jsonNumber(worstJacobian);
    cert["samples"] = {{"pairs", kCertificatePairs}, {"jacobians", kCertificateJacobians}, {"seed", kCertificateSeed},
                       {"units", "standardised inputs and outputs"}};
    cert["parameter_count"] = net_.parameters().totalSize();
    if (!inScale_.empty() && !outScale_.empty())
        cert["gamma_data_units"] = gamma * outScale_.scale.maxCoeff() / inScale_.scale.minCoeff();
    cert["checks"] = json::array(
        {{{"name", "Cayley factors orthonormal in every layer: max |Q^T Q - I|"}, {"passed", orthOk}, {"value", jsonNumber(orth)}, {"limit", 1e-9}},
         {{"name", "sampled |f(a) - f(b)| / |a - b| <= gamma"}, {"passed", ratioOk}, {"value", jsonNumber(worstRatio)}, {"limit", limit}},
         {{"name", "sampled Jacobian norm |df/du| <= gamma"}, {"passed", jacOk}, {"value", jsonNumber(worstJacobian)}, {"limit", limit}},
         {{"name", "outputs finite on the samples"}, {"passed", finite}}});
    model::Certificate c = model::Certificate::fromDetails(model::GuaranteeKind::Lipschitz, std::move(cert), "ren certificate");
    c.discreteTime = true;
    c.lipschitzBound = gamma;
    c.observedSensitivity = worstRatio;
    return c;
}

json LbdnModel::toJson() const {
    json doc = model::makeEnvelope(kPluginId, kPluginVersion, variant(), hyper_, dims());
    doc["structure"] = {{"model_class", "lbdn"}, {"trained", trained_}, {"nu", nu_}, {"ny", ny_}, {"window", window_},
                        {"hidden", hyper_.at("lbdn_hidden")}, {"recurrent_state", 0}};
    model::writeParameters(doc, net_.parameters());
    doc["normalisation"] = {{"input", inScale_.toJson()}, {"output", outScale_.toJson()}};
    doc["training"] = training_;
    doc["certificate"] = certificate();
    return doc;
}

bool LbdnModel::describes(const json& doc) {
    if (!doc.is_object() || !doc.contains("hyperparameters") || !doc["hyperparameters"].is_object()) return false;
    const json& h = doc["hyperparameters"];
    return h.contains("model_class") && h["model_class"].is_string() && h["model_class"].get<std::string>() == "lbdn";
}

std::unique_ptr<LbdnModel> LbdnModel::fromJson(const json& doc) {
    const std::string src = "model JSON";
    model::checkEnvelope(doc, kPluginId, src);
    const json hyper = model::validateHyperparameters(hyperparameterSchema(), doc["hyperparameters"]);
    const model::ModelDims dims = model::readDims(doc, src);
    if (dims.state != 0) throw Error(src + ": dims.state", "an LBDN has no state (expected 0)");
    data::DatasetInfo info;
    info.name = "model JSON";
    info.inputDim = dims.input;
    info.outputDim = dims.output;
    auto m = std::make_unique<LbdnModel>(hyper, info);
    model::readParameters(doc, m->net_.parameters(), src);
    if (!doc.contains("normalisation") || !doc["normalisation"].is_object()) throw Error(src + ": normalisation", "missing or not an object");
    m->inScale_ = data::ChannelScaler::fromJson(doc["normalisation"].value("input", json()), src + ": normalisation.input");
    m->outScale_ = data::ChannelScaler::fromJson(doc["normalisation"].value("output", json()), src + ": normalisation.output");
    if (m->inScale_.offset.size() != dims.input || m->outScale_.offset.size() != dims.output)
        throw Error(src + ": normalisation", "channel counts differ from dims");
    m->trained_ = doc.contains("structure") && doc["structure"].is_object() && doc["structure"].value("trained", false);
    m->training_ = doc.value("training", json());
    return m;
}

}  // namespace sd::ren
