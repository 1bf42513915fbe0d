// The studio's background-work plumbing, without widgets: TaskThreads runs posted tasks and drops unstarted
// ones on destruction; GuiInbox delivers on the GUI thread in posting order and drops deliveries once its
// context is gone; TaskOutcome records a computation's value, error or cancellation; runAsync / LatestJob
// deliver results and errors, coalesce stale requests and deliver nothing to a destroyed receiver. Also run
// under ThreadSanitizer (scripts/test.sh --sanitize).
#include "app/studio/async_task.h"
#include "app/studio/gui_inbox.h"
#include "app/studio/latest_job.h"
#include "app/studio/task_outcome.h"
#include "app/studio/task_threads.h"

#include <QThread>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace sd::studio;
using namespace std::chrono_literals;

class TestBackgroundWork : public QObject {
    Q_OBJECT

private slots:
    void taskThreadsRunEveryPostedTask() {
        std::atomic<int> done{0};
        TaskThreads threads(3);
        QCOMPARE(threads.threadCount(), 3);
        for (int i = 0; i < 200; ++i) threads.post([&] { done.fetch_add(1); });
        threads.waitForIdle();
        QCOMPARE(done.load(), 200);
    }

    void destroyingTaskThreadsDropsTasksThatHaveNotStarted() {
        std::atomic<bool> release{false};
        std::atomic<int> ran{0};
        auto token = std::make_shared<int>(0);
        std::weak_ptr<int> watch = token;
        std::thread releaser;
        {
            TaskThreads threads(1);
            std::atomic<bool> blocking{false};
            threads.post([&] {
                blocking = true;
                while (!release) std::this_thread::sleep_for(1ms);
                ran.fetch_add(1);
            });
            for (int i = 0; i < 10; ++i) threads.post([&ran, token] { ran.fetch_add(1); });
            token.reset();
            while (!blocking) std::this_thread::sleep_for(1ms);
            releaser = std::thread([&] {
                std::this_thread::sleep_for(50ms);
                release = true;
            });
        }   // waits for the running task, drops the ten queued ones
        releaser.join();
        QCOMPARE(ran.load(), 1);
        QVERIFY(watch.expired());   // the dropped tasks' captures were released
    }

    void inboxDeliversOnTheGuiThreadInPostingOrder() {
        QObject context;
        const GuiInbox inbox = GuiInbox::of(&context);
        constexpr int kThreads = 4, kEach = 500;
        std::vector<std::vector<int>> seen(kThreads);
        int onOtherThread = 0, total = 0;
        QThread* const gui = QThread::currentThread();
        std::vector<std::thread> posters;
        for (int t = 0; t < kThreads; ++t)
            posters.emplace_back([&, t] {
                for (int i = 0; i < kEach; ++i)
                    inbox.post([&, t, i] {
                        if (QThread::currentThread() != gui) ++onOtherThread;
                        seen[static_cast<std::size_t>(t)].push_back(i);
                        ++total;
                    });
            });
        for (auto& p : posters) p.join();
        QTRY_COMPARE_WITH_TIMEOUT(total, kThreads * kEach, 5000);
        for (int t = 0; t < kThreads; ++t) {
            QCOMPARE(seen[static_cast<std::size_t>(t)].size(), std::size_t(kEach));
            for (int i = 0; i < kEach; ++i) QCOMPARE(seen[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)], i);
        }
        QCOMPARE(onOtherThread, 0);
    }

    void oneInboxPerContext() {
        QObject context;
        int delivered = 0;
        GuiInbox::of(&context).post([&] { ++delivered; });
        GuiInbox::of(&context).drainNow();   // the second handle reaches the first one's queue
        QCOMPARE(delivered, 1);
    }

    void inboxDropsDeliveriesOnceItsContextIsGone() {
        int delivered = 0;
        auto token = std::make_shared<int>(0);
        std::weak_ptr<int> watch = token;
        auto context = std::make_unique<QObject>();
        const GuiInbox inbox = GuiInbox::of(context.get());
        inbox.post([&delivered, token] { ++delivered; });   // queued, not yet drained
        token.reset();
        context.reset();
        QVERIFY(watch.expired());
        std::thread late([&] { inbox.post([&] { ++delivered; }); });   // after the context: dropped at once
        late.join();
        QCoreApplication::processEvents();
        QTest::qWait(20);
        QCOMPARE(delivered, 0);
    }

    void runAsyncDeliversResultsAndErrors() {
        QObject receiver;
        int result = 0;
        QString error;
        runAsync(&receiver, [] { return 6 * 7; }, [&](int v) { result = v; }, [&](const QString& e) { error = e; });
        QTRY_COMPARE_WITH_TIMEOUT(result, 42, 5000);
        runAsync(&receiver, []() -> int { throw std::runtime_error("file.csv: bad cell"); },
                 [&](int) { result = -1; }, [&](const QString& e) { error = e; });
        QTRY_COMPARE_WITH_TIMEOUT(error, QString("file.csv: bad cell"), 5000);
        QCOMPARE(result, 42);
    }

    void runAsyncDeliversNothingToADestroyedReceiver() {
        std::atomic<bool> release{false};
        bool delivered = false;
        auto receiver = std::make_unique<QObject>();
        runAsync(receiver.get(), [&] {
            while (!release) std::this_thread::sleep_for(1ms);
            return 1;
        }, [&](int) { delivered = true; }, [&](const QString&) { delivered = true; });
        receiver.reset();
        release = true;
        viewTaskThreads().waitForIdle();
        QCoreApplication::processEvents();
        QTest::qWait(20);
        QVERIFY(!delivered);
    }

    void latestJobRunsOnlyTheNewestRequest() {
        LatestJob job;
        std::atomic<bool> release{false};
        std::vector<int> delivered;
        std::atomic<int> cancelledSeen{0};
        std::atomic<bool> firstStarted{false};
        job.submit([&](const CancelToken& token) {
            firstStarted = true;
            while (!release && !token.cancelled()) std::this_thread::sleep_for(1ms);
            if (token.cancelled()) ++cancelledSeen;
            return 0;
        }, [&](int v) { delivered.push_back(v); }, [](const QString&) {});
        while (!firstStarted) std::this_thread::sleep_for(1ms);   // the newer requests cancel a running job
        for (int i = 1; i <= 100; ++i)
            job.submit([i](const CancelToken&) { return i; }, [&](int v) { delivered.push_back(v); },
                       [](const QString&) {});
        QSignalSpy idle(&job, &LatestJob::idle);
        QTRY_VERIFY_WITH_TIMEOUT(!job.isBusy(), 5000);
        QCOMPARE(job.startedCount(), 2);            // the running job and the newest request, nothing between
        QCOMPARE(delivered, std::vector<int>{100}); // the cancelled job's result is dropped
        QCOMPARE(cancelledSeen.load(), 1);
        QCOMPARE(idle.count(), 1);
    }

    void latestJobDeliversErrors() {
        LatestJob job;
        QString error;
        job.submit([](const CancelToken&) -> int { throw std::runtime_error("grid: singular"); },
                   [](int) {}, [&](const QString& e) { error = e; });
        QTRY_COMPARE_WITH_TIMEOUT(error, QString("grid: singular"), 5000);
    }
};

QTEST_GUILESS_MAIN(TestBackgroundWork)
#include "test_background_work.moc"
