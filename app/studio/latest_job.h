#pragma once
// LatestJob — a view's background computations where only the newest request matters.
//
// submit(work, done, onError): `work(const CancelToken&)` runs on the views' task threads, `done(result)` on
// the GUI thread. While a job runs, a new submit() cancels it (its token reads true, so long loops return
// early) and becomes the single pending request, replacing any request pending before; when the running
// job ends, its result is dropped and the pending one starts. So a view that receives 100 model snapshots
// while it computes runs at most two computations and never draws a stale result — the GUI thread's work
// does not grow with the number of queued requests. Destroying the LatestJob cancels the running job
// and drops its result.
#include "app/studio/gui_inbox.h"
#include "app/studio/task_outcome.h"
#include "app/studio/task_threads.h"

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>

namespace sd::studio {

/// Read-only view of a job's cancel flag.
class CancelToken {
public:
    CancelToken() = default;
    explicit CancelToken(std::shared_ptr<const std::atomic<bool>> flag) : flag_(std::move(flag)) {}
    bool cancelled() const { return flag_ && flag_->load(std::memory_order_relaxed); }
    void throwIfCancelled() const {
        if (cancelled()) throw JobCancelled{};
    }

private:
    std::shared_ptr<const std::atomic<bool>> flag_;
};

class LatestJob : public QObject {
    Q_OBJECT
public:
    explicit LatestJob(QObject* parent = nullptr) : QObject(parent) {}
    ~LatestJob() override { cancel(); }

    template <typename Work, typename Done, typename OnError>
    void submit(Work work, Done done, OnError onError);

    /// Cancels the running job (its result is dropped) and forgets the pending one.
    void cancel() {
        pending_ = nullptr;
        if (runningFlag_) runningFlag_->store(true);
    }
    /// A job is running or waiting.
    bool isBusy() const { return running_ || pending_; }
    /// Jobs started so far (tests check that stale requests were coalesced).
    int startedCount() const { return started_; }

signals:
    /// Nothing runs or waits any more (after the last result was delivered or dropped).
    void idle();

private:
    void launch(std::function<void()> start) {
        running_ = true;
        ++started_;
        start();
    }
    // Called on the GUI thread when the running job has ended.
    void onEnded(const std::shared_ptr<std::atomic<bool>>& flag, const std::function<void()>& deliver) {
        running_ = false;
        if (runningFlag_ == flag) runningFlag_.reset();
        if (auto next = std::move(pending_)) {
            pending_ = nullptr;
            launch(std::move(next));   // the ended job's result is stale: a newer request exists
            return;
        }
        if (!flag->load()) deliver();
        if (!isBusy()) emit idle();
    }

    std::function<void()> pending_;
    std::shared_ptr<std::atomic<bool>> runningFlag_;
    bool running_ = false;
    int started_ = 0;
};

template <typename Work, typename Done, typename OnError>
void LatestJob::submit(Work work, Done done, OnError onError) {
    using Result = std::invoke_result_t<Work, const CancelToken&>;
    // std::function needs copyable callables; the callbacks are shared, never copied in effect.
    auto workShared = std::make_shared<Work>(std::move(work));
    auto doneShared = std::make_shared<Done>(std::move(done));
    auto onErrorShared = std::make_shared<OnError>(std::move(onError));
    auto start = [this, workShared, doneShared, onErrorShared] {
        auto flag = std::make_shared<std::atomic<bool>>(false);
        runningFlag_ = flag;
        viewTaskThreads().post([inbox = GuiInbox::of(this), this, workShared, doneShared, onErrorShared, flag] {
            const CancelToken token(flag);
            auto outcome = std::make_shared<TaskOutcome<Result>>(TaskOutcome<Result>::capture([&] {
                token.throwIfCancelled();   // cancelled while it waited: do not start
                return (*workShared)(token);
            }));
            // Delivered only while this LatestJob lives (the inbox belongs to it), so `this` is safe there.
            inbox.post([this, outcome, flag, doneShared, onErrorShared] {
                if (outcome->cancelled) flag->store(true);
                onEnded(flag, [&] { outcome->deliver(*doneShared, *onErrorShared); });
            });
        });
    };
    if (running_) {
        if (runningFlag_) runningFlag_->store(true);
        pending_ = std::move(start);
        return;
    }
    launch(std::move(start));
}

}  // namespace sd::studio
