#pragma once
// TrainingController — runs Model::train on a worker thread (QtConcurrent::run + QPromise<TrainUpdate>,
// docs/methods/studio-views.md §1) and reports to the GUI thread through a QFutureWatcher.
//
// The worker owns a private clone of the model; it never touches widgets. Every epoch becomes one result
// (results are never throttled, unlike progress signals), and every `snapshotEvery` epochs the result also
// carries a clone of the model, which the views render while training goes on. Pause/resume use the
// promise's suspendIfRequested(); stop sets the model's atomic cancel flag directly (the model polls it per
// minibatch) and cancels the future.
#include "core/data/dataset.h"
#include "core/model/model.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <memory>

namespace sd::studio {

struct TrainUpdate {
    model::TrainEvent event;
    std::shared_ptr<const model::Model> snapshot;   ///< set every snapshotEvery epochs and on the last epoch
};

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;

    /// Starts a new run (numbered from 1). Returns false if a run is still going.
    bool start(std::unique_ptr<model::Model> model, std::shared_ptr<const data::Dataset> dataset,
               const model::TrainRequest& request, int snapshotEvery = 5);
    void pause();
    void resume();
    void stop();
    /// Blocks until the worker has returned (used on shutdown).
    void waitForFinished();

    bool isRunning() const;
    bool isPaused() const;
    int currentRun() const { return run_; }

signals:
    void started(int run);
    void epochFinished(int run, const sd::model::TrainEvent& event);
    void snapshotReady(int run, std::shared_ptr<const sd::model::Model> snapshot, int epoch);
    /// Epoch progress with the estimated remaining seconds (NaN until the first epoch is done).
    void progress(int epoch, int totalEpochs, double etaSeconds);
    void pausedChanged(bool paused);
    /// The run ended (completed, cancelled or stopped on NaN); `trained` is the worker's final model.
    void finished(int run, const sd::model::TrainSummary& summary, std::shared_ptr<const sd::model::Model> trained);
    /// The run could not train (e.g. the dataset does not fit the model); the message names the problem.
    void failed(int run, const QString& message);

private:
    struct RunState;
    void onResultsReady(int begin, int end);
    void onFinished();

    QFutureWatcher<TrainUpdate> watcher_;
    std::shared_ptr<RunState> state_;
    int run_ = 0;
    bool paused_ = false;
};

}  // namespace sd::studio
