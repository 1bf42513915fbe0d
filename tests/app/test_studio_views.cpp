// The studio as a user works with it, offscreen, with the test-only linear plugin: the model board (every
// run named, overlaid in the views, made current, renamed, deleted, kept in sessions), views that never show
// another dataset's or model's state, the phase portrait's pplane tools (equilibria, nullclines, directions,
// data, zoom), the training curves' TensorBoard tools (x axes, outlier-robust range, log ticks, hover,
// dataset filter), long time series (decimation, channels, residuals, range) and window basics (wheel on
// combo boxes, per-plugin settings, About, quit confirmation, --help without a display).
#include "app/studio/data_dock.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/hyperparameter_form.h"
#include "app/studio/main_window.h"
#include "app/studio/model_board.h"
#include "app/studio/model_board_dock.h"
#include "app/studio/model_dock.h"
#include "app/studio/phase_portrait_view.h"
#include "app/studio/range_checked_spin_boxes.h"
#include "app/studio/scalar_field_view.h"
#include "app/studio/studio_context.h"
#include "app/studio/time_series_view.h"
#include "app/studio/train_dock.h"
#include "app/studio/training_controller.h"
#include "app/studio/training_curves_view.h"
#include "core/common/atomic_file.h"
#include "sanitizer_build.h"
#include "studio_test_window.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QScrollBar>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

using namespace sd::studio;
using nlohmann::json;

class TestStudioViews : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> window_;
    QTemporaryDir tmp_;

    StudioContext* ctx() { return window_->context(); }
    ModelBoard* board() { return window_->board(); }

    void loadDemo() { sd::studio::test::loadDemoDataset(*window_, 20000); }
    void load(const DatasetReference& ref) {
        QSignalSpy loaded(window_->dataDock(), &DataDock::datasetLoaded);
        window_->dataDock()->load(ref);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    }
    void loadCsv(const QString& name, const std::string& text) {
        const QString path = tmp_.filePath(name);
        sd::writeFileAtomic(path.toStdString(), text);
        QSignalSpy loaded(window_->dataDock(), &DataDock::datasetLoaded);
        window_->dataDock()->openFile(path);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    }
    // A CSV of `n` samples of a decaying rotation in `dims` states (one trajectory).
    static std::string rotationCsv(int n, int dims, double dt) {
        std::string csv = "t";
        for (int d = 0; d < dims; ++d) csv += ",x" + std::to_string(d);
        csv += "\n";
        for (int k = 0; k < n; ++k) {
            const double t = k * dt;
            csv += std::to_string(t);
            for (int d = 0; d < dims; ++d) csv += "," + std::to_string(std::exp(-0.05 * t) * std::cos(t + d));
            csv += "\n";
        }
        return csv;
    }
    void train(const json& hyper) {
        QVERIFY(window_->modelDock()->selectPlugin("test-linear", hyper));
        QSignalSpy finished(window_->trainingController(), &TrainingController::finished);
        QVERIFY(window_->trainDock()->startTraining());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    }
    const BoardEntry& entry(int k) { return board()->entries().at(static_cast<std::size_t>(k)); }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        sd::studio::test::openTestWindow(window_);
        if (QTest::currentTestFailed()) return;
        window_->setConfirmOnQuit(false);
        window_->dataDock()->setAskForCsvMapping(false);
        loadDemo();
    }

    // ---- model board ----------------------------------------------------------------------------------

    void everyRunIsANamedModelOnTheBoard() {
        train({{"solver", "least-squares"}});
        train({{"solver", "gradient"}, {"epochs", 120}, {"learning_rate", 0.05}});
        QCOMPARE(static_cast<int>(board()->entries().size()), 2);
        const QString data = QString::fromStdString(ctx()->dataset()->name);
        for (int k = 0; k < 2; ++k) {
            QVERIFY2(entry(k).name.contains("test-linear") && entry(k).name.contains(data), qPrintable(entry(k).name));
            QCOMPARE(entry(k).datasetName, ctx()->dataset()->name);
            QVERIFY(entry(k).overlay);
        }
        QVERIFY(entry(0).name.contains("least-squares"));
        QVERIFY(entry(1).keyHyperparameters.contains("learning_rate") == false);   // 0.05 is the default
        QCOMPARE(entry(1).keyHyperparameters["epochs"].get<int>(), 120);
        QCOMPARE(entry(1).epochs, 120);
        QCOMPARE(static_cast<int>(entry(1).curve.size()), 120);
        QVERIFY(ctx()->model() == entry(1).model);   // the last run is the current model
        // Badge and score are computed in the background.
        QTRY_VERIFY_WITH_TIMEOUT(entry(0).badge != BoardEntry::Badge::Unknown && entry(1).badge != BoardEntry::Badge::Unknown, 20000);
        QVERIFY(entry(0).badge == BoardEntry::Badge::Verified);   // the fitted damped pendulum is stable
        QTRY_VERIFY_WITH_TIMEOUT(std::isfinite(entry(0).score) && std::isfinite(entry(1).score), 20000);
        QVERIFY(entry(0).score < entry(1).score);   // least squares fits better than 120 gradient steps
        auto* table = window_->findChild<QTableWidget*>("modelBoardTable");
        QCOMPARE(table->rowCount(), 2);
        QVERIFY(table->item(1, 1)->font().bold());   // the current model
    }

    void tickedModelsAreOverlaid() {
        const int first = entry(0).id;
        auto* phase = window_->phasePortrait();
        window_->tabs()->setCurrentWidget(phase);
        phase->clearTrajectories();
        phase->startTrajectoryAt(1.0, 0.5);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(phase->overlayTrajectories().size()), 1, 20000);
        QCOMPARE(phase->overlayTrajectories().front().first, first);
        const auto& other = phase->overlayTrajectories().front().second.front();
        QVERIFY((other.x.col(other.startColumn) - phase->trajectories().front().x.col(0)).norm() < 1e-12);   // same start
        auto* series = window_->timeSeries();
        window_->tabs()->setCurrentWidget(series);
        QTRY_VERIFY_WITH_TIMEOUT(std::isfinite(series->overlayNrmse(first)), 20000);
        QVERIFY(std::isfinite(series->lastNrmse()));
        QVERIFY(series->metricText().contains(entry(0).name.toHtmlEscaped()));
        QVERIFY(series->metricText().contains("fit"));
        QCOMPARE(window_->trainingCurves()->runCount(), 2);
        // Unticked: gone from the views.
        board()->setOverlay(first, false);
        window_->tabs()->setCurrentWidget(phase);
        QTRY_VERIFY_WITH_TIMEOUT(phase->overlayTrajectories().empty(), 20000);
        auto* runs = window_->findChild<QListWidget*>("runList");
        int checked = 0;
        for (int k = 0; k < runs->count(); ++k) checked += runs->item(k)->checkState() == Qt::Checked;
        QCOMPARE(checked, 1);
        board()->setOverlay(first, true);
    }

    void makeCurrentRenameAndDelete() {
        const int first = entry(0).id, second = entry(1).id;
        QVERIFY(window_->makeCurrent(first));
        QVERIFY(ctx()->model() == entry(0).model);
        QCOMPARE(ctx()->modelLabel(), entry(0).name);
        QCOMPARE(window_->modelDock()->form()->values()["solver"].get<std::string>(), std::string("least-squares"));
        QVERIFY(board()->rename(first, "baseline"));
        auto* runs = window_->findChild<QListWidget*>("runList");
        bool named = false;
        for (int k = 0; k < runs->count(); ++k) named = named || runs->item(k)->text().contains("baseline");
        QVERIFY(named);
        QVERIFY(board()->remove(second));
        QCOMPARE(window_->trainingCurves()->runCount(), 1);
        QCOMPARE(window_->findChild<QTableWidget*>("modelBoardTable")->rowCount(), 1);
    }

    void sessionsKeepTheBoard() {
        train({{"solver", "gradient"}, {"epochs", 40}});
        QVERIFY(board()->hasUnsavedChanges());
        const QString path = tmp_.filePath("board.sdsession.json");
        QVERIFY(window_->saveSession(path, true));
        QVERIFY(!board()->hasUnsavedChanges());
        std::vector<QString> names;
        std::vector<Eigen::MatrixXd> fields;
        const Eigen::MatrixXd X = Eigen::MatrixXd::Random(2, 20);
        for (const auto& e : board()->entries()) {
            names.push_back(e.name);
            fields.push_back(e.model->field(X, Eigen::MatrixXd(0, 20)));
        }
        board()->clear();
        QVERIFY(window_->loadSession(path, true));
        QTRY_COMPARE_WITH_TIMEOUT(board()->entries().size(), names.size(), 20000);
        for (std::size_t k = 0; k < names.size(); ++k) {
            QCOMPARE(board()->entries()[k].name, names[k]);
            QVERIFY(board()->entries()[k].model->field(X, Eigen::MatrixXd(0, 20)) == fields[k]);   // bit-identical
        }
        QCOMPARE(static_cast<int>(board()->entries().back().curve.size()), 40);
        QCOMPARE(window_->trainingCurves()->runCount(), static_cast<int>(names.size()));
    }

    // ---- phase portrait -------------------------------------------------------------------------------

    void phasePortraitEquilibriaNullclinesAndDirections() {
        train({{"solver", "least-squares"}});
        auto* phase = window_->phasePortrait();
        window_->tabs()->setCurrentWidget(phase);
        phase->setShowEquilibria(true);
        phase->setShowNullclines(true);
        QTRY_VERIFY_WITH_TIMEOUT(!phase->equilibria().empty() && phase->nullclinePointCount() > 0, 20000);
        // The fitted linear field has one equilibrium, the origin, and it is stable.
        QCOMPARE(static_cast<int>(phase->equilibria().size()), 1);
        QVERIFY(phase->equilibria().front().x.norm() < 1e-6);
        QVERIFY(sd::analysis::isStable(phase->equilibria().front().type));
        // Shift+click runs Newton from the click: the same equilibrium (not a second marker).
        auto* plot = window_->findChild<QCustomPlot*>("phasePortraitPlot");
        QSignalSpy changed(phase, &PhasePortraitView::equilibriaChanged);
        const QPoint pixel(qRound(plot->xAxis->coordToPixel(0.7)), qRound(plot->yAxis->coordToPixel(-0.4)));
        QTest::mouseClick(plot, Qt::LeftButton, Qt::ShiftModifier, pixel);
        QTRY_VERIFY_WITH_TIMEOUT(changed.count() > 0, 10000);
        QCOMPARE(static_cast<int>(phase->equilibria().size()), 1);
        // The status line follows the Newton result; under a slow (sanitizer) build it can lag one turn.
        QTRY_VERIFY2_WITH_TIMEOUT(phase->statusText().contains("stable"), qPrintable(phase->statusText()), 30000);
        // A field drawn after the answer keeps it. A portrait that arrived after the click (seen under ASan) used to
        // replace the answer with the field's title.
        const QString answer = phase->statusText();
        QSignalSpy drawn(phase, &PhasePortraitView::portraitDrawn);
        phase->setShowNullclines(false);
        QTRY_VERIFY_WITH_TIMEOUT(drawn.count() > 0, 20000);
        QVERIFY2(phase->statusText() == answer, qPrintable(phase->statusText() + " | instead of | " + answer));
        // Both directions: the start point sits inside the trajectory, time runs from negative to positive.
        phase->clearTrajectories();
        phase->setDirection(IntegrationDirection::Both);
        phase->startTrajectoryAt(1.0, 0.5);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(phase->trajectories().size()), 1, 20000);
        const auto& both = phase->trajectories().front();
        QVERIFY(both.startColumn > 0 && both.startColumn < both.x.cols() - 1);
        QVERIFY(std::abs(both.x(0, both.startColumn) - 1.0) < 1e-12 && std::abs(both.x(1, both.startColumn) - 0.5) < 1e-12);
        QVERIFY(both.t[0] < 0 && both.t[both.t.size() - 1] > 0);
        // Backward: the start is the last point; going back in time the stable system grows.
        phase->clearTrajectories();
        phase->setDirection(IntegrationDirection::Backward);
        phase->startTrajectoryAt(1.0, 0.5);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(phase->trajectories().size()), 1, 20000);
        const auto& back = phase->trajectories().front();
        QCOMPARE(back.startColumn, back.x.cols() - 1);
        QVERIFY(back.x.col(0).norm() > back.x.col(back.startColumn).norm());
        phase->setDirection(IntegrationDirection::Forward);
        // Data overlay and zoom reset.
        phase->setShowData(true);
        bool dataDrawn = false;
        for (int k = 0; k < plot->plottableCount(); ++k) dataDrawn = dataDrawn || plot->plottable(k)->name() == "data";
        QVERIFY(dataDrawn);
        plot->xAxis->setRange(50, 60);
        phase->resetZoom();
        QVERIFY(plot->xAxis->range().lower < 0 && plot->xAxis->range().upper > 0);
        phase->setShowNullclines(false);
        phase->setShowData(false);
    }

    // ---- training curves ------------------------------------------------------------------------------

    // A run of a million epochs is drawn from at most ~20 000 points per graph (every stride-th event and the
    // newest), smoothed from every event; while hidden the view takes the points but does not replot.
    void longRunsAreDrawnFromABoundedNumberOfPoints() {
        ModelBoard board;
        TrainingCurvesView view(&board);
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.beginRun(1, "long", QColor(Qt::blue), "data", 0);
        const int total = 1000000;
        std::vector<sd::model::TrainEvent> batch;
        for (int e = 1; e <= total; ++e) {
            sd::model::TrainEvent ev;
            ev.epoch = e;
            ev.trainLoss = 1.0 / e;
            batch.push_back(ev);
            if (batch.size() == 100000) {
                view.addEvents(1, batch);
                batch.clear();
                QApplication::processEvents();
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(view.shownEpoch(1), total, 20000);
        QCustomPlot* plot = view.exportablePlot();
        int most = 0;
        double lastKey = 0, lastValue = 0;
        for (int g = 0; g < plot->graphCount(); ++g) {
            const auto data = plot->graph(g)->data();
            most = std::max(most, data->size());
            if (plot->graph(g)->name().endsWith(" train") && data->size() > 0) {
                lastKey = (data->constEnd() - 1)->key;
                lastValue = (data->constEnd() - 1)->value;
            }
        }
        QVERIFY2(most >= 10000 && most <= 20000 + 20, qPrintable(QString::number(most)));
        QCOMPARE(lastKey, double(total));        // the newest event is drawn
        QVERIFY(lastValue > 0 && lastValue < 1e-4);   // its smoothed loss, from every event
        QCOMPARE(view.pointCount(1), total);     // nothing recorded is dropped (readout, CSV export)
    }

    void trainingCurvesAxesRangesAndHover() {
        auto* curves = window_->trainingCurves();
        window_->tabs()->setCurrentWidget(curves);
        auto* plot = window_->findChild<QCustomPlot*>("trainingCurvesPlot");
        // Gradient descent's loss falls over decades: the robust range clips the first epochs.
        const auto& gradient = *std::find_if(board()->entries().begin(), board()->entries().end(),
                                             [](const BoardEntry& e) { return e.curve.size() == 40; });
        for (const auto& e : board()->entries()) board()->setOverlay(e.id, e.id == gradient.id);
        double maxLoss = 0;
        for (const auto& ev : gradient.curve) maxLoss = std::max({maxLoss, ev.trainLoss, std::isfinite(ev.validationLoss) ? ev.validationLoss : 0.0});
        curves->setSmoothing(0.0);
        curves->setIgnoreOutliers(true);
        QTRY_VERIFY_WITH_TIMEOUT(curves->yUpper() < maxLoss, 20000);
        curves->setIgnoreOutliers(false);
        QTRY_COMPARE_WITH_TIMEOUT(curves->yUpper(), maxLoss, 20000);
        // x axes.
        curves->setXAxis(TrainingCurvesView::XAxis::RelativeTime);
        QTRY_VERIFY_WITH_TIMEOUT(plot->xAxis->label().contains("time"), 20000);
        curves->setXAxis(TrainingCurvesView::XAxis::WallTime);
        QTRY_VERIFY_WITH_TIMEOUT(plot->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>(), 20000);
        curves->setXAxis(TrainingCurvesView::XAxis::Epoch);
        QTRY_COMPARE_WITH_TIMEOUT(plot->xAxis->label(), QString("epoch"), 20000);
        // Hover over the last point: the readout names the run and the epoch.
        plot->replot();
        const auto& last = gradient.curve.back();
        const QPointF pixel(plot->xAxis->coordToPixel(last.epoch), plot->yAxis->coordToPixel(last.trainLoss));
        const QString text = curves->readoutAt(pixel);
        QVERIFY2(text.contains("epoch 40") && text.contains(gradient.name.toHtmlEscaped()), qPrintable(text));
        // Less than a decade on a log axis: plain ticks (a decade ticker would label at most one).
        const auto& ls = *std::find_if(board()->entries().begin(), board()->entries().end(),
                                       [](const BoardEntry& e) { return e.curve.size() == 1; });
        for (const auto& e : board()->entries()) board()->setOverlay(e.id, e.id == ls.id);
        QTRY_VERIFY_WITH_TIMEOUT(!plot->yAxis->ticker().dynamicCast<QCPAxisTickerLog>(), 20000);
        for (const auto& e : board()->entries()) board()->setOverlay(e.id, true);
        curves->setIgnoreOutliers(false);
        QTRY_VERIFY_WITH_TIMEOUT(plot->yAxis->ticker().dynamicCast<QCPAxisTickerLog>(), 20000);
        curves->setIgnoreOutliers(true);
        curves->setSmoothing(0.6);
    }

    // ---- views on other data --------------------------------------------------------------------------

    void viewsNeverShowAnotherDatasetsState() {
        // A 2-state recording other than the training data: views work, and say the model was trained elsewhere.
        loadCsv("rotation2.csv", rotationCsv(400, 2, 0.05));
        QVERIFY(!ctx()->modelDataFit().sameData);
        QVERIFY2(window_->bannerText().contains("not on the loaded data"), qPrintable(window_->bannerText()));
        // 3 states: nothing of the 2-state model is drawn anywhere, and every view says why.
        loadCsv("rotation3.csv", rotationCsv(400, 3, 0.05));
        QVERIFY(!ctx()->modelDataFit().dimensionsMatch);
        QVERIFY(window_->bannerText().contains("dimensions differ"));
        auto* phase = window_->phasePortrait();
        window_->tabs()->setCurrentWidget(phase);
        QTRY_VERIFY_WITH_TIMEOUT(phase->emptyStateText().contains("dimensions differ"), 20000);
        QCOMPARE(phase->streamlineCount(), 0);
        auto* scalar = window_->scalarField();
        window_->tabs()->setCurrentWidget(scalar);
        QTRY_VERIFY_WITH_TIMEOUT(scalar->emptyStateText().contains("dimensions differ") || scalar->emptyStateText().contains("differ"), 20000);
        QCOMPARE(scalar->contourCount(), 0);
        auto* series = window_->timeSeries();
        window_->tabs()->setCurrentWidget(series);
        QTRY_VERIFY_WITH_TIMEOUT(series->emptyStateText().contains("dimensions differ"), 20000);
        auto* plot = window_->findChild<QCustomPlot*>("timeSeriesPlot");
        for (int k = 0; k < plot->graphCount(); ++k) QCOMPARE(plot->graph(k)->name(), QString("data"));   // data only
        QVERIFY(!std::isfinite(series->lastNrmse()));
        loadDemo();
        QVERIFY(window_->bannerText().isEmpty());
    }

    void longTimeSeriesAreDecimatedAndPickable() {
        // 100 000 samples of two states: drawn at pixel resolution, re-decimated on zoom.
        loadCsv("long.csv", rotationCsv(100000, 2, 0.01));
        auto* series = window_->timeSeries();
        window_->tabs()->setCurrentWidget(series);
        QSignalSpy drawn(series, &TimeSeriesView::predictionDrawn);
        QTRY_VERIFY_WITH_TIMEOUT(drawn.count() > 0, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(series->plottedPointCount(0) > 0, 20000);
        QVERIFY2(series->plottedPointCount(0) < 10000, qPrintable(QString::number(series->plottedPointCount(0))));
        series->setTimeRange(100, 101);   // 100 samples visible: all of them (and the edge points) are drawn
        QTRY_VERIFY_WITH_TIMEOUT(series->plottedPointCount(0) >= 100 && series->plottedPointCount(0) < 2000, 20000);
        QCOMPARE(series->timeLower(), 100.0);
        auto* plot = window_->findChild<QCustomPlot*>("timeSeriesPlot");
        QCOMPARE(plot->axisRectCount(), 2);   // one per channel
        series->setShownChannels({1});
        QCOMPARE(plot->axisRectCount(), 1);
        series->setShowResiduals(true);
        QCOMPARE(plot->axisRectCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(std::isfinite(series->lastNrmse()), 60000);
        QColor data, model;
        for (int k = 0; k < plot->graphCount(); ++k) {
            if (plot->graph(k)->name() == "data") data = plot->graph(k)->pen().color();
            if (plot->graph(k)->name() == ctx()->modelLabel()) model = plot->graph(k)->pen().color();
        }
        QVERIFY(data.isValid() && model.isValid() && data != model);
        series->setShowResiduals(false);
        series->setShownChannels({0, 1});
        loadDemo();
    }

    // ---- window basics --------------------------------------------------------------------------------

    void wheelOverAnUnfocusedComboDoesNotChangeIt() {
        QVERIFY(window_->modelDock()->selectPlugin("test-linear"));
        auto* solver = window_->modelDock()->form()->findChild<QComboBox*>("hp_solver");
        QVERIFY(solver);
        QTRY_VERIFY_WITH_TIMEOUT(solver->isVisible(), 20000);
        window_->activateWindow();
        window_->trainDock()->setFocus();
        const int before = solver->currentIndex();
        const QPointF centre(solver->width() / 2.0, solver->height() / 2.0);
        QWheelEvent wheel(centre, solver->mapToGlobal(centre), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(solver, &wheel);
        QCOMPARE(solver->currentIndex(), before);
    }

    void pluginSettingsSurviveSwitchingBack() {
        auto* chooser = window_->findChild<QComboBox*>("pluginChooser");
        QVERIFY(window_->modelDock()->selectPlugin("test-linear"));
        QVERIFY(window_->modelDock()->form()->setValue("epochs", 77));
        const int linear = chooser->currentIndex();
        int other = -1;
        for (int k = 0; k < chooser->count() && other < 0; ++k)
            if (k != linear) other = k;
        if (other < 0) QSKIP("only one plugin is loaded");
        chooser->setCurrentIndex(other);
        QVERIFY(ctx()->pluginId() != "test-linear");
        chooser->setCurrentIndex(linear);
        QCOMPARE(ctx()->pluginId(), std::string("test-linear"));
        QCOMPARE(window_->modelDock()->form()->values()["epochs"].get<int>(), 77);
    }

    void aboutShowsVersionAndDocs() {
        QAction* about = nullptr;
        for (QAction* a : window_->menuBar()->findChildren<QAction*>())
            if (a->text() == "&About") about = a;
        QVERIFY(about);
        about->trigger();
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = window_->findChild<QMessageBox*>("aboutBox")) != nullptr, 20000);
        QVERIFY(box->text().contains(QCoreApplication::applicationVersion().isEmpty() ? QString(SD_VERSION) : QCoreApplication::applicationVersion()));
        QVERIFY(box->text().contains("docs"));
        box->close();
    }

    void quittingWithUnsavedModelsAsks() {
        train({{"solver", "least-squares"}});
        QVERIFY(board()->hasUnsavedChanges());
        window_->setConfirmOnQuit(true);
        bool asked = false;
        QTimer::singleShot(200, this, [&] {
            // The question is modal: answer Cancel, the window stays.
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                asked = box->text().contains("not saved");
                box->button(QMessageBox::Cancel)->click();
            }
        });
        window_->close();
        QVERIFY(asked);
        QVERIFY(window_->isVisible());
        window_->setConfirmOnQuit(false);
    }

    void helpWorksWithoutADisplay() {
        const QByteArray bin = qgetenv("STABLEDYN_BIN_DIR");
        if (bin.isEmpty()) QSKIP("STABLEDYN_BIN_DIR not set");
        // clang 14's TSan runtime aborts in its own fork handler (CHECK "!thr->slot") when QProcess forks from
        // the uninstrumented libQt6Core; the normal and ASan suites run this.
        if (sd::test::kThreadSanitizer) QSKIP("QProcess's fork crashes the ThreadSanitizer runtime");
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.insert("QT_QPA_PLATFORM", "xcb");   // would fail to open a display if --help needed one
        p.setProcessEnvironment(env);
        p.start(QString::fromLocal8Bit(bin) + "/stabledyn-studio", {"--help"});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromLocal8Bit(p.readAllStandardOutput());
        QVERIFY2(out.contains("--dataset") && out.contains("--screenshot-size"), qPrintable(out));
    }

    // Issue 12 item 9: at 1280×800 (board tabbed with the Data dock) and 1920×1080 (board under the views) the
    // Data dock needs no horizontal scroll bar and the board's short columns show their whole contents.
    void docksFitAtBothWindowSizes() {
        if (board()->entries().empty()) train({{"solver", "least-squares"}});
        for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
            window_->resize(size);
            window_->arrangeDocks();
            QTest::qWait(50);
            QApplication::processEvents();
            auto* dataScroll = window_->findChild<QScrollArea*>("dataDockScroll");
            QVERIFY(dataScroll);
            const int dockWidth = dataScroll->viewport()->width();
            QVERIFY2(!dataScroll->horizontalScrollBar()->isVisible(),
                     qPrintable(QString("%1×%2: the Data dock scrolls sideways: content needs %3 px, has %4 px")
                                    .arg(size.width()).arg(size.height())
                                    .arg(window_->dataDock()->minimumSizeHint().width()).arg(dockWidth)));
            auto* table = window_->findChild<QTableWidget*>("modelBoardTable");
            QVERIFY(table->rowCount() > 0);
            for (int c = 2; c < table->columnCount(); ++c) {   // every column after the tick box and the name
                if (c == 4) continue;                            // Settings: free text, elided with a tooltip
                // Text is elided below its advance plus the item delegate's margins (QStyledItemDelegate).
                const int margins = 2 * (table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, table) + 1);
                int needed = table->horizontalHeader()->sectionSizeHint(c);
                for (int r = 0; r < table->rowCount(); ++r)
                    if (const auto* item = table->item(r, c))
                        needed = std::max(needed, QFontMetrics(item->font()).horizontalAdvance(item->text()) + margins);
                QVERIFY2(table->columnWidth(c) >= needed,
                         qPrintable(QString("%1×%2: board column '%3' is %4 px, its contents need %5 px")
                                        .arg(size.width()).arg(size.height())
                                        .arg(table->horizontalHeaderItem(c)->text())
                                        .arg(table->columnWidth(c)).arg(needed)));
            }
        }
        window_->resize(1400, 900);
        window_->arrangeDocks();
    }

    void cleanupTestCase() { window_.reset(); }
};

QTEST_MAIN(TestStudioViews)
#include "test_studio_views.moc"
