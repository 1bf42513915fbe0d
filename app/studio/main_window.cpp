#include "app/studio/main_window.h"

#include "app/studio/certificate_view.h"
#include "app/studio/data_dock.h"
#include "app/studio/dataset_sources.h"
#include "app/studio/exportable_view.h"
#include "app/studio/hyperparameter_form.h"
#include "app/studio/model_board.h"
#include "app/studio/model_board_dock.h"
#include "app/studio/model_dock.h"
#include "app/studio/phase_portrait_view.h"
#include "app/studio/plot_export.h"
#include "app/studio/plugin_dialog.h"
#include "app/studio/scalar_field_view.h"
#include "app/studio/screenshot_tour.h"
#include "app/studio/session_file.h"
#include "app/studio/studio_context.h"
#include "app/studio/sweep_view.h"
#include "app/studio/time_series_view.h"
#include "app/studio/train_dock.h"
#include "app/studio/training_controller.h"
#include "app/studio/training_curves_view.h"
#include "app/studio/video_view.h"
#include "app/studio/wheel_guard.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/model_file.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QScrollArea>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
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
    // Combo boxes, spin boxes and sliders ignore the wheel unless focused: scrolling a form never edits it.
    qApp->installEventFilter(new WheelGuard(this));

    context_ = new StudioContext(this);
    std::vector<std::filesystem::path> extra;
    for (const QString& d : options_.pluginDirs) extra.emplace_back(d.toStdString());
    context_->pluginHost().scan(extra);
    controller_ = new TrainingController(this);
    board_ = new ModelBoard(this);

    // Central views, registered once: the key names them in sessions and screenshots.
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("centralTabs");
    tabs_->setDocumentMode(true);
    phase_ = new PhasePortraitView(context_, board_, tabs_);
    scalar_ = new ScalarFieldView(context_, tabs_);
    curves_ = new TrainingCurvesView(board_, tabs_);
    timeSeries_ = new TimeSeriesView(context_, board_, tabs_);
    certificate_ = new CertificateView(context_, tabs_);
    sweep_ = new SweepView(context_, tabs_);
    video_ = new VideoView(context_, tabs_);
    registerView("phase_portrait", "Phase portrait", phase_, phase_);
    registerView("lyapunov", "Lyapunov", scalar_, scalar_);
    registerView("training_curves", "Training curves", curves_, curves_);
    registerView("time_series", "Time series", timeSeries_, timeSeries_);
    registerView("certificate", "Certificate", certificate_, certificate_);
    registerView("sweep", "Sweep", sweep_, sweep_);
    registerView("video", "Video", video_, nullptr);
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    banner_ = new QLabel(central);
    banner_->setObjectName("modelDataBanner");
    banner_->setWordWrap(true);
    banner_->setStyleSheet("background: #fef3c7; color: #92400e; padding: 4px 8px; border-bottom: 1px solid #fcd34d;");
    banner_->hide();
    centralLayout->addWidget(banner_);
    centralLayout->addWidget(tabs_, 1);
    setCentralWidget(central);

    // Docks.
    // Docks whose content is taller than a 800-px screen leaves them scroll instead of forcing the window
    // taller than the screen (the Model dock scrolls its own form).
    auto makeDock = [this](const QString& title, const QString& name, QWidget* content, bool scroll = true) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        if (scroll) {
            auto* area = new QScrollArea(dock);
            area->setObjectName(name + "Scroll");
            area->setWidgetResizable(true);
            area->setFrameShape(QFrame::NoFrame);
            area->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
            area->setWidget(content);
            dock->setWidget(area);
        } else {
            dock->setWidget(content);
        }
        return dock;
    };
    dataDock_ = new DataDock(context_, this);
    modelDock_ = new ModelDock(context_, this);
    trainDock_ = new TrainDock(context_, controller_, modelDock_->form(), this);
    boardDock_ = new ModelBoardDock(context_, board_, this);
    dataDockWidget_ = makeDock("Data", "dataDock", dataDock_);
    modelDockWidget_ = makeDock("Model", "modelDock", modelDock_, false);
    trainDockWidget_ = makeDock("Train", "trainDock", trainDock_);
    boardDockWidget_ = makeDock("Models", "boardDock", boardDock_, false);
    arrangeDocks();

    connect(controller_, &TrainingController::started, this, &MainWindow::onRunStarted);
    connect(controller_, &TrainingController::eventsReady, curves_, &TrainingCurvesView::addEvents);
    connect(controller_, &TrainingController::finished, this, &MainWindow::onRunFinished);
    connect(trainDock_, &TrainDock::randomModelShown, this, [this] {
        if (tabs_->currentWidget() != phase_ && tabs_->currentWidget() != scalar_) tabs_->setCurrentWidget(phase_);
    });
    connect(boardDock_, &ModelBoardDock::makeCurrentRequested, this, &MainWindow::makeCurrent);
    connect(sweep_, &SweepView::promoteToBoard, this, [this](const QString& modelJson, const QString& label) {
        try {
            promoteToBoard(nlohmann::json::parse(modelJson.toStdString()), label);
        } catch (const std::exception& ex) {
            reportError("Promote to the board", ex.what(), true);
        }
    });
    connect(boardDock_, &ModelBoardDock::exportRequested, this, &MainWindow::exportBoardModel);
    connect(context_, &StudioContext::modelChanged, this, &MainWindow::updateTitle);
    connect(context_, &StudioContext::datasetChanged, this, &MainWindow::updateTitle);
    connect(context_, &StudioContext::modelChanged, this, &MainWindow::updateBanner);
    connect(context_, &StudioContext::datasetChanged, this, &MainWindow::updateBanner);
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

void MainWindow::registerView(const QString& key, const QString& title, QWidget* widget, ExportableView* exportable) {
    widget->setObjectName(widget->objectName().isEmpty() ? key + "View" : widget->objectName());
    views_.push_back({key, title, widget, exportable});
    tabs_->addTab(widget, title);
}

QWidget* MainWindow::view(const QString& key) const {
    for (const auto& v : views_)
        if (v.key == key) return v.widget;
    return nullptr;
}

void MainWindow::arrangeDocks() {
    for (QDockWidget* d : {dataDockWidget_, modelDockWidget_, trainDockWidget_, boardDockWidget_}) {
        removeDockWidget(d);
        d->show();
    }
    addDockWidget(Qt::LeftDockWidgetArea, dataDockWidget_);
    addDockWidget(Qt::RightDockWidgetArea, modelDockWidget_);
    addDockWidget(Qt::RightDockWidgetArea, trainDockWidget_);
    splitDockWidget(modelDockWidget_, trainDockWidget_, Qt::Vertical);
    const bool compact = height() <= 900;
    if (compact) {
        // Little height: the board shares the Data dock's place (a tab), the views keep the height.
        addDockWidget(Qt::LeftDockWidgetArea, boardDockWidget_);
        tabifyDockWidget(dataDockWidget_, boardDockWidget_);
        dataDockWidget_->raise();
    } else {
        addDockWidget(Qt::BottomDockWidgetArea, boardDockWidget_);
        resizeDocks({boardDockWidget_}, {std::max(150, height() / 6)}, Qt::Vertical);
    }
    const int side = std::clamp(width() / 5, 270, 430);
    resizeDocks({dataDockWidget_, modelDockWidget_}, {side, side}, Qt::Horizontal);
    resizeDocks({modelDockWidget_, trainDockWidget_}, {std::max(300, height() * 3 / 5), 230}, Qt::Vertical);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // Trained models not saved in a session are lost on quit: ask first.
    if (confirmOnQuit_ && board_->hasUnsavedChanges() && !board_->entries().empty()) {
        const auto answer = QMessageBox::question(
            this, "Quit StableDyn Studio",
            QString("The model board has %1 model(s) that are not saved in a session. Save the session before quitting?")
                .arg(board_->entries().size()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save) {
            const QString path = QFileDialog::getSaveFileName(this, "Save session", "session.sdsession.json", "Session (*.sdsession.json *.json)");
            if (path.isEmpty() || !saveSession(path)) {
                event->ignore();
                return;
            }
        }
    }
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

void MainWindow::updateBanner() {
    const ModelDataFit fit = context_->modelDataFit();
    banner_->setText(fit.message.isEmpty() ? QString() : "⚠ " + fit.message);
    banner_->setVisible(!fit.message.isEmpty());
}

QString MainWindow::bannerText() const { return banner_->isHidden() ? QString() : banner_->text(); }

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
        // Ask for a file only when there is something to write.
        if (!context_->model()) {
            reportError("Export model", "There is no model to export: train or import one first.", false);
            return;
        }
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
        const auto* v = dynamic_cast<ExportableView*>(tabs_->currentWidget());
        if (!v || !const_cast<ExportableView*>(v)->exportablePlot()) {
            reportError("Save plot", "This tab has no plot to save.", false);
            return;
        }
        const QString path = QFileDialog::getSaveFileName(this, "Save plot", "plot.png", plotFileFilter());
        if (!path.isEmpty()) saveCurrentPlot(path);
    });
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu("&View");
    for (QDockWidget* dock : {dataDockWidget_, boardDockWidget_, modelDockWidget_, trainDockWidget_}) view->addAction(dock->toggleViewAction());
    view->addSeparator();
    view->addAction("&Reset layout", this, &MainWindow::arrangeDocks);

    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&Plugins…", this, &MainWindow::showPluginDialog);
    help->addAction("&About", this, &MainWindow::showAbout);
}

void MainWindow::showAbout() {
    // The documentation next to the program (installed) or in the source tree it was built from.
    QString docs;
    for (const QString& dir : {QApplication::applicationDirPath() + "/../share/doc/stabledyn", QString(SD_SOURCE_DIR) + "/docs"})
        if (QFileInfo(dir + "/ARCHITECTURE.md").exists()) {
            docs = QDir(dir).canonicalPath();
            break;
        }
    QString text = QString("<b>StableDyn Studio %1</b><br>Learning dynamical systems that are stable by construction.<br><br>")
                       .arg(QApplication::applicationVersion().isEmpty() ? QString(SD_VERSION) : QApplication::applicationVersion());
    text += docs.isEmpty() ? QString("Documentation: README.md and docs/ in the source tree.<br>")
                           : QString("Documentation: <a href='%1'>%2</a> (architecture, model schema, methods, results).<br>")
                                 .arg(QUrl::fromLocalFile(docs).toString(), docs.toHtmlEscaped());
    QStringList papers;
    for (const auto& p : context_->pluginHost().plugins())
        if (p.metadata.contains("Url"))
            papers << QString("<a href='%1'>%2</a>").arg(QString::fromStdString(p.metadata.value("Url", "")), QString::fromStdString(p.id()));
    if (!papers.isEmpty()) text += "Methods: " + papers.join(", ") + "<br>";
    text += "<br>GPL-3.0-or-later. Plots by QCustomPlot (GPL-3.0).";
    auto* box = new QMessageBox(QMessageBox::Information, "About StableDyn Studio", text, QMessageBox::Ok, this);
    box->setObjectName("aboutBox");
    box->setTextFormat(Qt::RichText);
    box->setTextInteractionFlags(Qt::TextBrowserInteraction);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
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

// ---- training runs and the board ------------------------------------------------------------------------

void MainWindow::onRunStarted(int run) {
    const auto ds = context_->dataset();
    runInfo_ = {ds ? ds->name : std::string(), ds ? ds->sha256 : std::string(), context_->hyperparameters(),
                QDateTime::currentMSecsSinceEpoch()};
    const auto* plugin = context_->plugin();
    QString name = QString("run %1").arg(run);
    if (plugin) name += " · " + QString::fromStdString(plugin->id());
    curves_->beginRun(run, name, board_->nextColour(), runInfo_.datasetName, runInfo_.startedAtMs);
    tabs_->setCurrentWidget(curves_);
}

void MainWindow::onRunFinished(int run, const model::TrainSummary& summary, std::shared_ptr<const model::Model> trained) {
    BoardEntry e;
    e.model = trained;
    e.pluginId = trained->pluginId();
    e.variant = trained->variant();
    e.origin = summary.status == model::TrainStatus::Completed ? "trained" : "stopped";
    e.name = QString("run %1 · %2 · %3").arg(run).arg(e.pluginLabel(), QString::fromStdString(runInfo_.datasetName));
    e.datasetName = runInfo_.datasetName;
    e.datasetSha = runInfo_.datasetSha;
    if (const auto* plugin = context_->pluginHost().find(e.pluginId))
        e.keyHyperparameters = differingHyperparameters(trained->hyperparameters(), model::defaultHyperparameters(plugin->plugin->hyperparameterSchema()));
    e.run = run;
    e.startedAtMs = runInfo_.startedAtMs;
    e.epochs = summary.epochsRun;
    e.trainLoss = summary.finalTrainLoss;
    e.validationLoss = summary.finalValidationLoss;
    e.curve = curves_->eventsOf(run);
    e.overlay = true;
    board_->add(std::move(e));
}

bool MainWindow::makeCurrent(int boardId) {
    const BoardEntry* e = board_->find(boardId);
    if (!e || !e->model) return false;
    // Show the plugin and hyperparameters that made this model, then publish it to every view.
    modelDock_->selectPlugin(e->pluginId, e->model->hyperparameters());
    context_->setModel(e->model, e->name, {e->datasetName, e->datasetSha});
    statusBar()->showMessage("Current model: " + e->name, 5000);
    return true;
}

bool MainWindow::promoteToBoard(const nlohmann::json& doc, const QString& label) {
    try {
        BoardEntry e;
        e.model = std::shared_ptr<const model::Model>(context_->pluginHost().loadModel(doc));
        e.origin = "sweep";
        e.name = label;
        if (doc.contains("training") && doc["training"].is_object() && doc["training"].contains("dataset")) {
            e.datasetName = doc["training"]["dataset"].value("name", std::string());
            e.datasetSha = doc["training"]["dataset"].value("sha256", std::string());
            e.epochs = doc["training"].value("epochs_run", 0);
        }
        if (const auto* plugin = context_->pluginHost().find(e.model->pluginId()))
            e.keyHyperparameters = differingHyperparameters(e.model->hyperparameters(), model::defaultHyperparameters(plugin->plugin->hyperparameterSchema()));
        board_->add(std::move(e));
        return true;
    } catch (const std::exception& ex) {
        reportError("Promote to the board", ex.what(), true);
        return false;
    }
}

bool MainWindow::exportBoardModel(int boardId) {
    const BoardEntry* e = board_->find(boardId);
    if (!e) return false;
    const QString path = QFileDialog::getSaveFileName(this, "Export model", e->name.section(' ', 0, 1).replace(' ', '_') + ".json", "Model JSON (*.json)");
    if (path.isEmpty()) return false;
    try {
        model::saveModelFile(path.toStdString(), e->model->toJson());
        statusBar()->showMessage("Model exported to " + path, 5000);
        return true;
    } catch (const std::exception& ex) {
        reportError("Export model", ex.what(), false);
        return false;
    }
}

// ---- files ----------------------------------------------------------------------------------------------

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
        std::shared_ptr<const model::Model> model = model::loadModelFrom(context_->pluginHost(), doc, path.toStdString());
        BoardEntry e;
        e.model = model;
        e.origin = "imported";
        e.name = "imported " + QFileInfo(path).fileName();
        if (doc.contains("training") && doc["training"].is_object() && doc["training"].contains("dataset") && doc["training"]["dataset"].is_object()) {
            e.datasetName = doc["training"]["dataset"].value("name", std::string());
            e.datasetSha = doc["training"]["dataset"].value("sha256", std::string());
            e.epochs = doc["training"].value("epochs_run", 0);
        }
        if (const auto* plugin = context_->pluginHost().find(model->pluginId()))
            e.keyHyperparameters = differingHyperparameters(model->hyperparameters(), model::defaultHyperparameters(plugin->plugin->hyperparameterSchema()));
        const ModelProvenance provenance{e.datasetName, e.datasetSha};
        const QString name = e.name;
        board_->add(std::move(e));
        // Show the plugin and hyperparameters that made this model, then publish it to every view.
        modelDock_->selectPlugin(model->pluginId(), model->hyperparameters());
        context_->setModel(model, name, provenance);
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
        for (const auto& v : views_)
            if (v.exportable) s.views[v.key.toStdString()] = v.exportable->viewSettings();
        s.views["current_view"] = views_.at(static_cast<std::size_t>(std::max(0, tabs_->currentIndex()))).key.toStdString();
        s.board = board_->toJson();
        saveSessionFile(path.toStdString(), s);
        board_->markSaved();
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
        try {
            board_->loadJson(s.board, context_->pluginHost(), path.toStdString());
        } catch (const std::exception& e) {
            reportError("Load session", e.what(), quiet);
        }
        if (!s.model.is_null()) {
            try {
                std::shared_ptr<const model::Model> m = model::loadModelFrom(context_->pluginHost(), s.model, path.toStdString() + ": model");
                ModelProvenance provenance;
                if (s.model.contains("training") && s.model["training"].is_object() && s.model["training"].contains("dataset")) {
                    provenance.datasetName = s.model["training"]["dataset"].value("name", std::string());
                    provenance.datasetSha = s.model["training"]["dataset"].value("sha256", std::string());
                }
                context_->setModel(m, "from session " + QFileInfo(path).fileName(), provenance);
            } catch (const std::exception& e) {
                reportError("Load session", QString("%1: model: %2").arg(path, e.what()), quiet);
            }
        }
        for (const auto& v : views_) {
            const std::string key = v.key.toStdString();
            if (v.exportable && s.views.contains(key)) v.exportable->applyViewSettings(s.views[key]);
        }
        if (s.views.contains("current_view") && s.views["current_view"].is_string())
            if (QWidget* w = view(QString::fromStdString(s.views["current_view"].get<std::string>()))) tabs_->setCurrentWidget(w);
        if (s.views.contains("current_tab") && s.views["current_tab"].is_number_integer())   // sessions before the view keys
            tabs_->setCurrentIndex(s.views["current_tab"].get<int>());
        board_->markSaved();
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

// ---- startup options ------------------------------------------------------------------------------------

void MainWindow::applyStartupOptions() {
    if (!options_.session.isEmpty()) {
        loadSession(options_.session);
        return;
    }
    if (!options_.plugin.isEmpty() && !modelDock_->selectPlugin(options_.plugin.toStdString()))
        reportError("Plugin", QString("plugin '%1' is not loaded (Help ▸ Plugins lists what was found)").arg(options_.plugin), false);
    for (const QString& assignment : options_.hyper) {
        try {
            const auto [key, value] = model::parseHyperparameterAssignment(assignment.toStdString(), "--hyper");
            if (!modelDock_->form()->setValue(key, value))
                reportError("Hyperparameter", QString("--hyper %1: %2").arg(assignment, modelDock_->form()->message()), false);
        } catch (const std::exception& e) {
            reportError("Hyperparameter", QString::fromStdString(e.what()), false);
        }
    }
    // What happens once the data is there: train (the default of --screenshot), show a random model, or sweep.
    const bool sweep = !options_.sweep.isEmpty();
    const bool autoTrain = options_.train || (!options_.screenshotDir.isEmpty() && !options_.randomise && !sweep);
    const bool screenshots = !options_.screenshotDir.isEmpty();
    if (screenshots) {
        setConfirmOnQuit(false);
        tour_ = new ScreenshotTour(this, options_.screenshotDir, options_.screenshotSizes);
        connect(tour_, &ScreenshotTour::finished, qApp, &QApplication::quit, Qt::QueuedConnection);
    }
    auto afterData = [this, autoTrain, sweep, screenshots] {
        if (autoTrain) trainDock_->startTraining();
        if (options_.randomise) {
            const bool ok = trainDock_->randomiseModel();
            if (screenshots && !autoTrain && !sweep) QTimer::singleShot(ok ? 2500 : 500, tour_, &ScreenshotTour::run);
        }
        if (sweep) {
            if (screenshots && !autoTrain)
                connect(sweep_, &SweepView::sweepFinished, tour_, [this] { QTimer::singleShot(1500, tour_, &ScreenshotTour::run); });
            tabs_->setCurrentWidget(sweep_);
            if (!startSweepFromOptions() && screenshots && !autoTrain) QTimer::singleShot(500, tour_, &ScreenshotTour::run);
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
        connect(controller_, &TrainingController::finished, tour_, [this] { QTimer::singleShot(1500, tour_, &ScreenshotTour::run); });
        connect(controller_, &TrainingController::failed, tour_, [this] { QTimer::singleShot(500, tour_, &ScreenshotTour::run); });
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

void MainWindow::saveScreenshots(const QString& dir, const QString& suffix) {
    QDir().mkpath(dir);
    for (const auto& v : views_) {
        tabs_->setCurrentWidget(v.widget);
        // Hidden views refresh when shown, in the background: give them time, then wait while they compute
        // (≤ 30 s: a large model on a busy machine).
        QElapsedTimer wait;
        wait.start();
        while (wait.elapsed() < 1200) QApplication::processEvents(QEventLoop::AllEvents, 50);
        while (v.exportable && v.exportable->isComputing() && wait.elapsed() < 30000) QApplication::processEvents(QEventLoop::AllEvents, 50);
        if (v.exportable)
            if (auto* plot = v.exportable->exportablePlot()) plot->replot();
        grab().save(QDir(dir).filePath("studio_" + v.key + suffix + ".png"));
    }
    tabs_->setCurrentIndex(0);
}

}  // namespace sd::studio
