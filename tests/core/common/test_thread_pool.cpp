// sd::parallelFor and the thread settings (core/common/thread_pool.h): every task runs exactly once for any
// thread count; two threads really run tasks at the same time; a nested call and a second concurrent caller
// run serially instead of deadlocking; the first exception reaches the caller; scopes and the process default.
#include "core/common/thread_pool.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

/// Restores the process default when a test ends.
struct ProcessThreadsGuard {
    int saved = sd::computeThreads();
    ~ProcessThreadsGuard() { sd::setComputeThreads(saved); }
};

}  // namespace

class TestThreadPool : public QObject {
    Q_OBJECT

private slots:
    void everyTaskRunsExactlyOnce() {
        for (int threads : {1, 2, 3, 5}) {
            const sd::ComputeThreadsScope scope(threads);
            for (int count : {0, 1, 2, 7, 100, 1000}) {
                std::vector<std::atomic<int>> hits(static_cast<std::size_t>(count));
                for (auto& h : hits) h = 0;
                sd::parallelFor(count, [&](int i) { hits[static_cast<std::size_t>(i)].fetch_add(1); });
                for (int i = 0; i < count; ++i)
                    QVERIFY2(hits[static_cast<std::size_t>(i)].load() == 1,
                             qPrintable(QString("threads %1, count %2, task %3").arg(threads).arg(count).arg(i)));
            }
        }
    }

    void twoThreadsRunTasksConcurrently() {
        // Tasks 0 and 1 each wait until the other has started: only possible if two threads run them at once.
        const sd::ComputeThreadsScope scope(2);
        std::mutex m;
        std::condition_variable cv;
        int arrived = 0;
        std::set<std::thread::id> ids;
        bool bothSeen = true;
        sd::parallelFor(2, [&](int) {
            std::unique_lock<std::mutex> lock(m);
            ++arrived;
            ids.insert(std::this_thread::get_id());
            cv.notify_all();
            if (!cv.wait_for(lock, std::chrono::seconds(30), [&] { return arrived == 2; })) bothSeen = false;
        });
        QVERIFY(bothSeen);
        QCOMPARE(static_cast<int>(ids.size()), 2);
    }

    void oneThreadRunsInOrderOnTheCaller() {
        const sd::ComputeThreadsScope scope(1);
        std::vector<int> order;
        const auto caller = std::this_thread::get_id();
        bool onCaller = true;
        sd::parallelFor(50, [&](int i) {
            order.push_back(i);  // unsynchronised on purpose: one thread only
            onCaller = onCaller && std::this_thread::get_id() == caller;
        });
        QVERIFY(onCaller);
        QCOMPARE(static_cast<int>(order.size()), 50);
        for (int i = 0; i < 50; ++i) QCOMPARE(order[static_cast<std::size_t>(i)], i);
    }

    void nestedCallsRunSeriallyInsideATask() {
        const sd::ComputeThreadsScope scope(2);
        std::atomic<int> total{0};
        sd::parallelFor(8, [&](int) {
            const auto self = std::this_thread::get_id();
            bool sameThread = true;
            sd::parallelFor(16, [&](int) {
                sameThread = sameThread && std::this_thread::get_id() == self;
                total.fetch_add(1);
            });
            if (!sameThread) total.fetch_add(100000);  // a nested task left its thread
        });
        QCOMPARE(total.load(), 8 * 16);
    }

    void concurrentCallersBothComplete() {
        // Two threads call parallelFor at the same time (the experiment runner's workers): whoever does not get
        // the pool runs its tasks itself; both finish and every task runs once.
        const int count = 2000;
        std::vector<std::atomic<int>> a(count), b(count);
        for (int i = 0; i < count; ++i) a[i] = b[i] = 0;
        auto caller = [&](std::vector<std::atomic<int>>& hits) {
            const sd::ComputeThreadsScope scope(2);
            for (int round = 0; round < 20; ++round)
                sd::parallelFor(count, [&](int i) { hits[static_cast<std::size_t>(i)].fetch_add(1); });
        };
        std::thread t1(caller, std::ref(a)), t2(caller, std::ref(b));
        t1.join();
        t2.join();
        for (int i = 0; i < count; ++i) {
            QCOMPARE(a[i].load(), 20);
            QCOMPARE(b[i].load(), 20);
        }
    }

    void firstExceptionReachesTheCaller() {
        for (int threads : {1, 2}) {
            const sd::ComputeThreadsScope scope(threads);
            bool caught = false;
            try {
                sd::parallelFor(100, [](int i) {
                    if (i == 37) throw std::runtime_error("task 37 failed");
                });
            } catch (const std::runtime_error& e) {
                caught = QString(e.what()) == "task 37 failed";
            }
            QVERIFY(caught);
            // The pool is usable afterwards.
            std::atomic<int> n{0};
            sd::parallelFor(10, [&](int) { n.fetch_add(1); });
            QCOMPARE(n.load(), 10);
        }
    }

    void scopesAndProcessDefault() {
        ProcessThreadsGuard guard;
        QVERIFY(sd::hardwareThreads() >= 1);
        sd::setComputeThreads(0);
        QCOMPARE(sd::computeThreads(), sd::hardwareThreads());
        sd::setComputeThreads(3);
        QCOMPARE(sd::computeThreads(), 3);
        {
            const sd::ComputeThreadsScope outer(1);
            QCOMPARE(sd::computeThreads(), 1);
            {
                const sd::ComputeThreadsScope keep(0);  // 0 keeps the current value
                QCOMPARE(sd::computeThreads(), 1);
                const sd::ComputeThreadsScope inner(2);
                QCOMPARE(sd::computeThreads(), 2);
            }
            QCOMPARE(sd::computeThreads(), 1);
            int seenOnOtherThread = 0;
            std::thread([&] { seenOnOtherThread = sd::computeThreads(); }).join();
            QCOMPARE(seenOnOtherThread, 3);  // a scope is per thread
        }
        QCOMPARE(sd::computeThreads(), 3);
        sd::setComputeThreads(1000);
        QCOMPARE(sd::computeThreads(), 64);
    }
};

QTEST_GUILESS_MAIN(TestThreadPool)
#include "test_thread_pool.moc"
