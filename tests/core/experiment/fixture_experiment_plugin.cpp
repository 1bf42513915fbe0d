// A test-only plugin for the experiment engine's tests (written to <build>/experiment-fixture-plugins, never the
// real plugin folder). Its model is dx/dt = a·x with one scalar a, fitted to the data by gradient descent from
// a start drawn with the training seed — so every seed gives a different, reproducible result — plus switches
// the tests need: mode "nan" (the loss becomes NaN at epoch 3: StoppedOnNaN with the last good a), mode
// "throw" (training throws), delay_ms (sleep per epoch, polling cancel), and threads (recorded in the
// certificate so the runner's threads = 1 rule can be checked).
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/certificate.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/model_plugin.h"

#include <QObject>
#include <chrono>
#include <cmath>
#include <thread>

namespace {

using nlohmann::json;
using namespace sd;

json schema() {
    return json::parse(R"json({ "params": [
      {"key": "epochs", "type": "int", "default": 20, "min": 1, "max": 100000},
      {"key": "lr", "type": "number", "default": 0.05, "min": 0, "max": 10, "log": true},
      {"key": "target_scale", "type": "number", "default": 1.0, "min": -1000, "max": 1000},
      {"key": "mode", "type": "enum", "values": ["ok", "nan", "throw"], "default": "ok"},
      {"key": "delay_ms", "type": "int", "default": 0, "min": 0, "max": 10000},
      {"key": "threads", "type": "int", "default": 0, "min": 0, "max": 256},
      {"key": "init_seed", "type": "int", "default": 0, "min": 0, "max": 1000000}
    ]})json");
}

class RateModel : public model::Model {
public:
    RateModel(json hyper, model::ModelDims dims) : hyper_(std::move(hyper)), dims_(dims) {}
    std::unique_ptr<Model> clone() const override { return std::make_unique<RateModel>(*this); }
    std::string pluginId() const override { return "fixture-experiment"; }
    std::string variant() const override { return hyper_.at("mode").get<std::string>(); }
    const json& hyperparameters() const override { return hyper_; }
    model::ModelDims dims() const override { return dims_; }
    bool isContinuous() const override { return true; }

    model::TrainSummary train(const data::Dataset& ds, const model::TrainRequest& req, const model::TrainCallback& onEpoch,
                              const std::atomic<bool>& cancel) override {
        if (hyper_["mode"] == "throw") throw Error("fixture-experiment", "deliberate training failure");
        Rng rng(req.seed * 1000003ull + hyper_.at("init_seed").get<std::uint64_t>());
        a_ = rng.normal(0.0, 0.5);
        // Fit ẋ ≈ (target_scale · a*) x where a* is the least-squares rate of the data: gradient steps on the MSE.
        double sxx = 0, sxd = 0;
        for (const auto* tr : ds.split(req.trainSplit, true))
            for (Eigen::Index k = 1; k < tr->x.cols(); ++k) {
                const Eigen::VectorXd d = (tr->x.col(k) - tr->x.col(k - 1)) / (tr->t[k] - tr->t[k - 1]);
                sxx += tr->x.col(k - 1).squaredNorm();
                sxd += tr->x.col(k - 1).dot(d);
            }
        const double target = hyper_.at("target_scale").get<double>() * (sxx > 0 ? sxd / sxx : -1.0);
        const int epochs = hyper_.at("epochs");
        const double lr = hyper_.at("lr");
        const int delay = hyper_.at("delay_ms");
        model::TrainSummary s;
        for (int e = 1; e <= epochs; ++e) {
            if (cancel) {
                s.status = model::TrainStatus::Cancelled;
                return s;
            }
            if (delay > 0) {
                const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
                while (std::chrono::steady_clock::now() < until && !cancel) std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            const double next = a_ - lr * 2.0 * (a_ - target);
            const double loss = hyper_["mode"] == "nan" && e >= 3 ? std::nan("") : (next - target) * (next - target);
            if (!std::isfinite(loss)) {
                s.status = model::TrainStatus::StoppedOnNaN;
                s.message = "stopped: loss became NaN at epoch " + std::to_string(e) + "; kept epoch " + std::to_string(e - 1);
                return s;
            }
            a_ = next;
            s.epochsRun = e;
            s.finalTrainLoss = loss;
            if (onEpoch) onEpoch({e, epochs, loss, std::nan(""), lr, 0.0, 0.0});
        }
        s.message = "completed";
        trained_ = true;
        return s;
    }

    Eigen::MatrixXd field(const Eigen::MatrixXd& X, const Eigen::MatrixXd&) const override { return a_ * X; }

    model::Prediction predict(const data::Trajectory& tr) const override {
        model::Prediction p;
        p.x.resize(dims_.state, tr.t.size());
        for (Eigen::Index k = 0; k < tr.t.size(); ++k) {
            p.x.col(k) = std::exp(a_ * (tr.t[k] - tr.t[0])) * tr.x.col(0);
            if (!p.x.col(k).allFinite() || p.x.col(k).norm() > 1e6) {
                p.diverged = true;
                p.divergenceTime = tr.t[k];
                p.x.rightCols(tr.t.size() - k).setConstant(std::nan(""));
                break;
            }
        }
        return p;
    }

    // Claims a Lipschitz bound γ = 2 (checked: a < 0 and |a| ≤ 2), reports |a| as the observed sensitivity.
    model::Certificate certify() const override {
        json details = {{"guarantee", "exponential stability and gain ≤ 2 when a < 0 and |a| ≤ 2 (checked, not by construction)"},
                        {"verified", a_ < 0 && std::abs(a_) <= 2.0},
                        {"a", a_},
                        {"threads", hyper_.at("threads")}};
        model::Certificate c = model::Certificate::fromDetails(model::GuaranteeKind::Lipschitz, details, "fixture-experiment certificate");
        c.lipschitzBound = 2.0;
        c.observedSensitivity = std::abs(a_);
        c.eigenvalues = {std::complex<double>(a_, 0.0)};
        return c;
    }

    json toJson() const override {
        json doc = model::makeEnvelope("fixture-experiment", "1.0.0", variant(), hyper_, dims_);
        doc["parameters"]["a"] = model::encodeMatrix(Eigen::MatrixXd::Constant(1, 1, a_));
        doc["certificate"] = certify().toJson();
        return doc;
    }

    static std::unique_ptr<RateModel> fromJson(const json& doc) {
        model::checkEnvelope(doc, "fixture-experiment");
        auto m = std::make_unique<RateModel>(model::validateHyperparameters(schema(), doc.at("hyperparameters")), model::readDims(doc));
        m->a_ = model::readParameter(doc, "a", 1, 1)(0, 0);
        return m;
    }

private:
    json hyper_;
    model::ModelDims dims_;
    double a_ = -1.0;
    bool trained_ = false;
};

}  // namespace

class ExperimentFixturePlugin : public QObject, public sd::model::ModelPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SD_MODEL_PLUGIN_IID FILE "fixture_experiment.json")
    Q_INTERFACES(sd::model::ModelPlugin)
public:
    std::string id() const override { return "fixture-experiment"; }
    nlohmann::json hyperparameterSchema() const override { return schema(); }
    std::unique_ptr<sd::model::Model> create(const nlohmann::json& hyper, const sd::data::DatasetInfo& info) const override {
        return std::make_unique<RateModel>(sd::model::validateHyperparameters(schema(), hyper), sd::model::ModelDims{info.stateDim, info.inputDim, 0});
    }
    std::unique_ptr<sd::model::Model> load(const nlohmann::json& doc) const override { return RateModel::fromJson(doc); }
};

#include "fixture_experiment_plugin.moc"
