#pragma once
// TrainingController — runs Model::train on its own worker thread and reports to the GUI thread without
// ever letting the GUI fall behind the worker (docs/methods/studio-views.md §1).
//
// Design (issue: the window lagged 10–30 s behind training because every snapshot queued a full redraw):
//  * The worker owns a private model; it never touches widgets. It writes into a mailbox: every epoch's
//    TrainEvent is appended (events are small, and every one reaches the loss curve), while model snapshots
//    go into a single slot — a new snapshot is cloned only when one is due (every `snapshotEvery` epochs)
//    AND the GUI has taken the previous one, so the GUI never has more than one snapshot to render.
//  * The worker posts at most one wake-up while the mailbox is non-empty; the GUI drains it at most every
//    kMinDrainIntervalMs (25 per second): all new events in one batch, the newest progress, and — at most
//    every kMinSnapshotIntervalMs — the snapshot. GUI work per drain is O(new events), never O(queued
//    snapshots).
//  * Pause and Stop take effect within one minibatch: plugins call TrainRequest::checkpoint before every
//    minibatch (core/model/model.h; nn::trainLoop's beforeMinibatch), which blocks while paused. Plugins
//    that do not train in minibatches are paused between epochs. The UI is told what the worker actually
//    did: "pausing" when asked, "paused" only once the worker acknowledges, "stopping" until it returned.
//  * When the run ends, the mailbox is drained first, then finished() carries the summary and the trained
//    model — so the curve, the progress bar, the status and the current model agree on the epoch count.
#include "app/studio/gui_inbox.h"
#include "app/studio/task_threads.h"
#include "core/data/dataset.h"
#include "core/model/model.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <chrono>
#include <memory>
#include <vector>

namespace sd::studio {

class TrainingController : public QObject {
    Q_OBJECT
public:
    /// What the worker is doing, as acknowledged by the worker (Pausing/Stopping: asked, not yet done).
    enum class State { Idle, Running, Pausing, Paused, Stopping };
    Q_ENUM(State)

    /// The GUI drains the worker's mailbox at most this often.
    static constexpr int kMinDrainIntervalMs = 40;
    /// Snapshots reach the views at most this often (each may mean a grid evaluation and a redraw).
    static constexpr int kMinSnapshotIntervalMs = 250;

    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;

    /// Starts a new run (numbered from 1). Returns false if a run is still going.
    bool start(std::unique_ptr<model::Model> model, std::shared_ptr<const data::Dataset> dataset,
               const model::TrainRequest& request, int snapshotEvery = 5);
    void pause();
    void resume();
    void stop();
    /// Blocks until the worker has returned (used on shutdown); pending reports are dropped.
    void waitForFinished();

    bool isRunning() const { return state_ != State::Idle; }
    /// True once pause() was called and until resume() (the worker may not have acknowledged yet).
    bool isPaused() const { return state_ == State::Pausing || state_ == State::Paused; }
    State state() const { return state_; }
    int currentRun() const { return run_; }
    /// The last epoch the GUI has been told about in the current (or last) run.
    int lastReportedEpoch() const { return lastEpoch_; }

    // ---- measurement hooks (tests and bench/studio_responsiveness_bench) -------------------------------
    using Clock = std::chrono::steady_clock;
    /// When the worker produced the newest event the GUI has seen.
    Clock::time_point lastEventWorkerTime() const { return lastEventTime_; }
    /// When the worker acknowledged the last pause (blocked in its checkpoint) / returned from train().
    Clock::time_point pauseAcknowledgedAt() const { return pauseAckTime_; }
    Clock::time_point workerReturnedAt() const { return workerReturnTime_; }
    /// Minibatch checkpoints the worker passed in this run (0 for plugins that do not use nn::trainLoop),
    /// and how many of them it passed after the last pause()/stop() request.
    long long minibatchCount() const;
    long long minibatchesAfterRequest() const;

signals:
    void started(int run);
    /// Every training event of the run, in order, delivered in batches.
    void eventsReady(int run, const std::vector<sd::model::TrainEvent>& events);
    /// The same events one by one (kept for simple listeners; they are cheap).
    void epochFinished(int run, const sd::model::TrainEvent& event);
    /// The newest snapshot only; older ones are never delivered once a newer one exists.
    void snapshotReady(int run, std::shared_ptr<const sd::model::Model> snapshot, int epoch);
    /// Epoch progress with the estimated remaining seconds (NaN until the first epoch is done).
    void progress(int epoch, int totalEpochs, double etaSeconds);
    void stateChanged(sd::studio::TrainingController::State state);
    /// Acknowledged pause (true: the worker is blocked; `epoch` = last completed epoch) or resume.
    void pausedChanged(bool paused);
    /// The run ended (completed, cancelled or stopped on NaN); `trained` is the worker's final model. Every
    /// event of the run has been delivered before this.
    void finished(int run, const sd::model::TrainSummary& summary, std::shared_ptr<const sd::model::Model> trained);
    /// The run could not train (e.g. the dataset does not fit the model); the message names the problem.
    void failed(int run, const QString& message);

private:
    struct RunState;
    void scheduleDrain();
    void drain();
    void onWorkerReturned(const std::shared_ptr<RunState>& run);
    void setState(State s);

    TaskThreads worker_;             // one thread: training never competes with the views' task threads
    GuiInbox inbox_;                 // the worker's wake-ups and its return, delivered on the GUI thread
    QTimer drainTimer_;
    QElapsedTimer sinceDrain_, sinceSnapshot_;
    std::shared_ptr<RunState> runState_;
    State state_ = State::Idle;
    int run_ = 0;
    int lastEpoch_ = 0;
    Clock::time_point lastEventTime_{}, pauseAckTime_{}, workerReturnTime_{};
};

}  // namespace sd::studio
