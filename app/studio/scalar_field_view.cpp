#include "app/studio/scalar_field_view.h"

#include "app/studio/analysis_bridge.h"
#include "app/studio/color_maps.h"
#include "app/studio/decrease_condition.h"
#include "app/studio/latest_job.h"
#include "app/studio/plot_style.h"
#include "app/studio/state_box.h"
#include "app/studio/studio_context.h"
#include "core/analysis/certified_sublevel_set.h"
#include "core/analysis/contour_levels.h"
#include "core/analysis/marching_squares.h"
#include "core/analysis/plane_grid.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace sd::studio {

namespace {
constexpr int kGrid = 120;
enum FieldKind { LyapunovV = 0, ModelSpeed = 1, TrueSpeed = 2 };

}  // namespace

struct ScalarFieldResult {
    analysis::PlaneGrid grid;
    Eigen::MatrixXd values;              // ny×nx
    std::vector<analysis::ContourLevel> contours;
    int generation = 0;
    bool checkedDecrease = false;
    Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> holds;   // ny×nx
    double fraction = 0, alpha = 0;
    analysis::Polyline boundary;         // edge of the region where the condition fails
    analysis::CertifiedSublevelSet certified;
    analysis::Polyline certifiedBoundary;
};

namespace {

// A constant translucent red for violating cells; NaN cells (where the condition holds) stay transparent.
QCPColorGradient violationGradient() {
    QCPColorGradient g;
    g.setColorStops({{0.0, QColor(220, 38, 38, 150)}, {1.0, QColor(220, 38, 38, 150)}});
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

Eigen::MatrixXd gridOf(const analysis::PlaneGrid& g, const Eigen::RowVectorXd& v) { return analysis::toGrid(v, 0, g.nx(), g.ny()); }

}  // namespace

ScalarFieldView::ScalarFieldView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    job_ = new LatestJob(this);
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    field_ = new QComboBox(this);
    field_->setObjectName("scalarFieldChoice");
    levels_ = new QSpinBox(this);
    levels_->setObjectName("contourLevels");
    levels_->setRange(1, 20);
    levels_->setValue(8);
    logColour_ = new QCheckBox("Logarithmic colours", this);
    logColour_->setObjectName("logColourCheck");
    logColour_->setChecked(true);
    controls->addWidget(new QLabel("Field:", this));
    controls->addWidget(field_, 1);
    controls->addWidget(new QLabel("Levels:", this));
    controls->addWidget(levels_);
    controls->addWidget(logColour_);
    layout->addLayout(controls);
    auto* decrease = new QHBoxLayout;
    showViolations_ = new QCheckBox("Mark where V̇ ≤ −αV fails", this);
    showViolations_->setObjectName("decreaseMapCheck");
    showViolations_->setChecked(true);
    showViolations_->setToolTip("Cover the grid cells where the decrease condition ∇V·f ≤ −αV does not hold (red) "
                                "and draw its boundary (dashed); draw the largest sublevel set of V the grid certifies (green).");
    decreaseLabel_ = new QLabel(this);
    decreaseLabel_->setObjectName("decreaseFractionLabel");
    decreaseLabel_->setTextFormat(Qt::RichText);
    decreaseLabel_->setWordWrap(true);   // never widen the window
    decrease->addWidget(showViolations_);
    decrease->addWidget(decreaseLabel_, 1);
    layout->addLayout(decrease);
    message_ = new QLabel(this);
    message_->setObjectName("scalarFieldMessage");
    message_->setWordWrap(true);
    message_->setStyleSheet("color: #92400e;");
    message_->hide();
    layout->addWidget(message_);

    plot_ = new QCustomPlot(this);
    plot_->setObjectName("scalarFieldPlot");
    stylePlot(plot_);
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setGradient(viridisGradient());
    map_->setInterpolate(true);
    scale_ = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(0, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    map_->setColorScale(scale_);
    scale_->setGradient(viridisGradient());   // the scale's gradient wins over the map's once linked
    violationMap_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    violationMap_->setGradient(violationGradient());
    violationMap_->setInterpolate(false);
    violationMap_->setDataRange(QCPRange(0, 1));
    violationMap_->setName("V̇ > −αV");
    violationMap_->setVisible(false);   // until a decrease check has been drawn
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    clearDrawing("Train or import a continuous-time model to see V or ‖f‖ here.");
    layout->addWidget(plot_, 1);

    connect(context_, &StudioContext::modelChanged, this, [this] {
        refreshFieldChoices();
        recompute();
    });
    connect(context_, &StudioContext::datasetChanged, this, [this] {
        clearDrawing("Loading the view for the new data…");   // never the previous data's field
        refreshFieldChoices();
        recompute();
    });
    connect(field_, &QComboBox::currentIndexChanged, this, &ScalarFieldView::recompute);
    connect(levels_, &QSpinBox::valueChanged, this, &ScalarFieldView::recompute);
    connect(logColour_, &QCheckBox::toggled, this, &ScalarFieldView::recompute);
    connect(showViolations_, &QCheckBox::toggled, this, &ScalarFieldView::recompute);
}

QString ScalarFieldView::decreaseText() const { return decreaseLabel_->text(); }

QString ScalarFieldView::messageText() const { return message_->isHidden() ? QString() : message_->text(); }

void ScalarFieldView::clearDrawing(const QString& why) {
    ++generation_;   // results still on their way are for another state
    drawnGeneration_ = generation_;
    job_->cancel();
    for (int k = plot_->plottableCount() - 1; k >= 0; --k)
        if (plot_->plottable(k) != map_ && plot_->plottable(k) != violationMap_) plot_->removePlottable(k);
    map_->data()->clear();
    map_->setVisible(false);
    violationMap_->setVisible(false);
    scale_->setVisible(false);
    contourCount_ = 0;
    violationCount_ = 0;
    certifiedLevel_ = std::numeric_limits<double>::quiet_NaN();
    decreaseFraction_ = std::numeric_limits<double>::quiet_NaN();
    decreaseLabel_->clear();
    emptyText_ = why;
    setPlotMessage(plot_, why);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ScalarFieldView::refreshFieldChoices() {
    const auto model = context_->model();
    const int previous = field_->currentData().isValid() ? field_->currentData().toInt() : -1;
    const QSignalBlocker block(field_);
    field_->clear();
    if (model && model->hasLyapunov()) field_->addItem("Lyapunov function V(x)", LyapunovV);
    if (model && model->isContinuous()) field_->addItem("Speed of the learned field ‖f(x)‖", ModelSpeed);
    if (context_->loadedDataset().trueField) field_->addItem("Speed of the true field ‖f*(x)‖", TrueSpeed);
    // Keep the user's choice, except that a model that brings V shows V first.
    const bool newlyLyapunov = model && model->hasLyapunov() && !hadLyapunov_;
    hadLyapunov_ = model && model->hasLyapunov();
    const int keep = field_->findData(previous);
    field_->setCurrentIndex(keep >= 0 && !newlyLyapunov ? keep : 0);
    if (model && !model->hasLyapunov()) {
        message_->setText(QString("This model (%1) has no Lyapunov function V; showing the speed of its field instead.")
                              .arg(QString::fromStdString(model->pluginId())));
        message_->show();
    } else {
        message_->hide();
    }
}

void ScalarFieldView::recompute() {
    if (!isVisible()) {
        refreshPending_ = true;
        return;
    }
    const auto model = context_->model();
    const auto ds = context_->dataset();
    // Without data, a model still has a state space: sample [-2, 2] on its first two coordinates.
    const Eigen::Index n = ds ? ds->stateDim() : (model ? model->dims().state : 0);
    if (!ds && !model) return clearDrawing("Train or import a continuous-time model to see V or ‖f‖ here.");
    if (n < 2) return clearDrawing("This view needs at least two state variables.");
    const ModelDataFit fit = context_->modelDataFit();
    if (model && (!fit.dimensionsMatch || model->dims().state != n))
        return clearDrawing(fit.message.isEmpty() ? QString("The model's state dimension differs from the data's.") : fit.message);
    if (field_->count() == 0)
        return clearDrawing(model ? QString("This model has neither a Lyapunov function nor a continuous field to draw here.")
                                  : QString("Train or import a continuous-time model to see V or ‖f‖ here."));
    const int kind = field_->currentData().toInt();
    // The data's box with a margin on the first two coordinates; the others sit at the data's centre.
    const StateBox box = stateBox(ds.get(), model ? model->dims().state : 2);
    const analysis::PlaneBox plane = planeBox(box, 0, 1);
    const Eigen::VectorXd centre = box.centre();
    const int nLevels = levels_->value();
    const VectorField truth = context_->loadedDataset().trueField;
    const bool checkDecreaseOnGrid = model && model->hasLyapunov() && model->isContinuous() && kind == LyapunovV;
    const int generation = ++generation_;
    job_->submit(
        [model, truth, kind, plane, centre, nLevels, generation, checkDecreaseOnGrid](const CancelToken& cancel) {
            ScalarFieldResult r;
            r.generation = generation;
            r.grid = analysis::makeSliceGrid(centre, 0, 1, plane, kGrid, kGrid);
            const auto& g = r.grid;
            Eigen::RowVectorXd v;
            if (kind == LyapunovV) v = model->lyapunov(g.points);
            else if (kind == ModelSpeed) v = model->field(g.points, Eigen::MatrixXd::Zero(model->dims().input, g.points.cols())).colwise().norm();
            else v = truth(g.points).colwise().norm();
            cancel.throwIfCancelled();
            r.values = gridOf(g, v);
            const double vmax = analysis::finiteMax(r.values);
            if (std::isfinite(vmax) && vmax > 0)
                r.contours = analysis::contourLines(g.x, g.y, r.values, analysis::geometricLevels(vmax, nLevels));
            if (checkDecreaseOnGrid) {
                cancel.throwIfCancelled();
                const DecreaseCheck c = checkDecrease(*model, g.points);
                r.checkedDecrease = true;
                r.fraction = c.fraction;
                r.alpha = c.alpha;
                r.holds = gridOf(g, c.holds.cast<double>().matrix()).array() > 0.5;
                // The boundary of the failing set, from the pass/fail indicator: the margin itself is ≈ 0 (± rounding)
                // wherever a stable model's projection is active, so its zero level set would be noise.
                if (!r.holds.all()) {
                    const Eigen::MatrixXd indicator = r.holds.select(Eigen::MatrixXd::Constant(g.ny(), g.nx(), -1.0),
                                                                     Eigen::MatrixXd::Constant(g.ny(), g.nx(), 1.0));
                    r.boundary = analysis::nanSeparated(analysis::contourLines(g.x, g.y, indicator, 0.0).lines);
                }
                // The largest sublevel set of V the grid certifies (inside the box, no failing node).
                r.certified = analysis::largestCertifiedSublevelSet(g.x, g.y, r.values, r.holds);
                if (r.certified.found)
                    r.certifiedBoundary = analysis::nanSeparated(analysis::contourLines(g.x, g.y, r.values, r.certified.level).lines);
            }
            return r;
        },
        [this](ScalarFieldResult r) {
            if (r.generation != generation_) return;
            draw(r);
        },
        [this, generation](const QString& error) {
            if (generation != generation_) return;
            clearDrawing("Could not evaluate the model on the grid.");
            message_->setText("Could not evaluate the field: " + error);
            message_->show();
        });
}

void ScalarFieldView::draw(const ScalarFieldResult& r) {
    drawnGeneration_ = r.generation;
    for (int k = plot_->plottableCount() - 1; k >= 0; --k)
        if (plot_->plottable(k) != map_ && plot_->plottable(k) != violationMap_) plot_->removePlottable(k);
    const bool logScale = logColour_->isChecked();
    // Log colours need positive cells; zero and negative ones are masked (NaN).
    setColorMapData(map_, r.grid, r.values, [logScale](double v) { return logScale && !(v > 0) ? std::numeric_limits<double>::quiet_NaN() : v; });
    map_->setVisible(true);
    scale_->setVisible(true);
    map_->setDataScaleType(logScale ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    scale_->axis()->setScaleType(logScale ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (logScale) scale_->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else scale_->axis()->setTicker(QSharedPointer<QCPAxisTicker>::create());
    map_->rescaleDataRange(true);
    scale_->axis()->setLabel(field_->currentText());
    // Decrease condition: red cells where it fails (overlay toggle), dashed boundary, share in the label.
    const bool overlay = r.checkedDecrease && showViolations_->isChecked();
    violationCount_ = r.checkedDecrease ? static_cast<int>((!r.holds).count()) : 0;
    if (r.checkedDecrease) {
        const Eigen::MatrixXd marks = (!r.holds).select(Eigen::MatrixXd::Ones(r.grid.ny(), r.grid.nx()),
                                                        Eigen::MatrixXd::Constant(r.grid.ny(), r.grid.nx(), std::numeric_limits<double>::quiet_NaN()));
        setColorMapData(violationMap_, r.grid, marks);
        violationMap_->setDataRange(QCPRange(0, 1));
    }
    violationMap_->setVisible(overlay);
    showViolations_->setEnabled(r.checkedDecrease);
    decreaseFraction_ = r.checkedDecrease ? r.fraction : std::numeric_limits<double>::quiet_NaN();
    certifiedLevel_ = r.checkedDecrease && r.certified.found ? r.certified.level : std::numeric_limits<double>::quiet_NaN();
    if (r.checkedDecrease) {
        const int total = static_cast<int>(r.grid.nx() * r.grid.ny());
        const QString colour = violationCount_ == 0 ? "#15803d" : "#b91c1c";
        QString text = QString("V̇ ≤ −αV (α = %1) holds at <b style='color:%2'>%3 %</b> of %4 grid points%5")
                           .arg(r.alpha, 0, 'g', 3)
                           .arg(colour)
                           .arg(100.0 * r.fraction, 0, 'f', r.fraction < 1 && r.fraction > 0.999 ? 2 : 1)
                           .arg(total)
                           .arg(violationCount_ > 0 ? QString(" (fails at %1)").arg(violationCount_) : QString());
        if (r.certified.found)
            text += QString("; largest certified sublevel set <b style='color:#15803d'>V ≤ %1</b> (limited by %2)")
                        .arg(r.certified.level, 0, 'g', 3)
                        .arg(r.certified.limit == analysis::SublevelLimit::Boundary ? "the edge of the box" : "a point where the condition fails");
        decreaseLabel_->setText(text);
        if (overlay && !r.boundary.empty()) {
            auto* edge = addPolyline(plot_, r.boundary, QPen(QColor(220, 38, 38), 1.4, Qt::DashLine));
            edge->setName("edge of V̇ > −αV");
        }
        if (overlay && !r.certifiedBoundary.empty()) {
            auto* certified = addPolyline(plot_, r.certifiedBoundary, QPen(QColor(22, 163, 74), 2.6));
            certified->setName("largest certified sublevel set");
        }
    } else {
        decreaseLabel_->setText("<i>Decrease condition: needs a model with a Lyapunov function V and a continuous field (field V).</i>");
    }
    for (const auto& level : r.contours) {
        auto* curve = addPolyline(plot_, analysis::nanSeparated(level.lines), QPen(QColor(255, 255, 255, 200), 1.1));
        curve->setName(QString("level %1").arg(level.level, 0, 'g', 3));
    }
    contourCount_ = static_cast<int>(r.contours.size());
    const auto ds = context_->dataset();
    if (ds && ds->stateNames.size() >= 2) {
        plot_->xAxis->setLabel(QString::fromStdString(ds->stateNames[0]));
        plot_->yAxis->setLabel(QString::fromStdString(ds->stateNames[1]));
    } else {
        plot_->xAxis->setLabel("x1");
        plot_->yAxis->setLabel("x2");
    }
    plot_->xAxis->setRange(r.grid.x[0], r.grid.x[r.grid.nx() - 1]);
    plot_->yAxis->setRange(r.grid.y[0], r.grid.y[r.grid.ny() - 1]);
    emptyText_.clear();
    setPlotMessage(plot_, {});
    const ModelDataFit fit = context_->modelDataFit();
    if (!fit.sameData) {
        message_->setText("⚠ " + fit.message);
        message_->show();
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit fieldDrawn();
}

nlohmann::json ScalarFieldView::viewSettings() const {
    return {{"field", field_->currentData().toInt()}, {"levels", levels_->value()}, {"log_colours", logColour_->isChecked()},
            {"show_violations", showViolations_->isChecked()}};
}

void ScalarFieldView::applyViewSettings(const nlohmann::json& s) {
    if (s.contains("levels")) levels_->setValue(s["levels"].get<int>());
    if (s.contains("log_colours")) logColour_->setChecked(s["log_colours"].get<bool>());
    if (s.contains("show_violations")) showViolations_->setChecked(s["show_violations"].get<bool>());
    if (s.contains("field")) {
        const int k = field_->findData(s["field"].get<int>());
        if (k >= 0) field_->setCurrentIndex(k);
    }
}

void ScalarFieldView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!refreshPending_) return;
    refreshPending_ = false;
    refreshFieldChoices();
    recompute();
}

}  // namespace sd::studio
