#include "app/studio/main_window.h"

#include "app/studio/certificate_view.h"
#include "app/studio/data_dock.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/exportable_view.h"
#include "app/studio/hyperparameter_form.h"
#include "app/studio/model_dock.h"
#include "app/studio/phase_portrait_view.h"
#include "app/studio/plot_export.h"
#include "app/studio/plugin_dialog.h"
#include "app/studio/scalar_field_view.h"
#include "app/studio/session_file.h"
#include "app/studio/studio_context.h"
#include "app/studio/sweep_view.h"
#include "app/studio/time_series_view.h"
#include "app/studio/train_dock.h"
#include "app/studio/training_controller.h"
#include "app/studio/training_curves_view.h"
#include "app/studio/video_view.h"
#include "core/data/video.h"
#include "core/model/model_document.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QElapsedTimer>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <qcustomplot.h>

// Resources compiled into a static library must be registered explicitly (outside any namespace).
static void initStudioResources() { Q_INIT_RESOURCE(studio); }

namespace sd::studio {

MainWindow::MainWindow(const StudioOptions& options, QWidget* parent) : QMainWindow(parent), options_(options) {
    initStudioResources();
    setObjectName("mainWindow");
    setWindowIcon(QIcon(":/studio/icons/stabledyn.svg"));
    resize(1500, 940);
    setDockNestingEnabled(true);

    context_ = new StudioContext(this);
    std::vector<std::filesystem::path> extra;
    for (const QString& d : options_.pluginDirs) extra.emplace_back(d.toStdString());
    context_->pluginHost().scan(extra);
    controller_ = new TrainingController(this);

    // Central tabs: each is one view over the shared context.
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("centralTabs");
    phase_ = new PhasePortraitView(context_, tabs_);
    scalar_ = new ScalarFieldView(context_, tabs_);
    curves_ = new TrainingCurvesView(tabs_);
    timeSeries_ = new TimeSeriesView(context_, tabs_);
    certificate_ = new CertificateView(context_, tabs_);
    sweep_ = new SweepView(context_, tabs_);
    tabs_->addTab(phase_, "Phase portrait");
    tabs_->addTab(scalar_, "Lyapunov");
    tabs_->addTab(curves_, "Training curves");
    tabs_->addTab(timeSeries_, "Time series");
    tabs_->addTab(certificate_, "Certificate");
    tabs_->addTab(sweep_, "Sweep");
    video_ = new VideoView(context_, tabs_);
    tabs_->addTab(video_, "Video");
    setCentralWidget(tabs_);

    // Docks.
    auto makeDock = [this](const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(content);
        addDockWidget(area, dock);
        return dock;
    };
    dataDock_ = new DataDock(context_, this);
    modelDock_ = new ModelDock(context_, this);
    trainDock_ = new TrainDock(context_, controller_, modelDock_->form(), this);
    auto* data = makeDock("Data", "dataDock", dataDock_, Qt::LeftDockWidgetArea);
    auto* model = makeDock("Model", "modelDock", modelDock_, Qt::RightDockWidgetArea);
    auto* train = makeDock("Train", "trainDock", trainDock_, Qt::RightDockWidgetArea);
    splitDockWidget(model, train, Qt::Vertical);
    resizeDocks({data, model}, {430, 330}, Qt::Horizontal);
    resizeDocks({model, train}, {560, 300}, Qt::Vertical);

    connect(controller_, &TrainingController::eventsReady, curves_, &TrainingCurvesView::addEvents);
    connect(controller_, &TrainingController::started, this, [this] { tabs_->setCurrentWidget(curves_); });
    connect(trainDock_, &TrainDock::randomModelShown, this, [this] {
        if (tabs_->currentWidget() != phase_ && tabs_->currentWidget() != scalar_) tabs_->setCurrentWidget(phase_);
    });
    connect(context_, &StudioContext::modelChanged, this, &MainWindow::updateTitle);
    connect(context_, &StudioContext::datasetChanged, this, &MainWindow::updateTitle);
    buildMenus();
    updateTitle();

    const auto& failures = context_->pluginHost().failures();
    statusBar()->showMessage(QString("%1 model plugin(s) loaded%2.")
                                 .arg(context_->pluginHost().plugins().size())
                                 .arg(failures.empty() ? QString() : QString(", %1 refused (Help ▸ Plugins)").arg(failures.size())));
}

MainWindow::~MainWindow() {
    controller_->stop();
    controller_->waitForFinished();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    sweep_->stop();
    controller_->stop();
    controller_->waitForFinished();
    event->accept();
}

void MainWindow::updateTitle() {
    QString title = "StableDyn Studio";
    if (const auto ds = context_->dataset()) title += " — " + QString::fromStdString(ds->name);
    if (context_->model()) title += " — " + context_->modelLabel();
    setWindowTitle(title);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction("Open &dataset…", QKeySequence::Open, dataDock_, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Open dataset", {}, datasetFileFilter());
        if (!path.isEmpty()) dataDock_->openFile(path);
    });
    file->addSeparator();
    file->addAction("&Import model JSON…", this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Import model", {}, "Model JSON (*.json)");
        if (!path.isEmpty()) importModel(path);
    });
    file->addAction("&Export model JSON…", this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Export model", "model.json", "Model JSON (*.json)");
        if (!path.isEmpty()) exportModel(path);
    });
    file->addSeparator();
    file->addAction("&Load session…", this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Load session", {}, "Session (*.sdsession.json *.json)");
        if (!path.isEmpty()) loadSession(path);
    });
    file->addAction("&Save session…", QKeySequence::Save, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Save session", "session.sdsession.json", "Session (*.sdsession.json *.json)");
        if (!path.isEmpty()) saveSession(path);
    });
    file->addSeparator();
    file->addAction("Save current &plot as…", this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Save plot", "plot.png", plotFileFilter());
        if (!path.isEmpty()) saveCurrentPlot(path);
    });
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu("&View");
    for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&Plugins…", this, &MainWindow::showPluginDialog);
    help->addAction("&About", this, [this] {
        QMessageBox::about(this, "About StableDyn Studio",
                           "<b>StableDyn Studio</b><br>Learning dynamical systems that are stable by construction.<br>"
                           "GPL-3.0-or-later. Plots by QCustomPlot (GPL-3.0).");
    });
}

void MainWindow::showPluginDialog() {
    std::vector<std::string> extra;
    for (const QString& d : options_.pluginDirs) extra.push_back(d.toStdString());
    auto* dialog = new PluginDialog(context_->pluginHost(), extra, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::reportError(const QString& title, const QString& message, bool quiet) {
    lastError_ = message;
    statusBar()->showMessage(title + ": " + message, 10000);
    if (!quiet) {
        auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

bool MainWindow::exportModel(const QString& path, bool quiet) {
    const auto model = context_->model();
    if (!model) {
        reportError("Export model", "There is no model to export: train or import one first.", quiet);
        return false;
    }
    try {
        model::saveModelFile(path.toStdString(), model->toJson());
        statusBar()->showMessage("Model exported to " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        reportError("Export model", e.what(), quiet);
        return false;
    }
}

bool MainWindow::importModel(const QString& path, bool quiet) {
    try {
        const auto doc = model::readJsonFile(path.toStdString());
        std::shared_ptr<const model::Model> model = context_->pluginHost().loadModel(doc);
        // Show the plugin and hyperparameters that made this model, then publish it to every view.
        modelDock_->selectPlugin(model->pluginId(), model->hyperparameters());
        context_->setModel(model, "imported " + QFileInfo(path).fileName());
        statusBar()->showMessage("Model imported from " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        reportError("Import model", e.what(), quiet);
        return false;
    }
}

bool MainWindow::saveSession(const QString& path, bool quiet) {
    Session s;
    s.dataset = context_->loadedDataset().reference;
    if (const auto ds = context_->dataset()) s.splits = ds->splits;
    s.trainSplit = context_->trainSplit();
    s.validationSplit = context_->validationSplit();
    s.pluginId = context_->pluginId();
    s.hyperparameters = modelDock_->form()->values();
    try {
        if (const auto m = context_->model()) s.model = m->toJson();
        s.views["phase_portrait"] = phase_->viewSettings();
        s.views["lyapunov"] = scalar_->viewSettings();
        s.views["training_curves"] = curves_->viewSettings();
        s.views["time_series"] = timeSeries_->viewSettings();
        s.views["current_tab"] = tabs_->currentIndex();
        saveSessionFile(path.toStdString(), s);
        statusBar()->showMessage("Session saved to " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        reportError("Save session", e.what(), quiet);
        return false;
    }
}

bool MainWindow::loadSession(const QString& path, bool quiet) {
    Session s;
    try {
        s = loadSessionFile(path.toStdString());
    } catch (const std::exception& e) {
        reportError("Load session", e.what(), quiet);
        return false;
    }
    // The rest happens once the data has loaded (in the background).
    auto applyRest = [this, s, quiet, path]() {
        if (s.splits) context_->setSplits(*s.splits);
        context_->setTrainingSplits(s.trainSplit, s.validationSplit);
        if (!s.pluginId.empty() && !modelDock_->selectPlugin(s.pluginId, s.hyperparameters))
            reportError("Load session", QString("%1: plugin '%2' is not loaded").arg(path, QString::fromStdString(s.pluginId)), quiet);
        if (!s.model.is_null()) {
            try {
                std::shared_ptr<const model::Model> m = context_->pluginHost().loadModel(s.model);
                context_->setModel(m, "from session " + QFileInfo(path).fileName());
            } catch (const std::exception& e) {
                reportError("Load session", QString("%1: model: %2").arg(path, e.what()), quiet);
            }
        }
        if (s.views.contains("phase_portrait")) phase_->applyViewSettings(s.views["phase_portrait"]);
        if (s.views.contains("lyapunov")) scalar_->applyViewSettings(s.views["lyapunov"]);
        if (s.views.contains("training_curves")) curves_->applyViewSettings(s.views["training_curves"]);
        if (s.views.contains("time_series")) timeSeries_->applyViewSettings(s.views["time_series"]);
        if (s.views.contains("current_tab")) tabs_->setCurrentIndex(s.views["current_tab"].get<int>());
        statusBar()->showMessage("Session loaded from " + path, 5000);
    };
    if (s.dataset.kind == DatasetReference::Kind::None) {
        applyRest();
        return true;
    }
    auto connection = std::make_shared<QMetaObject::Connection>();
    auto failure = std::make_shared<QMetaObject::Connection>();
    *connection = connect(dataDock_, &DataDock::datasetLoaded, this, [connection, failure, applyRest] {
        QObject::disconnect(*connection);
        QObject::disconnect(*failure);
        applyRest();
    });
    *failure = connect(dataDock_, &DataDock::loadFailed, this, [this, connection, failure, quiet, path](const QString& m) {
        QObject::disconnect(*connection);
        QObject::disconnect(*failure);
        reportError("Load session", path + ": the dataset could not be loaded: " + m, quiet);
    });
    dataDock_->load(s.dataset);
    return true;
}

bool MainWindow::saveCurrentPlot(const QString& path, bool quiet) {
    auto* view = dynamic_cast<ExportableView*>(tabs_->currentWidget());
    QCustomPlot* plot = view ? view->exportablePlot() : nullptr;
    if (!plot) {
        reportError("Save plot", "This tab has no plot to save.", quiet);
        return false;
    }
    try {
        savePlot(plot, path);
        statusBar()->showMessage("Plot saved to " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        reportError("Save plot", e.what(), quiet);
        return false;
    }
}

void MainWindow::applyStartupOptions() {
    if (!options_.session.isEmpty()) {
        loadSession(options_.session);
        return;
    }
    if (!options_.plugin.isEmpty() && !modelDock_->selectPlugin(options_.plugin.toStdString()))
        reportError("Plugin", QString("plugin '%1' is not loaded (Help ▸ Plugins lists what was found)").arg(options_.plugin), false);
    for (const QString& assignment : options_.hyper) {
        const qsizetype eq = assignment.indexOf('=');
        const std::string key = assignment.left(eq).trimmed().toStdString();
        const std::string text = eq < 0 ? std::string() : assignment.mid(eq + 1).toStdString();
        nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
        if (value.is_discarded()) value = text;   // bare words are strings (an enum value, a name)
        if (eq < 0 || !modelDock_->form()->setValue(key, value))
            reportError("Hyperparameter", QString("--hyper %1: %2").arg(assignment, modelDock_->form()->message()), false);
    }
    // What happens once the data is there: train (the default of --screenshot), show a random model, or sweep.
    const bool sweep = !options_.sweep.isEmpty();
    const bool autoTrain = options_.train || (!options_.screenshotDir.isEmpty() && !options_.randomise && !sweep);
    const bool screenshots = !options_.screenshotDir.isEmpty();
    auto afterData = [this, autoTrain, sweep, screenshots] {
        if (autoTrain) trainDock_->startTraining();
        if (options_.randomise) {
            const bool ok = trainDock_->randomiseModel();
            if (screenshots && !autoTrain && !sweep) QTimer::singleShot(ok ? 2500 : 500, this, &MainWindow::runScreenshotTour);
        }
        if (sweep) {
            if (screenshots && !autoTrain)
                connect(sweep_, &SweepView::sweepFinished, this, [this] { QTimer::singleShot(1500, this, &MainWindow::runScreenshotTour); });
            tabs_->setCurrentWidget(sweep_);
            if (!startSweepFromOptions() && screenshots && !autoTrain) QTimer::singleShot(500, this, &MainWindow::runScreenshotTour);
        }
    };
    if (!options_.dataset.isEmpty() || screenshots) {
        const QString arg = options_.dataset.isEmpty() ? QString("demo") : options_.dataset;
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(dataDock_, &DataDock::datasetLoaded, this, [connection, afterData] {
            QObject::disconnect(*connection);
            afterData();
        });
        dataDock_->load(referenceFromArgument(arg.toStdString()));
    } else if (options_.randomise) {
        trainDock_->randomiseModel();   // no data: a 2-D random model
    }
    if (screenshots && autoTrain) {
        connect(controller_, &TrainingController::finished, this, [this] { QTimer::singleShot(1500, this, &MainWindow::runScreenshotTour); });
        connect(controller_, &TrainingController::failed, this, [this] { QTimer::singleShot(500, this, &MainWindow::runScreenshotTour); });
    }
}

bool MainWindow::startSweepFromOptions() {
    // --sweep key=v1,v2,… once or twice → the Sweep tab's parameter choosers and value lists.
    std::string keys[2];
    QString values[2];
    for (int k = 0; k < std::min<qsizetype>(2, options_.sweep.size()); ++k) {
        const QString& spec = options_.sweep[k];
        const qsizetype eq = spec.indexOf('=');
        keys[k] = spec.left(eq).trimmed().toStdString();
        values[k] = eq < 0 ? QString() : spec.mid(eq + 1);
    }
    if (!sweep_->setSweep(keys[0], values[0], keys[1], values[1])) {
        reportError("Sweep", QString("--sweep: '%1' is not a numeric hyperparameter of the chosen plugin")
                                 .arg(options_.sweep.join(", ")), false);
        return false;
    }
    if (!sweep_->run()) {
        reportError("Sweep", sweep_->statusText(), false);
        return false;
    }
    return true;
}

void MainWindow::runScreenshotTour() {
    const auto ds = context_->dataset();
    // Video data: generate a video with the trained model first, so the Video tab shows real vs generated.
    if (ds && data::isVideoDataset(*ds) && context_->model() && !videoShotPrepared_) {
        videoShotPrepared_ = true;
        const int frames = static_cast<int>(std::max<Eigen::Index>(2, ds->trajectories.front().x.cols()));
        connect(video_, &VideoView::generated, this, [this, frames] {
            video_->setFrameIndex(frames / 2);
            QTimer::singleShot(500, this, &MainWindow::runScreenshotTour);
        }, Qt::SingleShotConnection);
        connect(video_, &VideoView::failed, this, [this] { QTimer::singleShot(500, this, &MainWindow::runScreenshotTour); },
                Qt::SingleShotConnection);
        if (video_->generate(frames)) return;
    }
    // Click two trajectories into the portrait so the screenshot shows that feature too.
    if (ds && !data::isVideoDataset(*ds) && ds->stateDim() >= 2 && !ds->trajectories.empty()) {
        // Two starts inside the data's box, at opposite corners (70 % of the way out).
        Eigen::VectorXd lo = ds->trajectories.front().x.rowwise().minCoeff(), hi = ds->trajectories.front().x.rowwise().maxCoeff();
        for (const auto& tr : ds->trajectories)
            if (tr.x.cols() > 0) {
                lo = lo.cwiseMin(tr.x.rowwise().minCoeff());
                hi = hi.cwiseMax(tr.x.rowwise().maxCoeff());
            }
        const int ix = phase_->xCoordinate(), iy = phase_->yCoordinate();
        const double cx = 0.5 * (lo[ix] + hi[ix]), cy = 0.5 * (lo[iy] + hi[iy]);
        const double rx = 0.35 * (hi[ix] - lo[ix]), ry = 0.35 * (hi[iy] - lo[iy]);
        phase_->startTrajectoryAt(cx - rx, cy + ry);
        phase_->startTrajectoryAt(cx + rx, cy - ry);
    }
    QTimer::singleShot(1500, this, [this] {
        saveScreenshots(options_.screenshotDir);
        QApplication::quit();
    });
}

void MainWindow::saveScreenshots(const QString& dir) {
    QDir().mkpath(dir);
    const QStringList names = {"phase_portrait", "lyapunov", "training_curves", "time_series", "certificate", "sweep", "video"};
    for (int k = 0; k < tabs_->count() && k < names.size(); ++k) {
        tabs_->setCurrentIndex(k);
        // Hidden tabs refresh when shown, in the background: give them time, then grab.
        QElapsedTimer wait;
        wait.start();
        while (wait.elapsed() < 1500) QApplication::processEvents(QEventLoop::AllEvents, 50);
        // A large model on a busy machine can take longer to evaluate on the Lyapunov grid: wait for it (≤ 30 s).
        while (tabs_->currentWidget() == scalar_ && scalar_->isComputing() && wait.elapsed() < 30000)
            QApplication::processEvents(QEventLoop::AllEvents, 50);
        if (auto* view = dynamic_cast<ExportableView*>(tabs_->currentWidget()))
            if (auto* plot = view->exportablePlot()) plot->replot();
        grab().save(QDir(dir).filePath("studio_" + names[k] + ".png"));
    }
    tabs_->setCurrentIndex(0);
}

}  // namespace sd::studio
