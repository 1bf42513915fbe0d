#include "core/common/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SD_CPU_RELAX() _mm_pause()
#else
#define SD_CPU_RELAX() std::this_thread::yield()
#endif

namespace sd {

namespace {

constexpr int kMaxThreads = 64;
// Busy-wait iterations (~40 µs) before a worker sleeps or the caller blocks: training calls the kernels back to
// back, and a condition-variable wake-up costs more than a small product. Short, so that on a loaded machine
// an idle worker soon gives its core back.
constexpr int kSpinIterations = 2000;

std::atomic<int>& processThreads() {
    static std::atomic<int> n{hardwareThreads()};
    return n;
}

thread_local int tlScopeThreads = 0;       // 0 = no ComputeThreadsScope on this thread
thread_local bool tlInsideParallel = false;  // running a task (or a parallelFor) on this thread

/// The persistent workers. One job at a time; `busy_` admits one caller, the others run serially.
class Pool {
public:
    static Pool& instance() {
        static Pool pool;
        return pool;
    }

    bool tryAcquire() {
        bool expected = false;
        return busy_.compare_exchange_strong(expected, true, std::memory_order_acquire);
    }

    /// Runs the job on the caller plus `helpers` workers. The caller holds the pool (tryAcquire).
    void run(int count, const std::function<void(int)>& task, int helpers) {
        ensureWorkers(helpers);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            task_ = &task;
            count_ = count;
            next_.store(0, std::memory_order_relaxed);
            wanted_ = helpers;
            finished_.store(0, std::memory_order_relaxed);
            error_ = nullptr;
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        work();
        // Wait for the helpers: each finishes its last task and checks in.
        for (int spin = 0; finished_.load(std::memory_order_acquire) < helpers; ++spin) {
            if (spin < kSpinIterations) {
                SD_CPU_RELAX();
                continue;
            }
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, [&] { return finished_.load(std::memory_order_acquire) >= helpers; });
        }
        std::exception_ptr error;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            task_ = nullptr;
            error = error_;
        }
        busy_.store(false, std::memory_order_release);
        if (error) std::rethrow_exception(error);
    }

    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        for (std::thread& t : workers_) t.join();
    }

private:
    void ensureWorkers(int helpers) {
        while (static_cast<int>(workers_.size()) < helpers) {
            const int index = static_cast<int>(workers_.size());
            workers_.emplace_back([this, index] { workerLoop(index); });
        }
    }

    /// Takes tasks until none are left; records the first exception.
    void work() {
        const std::function<void(int)>& task = *task_;
        for (int i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < count_;) {
            try {
                task(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex_);
                if (!error_) error_ = std::current_exception();
                next_.store(count_, std::memory_order_relaxed);  // the remaining tasks are skipped
            }
        }
    }

    void workerLoop(int index) {
        tlInsideParallel = true;
        std::uint64_t seen = 0;
        for (;;) {
            // Wait for a new job: spin briefly, then sleep.
            std::uint64_t gen = generation_.load(std::memory_order_acquire);
            for (int spin = 0; gen == seen && spin < kSpinIterations; ++spin) {
                SD_CPU_RELAX();
                gen = generation_.load(std::memory_order_acquire);
            }
            if (gen == seen) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
                gen = generation_.load(std::memory_order_acquire);
            }
            seen = gen;
            bool participate = false;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stop_) return;
                participate = task_ != nullptr && index < wanted_;
            }
            if (!participate) continue;
            work();
            {
                std::lock_guard<std::mutex> lock(mutex_);
                finished_.fetch_add(1, std::memory_order_release);
            }
            done_.notify_one();
        }
    }

    std::atomic<bool> busy_{false};
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::vector<std::thread> workers_;
    std::atomic<std::uint64_t> generation_{0};
    const std::function<void(int)>* task_ = nullptr;
    int count_ = 0;
    int wanted_ = 0;
    std::atomic<int> next_{0};
    std::atomic<int> finished_{0};
    std::exception_ptr error_;
    bool stop_ = false;
};

}  // namespace

int hardwareThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(std::min<unsigned>(n, kMaxThreads));
}

int computeThreads() { return tlScopeThreads > 0 ? tlScopeThreads : processThreads().load(std::memory_order_relaxed); }

void setComputeThreads(int n) { processThreads().store(n <= 0 ? hardwareThreads() : std::min(n, kMaxThreads)); }

ComputeThreadsScope::ComputeThreadsScope(int n) : previous_(tlScopeThreads) {
    if (n > 0) tlScopeThreads = std::min(n, kMaxThreads);
}

ComputeThreadsScope::~ComputeThreadsScope() { tlScopeThreads = previous_; }

void parallelFor(int count, const std::function<void(int)>& task) {
    if (count <= 0) return;
    const int threads = std::min(computeThreads(), count);
    Pool* pool = nullptr;
    if (threads > 1 && !tlInsideParallel) {
        pool = &Pool::instance();
        if (!pool->tryAcquire()) pool = nullptr;
    }
    if (!pool) {  // serially, in task order
        for (int i = 0; i < count; ++i) task(i);
        return;
    }
    tlInsideParallel = true;
    try {
        pool->run(count, task, threads - 1);
    } catch (...) {
        tlInsideParallel = false;
        throw;
    }
    tlInsideParallel = false;
}

}  // namespace sd
