#include "app/studio/task_threads.h"

#include <algorithm>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace sd::studio {

namespace {

void lowerThisThreadsPriority(int niceIncrement) {
#ifdef __linux__
    if (niceIncrement > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), niceIncrement);
#else
    (void)niceIncrement;
#endif
}

}  // namespace

TaskThreads::TaskThreads(int threads, int niceIncrement) {
    threads = std::max(1, threads);
    threads_.reserve(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this, niceIncrement] { work(niceIncrement); });
}

TaskThreads::~TaskThreads() {
    std::deque<std::function<void()>> dropped;   // destroyed after the threads have stopped
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        dropped.swap(queue_);
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void TaskThreads::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void TaskThreads::waitForIdle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void TaskThreads::work(int niceIncrement) {
    lowerThisThreadsPriority(niceIncrement);
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        std::function<void()> task = std::move(queue_.front());
        queue_.pop_front();
        ++running_;
        lock.unlock();
        task();
        task = nullptr;   // captured values are released before the task counts as done
        lock.lock();
        --running_;
        if (queue_.empty() && running_ == 0) idle_.notify_all();
    }
}

TaskThreads& viewTaskThreads() {
    static TaskThreads threads(std::max(2, static_cast<int>(std::thread::hardware_concurrency())));
    return threads;
}

}  // namespace sd::studio
