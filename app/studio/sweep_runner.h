#pragma once
// SweepRunner — trains every configuration of a sweep, one after the other, on a worker thread
// (QtConcurrent::run + QPromise<SweepResult>, like TrainingController) and reports each result to the GUI
// thread as it is done.
//
// Per configuration: plugin.create(hyper, DatasetInfo) → Model::train on the train split (polling the shared
// cancel flag per minibatch) → model::evaluate on the scoring split (mean NRMSE when the data has outputs
// the model predicts, else the mean relative state error, else the final validation loss; NaN when every
// prediction diverged) → certificate(). A
// configuration that throws becomes a failed (masked) result; the sweep goes on. stop() cancels promptly:
// the running training returns at its next minibatch and no further configuration starts.
#include "app/studio/sweep_plan.h"
#include "core/data/dataset.h"

#include <QFutureWatcher>
#include <QObject>
#include <memory>

namespace sd::model {
class ModelPlugin;
}

namespace sd::studio {

class SweepRunner : public QObject {
    Q_OBJECT
public:
    explicit SweepRunner(QObject* parent = nullptr);
    ~SweepRunner() override;

    /// Starts the sweep; false if one is still running. `plugin` must outlive the run (plugins are never
    /// unloaded). `scoreSplit` may be empty (all trajectories).
    bool start(const model::ModelPlugin* plugin, std::vector<SweepConfiguration> configurations,
               std::shared_ptr<const data::Dataset> dataset, const std::string& trainSplit, const std::string& validationSplit,
               const std::string& scoreSplit, std::uint64_t seed);
    void stop();
    void waitForFinished();
    bool isRunning() const;

signals:
    void resultReady(const sd::studio::SweepResult& result, int done, int total);
    /// The sweep ended; `cancelled` when stop() cut it short.
    void finished(bool cancelled);

private:
    struct RunState;
    QFutureWatcher<SweepResult> watcher_;
    std::shared_ptr<RunState> state_;
    int total_ = 0;
};

/// The split a sweep scores on: `validation` if the dataset has it, else "test", else `train`, else "" (all).
std::string sweepScoreSplit(const data::Dataset& ds, const std::string& validation, const std::string& train);

}  // namespace sd::studio
