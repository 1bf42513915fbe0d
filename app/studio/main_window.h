#pragma once
// MainWindow — docks Data, Models (the model board), Model and Train around the central views, which are
// registered once in a list (key for sessions and screenshots, tab title, widget): Phase portrait,
// Lyapunov, Training curves, Time series, Certificate, Sweep, Video. A banner above the views says when the
// current model does not fit the loaded data. File / View / Help menus. It only wires the parts together:
// state lives in StudioContext and ModelBoard, training in TrainingController, rendering in the views,
// the --screenshot tour in ScreenshotTour.
#include "app/studio/studio_options.h"

#include <QMainWindow>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

class QDockWidget;
class QLabel;
class QTabWidget;

namespace sd::nn {
struct TrainSummary;   // model::TrainSummary (core/nn/training_types.h)
}
namespace sd::model {
using nn::TrainSummary;
class Model;
}

namespace sd::studio {

class CertificateView;
class DataDock;
class ExportableView;
class ModelBoard;
class ModelBoardDock;
class ModelDock;
class PhasePortraitView;
class ScalarFieldView;
class ScreenshotTour;
class StudioContext;
class SweepView;
class TimeSeriesView;
class TrainDock;
class TrainingController;
class TrainingCurvesView;
class VideoView;

/// A central view: its session/screenshot key, its tab title and the widget (exportable may be null).
struct RegisteredView {
    QString key;
    QString title;
    QWidget* widget = nullptr;
    ExportableView* exportable = nullptr;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// Scans for plugins (extra folders first) and builds the window; nothing is loaded yet.
    explicit MainWindow(const StudioOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Applies --dataset / --session / --plugin / --hyper / --train / --randomise / --sweep / --screenshot.
    void applyStartupOptions();

    // ---- File menu actions (also used by tests); each throws nothing and reports problems in a dialog
    // unless `quiet`, and returns whether it succeeded.
    bool exportModel(const QString& path, bool quiet = false);
    bool importModel(const QString& path, bool quiet = false);
    bool saveSession(const QString& path, bool quiet = false);
    bool loadSession(const QString& path, bool quiet = false);
    bool saveCurrentPlot(const QString& path, bool quiet = false);
    QString lastError() const { return lastError_; }

    /// Adds a model document (e.g. a sweep cell's) to the board under `label`; false (and the reason in
    /// lastError) when it cannot be loaded. The experiment helper's Sweep tab signal connects here.
    bool promoteToBoard(const nlohmann::json& modelDocument, const QString& label);
    /// Publishes a board entry as the current model (and shows its plugin and hyperparameters).
    bool makeCurrent(int boardId);

    /// Saves a PNG of the whole window for every registered view into `dir` (names studio_<key><suffix>.png).
    void saveScreenshots(const QString& dir, const QString& suffix = {});
    /// Puts the docks in their default places for the window's current size (at most 900 px high: the
    /// model board shares the Data dock's place; otherwise it sits under the views).
    void arrangeDocks();
    /// Ask before quitting with unsaved board entries (off in tests and the screenshot tour).
    void setConfirmOnQuit(bool on) { confirmOnQuit_ = on; }

    const std::vector<RegisteredView>& views() const { return views_; }
    /// The registered view with this key (nullptr if none).
    QWidget* view(const QString& key) const;
    /// The text of the model/data banner ("" when hidden).
    QString bannerText() const;

    StudioContext* context() const { return context_; }
    ModelBoard* board() const { return board_; }
    DataDock* dataDock() const { return dataDock_; }
    ModelDock* modelDock() const { return modelDock_; }
    TrainDock* trainDock() const { return trainDock_; }
    ModelBoardDock* boardDock() const { return boardDock_; }
    TrainingController* trainingController() const { return controller_; }
    TrainingCurvesView* trainingCurves() const { return curves_; }
    PhasePortraitView* phasePortrait() const { return phase_; }
    ScalarFieldView* scalarField() const { return scalar_; }
    TimeSeriesView* timeSeries() const { return timeSeries_; }
    CertificateView* certificate() const { return certificate_; }
    SweepView* sweep() const { return sweep_; }
    VideoView* video() const { return video_; }
    QTabWidget* tabs() const { return tabs_; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void registerView(const QString& key, const QString& title, QWidget* widget, ExportableView* exportable);
    void buildMenus();
    void showPluginDialog();
    void showAbout();
    void reportError(const QString& title, const QString& message, bool quiet);
    void onRunStarted(int run);
    void onRunFinished(int run, const model::TrainSummary& summary, std::shared_ptr<const model::Model> trained);
    bool startSweepFromOptions();
    void updateTitle();
    void updateBanner();
    bool exportBoardModel(int boardId);

    StudioOptions options_;
    StudioContext* context_ = nullptr;
    ModelBoard* board_ = nullptr;
    TrainingController* controller_ = nullptr;
    DataDock* dataDock_ = nullptr;
    ModelDock* modelDock_ = nullptr;
    TrainDock* trainDock_ = nullptr;
    ModelBoardDock* boardDock_ = nullptr;
    QDockWidget *dataDockWidget_ = nullptr, *modelDockWidget_ = nullptr, *trainDockWidget_ = nullptr, *boardDockWidget_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QLabel* banner_ = nullptr;
    std::vector<RegisteredView> views_;
    PhasePortraitView* phase_ = nullptr;
    ScalarFieldView* scalar_ = nullptr;
    TrainingCurvesView* curves_ = nullptr;
    TimeSeriesView* timeSeries_ = nullptr;
    CertificateView* certificate_ = nullptr;
    SweepView* sweep_ = nullptr;
    VideoView* video_ = nullptr;
    ScreenshotTour* tour_ = nullptr;
    // The run in progress: what it trains on, when it started (its board entry is made when it ends).
    struct RunInfo {
        std::string datasetName, datasetSha;
        nlohmann::json hyperparameters;
        qint64 startedAtMs = 0;
    } runInfo_;
    bool confirmOnQuit_ = true;
    QString lastError_;
};

}  // namespace sd::studio
