#include "app/studio/training_controller.h"

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>

namespace sd::studio {

// Everything the worker and the GUI share for one run. The GUI reads `model`, `summary` and `error` only
// after the future has finished.
struct TrainingController::RunState {
    std::shared_ptr<model::Model> model;
    std::shared_ptr<const data::Dataset> dataset;
    model::TrainRequest request;
    int snapshotEvery = 5;
    std::atomic<bool> cancel{false};
    model::TrainSummary summary;
    std::string error;
};

TrainingController::TrainingController(QObject* parent) : QObject(parent) {
    connect(&watcher_, &QFutureWatcherBase::resultsReadyAt, this, &TrainingController::onResultsReady);
    connect(&watcher_, &QFutureWatcherBase::finished, this, &TrainingController::onFinished);
}

TrainingController::~TrainingController() {
    if (state_) state_->cancel = true;
    watcher_.cancel();
    watcher_.setSuspended(false);
    watcher_.waitForFinished();
}

bool TrainingController::start(std::unique_ptr<model::Model> model, std::shared_ptr<const data::Dataset> dataset,
                               const model::TrainRequest& request, int snapshotEvery) {
    if (isRunning()) return false;
    auto state = std::make_shared<RunState>();
    state->model = std::shared_ptr<model::Model>(std::move(model));
    state->dataset = std::move(dataset);
    state->request = request;
    state->snapshotEvery = std::max(1, snapshotEvery);
    state_ = state;
    ++run_;
    paused_ = false;

    QFuture<TrainUpdate> future = QtConcurrent::run([state](QPromise<TrainUpdate>& promise) {
        auto onEpoch = [&](const model::TrainEvent& ev) {
            if (promise.isCanceled()) state->cancel = true;
            promise.suspendIfRequested();   // pause: the worker sleeps here until resumed
            if (promise.isCanceled()) state->cancel = true;
            TrainUpdate update{ev, nullptr};
            if (ev.epoch % state->snapshotEvery == 0 || ev.epoch == ev.totalEpochs)
                update.snapshot = std::shared_ptr<const model::Model>(state->model->clone());
            promise.setProgressRange(0, ev.totalEpochs);
            promise.setProgressValue(ev.epoch);
            promise.addResult(std::move(update));
        };
        try {
            state->summary = state->model->train(*state->dataset, state->request, onEpoch, state->cancel);
        } catch (const std::exception& e) {
            state->error = e.what();
        } catch (...) {
            state->error = "training failed with an unknown error";
        }
    });
    watcher_.setFuture(future);
    emit started(run_);
    return true;
}

void TrainingController::pause() {
    if (!isRunning() || paused_) return;
    paused_ = true;
    watcher_.setSuspended(true);
    emit pausedChanged(true);
}

void TrainingController::resume() {
    if (!paused_) return;
    paused_ = false;
    watcher_.setSuspended(false);
    emit pausedChanged(false);
}

void TrainingController::stop() {
    if (!isRunning()) return;
    if (state_) state_->cancel = true;   // takes effect at the model's next minibatch
    watcher_.cancel();
    if (paused_) resume();                // a suspended worker must wake up to notice the cancel
}

void TrainingController::waitForFinished() { watcher_.waitForFinished(); }

bool TrainingController::isRunning() const { return state_ && !watcher_.isFinished(); }
bool TrainingController::isPaused() const { return paused_; }

void TrainingController::onResultsReady(int begin, int end) {
    for (int k = begin; k < end; ++k) {
        const TrainUpdate update = watcher_.resultAt(k);
        const auto& ev = update.event;
        emit epochFinished(run_, ev);
        if (update.snapshot) emit snapshotReady(run_, update.snapshot, ev.epoch);
        const double eta = ev.epoch > 0 ? ev.elapsedSeconds / ev.epoch * (ev.totalEpochs - ev.epoch)
                                        : std::numeric_limits<double>::quiet_NaN();
        emit progress(ev.epoch, ev.totalEpochs, eta);
    }
}

void TrainingController::onFinished() {
    if (!state_) return;
    auto state = state_;
    paused_ = false;
    if (!state->error.empty()) {
        emit failed(run_, QString::fromStdString(state->error));
        return;
    }
    if (watcher_.isCanceled() && state->summary.status == model::TrainStatus::Completed && state->cancel)
        state->summary.status = model::TrainStatus::Cancelled;
    emit finished(run_, state->summary, std::shared_ptr<const model::Model>(state->model));
}

}  // namespace sd::studio
