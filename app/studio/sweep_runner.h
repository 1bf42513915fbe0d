#pragma once
// SweepRunner — runs a sweep's plan on the experiment engine (core/experiment::runPlan: a pool of worker
// threads, results and models written to the sweep's output folder) from a background thread, and tells
// the GUI thread as cells finish (through a GuiInbox). Records are kept here under a mutex; the GUI pulls
// them on `progressed`, which is posted at most once at a time (finishing cells never queue up redraws).
// stop() cancels promptly: running cells return at their next minibatch and are not recorded.
#include "app/studio/gui_inbox.h"
#include "core/experiment/local_runner.h"
#include "core/experiment/plan.h"
#include "core/model/plugin_host.h"

#include <QObject>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace sd::studio {

class SweepRunner : public QObject {
    Q_OBJECT
public:
    explicit SweepRunner(QObject* parent = nullptr);
    ~SweepRunner() override;

    /// Starts the plan; false if a sweep is still running. `host` must outlive the run.
    bool start(experiment::ExperimentPlan plan, const model::PluginHost* host, std::filesystem::path outputDir, int jobs);
    void stop();
    void waitForFinished();
    bool isRunning() const { return running_; }

    /// The plan being (or last) run, and where its results are.
    const experiment::ExperimentPlan& plan() const { return *plan_; }
    bool hasPlan() const { return plan_ != nullptr; }
    const std::filesystem::path& outputDir() const { return outputDir_; }
    /// The records finished so far, by cell id (a copy).
    std::map<std::string, nlohmann::json> records() const;
    experiment::Progress progress() const;

signals:
    /// One or more cells finished since the last signal.
    void progressed();
    /// The run ended: `cancelled` when stop() cut it short; `error` non-empty when it could not run at all.
    void finished(bool cancelled, const QString& error);

private:
    class Observer;
    std::unique_ptr<experiment::ExperimentPlan> plan_;
    std::filesystem::path outputDir_;
    GuiInbox inbox_;   // cell progress and the end of the run, delivered on the GUI thread
    std::thread thread_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
    std::atomic<bool> signalPending_{false};
    mutable std::mutex mutex_;
    std::map<std::string, nlohmann::json> records_;
    experiment::Progress progress_;
};

}  // namespace sd::studio
