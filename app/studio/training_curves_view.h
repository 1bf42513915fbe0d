#pragma once
// TrainingCurvesView — the "Training curves" tab: train and validation loss per epoch for every run,
// overlaid and individually toggled, on a log-y axis, with TensorBoard's debiased EMA smoothing (slider,
// default 0.6; raw values drawn faintly behind), and CSV export of every point.
#include "app/studio/exportable_view.h"

#include <QWidget>
#include <map>
#include <vector>

class QCheckBox;
class QCPGraph;
class QLabel;
class QListWidget;
class QSlider;
class QTimer;

namespace sd::model {
struct TrainEvent;
}

namespace sd::studio {

class TrainingCurvesView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit TrainingCurvesView(QWidget* parent = nullptr);

    void addEvent(int run, const model::TrainEvent& event);
    /// A batch of events of one run (one smoothing pass and one replot for all of them).
    void addEvents(int run, const std::vector<model::TrainEvent>& events);
    /// The newest epoch recorded for a run (0 if none).
    int lastEpoch(int run) const;
    /// The newest epoch the plotted graph of a run holds (lags lastEpoch until the coalesced refresh).
    int shownEpoch(int run) const;
    /// Number of epochs recorded for a run (one per TrainEvent).
    int pointCount(int run) const;
    int runCount() const { return static_cast<int>(runs_.size()); }
    void setRunVisible(int run, bool visible);
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }
    /// Writes run,epoch,train_loss,validation_loss,train_smoothed,validation_smoothed (atomic write).
    void exportCsv(const QString& path) const;

    QCustomPlot* exportablePlot() override { return plot_; }

signals:
    /// The graphs were rebuilt from the recorded points (after a batch of events, a setting change …).
    void refreshed();

public:
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;

private:
    struct Run {
        std::vector<double> epochs, train, validation;
        QCPGraph *trainRaw = nullptr, *trainSmooth = nullptr, *valRaw = nullptr, *valSmooth = nullptr;
        bool visible = true;
    };
    Run& runFor(int run);
    void refreshGraphs();     // recomputes smoothing and replots (coalesced by a 0-ms timer)
    void scheduleRefresh();
    void chooseCsvFile();

    QCustomPlot* plot_ = nullptr;
    QSlider* smoothingSlider_ = nullptr;
    QLabel* smoothingLabel_ = nullptr;
    QCheckBox* logY_ = nullptr;
    QListWidget* runList_ = nullptr;
    QTimer* refreshTimer_ = nullptr;
    std::map<int, Run> runs_;
    double smoothing_ = 0.6;
    bool firstRescale_ = true;
};

}  // namespace sd::studio
