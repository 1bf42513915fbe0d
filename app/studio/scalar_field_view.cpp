#include "app/studio/scalar_field_view.h"

#include "app/studio/analysis_bridge.h"
#include "app/studio/latest_job.h"
#include "app/studio/color_maps.h"
#include "app/studio/decrease_condition.h"
#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace sd::studio {

namespace {
constexpr int kGrid = 120;
enum FieldKind { LyapunovV = 0, ModelSpeed = 1, TrueSpeed = 2 };

struct FieldResult {
    Grid2 grid;
    Eigen::MatrixXd values;              // ny×nx
    std::vector<Polyline> contours;
    std::vector<double> levels;
    int generation = 0;
    bool checkedDecrease = false;
    Eigen::MatrixXd margin;              // ny×nx, V̇ + αV (NaN where not finite)
    Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> holds;   // ny×nx
    double fraction = 0, alpha = 0;
    Polyline boundary;                   // edge of the region where the condition fails
};

// A constant translucent red for violating cells; NaN cells (where the condition holds) stay transparent.
QCPColorGradient violationGradient() {
    QCPColorGradient g;
    g.setColorStops({{0.0, QColor(220, 38, 38, 150)}, {1.0, QColor(220, 38, 38, 150)}});
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}
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
                                "and draw its boundary (dashed).");
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
    setPlotMessage(plot_, "Train or import a continuous-time model to see V or ‖f‖ here.");
    layout->addWidget(plot_, 1);

    connect(context_, &StudioContext::modelChanged, this, [this] {
        refreshFieldChoices();
        recompute();
    });
    connect(context_, &StudioContext::datasetChanged, this, [this] {
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
    if (field_->count() == 0 || n < 2 || (!ds && !model)) {
        if (n == 1) setPlotMessage(plot_, "This view needs at least two state variables.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    if (model && model->dims().state != n) {
        setPlotMessage(plot_, "The model's state dimension does not match the dataset.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const int kind = field_->currentData().toInt();
    // Box: the data's bounding box with a margin; coordinates beyond the first two sit at the centre.
    Eigen::VectorXd lo = Eigen::VectorXd::Constant(n, ds ? 1e300 : -2.0), hi = Eigen::VectorXd::Constant(n, ds ? -1e300 : 2.0);
    if (ds)
        for (const auto& tr : ds->trajectories)
            if (tr.x.cols() > 0 && tr.x.rows() == n) {
                lo = lo.cwiseMin(tr.x.rowwise().minCoeff());
                hi = hi.cwiseMax(tr.x.rowwise().maxCoeff());
            }
    Grid2 g;
    g.nx = g.ny = kGrid;
    const double mx = 0.15 * std::max(hi[0] - lo[0], 1e-6), my = 0.15 * std::max(hi[1] - lo[1], 1e-6);
    g.x0 = lo[0] - mx;
    g.x1 = hi[0] + mx;
    g.y0 = lo[1] - my;
    g.y1 = hi[1] + my;
    const Eigen::VectorXd centre = 0.5 * (lo + hi);
    const int nLevels = levels_->value();
    const VectorField truth = context_->loadedDataset().trueField;
    const bool checkDecreaseOnGrid = model && model->hasLyapunov() && model->isContinuous();
    const int generation = ++generation_;
    job_->submit(
        [model, truth, kind, g, centre, nLevels, generation, checkDecreaseOnGrid](const CancelToken& cancel) {
            FieldResult r;
            r.grid = g;
            r.generation = generation;
            const Eigen::MatrixXd nodes = g.nodes();
            Eigen::MatrixXd X = centre.replicate(1, nodes.cols());
            X.topRows(2) = nodes;
            Eigen::RowVectorXd v;
            if (kind == LyapunovV) {
                v = model->lyapunov(X);
            } else if (kind == ModelSpeed) {
                v = model->field(X, Eigen::MatrixXd::Zero(model->dims().input, X.cols())).colwise().norm();
            } else {
                v = truth(X).colwise().norm();
            }
            cancel.throwIfCancelled();
            r.values.resize(g.ny, g.nx);
            for (int i = 0; i < g.ny; ++i)
                for (int j = 0; j < g.nx; ++j) r.values(i, j) = v[i * g.nx + j];
            double vmax = 0;
            for (int k = 0; k < v.size(); ++k)
                if (std::isfinite(v[k])) vmax = std::max(vmax, v[k]);
            for (int k = 1; k <= nLevels && vmax > 0; ++k) {
                const double level = vmax * std::pow(2.0, -k);
                r.levels.push_back(level);
                r.contours.push_back(levelSet(g, r.values, level));
            }
            if (checkDecreaseOnGrid) {
                cancel.throwIfCancelled();
                const DecreaseCheck c = checkDecrease(*model, X);
                r.checkedDecrease = true;
                r.fraction = c.fraction;
                r.alpha = c.alpha;
                r.margin.resize(g.ny, g.nx);
                r.holds.resize(g.ny, g.nx);
                for (int i = 0; i < g.ny; ++i)
                    for (int j = 0; j < g.nx; ++j) {
                        r.margin(i, j) = c.margin[i * g.nx + j];
                        r.holds(i, j) = c.holds[i * g.nx + j];
                    }
                // The boundary of the failing set, from the pass/fail indicator: the margin itself is ≈ 0 (± rounding)
                // wherever a stable model's projection is active, so its zero level set would be noise.
                if (!r.holds.all()) {
                    const Eigen::MatrixXd indicator = r.holds.select(Eigen::MatrixXd::Constant(g.ny, g.nx, -1.0),
                                                                     Eigen::MatrixXd::Constant(g.ny, g.nx, 1.0));
                    r.boundary = levelSet(g, indicator, 0.0);
                }
            }
            return r;
        },
        [this](FieldResult r) {
            if (r.generation != generation_) return;
            drawnGeneration_ = r.generation;
            auto* data = new QCPColorMapData(r.grid.nx, r.grid.ny, QCPRange(r.grid.x0, r.grid.x1), QCPRange(r.grid.y0, r.grid.y1));
            const bool logScale = logColour_->isChecked();
            for (int i = 0; i < r.grid.ny; ++i)
                for (int j = 0; j < r.grid.nx; ++j) {
                    const double v = r.values(i, j);
                    // Log colours need positive cells; zero and negative ones are masked (NaN).
                    data->setCell(j, i, logScale && !(v > 0) ? std::numeric_limits<double>::quiet_NaN() : v);
                }
            map_->setData(data, false);
            map_->setDataScaleType(logScale ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
            scale_->axis()->setScaleType(logScale ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
            if (logScale) scale_->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
            else scale_->axis()->setTicker(QSharedPointer<QCPAxisTicker>::create());
            map_->rescaleDataRange(true);
            scale_->axis()->setLabel(field_->currentText());
            for (int k = plot_->plottableCount() - 1; k >= 0; --k)
                if (plot_->plottable(k) != map_ && plot_->plottable(k) != violationMap_) plot_->removePlottable(k);
            // Decrease condition: red cells where it fails (overlay toggle), dashed boundary, share in the label.
            const bool overlay = r.checkedDecrease && showViolations_->isChecked();
            violationCount_ = 0;
            auto* marks = new QCPColorMapData(r.grid.nx, r.grid.ny, QCPRange(r.grid.x0, r.grid.x1), QCPRange(r.grid.y0, r.grid.y1));
            for (int i = 0; i < r.grid.ny; ++i)
                for (int j = 0; j < r.grid.nx; ++j) {
                    const bool violated = r.checkedDecrease && !r.holds(i, j);
                    violationCount_ += violated ? 1 : 0;
                    marks->setCell(j, i, violated && overlay ? 1.0 : std::numeric_limits<double>::quiet_NaN());
                }
            violationMap_->setData(marks, false);
            violationMap_->setDataRange(QCPRange(0, 1));
            violationMap_->setVisible(overlay);
            showViolations_->setEnabled(r.checkedDecrease);
            decreaseFraction_ = r.checkedDecrease ? r.fraction : std::numeric_limits<double>::quiet_NaN();
            if (r.checkedDecrease) {
                const int total = r.grid.nx * r.grid.ny;
                const QString colour = violationCount_ == 0 ? "#15803d" : "#b91c1c";
                decreaseLabel_->setText(QString("V̇ ≤ −αV (α = %1) holds at <b style='color:%2'>%3 %</b> of %4 grid points%5")
                                            .arg(r.alpha, 0, 'g', 3)
                                            .arg(colour)
                                            .arg(100.0 * r.fraction, 0, 'f', r.fraction < 1 && r.fraction > 0.999 ? 2 : 1)
                                            .arg(total)
                                            .arg(violationCount_ > 0 ? QString(" (fails at %1)").arg(violationCount_) : QString()));
                if (overlay && !r.boundary.x.empty()) {
                    auto* edge = new QCPCurve(plot_->xAxis, plot_->yAxis);
                    edge->setPen(QPen(QColor(220, 38, 38), 1.4, Qt::DashLine));
                    QVector<double> t(static_cast<int>(r.boundary.x.size()));
                    for (int i = 0; i < t.size(); ++i) t[i] = i;
                    edge->setData(t, QVector<double>(r.boundary.x.begin(), r.boundary.x.end()),
                                  QVector<double>(r.boundary.y.begin(), r.boundary.y.end()), true);
                    edge->setName("edge of V̇ > −αV");
                }
            } else {
                decreaseLabel_->setText("<i>Decrease condition: needs a model with a Lyapunov function V and a continuous field.</i>");
            }
            for (std::size_t k = 0; k < r.contours.size(); ++k) {
                auto* curve = new QCPCurve(plot_->xAxis, plot_->yAxis);
                curve->setPen(QPen(QColor(255, 255, 255, 200), 1.1));
                const auto& c = r.contours[k];
                QVector<double> t(static_cast<int>(c.x.size()));
                for (int i = 0; i < t.size(); ++i) t[i] = i;
                curve->setData(t, QVector<double>(c.x.begin(), c.x.end()), QVector<double>(c.y.begin(), c.y.end()), true);
                curve->setName(QString("level %1").arg(r.levels[k], 0, 'g', 3));
            }
            contourCount_ = static_cast<int>(r.contours.size());
            const auto ds = context_->dataset();
            if (ds && ds->stateNames.size() >= 2) {
                plot_->xAxis->setLabel(QString::fromStdString(ds->stateNames[0]));
                plot_->yAxis->setLabel(QString::fromStdString(ds->stateNames[1]));
            } else if (!ds) {
                plot_->xAxis->setLabel("x1");
                plot_->yAxis->setLabel("x2");
            }
            plot_->xAxis->setRange(r.grid.x0, r.grid.x1);
            plot_->yAxis->setRange(r.grid.y0, r.grid.y1);
            setPlotMessage(plot_, {});
            plot_->replot(QCustomPlot::rpQueuedReplot);
            emit fieldDrawn();
        },
        [this, generation](const QString& error) {
            if (generation == generation_) drawnGeneration_ = generation;
            message_->setText("Could not evaluate the field: " + error);
            message_->show();
        });
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
