#pragma once
// MainWindow — docks Data, Model and Train around the central tabs (Phase portrait, Lyapunov, Training
// curves, Time series, Certificate, Sweep, Video) and the File / View / Help menus. It only wires the parts
// together: state lives in StudioContext, training in TrainingController, rendering in the views.
#include "app/studio/studio_options.h"

#include <QMainWindow>
#include <memory>
#include <vector>

class QTabWidget;

namespace sd::studio {

class CertificateView;
class DataDock;
class ModelDock;
class PhasePortraitView;
class ScalarFieldView;
class StudioContext;
class SweepView;
class TimeSeriesView;
class TrainDock;
class TrainingController;
class TrainingCurvesView;
class VideoView;

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

    /// Saves a PNG of the whole window for every tab into `dir` (used by --screenshot).
    void saveScreenshots(const QString& dir);

    StudioContext* context() const { return context_; }
    DataDock* dataDock() const { return dataDock_; }
    ModelDock* modelDock() const { return modelDock_; }
    TrainDock* trainDock() const { return trainDock_; }
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
    void buildMenus();
    void showPluginDialog();
    void reportError(const QString& title, const QString& message, bool quiet);
    void runScreenshotTour();
    bool startSweepFromOptions();
    void updateTitle();

    StudioOptions options_;
    StudioContext* context_ = nullptr;
    TrainingController* controller_ = nullptr;
    DataDock* dataDock_ = nullptr;
    ModelDock* modelDock_ = nullptr;
    TrainDock* trainDock_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    PhasePortraitView* phase_ = nullptr;
    ScalarFieldView* scalar_ = nullptr;
    TrainingCurvesView* curves_ = nullptr;
    TimeSeriesView* timeSeries_ = nullptr;
    CertificateView* certificate_ = nullptr;
    SweepView* sweep_ = nullptr;
    VideoView* video_ = nullptr;
    bool videoShotPrepared_ = false;  // the screenshot tour generated its video already
    QString lastError_;
};

}  // namespace sd::studio
