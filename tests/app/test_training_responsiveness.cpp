// Training control under artificial CPU load (one busy thread per core), driven through the real window:
// Pause and Stop are acknowledged by the worker within one minibatch and the UI says only what the worker
// did; after Stop the loss curve, the progress bar, the status line and the current model agree on the
// epoch count; every training event reaches the curve while snapshots are coalesced (the GUI never renders
// one per epoch). Latencies (click → worker acknowledgement, last epoch → curve) are recorded in the test
// log, never asserted: the machine is shared.
#include "app/studio/data_dock.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/main_window.h"
#include "app/studio/model_dock.h"
#include "app/studio/phase_portrait_view.h"
#include "app/studio/studio_context.h"
#include "app/studio/train_dock.h"
#include "app/studio/training_controller.h"
#include "app/studio/training_curves_view.h"
#include "studio_test_window.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QtTest>
#include <atomic>
#include <thread>

using namespace sd::studio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double msBetween(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// One spinning thread per core for the lifetime of the object.
class BusyCores {
public:
    BusyCores() {
        const int n = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
        for (int k = 0; k < n; ++k)
            threads_.emplace_back([this] {
                volatile double x = 1;
                while (!stop_.load(std::memory_order_relaxed)) x = x * 1.0000001 + 1e-9;
            });
    }
    ~BusyCores() {
        stop_ = true;
        for (auto& t : threads_) t.join();
    }
    int count() const { return static_cast<int>(threads_.size()); }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

}  // namespace

class TestTrainingResponsiveness : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> window_;
    std::unique_ptr<BusyCores> busy_;

    TrainingController* controller() { return window_->trainingController(); }
    QProgressBar* bar() { return window_->findChild<QProgressBar*>("trainProgress"); }
    QPushButton* button(const char* name) { return window_->findChild<QPushButton*>(name); }

    void loadDemo() { sd::studio::test::loadDemoDataset(*window_, 30000); }

    // Clicks Pause, waits for the worker's acknowledgement and checks that the UI says what happened.
    void pauseAndCheck(const char* what, bool minibatchHooked) {
        const int run = controller()->currentRun();
        const auto click = Clock::now();
        QTest::mouseClick(button("trainPauseButton"), Qt::LeftButton);
        QCOMPARE(controller()->state(), TrainingController::State::Pausing);
        QVERIFY2(!window_->trainDock()->statusText().contains("paused after"), "the UI claimed a pause before the worker did");
        QTRY_COMPARE_WITH_TIMEOUT(controller()->state(), TrainingController::State::Paused, 30000);
        const auto shown = Clock::now();
        qInfo("%s: pause click -> worker acknowledged %.1f ms, -> UI shows paused %.1f ms (%d busy threads)", what,
              msBetween(click, controller()->pauseAcknowledgedAt()), msBetween(click, shown), busy_->count());
        if (minibatchHooked) {
            QVERIFY2(controller()->minibatchCount() > 0, "the run never passed the minibatch checkpoint");
            // Asked during minibatch k, the worker blocks before k+1 (≤ 1 allows the request to land between the
            // checkpoint's test and the minibatch start).
            QVERIFY2(controller()->minibatchesAfterRequest() <= 1,
                     qPrintable(QString("%1 minibatches ran after Pause").arg(controller()->minibatchesAfterRequest())));
        }
        // Paused means paused: no event arrives, and the bar, the curve and the status show the same epoch.
        const int points = window_->trainingCurves()->pointCount(run);
        QTest::qWait(400);
        QCOMPARE(window_->trainingCurves()->pointCount(run), points);
        const int epoch = window_->trainingCurves()->lastEpoch(run);
        QCOMPARE(controller()->lastReportedEpoch(), epoch);
        QCOMPARE(bar()->value(), epoch);
        QVERIFY2(window_->trainDock()->statusText().contains(QString("paused after epoch %1").arg(epoch)),
                 qPrintable(window_->trainDock()->statusText()));
        QCOMPARE(button("trainPauseButton")->text(), QString("Resume"));
    }

    // Clicks Stop and checks that curve, bar, status and current model agree afterwards.
    void stopAndCheck(const char* what, bool minibatchHooked) {
        const int run = controller()->currentRun();
        QSignalSpy finished(controller(), &TrainingController::finished);
        const auto click = Clock::now();
        QTest::mouseClick(button("trainStopButton"), Qt::LeftButton);
        QVERIFY(controller()->state() == TrainingController::State::Stopping || finished.count() == 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        const auto summary = finished.first().at(1).value<sd::model::TrainSummary>();
        const auto trained = finished.first().at(2).value<std::shared_ptr<const sd::model::Model>>();
        const int epochs = summary.epochsRun;
        // The curve shows the last epoch once it has refreshed (the replot is coalesced into the next turn).
        QTRY_COMPARE_WITH_TIMEOUT(window_->trainingCurves()->shownEpoch(run), epochs, 10000);
        const auto curveShown = Clock::now();
        qInfo("%s: stop click -> worker returned %.1f ms; last epoch produced -> curve shows it %.1f ms", what,
              msBetween(click, controller()->workerReturnedAt()), msBetween(controller()->lastEventWorkerTime(), curveShown));
        if (minibatchHooked)
            QVERIFY2(controller()->minibatchesAfterRequest() == 0,
                     qPrintable(QString("%1 minibatches ran after Stop").arg(controller()->minibatchesAfterRequest())));
        QCOMPARE(summary.status, sd::model::TrainStatus::Cancelled);
        // Curve = model's own training record = bar = status = label of the current model.
        QCOMPARE(window_->trainingCurves()->lastEpoch(run), epochs);
        QCOMPARE(window_->trainingCurves()->pointCount(run), epochs);
        QCOMPARE(trained->toJson()["training"]["epochs_run"].get<int>(), epochs);
        QCOMPARE(bar()->value(), epochs);
        QVERIFY2(window_->trainDock()->statusText().contains(QString("after %1 epochs").arg(epochs)),
                 qPrintable(window_->trainDock()->statusText()));
        QVERIFY(window_->context()->model() == trained);
        QVERIFY2(window_->context()->modelLabel().contains(QString("stopped at epoch %1").arg(epochs)),
                 qPrintable(window_->context()->modelLabel()));
        QVERIFY(!controller()->isRunning());
        QCOMPARE(button("trainStartButton")->isEnabled(), true);
    }

private slots:
    void initTestCase() {
        sd::studio::test::openTestWindow(window_, {1280, 800});
        if (QTest::currentTestFailed()) return;
        QVERIFY2(window_->context()->pluginHost().find("test-linear"), "the test plugin was not loaded");
        loadDemo();
        busy_ = std::make_unique<BusyCores>();
    }

    void pauseResumeStopPerEpochPlugin() {
        // test-linear polls cancel per epoch (one gradient step each): the worker pauses between epochs.
        QVERIFY(window_->modelDock()->selectPlugin("test-linear", {{"epochs", 100000}, {"epoch_delay_ms", 3}}));
        QVERIFY(window_->trainDock()->startTraining());
        const int run = controller()->currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(window_->trainingCurves()->pointCount(run) >= 10, 30000);
        pauseAndCheck("test-linear", false);
        QTest::mouseClick(button("trainPauseButton"), Qt::LeftButton);   // Resume
        QCOMPARE(controller()->state(), TrainingController::State::Running);
        const int before = window_->trainingCurves()->pointCount(run);
        QTRY_VERIFY_WITH_TIMEOUT(window_->trainingCurves()->pointCount(run) > before + 5, 30000);
        stopAndCheck("test-linear", false);
    }

    void pauseAndStopWithinOneMinibatch() {
        // lyapunov-net trains with nn::trainLoop in minibatches (≈ 8 per epoch on the demo's train split).
        if (!window_->context()->pluginHost().find("lyapunov-net")) QSKIP("the lyapunov-net plugin is not built");
        QVERIFY(window_->modelDock()->selectPlugin("lyapunov-net", {{"epochs", 100000},
                                                                    {"batch_size", 128},
                                                                    {"fhat_hidden", {32, 32}},
                                                                    {"v_hidden", {32, 32}},
                                                                    {"certificate_samples", 500},
                                                                    {"certificate_trajectories", 1}}));
        QVERIFY(window_->trainDock()->startTraining());
        const int run = controller()->currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(window_->trainingCurves()->pointCount(run) >= 2, 60000);
        pauseAndCheck("lyapunov-net", true);
        QTest::mouseClick(button("trainPauseButton"), Qt::LeftButton);   // Resume
        const long long before = controller()->minibatchCount();
        QTRY_VERIFY_WITH_TIMEOUT(controller()->minibatchCount() > before + 3, 30000);
        // Stop while paused: the worker wakes up and returns without another minibatch.
        pauseAndCheck("lyapunov-net (second pause)", true);
        stopAndCheck("lyapunov-net (stopped while paused)", true);
        // And Stop while running.
        QVERIFY(window_->trainDock()->startTraining());
        const int run2 = controller()->currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(window_->trainingCurves()->pointCount(run2) >= 2, 60000);
        stopAndCheck("lyapunov-net (stopped while running)", true);
    }

    void snapshotsAreCoalescedAndEveryEventIsPlotted() {
        // A snapshot per epoch with thousands of fast epochs, while the phase portrait (a heavy view) is on
        // screen: every event reaches the curve, but the GUI renders only the snapshots it can keep up with.
        window_->tabs()->setCurrentWidget(window_->phasePortrait());
        QVERIFY(window_->modelDock()->selectPlugin("test-linear", {{"epochs", 4000}, {"learning_rate", 0.01}}));
        auto* every = window_->findChild<QSpinBox*>("snapshotEvery");
        every->setValue(1);
        QSignalSpy snapshots(controller(), &TrainingController::snapshotReady);
        QSignalSpy events(controller(), &TrainingController::epochFinished);
        QSignalSpy finished(controller(), &TrainingController::finished);
        QVERIFY(window_->trainDock()->startTraining());
        window_->tabs()->setCurrentWidget(window_->phasePortrait());   // training brings the curves forward
        const int run = controller()->currentRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        every->setValue(5);
        QCOMPARE(events.count(), 4000);
        QCOMPARE(window_->trainingCurves()->pointCount(run), 4000);
        QCOMPARE(window_->trainingCurves()->lastEpoch(run), 4000);
        qInfo("4000 epochs with a snapshot due every epoch: %lld snapshots rendered", static_cast<long long>(snapshots.count()));
        QVERIFY2(snapshots.count() < 4000 / 4, "snapshots were not coalesced");
        // Snapshot epochs only grow: the GUI never goes back to an older model.
        int previous = 0;
        for (const auto& s : snapshots) {
            QVERIFY(s.at(2).toInt() > previous);
            previous = s.at(2).toInt();
        }
        // After finished() the trained model is current and stays current: a snapshot still waiting in its
        // slot at the end of the run is dropped, never published later (it once replaced the final model).
        const auto trained = finished.at(0).at(2).value<std::shared_ptr<const sd::model::Model>>();
        QVERIFY(trained);
        QCOMPARE(window_->context()->model().get(), trained.get());
        const int snapshotsAtFinish = static_cast<int>(snapshots.count());
        QTest::qWait(600);   // longer than the minimum snapshot interval: a waiting snapshot would be out by now
        QCOMPARE(static_cast<int>(snapshots.count()), snapshotsAtFinish);
        QCOMPARE(window_->context()->model().get(), trained.get());
        QVERIFY2(!window_->context()->modelLabel().contains("(training)"), qPrintable(window_->context()->modelLabel()));
        // The status says how the run ended once ("Run N completed after 4000 epochs; …"), not twice.
        QVERIFY2(window_->trainDock()->statusText().count("completed") == 1, qPrintable(window_->trainDock()->statusText()));
    }

    void cleanupTestCase() {
        busy_.reset();
        window_.reset();
    }
};

QTEST_MAIN(TestTrainingResponsiveness)
#include "test_training_responsiveness.moc"
