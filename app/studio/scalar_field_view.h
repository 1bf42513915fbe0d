#pragma once
// ScalarFieldView — the "Lyapunov" tab: a heat map (QCPColorMap) with level sets of a scalar field on the
// first two state coordinates (others fixed at the data's centre). The field is the model's Lyapunov
// function V when it has one (lyapunov-net, vae-latent), otherwise the speed ‖f(x)‖, with a message saying
// so. Levels are geometric (max·2^-k, core/analysis contour_levels) because V spans decades; the level
// sets come from core/analysis marching squares on a core/analysis plane grid.
//
// For a model with V and a continuous field it also checks the decrease condition V̇ = ∇V·f ≤ −αV on the
// grid (decrease_condition.h): a label gives the share of grid points where it holds, the "Mark where
// V̇ ≤ −αV fails" toggle covers the violating cells in translucent red and outlines that region dashed,
// and the largest sublevel set {V ≤ c} the grid certifies (inside the box, no failing point; core/analysis
// certified_sublevel_set) is drawn in green.
//
// Without a dataset, the box is [-2, 2] (plus the usual margin) on the model's first two states (others
// 0), so a freshly randomised model can be inspected before any data is loaded. New data clears the view at
// once; a model that does not fit the data leaves it empty with the reason.
#include "app/studio/exportable_view.h"

#include <QWidget>
#include <limits>

class QCheckBox;
class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QLabel;
class QSpinBox;

namespace sd::studio {

class LatestJob;
class StudioContext;
struct ScalarFieldResult;

class ScalarFieldView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit ScalarFieldView(StudioContext* context, QWidget* parent = nullptr);

    QCustomPlot* exportablePlot() override { return plot_; }
    nlohmann::json viewSettings() const override;
    void applyViewSettings(const nlohmann::json& settings) override;
    /// Number of level-set curves drawn in the last refresh.
    int contourCount() const { return contourCount_; }
    QString messageText() const;
    /// The text over the plot when it shows nothing ("" when it draws a field).
    QString emptyStateText() const { return emptyText_; }
    /// Share of grid points where V̇ ≤ −αV held in the last refresh (NaN when not checked).
    double decreaseFraction() const { return decreaseFraction_; }
    /// Grid points where it failed in the last refresh (cells marked when the overlay is on).
    int violationCount() const { return violationCount_; }
    /// The level c of the largest certified sublevel set {V ≤ c} (NaN when none was found or checked).
    double certifiedLevel() const { return certifiedLevel_; }
    QString decreaseText() const;
    /// True while a requested refresh is still being computed (the screenshot tour waits for it).
    bool isComputing() const { return drawnGeneration_ != generation_; }

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void fieldDrawn();

private:
    void refreshFieldChoices();
    void recompute();
    void draw(const ScalarFieldResult& result);
    void clearDrawing(const QString& why);

    StudioContext* context_;
    LatestJob* job_ = nullptr;
    bool refreshPending_ = false;   // a change arrived while hidden: refresh when shown
    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QComboBox* field_ = nullptr;
    QSpinBox* levels_ = nullptr;
    QCheckBox* logColour_ = nullptr;
    QLabel* message_ = nullptr;
    QCheckBox* showViolations_ = nullptr;
    QLabel* decreaseLabel_ = nullptr;
    QCPColorMap* violationMap_ = nullptr;
    QString emptyText_;
    double decreaseFraction_ = std::numeric_limits<double>::quiet_NaN();
    double certifiedLevel_ = std::numeric_limits<double>::quiet_NaN();
    int violationCount_ = 0;
    int generation_ = 0;
    int drawnGeneration_ = 0;
    int contourCount_ = 0;
    bool hadLyapunov_ = false;
};

}  // namespace sd::studio
