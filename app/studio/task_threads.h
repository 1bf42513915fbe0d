#pragma once
// TaskThreads — a fixed set of std::threads that run posted tasks, first in, first out.
//
// The studio's background work (view computations, file loading, training) runs here rather than on
// QThreadPool / QtConcurrent: tasks are handed over under a std::mutex, which ThreadSanitizer sees, so the
// studio's threaded tests run clean under TSan (docs/RELIABILITY.md, "Sanitizers"). Results go back to the
// GUI thread through a GuiInbox (gui_inbox.h).
//
// Destruction drops tasks that have not started and waits for the running ones, so a task may use anything
// that outlives its TaskThreads.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sd::studio {

class TaskThreads {
public:
    /// `threads` ≥ 1 workers. `niceIncrement` > 0 lowers their scheduling priority (Linux applies nice values
    /// per thread; elsewhere it has no effect): background work then never delays the GUI thread on a busy
    /// machine.
    explicit TaskThreads(int threads, int niceIncrement = 0);
    ~TaskThreads();
    TaskThreads(const TaskThreads&) = delete;
    TaskThreads& operator=(const TaskThreads&) = delete;

    /// Any thread: queues `task`. An exception escaping a task terminates the program; callers catch.
    void post(std::function<void()> task);
    /// Blocks until no task is queued or running.
    void waitForIdle();
    int threadCount() const { return static_cast<int>(threads_.size()); }

private:
    void work(int niceIncrement);

    std::mutex mutex_;
    std::condition_variable wake_;   // a task was posted, or the threads must stop
    std::condition_variable idle_;   // the queue is empty and nothing runs
    std::deque<std::function<void()>> queue_;
    int running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

/// The threads shared by the views' computations (runAsync, LatestJob): as many as the machine has hardware
/// threads, at least two, so a long computation never holds up a short one behind it on its own.
TaskThreads& viewTaskThreads();

}  // namespace sd::studio
