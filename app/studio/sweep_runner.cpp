#include "app/studio/sweep_runner.h"

#include "core/experiment/extensions.h"

namespace sd::studio {

using nlohmann::json;

// Called on the engine's worker threads: store, then post one `progressed` if none is pending.
class SweepRunner::Observer : public experiment::RunObserver {
public:
    explicit Observer(SweepRunner* runner) : runner_(runner) {}
    void cellStarted(const experiment::Cell&, const experiment::Progress& p) override { update(nullptr, p); }
    void cellFinished(const experiment::Cell&, const json& record, const experiment::Progress& p) override { update(&record, p); }

private:
    void update(const json* record, const experiment::Progress& p) {
        {
            std::lock_guard<std::mutex> lock(runner_->mutex_);
            if (record) runner_->records_[(*record)["id"].get<std::string>()] = *record;
            runner_->progress_ = p;
        }
        if (!runner_->signalPending_.exchange(true))
            runner_->inbox_.post([r = runner_] {
                r->signalPending_ = false;
                emit r->progressed();
            });
    }
    SweepRunner* runner_;
};

SweepRunner::SweepRunner(QObject* parent) : QObject(parent), inbox_(GuiInbox::of(this)) {}

SweepRunner::~SweepRunner() {
    stop();
    if (thread_.joinable()) thread_.join();   // no notifications from a runner being destroyed
}

bool SweepRunner::start(experiment::ExperimentPlan plan, const model::PluginHost* host, std::filesystem::path outputDir, int jobs) {
    if (running_ || !host) return false;
    waitForFinished();
    plan_ = std::make_unique<experiment::ExperimentPlan>(std::move(plan));
    outputDir_ = std::move(outputDir);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        records_.clear();
        progress_ = {};
        progress_.total = static_cast<int>(plan_->cellCount());
    }
    cancel_ = false;
    running_ = true;
    thread_ = std::thread([this, host, jobs] {
        bool cancelled = false;
        QString error;
        try {
            Observer observer(this);
            experiment::RunOptions options;
            options.outputDir = outputDir_;
            options.jobs = jobs;
            const experiment::Extensions extensions = experiment::Extensions::builtins();
            cancelled = experiment::runPlan(*plan_, *host, extensions, options, cancel_, &observer).cancelled;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        inbox_.post([this, cancelled, error] {
            running_ = false;
            emit progressed();
            emit finished(cancelled || cancel_, error);
        });
    });
    return true;
}

void SweepRunner::stop() { cancel_ = true; }

void SweepRunner::waitForFinished() {
    if (thread_.joinable()) thread_.join();
    // Deliver the queued finish notification if the caller waits synchronously.
    if (running_) inbox_.drainNow();
}

std::map<std::string, json> SweepRunner::records() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return records_;
}

experiment::Progress SweepRunner::progress() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return progress_;
}

}  // namespace sd::studio
