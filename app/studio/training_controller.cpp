#include "app/studio/training_controller.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>

namespace sd::studio {

namespace {

// Training is background work: on a busy machine the GUI thread must get a core first, or every click waits
// for the scheduler (QThread priorities have no effect under Linux's default scheduler; nice values do).
constexpr int kTrainingNiceIncrement = 5;

}  // namespace

// Everything the worker and the GUI share for one run. `mutex` guards the mailbox and the pause handshake;
// `model`, `summary` and `error` are read by the GUI only after the worker has returned.
struct TrainingController::RunState {
    std::shared_ptr<model::Model> model;
    std::shared_ptr<const data::Dataset> dataset;
    model::TrainRequest request;
    int snapshotEvery = 5;
    std::atomic<bool> cancel{false};
    std::atomic<long long> minibatches{0};

    std::mutex mutex;
    std::condition_variable wake;                   // resume or cancel while the worker is paused
    // Mailbox (worker → GUI).
    std::vector<model::TrainEvent> events;
    Clock::time_point lastEventTime{};
    std::shared_ptr<const model::Model> snapshot;   // the single snapshot slot
    int snapshotEpoch = 0;
    bool snapshotDue = false;                       // a snapshot is due but the GUI has not taken the last one
    bool wakePosted = false;                        // a drain request is on its way to the GUI
    // Pause handshake.
    bool pauseRequested = false;                    // GUI: please pause
    bool workerPaused = false;                      // worker: I am blocked in a checkpoint
    Clock::time_point pauseAckTime{};
    long long requestMark = 0;                      // minibatch count when the GUI last asked to pause/stop
    long long passedAfterRequest = 0;               // minibatches the worker started after that request
    Clock::time_point returnTime{};
    // Result.
    model::TrainSummary summary;
    std::string error;
};

TrainingController::TrainingController(QObject* parent)
    : QObject(parent), worker_(1, kTrainingNiceIncrement), inbox_(GuiInbox::of(this)) {
    drainTimer_.setSingleShot(true);
    connect(&drainTimer_, &QTimer::timeout, this, &TrainingController::drain);
    sinceDrain_.start();
}

TrainingController::~TrainingController() {
    if (auto s = runState_) {
        std::lock_guard lock(s->mutex);
        s->cancel = true;
        s->pauseRequested = false;
        s->wake.notify_all();
    }
    worker_.waitForIdle();
}

long long TrainingController::minibatchCount() const { return runState_ ? runState_->minibatches.load() : 0; }

long long TrainingController::minibatchesAfterRequest() const {
    if (!runState_) return 0;
    std::lock_guard lock(runState_->mutex);
    return runState_->passedAfterRequest;
}

bool TrainingController::start(std::unique_ptr<model::Model> model, std::shared_ptr<const data::Dataset> dataset,
                               const model::TrainRequest& request, int snapshotEvery) {
    if (isRunning()) return false;
    auto state = std::make_shared<RunState>();
    state->model = std::shared_ptr<model::Model>(std::move(model));
    state->dataset = std::move(dataset);
    state->request = request;
    state->snapshotEvery = std::max(1, snapshotEvery);
    runState_ = state;
    ++run_;
    lastEpoch_ = 0;
    lastEventTime_ = pauseAckTime_ = workerReturnTime_ = {};
    sinceSnapshot_.invalidate();
    // The callbacks below run on the worker only while it holds `state`, and one of them is stored in
    // state->request: they use a plain pointer (a shared_ptr there would keep the run alive for ever).
    RunState* const s = state.get();

    // Called with s->mutex held: one wake-up in flight at a time. Deliveries run only while this
    // controller lives (the inbox is its own), so they may use `this`.
    auto notify = [this, s] {
        if (s->wakePosted) return;
        s->wakePosted = true;
        inbox_.post([this] { scheduleDrain(); });
    };
    // The worker's checkpoint (before every minibatch, and after every epoch): block while paused.
    auto checkpoint = [s, notify] {
        std::unique_lock lock(s->mutex);
        if (s->cancel) {
            s->passedAfterRequest = s->minibatches - s->requestMark;
            return;
        }
        if (s->pauseRequested) {
            s->workerPaused = true;
            s->pauseAckTime = Clock::now();
            s->passedAfterRequest = s->minibatches - s->requestMark;
            notify();
            s->wake.wait(lock, [&] { return !s->pauseRequested || s->cancel; });
            s->workerPaused = false;
        }
    };
    auto onEpoch = [s, notify, checkpoint](const model::TrainEvent& ev) {
        bool clone = false;
        {
            std::lock_guard lock(s->mutex);
            s->events.push_back(ev);
            s->lastEventTime = Clock::now();
            // The final model comes with finished(); intermediate snapshots only while the GUI keeps up.
            if (ev.epoch % s->snapshotEvery == 0 && ev.epoch < ev.totalEpochs) s->snapshotDue = true;
            clone = s->snapshotDue && !s->snapshot && !s->cancel;
            notify();
        }
        if (clone) {
            std::shared_ptr<const model::Model> copy(s->model->clone());
            std::lock_guard lock(s->mutex);
            s->snapshot = std::move(copy);
            s->snapshotEpoch = ev.epoch;
            s->snapshotDue = false;
            notify();
        }
        checkpoint();   // plugins that do not train in minibatches pause between epochs
    };
    // Plugins that train in minibatches call the request's checkpoint before each one (model.h).
    s->request.checkpoint = [s, checkpoint] {
        checkpoint();
        if (!s->cancel) ++s->minibatches;
    };
    worker_.post([this, state, onEpoch] {
        try {
            state->summary = state->model->train(*state->dataset, state->request, onEpoch, state->cancel);
        } catch (const std::exception& e) {
            state->error = e.what();
        } catch (...) {
            state->error = "training failed with an unknown error";
        }
        {
            std::lock_guard lock(state->mutex);
            state->returnTime = Clock::now();
            if (state->cancel) state->passedAfterRequest = state->minibatches - state->requestMark;
        }
        inbox_.post([this, state] { onWorkerReturned(state); });
    });
    setState(State::Running);
    emit started(run_);
    return true;
}

void TrainingController::pause() {
    if (state_ != State::Running || !runState_) return;
    {
        std::lock_guard lock(runState_->mutex);
        runState_->pauseRequested = true;
        runState_->requestMark = runState_->minibatches;
        runState_->passedAfterRequest = 0;
    }
    setState(State::Pausing);
}

void TrainingController::resume() {
    if (!isPaused() || !runState_) return;
    const bool wasAcknowledged = state_ == State::Paused;
    {
        std::lock_guard lock(runState_->mutex);
        runState_->pauseRequested = false;
        runState_->wake.notify_all();
    }
    setState(State::Running);
    if (wasAcknowledged) emit pausedChanged(false);
}

void TrainingController::stop() {
    if (!isRunning() || state_ == State::Stopping || !runState_) return;
    const bool wasAcknowledgedPause = state_ == State::Paused;
    {
        std::lock_guard lock(runState_->mutex);
        runState_->cancel = true;              // the model polls it before every minibatch
        runState_->pauseRequested = false;     // a paused worker wakes up to see it
        runState_->requestMark = runState_->minibatches;
        runState_->passedAfterRequest = 0;
        runState_->snapshot.reset();           // the stopped model comes with finished()
        runState_->wake.notify_all();
    }
    setState(State::Stopping);
    if (wasAcknowledgedPause) emit pausedChanged(false);
}

void TrainingController::waitForFinished() { worker_.waitForIdle(); }

void TrainingController::setState(State s) {
    if (s == state_) return;
    state_ = s;
    emit stateChanged(s);
}

void TrainingController::scheduleDrain() {
    if (drainTimer_.isActive()) return;
    const qint64 wait = std::max<qint64>(0, kMinDrainIntervalMs - sinceDrain_.elapsed());
    drainTimer_.start(static_cast<int>(wait));
}

void TrainingController::drain() {
    const auto s = runState_;
    if (!s) return;
    std::vector<model::TrainEvent> events;
    std::shared_ptr<const model::Model> snapshot;
    int snapshotEpoch = 0;
    bool workerPaused = false;
    // A snapshot waits in its slot until the views may refresh again (the worker clones no other meanwhile).
    const bool snapshotAllowed = !sinceSnapshot_.isValid() || sinceSnapshot_.elapsed() >= kMinSnapshotIntervalMs;
    bool snapshotWaiting = false;
    {
        std::lock_guard lock(s->mutex);
        events.swap(s->events);
        if (snapshotAllowed) {
            snapshot = std::move(s->snapshot);
            s->snapshot.reset();
        }
        snapshotWaiting = s->snapshot != nullptr;
        snapshotEpoch = s->snapshotEpoch;
        workerPaused = s->workerPaused;
        if (!events.empty()) lastEventTime_ = s->lastEventTime;
        pauseAckTime_ = s->pauseAckTime;
        s->wakePosted = false;
    }
    sinceDrain_.restart();
    if (!events.empty()) {
        lastEpoch_ = events.back().epoch;
        emit eventsReady(run_, events);
        for (const auto& ev : events) emit epochFinished(run_, ev);
        const auto& ev = events.back();
        const double eta = ev.epoch > 0 ? ev.elapsedSeconds / ev.epoch * (ev.totalEpochs - ev.epoch)
                                        : std::numeric_limits<double>::quiet_NaN();
        emit progress(ev.epoch, ev.totalEpochs, eta);
    }
    if (snapshot && state_ != State::Stopping) {
        sinceSnapshot_.restart();
        emit snapshotReady(run_, std::move(snapshot), snapshotEpoch);
    }
    if (snapshotWaiting && !drainTimer_.isActive())
        drainTimer_.start(static_cast<int>(std::max<qint64>(0, kMinSnapshotIntervalMs - sinceSnapshot_.elapsed())));
    if (workerPaused && state_ == State::Pausing) {
        setState(State::Paused);
        emit pausedChanged(true);
    }
}

void TrainingController::onWorkerReturned(const std::shared_ptr<RunState>& s) {
    if (s != runState_) return;
    drainTimer_.stop();
    {
        // The final model comes with finished(): a snapshot still waiting in its slot is older, and
        // publishing it (now or from a later drain) would make a stale model current after the run.
        std::lock_guard lock(s->mutex);
        s->snapshot.reset();
    }
    drain();   // every event before finished()
    drainTimer_.stop();
    workerReturnTime_ = s->returnTime;
    setState(State::Idle);
    if (!s->error.empty()) {
        emit failed(run_, QString::fromStdString(s->error));
        return;
    }
    emit finished(run_, s->summary, std::shared_ptr<const model::Model>(s->model));
}

}  // namespace sd::studio
