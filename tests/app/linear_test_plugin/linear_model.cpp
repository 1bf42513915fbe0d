#include "linear_model.h"

#include "core/common/error.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <chrono>
#include <cmath>
#include <thread>

namespace sd::testing {

using nlohmann::json;

json linearModelSchema() {
    return json::parse(R"json({ "params": [
      {"key": "solver", "type": "enum", "values": ["gradient", "least-squares"], "default": "gradient",
       "label": "Solver", "doc": "Gradient descent (one step per epoch) or a single ridge least-squares solve.", "group": "Training"},
      {"key": "epochs", "type": "int", "default": 200, "min": 1, "max": 100000, "label": "Epochs",
       "doc": "Number of gradient steps.", "group": "Training", "visible_if": {"solver": ["gradient"]}},
      {"key": "learning_rate", "type": "number", "default": 0.05, "min": 0, "exclusive_min": true, "max": 10,
       "log": true, "label": "Learning rate", "doc": "Gradient-descent step size.", "group": "Training",
       "visible_if": {"solver": ["gradient"]}},
      {"key": "ridge", "type": "number", "default": 1e-8, "min": 0, "max": 1e3, "label": "Ridge weight",
       "doc": "Tikhonov regularisation of the least-squares solve.", "group": "Training",
       "visible_if": {"solver": ["least-squares"]}},
      {"key": "epoch_delay_ms", "type": "int", "default": 0, "min": 0, "max": 1000, "label": "Delay per epoch (ms)",
       "doc": "Sleep after each epoch, so tests can watch a run in progress.", "group": "Testing"},
      {"key": "eigen_shift", "type": "number", "default": 0, "min": -100, "max": 100, "label": "Eigenvalue shift",
       "doc": "Adds s·I to A after training; s > 0 can make the model unstable (unverified certificate) for sweep tests.",
       "group": "Testing"},
      {"key": "quadratic_v", "type": "bool", "default": false, "label": "Expose V = |x|^2",
       "doc": "Gives the model a (not necessarily valid) Lyapunov function for view tests.", "group": "Testing"},
      {"key": "tags", "type": "int_list", "default": [1, 2], "min": 0, "max": 99, "label": "Tags",
       "doc": "Unused list parameter (exercises the list editor).", "group": "Testing"}
    ]})json");
}

LinearModel::LinearModel(json hyper, model::ModelDims dims) : hyper_(std::move(hyper)), dims_(dims) {
    A = -0.1 * Eigen::MatrixXd::Identity(dims.state, dims.state);
    B = Eigen::MatrixXd::Zero(dims.state, dims.input);
}

Eigen::MatrixXd LinearModel::field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const {
    Eigen::MatrixXd F = A * X;
    if (dims_.input > 0 && U.rows() == dims_.input) F += B * U;
    return F;
}

model::TrainSummary LinearModel::train(const data::Dataset& ds, const model::TrainRequest& request,
                                       const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) {
    if (ds.stateDim() != dims_.state) throw Error("test-linear", "dataset state dimension differs from the model's");
    // Stack (x, u) → ẋ samples; derivatives by central differences when the data has none.
    auto collect = [&](const std::vector<const data::Trajectory*>& trs, Eigen::MatrixXd& Z, Eigen::MatrixXd& D) {
        Eigen::Index total = 0;
        for (const auto* t : trs) total += t->x.cols();
        Z.resize(dims_.state + dims_.input, total);
        D.resize(dims_.state, total);
        Eigen::Index c = 0;
        for (const auto* t : trs) {
            for (Eigen::Index k = 0; k < t->x.cols(); ++k, ++c) {
                Z.col(c).head(dims_.state) = t->x.col(k);
                if (dims_.input > 0) Z.col(c).tail(dims_.input) = t->u.col(k);
                if (t->dxdt.cols() == t->x.cols()) D.col(c) = t->dxdt.col(k);
                else {
                    const Eigen::Index a = std::max<Eigen::Index>(0, k - 1), b = std::min<Eigen::Index>(t->x.cols() - 1, k + 1);
                    D.col(c) = (t->x.col(b) - t->x.col(a)) / (t->t[b] - t->t[a]);
                }
            }
        }
    };
    Eigen::MatrixXd Z, D, Zv, Dv;
    collect(ds.split(request.trainSplit, true), Z, D);
    const auto val = ds.split(request.validationSplit, false);
    if (!val.empty()) collect(val, Zv, Dv);
    Eigen::MatrixXd W(dims_.state, dims_.state + dims_.input);
    W << A, B;
    auto loss = [&](const Eigen::MatrixXd& Zs, const Eigen::MatrixXd& Ds) {
        return Zs.cols() ? (W * Zs - Ds).squaredNorm() / Zs.cols() : std::numeric_limits<double>::quiet_NaN();
    };
    const bool leastSquares = hyper_.value("solver", "gradient") == "least-squares";
    const int epochs = leastSquares ? 1 : hyper_.value("epochs", 200);
    const double lr = hyper_.value("learning_rate", 0.05);
    const int delay = hyper_.value("epoch_delay_ms", 0);
    const auto start = std::chrono::steady_clock::now();
    model::TrainSummary summary;
    for (int e = 1; e <= epochs; ++e) {
        if (cancel) {
            summary.status = model::TrainStatus::Cancelled;
            break;
        }
        const auto t0 = std::chrono::steady_clock::now();
        if (leastSquares) {
            const double ridge = hyper_.value("ridge", 1e-8);
            const Eigen::MatrixXd G = Z * Z.transpose() + ridge * Eigen::MatrixXd::Identity(Z.rows(), Z.rows());
            W = G.ldlt().solve(Z * D.transpose()).transpose();
        } else {
            W -= lr * 2.0 * (W * Z - D) * Z.transpose() / Z.cols();
        }
        if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        A = W.leftCols(dims_.state);
        B = W.rightCols(dims_.input);
        model::TrainEvent ev;
        ev.epoch = e;
        ev.totalEpochs = epochs;
        ev.trainLoss = loss(Z, D);
        ev.validationLoss = loss(Zv, Dv);
        ev.learningRate = lr;
        const auto now = std::chrono::steady_clock::now();
        ev.epochSeconds = std::chrono::duration<double>(now - t0).count();
        ev.elapsedSeconds = std::chrono::duration<double>(now - start).count();
        summary.epochsRun = e;
        summary.finalTrainLoss = ev.trainLoss;
        summary.finalValidationLoss = ev.validationLoss;
        if (onEpoch) onEpoch(ev);
    }
    A += hyper_.value("eigen_shift", 0.0) * Eigen::MatrixXd::Identity(dims_.state, dims_.state);
    training_ = model::makeTrainingRecord(summary, request.seed, ds);
    return summary;
}

model::Prediction LinearModel::predict(const data::Trajectory& tr) const {
    model::Prediction p;
    const Eigen::Index K = tr.t.size();
    p.x.resize(dims_.state, K);
    if (K == 0) return p;
    Eigen::MatrixXd x = tr.x.col(0);
    p.x.col(0) = x;
    for (Eigen::Index k = 1; k < K; ++k) {
        const double h = (tr.t[k] - tr.t[k - 1]) / 4;
        for (int s = 0; s < 4; ++s) {
            const Eigen::MatrixXd u = dims_.input > 0 ? Eigen::MatrixXd(tr.u.col(k - 1)) : Eigen::MatrixXd(0, 1);
            const Eigen::MatrixXd k1 = field(x, u), k2 = field(x + 0.5 * h * k1, u), k3 = field(x + 0.5 * h * k2, u),
                                  k4 = field(x + h * k3, u);
            x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        if (!x.allFinite() || x.norm() > 1e6) {
            p.diverged = true;
            p.divergenceTime = tr.t[k];
            p.x.rightCols(K - k).setConstant(std::numeric_limits<double>::quiet_NaN());
            break;
        }
        p.x.col(k) = x;
    }
    return p;
}

Eigen::RowVectorXd LinearModel::lyapunov(const Eigen::MatrixXd& X) const {
    if (!hasLyapunov()) return Model::lyapunov(X);
    return X.colwise().squaredNorm();
}

Eigen::MatrixXd LinearModel::lyapunovGradient(const Eigen::MatrixXd& X) const {
    if (!hasLyapunov()) return Model::lyapunovGradient(X);
    return 2 * X;
}

model::Certificate LinearModel::certify() const {
    const Eigen::VectorXcd ev = A.eigenvalues();
    json eig = json::array();
    double abscissa = -1e300;
    for (Eigen::Index k = 0; k < ev.size(); ++k) {
        eig.push_back({ev[k].real(), ev[k].imag()});
        abscissa = std::max(abscissa, ev[k].real());
    }
    model::Certificate c = model::Certificate::fromDetails(
        model::GuaranteeKind::LocalStability,
        {{"guarantee", "none by construction; stable if every eigenvalue of A has a negative real part"},
         {"verified", abscissa < 0},
         {"spectral_abscissa", abscissa},
         {"eigenvalues", eig},
         {"observed_sensitivity", {{"observed", A.norm()}}}});
    c.checks = {{"spectral abscissa of A < 0", abscissa < 0, abscissa, 0.0}};
    c.eigenvalues.assign(ev.data(), ev.data() + ev.size());
    // Stands in for ren's measured incremental gain, so the sweep's second axis can be tested.
    c.observedSensitivity = A.norm();
    return c;
}

json LinearModel::toJson() const {
    json doc = model::makeEnvelope("test-linear", "1.0.0", variant(), hyper_, dims_);
    doc["parameters"]["A"] = model::encodeMatrix(A);
    doc["parameters"]["B"] = model::encodeMatrix(B);
    doc["training"] = training_.is_null() ? json() : training_;
    doc["certificate"] = certificate();
    return doc;
}

std::unique_ptr<LinearModel> LinearModel::fromJson(const json& doc) {
    model::checkEnvelope(doc, "test-linear");
    const auto dims = model::readDims(doc);
    auto m = std::make_unique<LinearModel>(model::validateHyperparameters(linearModelSchema(), doc.at("hyperparameters")), dims);
    m->A = model::readParameter(doc, "A", dims.state, dims.state);
    m->B = model::readParameter(doc, "B", dims.state, dims.input);
    if (doc.contains("training")) m->training_ = doc["training"];
    return m;
}

}  // namespace sd::testing
