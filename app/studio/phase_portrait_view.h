#pragma once
// PhasePortraitView — the "Phase portrait" tab: streamlines of the current model's vector field on a 2-D
// slice (two chosen coordinates, the others fixed), optionally over the true field when the data comes
// from a known generator, and forward trajectories started by clicking, integrated on the model's own
// field. Divergent trajectories stop and are flagged. Everything is computed on the thread pool from the
// immutable model snapshot, so it refreshes while training without stalling the UI.
//
// Without a dataset (a Randomised model before any data is loaded) the slice lives in the model's own
// state space, coordinates x1…xn on the box [-2, 2] (plus margin).
#include "app/studio/analysis_bridge.h"
#include "app/studio/exportable_view.h"
#include "app/studio/trajectory_integrator.h"

#include <QWidget>
#include <memory>
#include <vector>

class QCPAbstractItem;
class QCPAbstractPlottable;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QMouseEvent;
class QSpinBox;

namespace sd::studio {

class LatestJob;
class StudioContext;

class PhasePortraitView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit PhasePortraitView(StudioContext* context, QWidget* parent = nullptr);

    QCustomPlot* exportablePlot() override { return plot_; }
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;

    /// Starts a forward trajectory at plot coordinates (x, y) of the current slice.
    void startTrajectoryAt(double x, double y);
    void clearTrajectories();
    /// Finished trajectories in full state coordinates (column 0 = start point).
    const std::vector<IntegratedTrajectory>& trajectories() const { return trajectories_; }
    /// Number of streamlines of the learned field currently drawn.
    int streamlineCount() const { return learnedLineCount_; }
    /// Incremented every time a computed portrait has been drawn (tests wait on it).
    int portraitGeneration() const { return drawnGeneration_; }
    QString statusText() const;
    int xCoordinate() const;
    int yCoordinate() const;

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void portraitDrawn();
    void trajectoryAdded();

private:
    void onDatasetChanged();
    void onModelChanged();
    void rebuildSliceControls();
    void recompute();
    void recomputeTrajectories();
    void drawTrajectories();
    double sliceDefault(int k) const;  ///< middle of the data range of coordinate k (0 without data)
    Eigen::VectorXd fullState(double x, double y) const;
    Grid2 currentGrid() const;
    void onMousePress(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    StudioContext* context_;
    LatestJob* fieldJob_ = nullptr;        // streamlines of the current slice (newest request only)
    LatestJob* trajectoryJob_ = nullptr;   // clicked trajectories
    bool refreshPending_ = false;   // a change arrived while hidden: refresh when shown
    QCustomPlot* plot_ = nullptr;
    QComboBox* xCoord_ = nullptr;
    QComboBox* yCoord_ = nullptr;
    QFormLayout* fixedForm_ = nullptr;
    std::vector<QDoubleSpinBox*> fixedValues_;  ///< editor per fixed coordinate (nullptr: at sliceDefault)
    QCheckBox* showTrue_ = nullptr;
    QSpinBox* density_ = nullptr;
    QLabel* status_ = nullptr;
    std::vector<Eigen::VectorXd> startPoints_;
    std::vector<IntegratedTrajectory> trajectories_;
    std::vector<QCPAbstractPlottable*> trajectoryPlottables_;
    std::vector<QCPAbstractItem*> trajectoryItems_;
    Eigen::VectorXd dataLow_, dataHigh_;
    int requestedGeneration_ = 0;
    int drawnGeneration_ = 0;
    int trajectoryGeneration_ = 0;
    int learnedLineCount_ = 0;
    QPoint pressPos_;
    bool rangeInitialised_ = false;
};

}  // namespace sd::studio
