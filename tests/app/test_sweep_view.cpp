// The studio's Sweep tab drives the experiment engine offscreen, with the test-only linear plugin on the demo
// data: a 2-D sweep over seeds runs on two workers into its own output folder (results + models), the heat map
// masks only undefined scores (a variant with an unverified certificate keeps its number), the colour bar is
// the metric on a log scale, the 1-D view puts the observed sensitivity on the right axis, clicking a cell
// loads its model as the current model and Promote hands its JSON to the model board, Stop stops promptly,
// bad values are refused before anything trains; plus the plan and CSV built from the tab's inputs.
#include "app/studio/data_dock.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/main_window.h"
#include "app/studio/model_board.h"
#include "app/studio/model_dock.h"
#include "app/studio/studio_context.h"
#include "app/studio/sweep_plan.h"
#include "app/studio/sweep_view.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/experiment/cells.h"
#include "core/experiment/result_store.h"
#include "studio_test_window.h"

#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

using namespace sd::studio;
using nlohmann::json;

class TestSweepView : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> window_;
    QTemporaryDir tmp_;

    SweepView* view() { return window_->sweep(); }
    QCustomPlot* plot() { return window_->findChild<QCustomPlot*>("sweepPlot"); }

    bool runToEnd(int timeoutMs = 60000) {
        QSignalSpy finished(view(), &SweepView::sweepFinished);
        QTest::mouseClick(window_->findChild<QPushButton*>("sweepRunButton"), Qt::LeftButton);
        if (!view()->isRunning() && finished.isEmpty()) return false;
        return finished.count() > 0 || finished.wait(timeoutMs);
    }

    int itemsStartingWith(const QString& prefix) {
        int n = 0;
        for (int k = 0; k < plot()->itemCount(); ++k)
            if (auto* text = qobject_cast<QCPItemText*>(plot()->item(k)); text && text->text().startsWith(prefix)) ++n;
        return n;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        sd::studio::test::openTestWindow(window_);
        if (QTest::currentTestFailed()) return;
        sd::studio::test::loadDemoDataset(*window_);
        if (QTest::currentTestFailed()) return;
        view()->setOutputRoot(tmp_.filePath("sweeps"));
        window_->tabs()->setCurrentWidget(view());
    }

    void planFromTheTabsInputs() {
        const json schema = json::parse(R"({"params": [
            {"key": "n", "type": "int", "default": 1}, {"key": "on", "type": "bool", "default": true},
            {"key": "lr", "type": "number", "default": 0.1, "log": true}]})");
        const auto params = sweepableParameters(schema);
        QCOMPARE(params.size(), std::size_t(2));
        QVERIFY(params[0].integer && !params[1].integer && params[1].log);
        QCOMPARE(parseSweepSeeds("0, 2;5"), (std::vector<std::uint64_t>{0, 2, 5}));
        QVERIFY_THROWS_EXCEPTION(sd::Error, parseSweepSeeds("1, 1"));
        QVERIFY_THROWS_EXCEPTION(sd::Error, parseSweepSeeds("-1"));
        SweepRequest r;
        r.pluginId = "p";
        r.baseHyper = {{"lr", 1.0}, {"n", 7}, {"on", false}};
        r.dataset = std::make_shared<sd::data::Dataset>();
        r.a = {"lr", {0.1, 0.2, 0.3}, false, true};
        r.b = SweepAxis{"n", {1, 2}, true, false};
        r.seeds = {0, 1};
        const auto plan = sweepPlan(r);
        QCOMPARE(plan.cellCount(), std::size_t(12));
        QVERIFY(plan.axes[0].log);
        QVERIFY(plan.axes[1].values[1].value.is_number_integer());
        const auto cells = sd::experiment::enumerateCells(plan);
        QCOMPARE(cells[6].hyper["lr"].get<double>(), 0.2);   // dataset, lr, n, seed: lr index 1 starts at cell 4
        QCOMPARE(cells[6].hyper["n"].get<int>(), 2);
        QCOMPARE(cells[6].hyper["on"].get<bool>(), false);
        QVERIFY(cells[6].hyper.contains("on") && !plan.fixed.contains("lr"));
        r.b->key = "lr";
        QVERIFY_THROWS_EXCEPTION(sd::Error, sweepPlan(r));
    }

    void sweepRunsOnTheEngineAndMasksOnlyUndefinedScores() {
        // eigen_shift 0.5 makes the fitted model unstable (unverified certificate) but its prediction over the
        // demo horizon stays finite: its score is shown; 5 makes the prediction diverge: masked.
        QVERIFY(window_->modelDock()->selectPlugin("test-linear", {{"solver", "least-squares"}}));
        QVERIFY(view()->setSweep("ridge", "1e-8, 1e-3, 1", "eigen_shift", "0, 0.5, 5"));
        view()->setSeeds("0, 1");
        view()->setJobs(2);
        QVERIFY(runToEnd());
        QCOMPARE(view()->cellCount(), 18);
        QCOMPARE(view()->finishedCount(), 18);
        QCOMPARE(view()->maskedCount(), 3);
        // The engine wrote every cell's record and model into the sweep's folder.
        const std::filesystem::path out = view()->outputFolder().toStdString();
        QVERIFY(out.string().rfind(tmp_.filePath("sweeps").toStdString(), 0) == 0);
        const auto records = sd::experiment::latestRecords(out);
        QCOMPARE(records.size(), std::size_t(18));
        for (const auto& [id, r] : records) QVERIFY(std::filesystem::exists(out / r["model_file"].get<std::string>()));
        QVERIFY(std::filesystem::exists(out / "plan.json"));

        QCPColorMap* map = view()->heatMap();
        QVERIFY(map);
        QCOMPARE(map->data()->keySize(), 3);
        QCOMPARE(map->data()->valueSize(), 3);
        const auto* table = view()->results();
        for (int i = 0; i < 3; ++i) {
            QVERIFY(std::isfinite(map->data()->cell(i, 0)));   // stable
            QVERIFY(std::isfinite(map->data()->cell(i, 1)));   // unstable but finite: shown
            QVERIFY(std::isnan(map->data()->cell(i, 2)));      // diverged: masked
        }
        int unverifiedShown = 0;
        for (const auto& g : table->groups())
            if (g.coords[1] == 1) unverifiedShown += table->statistic(g, "certificate.verified").mean == 0.0 ? 1 : 0;
        QCOMPARE(unverifiedShown, 3);
        QCOMPARE(itemsStartingWith("×"), 3);
        QCOMPARE(itemsStartingWith("×\ndiverged"), 3);
        // The colour bar is the metric itself, on a log scale.
        QCOMPARE(map->dataScaleType(), QCPAxis::stLogarithmic);
        QVERIFY2(map->colorScale()->axis()->label().contains("relative error"), qPrintable(map->colorScale()->axis()->label()));
        const double lo = map->dataRange().lower, hi = map->dataRange().upper;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 2; ++j) QVERIFY(map->data()->cell(i, j) >= lo * (1 - 1e-12) && map->data()->cell(i, j) <= hi * (1 + 1e-12));

        const QString csvPath = tmp_.filePath("sweep.csv");
        view()->exportCsv(csvPath);
        const QStringList lines = QString::fromStdString(sd::readFile(csvPath.toStdString())).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 19);
        QVERIFY(lines[0].startsWith("ridge,eigen_shift,seed,status,score"));
        QVERIFY(window_->saveCurrentPlot(tmp_.filePath("sweep.png"), true));
    }

    void clickingACellLoadsItsModelAndPromoteHandsItToTheBoard() {
        QVERIFY(view()->results());
        // Cell (ridge = 1e-3, eigen_shift = 0.5) of the previous sweep.
        const QPoint at(static_cast<int>(plot()->xAxis->coordToPixel(1)), static_cast<int>(plot()->yAxis->coordToPixel(1)));
        QTest::mouseClick(plot(), Qt::LeftButton, Qt::NoModifier, at);
        QTRY_VERIFY(window_->context()->modelLabel().startsWith("sweep:"));
        QVERIFY2(window_->context()->modelLabel().contains("ridge=0.001") && window_->context()->modelLabel().contains("eigen_shift=0.5"),
                 qPrintable(window_->context()->modelLabel()));
        QVERIFY(window_->context()->model());
        QCOMPARE(window_->context()->model()->hyperparameters()["eigen_shift"].get<double>(), 0.5);
        auto* promote = window_->findChild<QPushButton*>("sweepPromoteButton");
        QVERIFY(promote->isEnabled());
        QSignalSpy promoted(view(), &SweepView::promoteToBoard);
        const size_t boardBefore = window_->board()->entries().size();
        QTest::mouseClick(promote, Qt::LeftButton);
        QCOMPARE(promoted.count(), 1);
        // The main window puts the promoted cell on the model board, as a sweep entry with the cell's label.
        QCOMPARE(window_->board()->entries().size(), boardBefore + 1);
        QCOMPARE(window_->board()->entries().back().origin, QString("sweep"));
        QCOMPARE(window_->board()->entries().back().name, promoted[0][1].toString());
        const json doc = json::parse(promoted[0][0].toString().toStdString());
        QCOMPARE(doc["plugin"]["id"].get<std::string>(), std::string("test-linear"));
        QCOMPARE(doc["hyperparameters"]["ridge"].get<double>(), 1e-3);
        QVERIFY(promoted[0][1].toString().startsWith("sweep:"));
        // A masked (diverged) cell still has a model: it loads too.
        QVERIFY(view()->loadCell(0, 2));
    }

    void oneParameterShowsScoreAndObservedSensitivity() {
        QVERIFY(view()->setSweep("eigen_shift", "-0.5, 0, 5"));
        view()->setSeeds("0");
        QVERIFY(runToEnd());
        QCOMPARE(view()->cellCount(), 3);
        QCOMPARE(view()->maskedCount(), 1);
        QVERIFY(!view()->heatMap());
        QCOMPARE(plot()->graph(0)->dataCount(), 2);   // the diverged value is not a point…
        QCOMPARE(itemsStartingWith("×\ndiverged"), 1);  // …but marked with its reason
        // The certificate's observed sensitivity (ren's measured gain; ‖A‖ here) goes on the right axis.
        QVERIFY(plot()->yAxis2->visible());
        QCOMPARE(plot()->graphCount(), 2);
        QCOMPARE(plot()->graph(1)->valueAxis(), plot()->yAxis2);
        QCOMPARE(plot()->graph(1)->dataCount(), 3);
    }

    void stopIsPromptAndBadValuesAreRefused() {
        QVERIFY(window_->modelDock()->selectPlugin("test-linear", {{"epochs", 100000}, {"epoch_delay_ms", 5}}));
        QVERIFY(view()->setSweep("learning_rate", "0.01, 0.02, 0.03"));
        view()->setJobs(2);
        QSignalSpy finished(view(), &SweepView::sweepFinished);
        QVERIFY(view()->run());
        QTest::qWait(200);
        QVERIFY(view()->isRunning());   // the GUI thread is free while it trains
        QElapsedTimer t;
        t.start();
        QTest::mouseClick(window_->findChild<QPushButton*>("sweepStopButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 3000);
        QVERIFY(t.elapsed() < 3000);
        QCOMPARE(view()->finishedCount(), 0);   // cut-short trainings are not results
        QVERIFY(view()->statusText().contains("stopped"));

        QVERIFY(view()->setSweep("ridge", "1e-3, abc"));
        QVERIFY(!view()->run());
        QVERIFY(view()->statusText().contains("abc"));
        view()->setSeeds("0, 0");
        QVERIFY(view()->setSweep("ridge", "1e-3"));
        QVERIFY(!view()->run());
        QVERIFY(view()->statusText().contains("seed"));
        view()->setSeeds("0");
    }
};

QTEST_MAIN(TestSweepView)
#include "test_sweep_view.moc"
