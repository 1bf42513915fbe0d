#pragma once
// PhasePortraitView — the "Phase portrait" tab (pplane/dfield for learned models): streamlines of the
// current model's vector field on a 2-D slice (two chosen coordinates, the others fixed), coloured by
// speed with a colour bar, optionally over the true field (grey) and the data (light trajectories).
//
//  * a click starts a trajectory on the model's own field, forward, backward or both ways (per-trajectory
//    colours; divergent ones stop and are flagged); ticked models of the board get trajectories from the
//    same starts, dashed in their board colour;
//  * equilibria: found automatically on the grid (Newton from cells where both components change sign)
//    and from a click (Shift+click or the right-click menu), marked by type from the Jacobian's eigenvalues
//    (stable: filled green, unstable: open red, saddle: orange diamond, other: grey square);
//  * nullclines f_x = 0 (orange, dashed) and f_y = 0 (purple, dashed);
//  * drag pans, the wheel zooms, double-click or "Reset zoom" returns to the data's box; right-click opens
//    a menu.
// Everything is computed from the immutable model snapshot on the thread pool (LatestJob: only the newest
// request runs), so it refreshes while training without stalling the UI, and only while it is visible.
// A dataset or model the view cannot draw clears the plot and says why.
//
// Without a dataset (a Randomised model before any data is loaded) the slice lives in the model's own
// state space, coordinates x1…xn on the box [-2, 2] (plus margin).
#include "app/studio/exportable_view.h"
#include "app/studio/phase_portrait_compute.h"
#include "app/studio/state_box.h"
#include "app/studio/trajectory_integrator.h"

#include <QWidget>
#include <memory>
#include <vector>

class QCPAbstractItem;
class QCPAbstractPlottable;
class QCPColorScale;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QMouseEvent;
class QSpinBox;

namespace sd::studio {

class LatestJob;
class ModelBoard;
class StudioContext;

class PhasePortraitView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    PhasePortraitView(StudioContext* context, ModelBoard* board, QWidget* parent = nullptr);

    QCustomPlot* exportablePlot() override { return plot_; }
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;

    /// Starts a trajectory (in the chosen direction) at plot coordinates (x, y) of the current slice.
    void startTrajectoryAt(double x, double y);
    void clearTrajectories();
    /// Runs Newton from plot coordinates (x, y) of the slice; the result (if it converges) stays marked.
    void findEquilibriumAt(double x, double y);
    void setDirection(IntegrationDirection direction);
    void setShowNullclines(bool on);
    void setShowEquilibria(bool on);
    void setShowData(bool on);
    /// Back to the data's box.
    void resetZoom();

    /// Finished trajectories of the current model in full state coordinates (see startColumn).
    const std::vector<IntegratedTrajectory>& trajectories() const { return trajectories_; }
    /// Trajectories of the ticked board models: (board id, one per start point).
    const std::vector<std::pair<int, std::vector<IntegratedTrajectory>>>& overlayTrajectories() const { return overlays_; }
    /// Equilibria shown (automatic and clicked), in full state coordinates.
    const std::vector<analysis::Equilibrium>& equilibria() const { return shownEquilibria_; }
    /// Number of streamlines of the learned field currently drawn.
    int streamlineCount() const { return learnedLineCount_; }
    /// Points (with NaN breaks) of the drawn nullclines (x, y).
    int nullclinePointCount() const;
    /// Incremented every time a computed portrait has been drawn (tests wait on it).
    int portraitGeneration() const { return drawnGeneration_; }
    /// The text shown over the plot when it cannot draw ("" when it draws).
    QString emptyStateText() const { return emptyText_; }
    QString statusText() const;
    int xCoordinate() const;
    int yCoordinate() const;

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void portraitDrawn();
    void trajectoryAdded();
    void equilibriaChanged();

private:
    void onDatasetChanged();
    void onModelChanged();
    void rebuildSliceControls();
    void recompute();
    void recomputeTrajectories();
    void drawPortrait(const PortraitResult& r);
    void drawTrajectories();
    void drawEquilibria();
    void drawData();
    void clearField();
    void showEmpty(const QString& why);
    void setSpeedScaleShown(bool on);
    double sliceDefault(int k) const;
    Eigen::VectorXd fullState(double x, double y) const;
    analysis::PlaneBox currentBox() const;
    void onMousePress(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    void showContextMenu(const QPoint& pixel);

    StudioContext* context_;
    ModelBoard* board_;
    LatestJob* fieldJob_ = nullptr;        // streamlines, nullclines, equilibria of the slice (newest only)
    LatestJob* trajectoryJob_ = nullptr;   // clicked trajectories of the current and the ticked models
    LatestJob* newtonJob_ = nullptr;       // clicked equilibria
    bool refreshPending_ = false;          // a change arrived while hidden: refresh when shown
    QCustomPlot* plot_ = nullptr;
    QCPColorScale* speedScale_ = nullptr;
    QComboBox* xCoord_ = nullptr;
    QComboBox* yCoord_ = nullptr;
    QFormLayout* fixedForm_ = nullptr;
    std::vector<QDoubleSpinBox*> fixedValues_;   ///< editor per fixed coordinate (nullptr: at sliceDefault)
    QComboBox* direction_ = nullptr;
    QCheckBox* showTrue_ = nullptr;
    QCheckBox* showData_ = nullptr;
    QCheckBox* showNullclines_ = nullptr;
    QCheckBox* showEquilibria_ = nullptr;
    QSpinBox* density_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* equilibriaLabel_ = nullptr;
    StateBox box_;
    std::vector<Eigen::VectorXd> startPoints_;
    std::vector<IntegratedTrajectory> trajectories_;
    std::vector<std::pair<int, std::vector<IntegratedTrajectory>>> overlays_;
    std::vector<analysis::Equilibrium> autoEquilibria_, clickedEquilibria_, shownEquilibria_;
    std::vector<QCPAbstractPlottable*> fieldPlottables_, trajectoryPlottables_, equilibriumPlottables_, dataPlottables_;
    std::vector<QCPAbstractItem*> trajectoryItems_, equilibriumItems_;
    QString emptyText_;
    int requestedGeneration_ = 0;
    /// The status line shows the answer to a Shift+click (Newton): a field or trajectories redrawn later keep it,
    /// until the next click starts a trajectory or the clicks are cleared. Otherwise a portrait arriving after
    /// the click replaced the answer with the field's title or the trajectories' summary.
    bool statusAnswersClick_ = false;
    int drawnGeneration_ = 0;
    int learnedLineCount_ = 0;
    QPoint pressPos_;
    bool rangeInitialised_ = false;
};

}  // namespace sd::studio
