#include "app/studio/sweep_runner.h"

#include "core/model/evaluation.h"
#include "core/model/model_plugin.h"

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <cmath>

namespace sd::studio {

// Shared by the worker and the GUI; the worker only reads the inputs and the flag.
struct SweepRunner::RunState {
    const model::ModelPlugin* plugin = nullptr;
    std::vector<SweepConfiguration> configurations;
    std::shared_ptr<const data::Dataset> dataset;
    model::TrainRequest request;
    std::string scoreSplit;
    std::atomic<bool> cancel{false};
};

namespace {

SweepResult runOne(const SweepConfiguration& c, const model::ModelPlugin& plugin, const data::Dataset& ds,
                   const model::TrainRequest& request, const std::string& scoreSplit, const std::atomic<bool>& cancel) {
    SweepResult r;
    r.i = c.i;
    r.j = c.j;
    r.a = c.a;
    r.b = c.b;
    r.split = scoreSplit.empty() ? "all" : scoreSplit;
    try {
        auto model = plugin.create(c.hyper, data::DatasetInfo::of(ds));
        const model::TrainSummary summary = model->train(ds, request, {}, cancel);
        if (summary.status == model::TrainStatus::Cancelled) {
            r.failure = "cancelled";
            return r;
        }
        r.diverged = summary.status == model::TrainStatus::StoppedOnNaN;
        const model::EvaluationReport report = model::evaluate(*model, ds, scoreSplit);
        r.diverged = r.diverged || report.divergedCount > 0;
        // One metric per kind of data, even when this configuration has no finite score (diverged), so the
        // cells of a sweep compare like with like.
        bool outputs = false, states = false;
        for (const auto& t : report.trajectories) {
            outputs = outputs || t.kind == "outputs" || std::isfinite(t.nrmse);
            states = states || t.kind == "states" || t.kind == "pairs";
        }
        if (outputs) {
            r.error = report.meanNrmse;
            r.metric = "NRMSE";
        } else if (states) {
            r.error = report.meanRelativeError;
            r.metric = "relative error";
        } else {
            r.error = summary.finalValidationLoss;
            r.metric = "validation loss";
        }
        const model::Certificate cert = model->certify();
        r.verified = cert.verified;
        r.observedSensitivity = cert.observedSensitivity;
        r.lipschitzBound = cert.lipschitzBound;
    } catch (const std::exception& e) {
        r.failure = e.what();
    }
    return r;
}

}  // namespace

std::string sweepScoreSplit(const data::Dataset& ds, const std::string& validation, const std::string& train) {
    for (const std::string& s : {validation, std::string("test"), train})
        if (!s.empty() && ds.hasSplit(s)) return s;
    return {};
}

SweepRunner::SweepRunner(QObject* parent) : QObject(parent) {
    connect(&watcher_, &QFutureWatcherBase::resultsReadyAt, this, [this](int begin, int end) {
        for (int k = begin; k < end; ++k) emit resultReady(watcher_.resultAt(k), k + 1, total_);
    });
    connect(&watcher_, &QFutureWatcherBase::finished, this, [this] { emit finished(state_ && state_->cancel); });
}

SweepRunner::~SweepRunner() {
    stop();
    watcher_.waitForFinished();
}

bool SweepRunner::start(const model::ModelPlugin* plugin, std::vector<SweepConfiguration> configurations,
                        std::shared_ptr<const data::Dataset> dataset, const std::string& trainSplit,
                        const std::string& validationSplit, const std::string& scoreSplit, std::uint64_t seed) {
    if (isRunning() || !plugin || !dataset) return false;
    auto state = std::make_shared<RunState>();
    state->plugin = plugin;
    state->configurations = std::move(configurations);
    state->dataset = std::move(dataset);
    state->request.trainSplit = trainSplit;
    state->request.validationSplit = validationSplit;
    state->request.seed = seed;
    state->scoreSplit = scoreSplit;
    state_ = state;
    total_ = static_cast<int>(state->configurations.size());
    watcher_.setFuture(QtConcurrent::run([state](QPromise<SweepResult>& promise) {
        for (const auto& c : state->configurations) {
            if (state->cancel || promise.isCanceled()) return;
            SweepResult r = runOne(c, *state->plugin, *state->dataset, state->request, state->scoreSplit, state->cancel);
            if (state->cancel) return;   // a cut-short training is not a result
            promise.addResult(std::move(r));
        }
    }));
    return true;
}

void SweepRunner::stop() {
    if (!isRunning()) return;
    state_->cancel = true;   // the model polls this per minibatch
    watcher_.cancel();
}

void SweepRunner::waitForFinished() { watcher_.waitForFinished(); }

bool SweepRunner::isRunning() const { return state_ && !watcher_.isFinished(); }

}  // namespace sd::studio
