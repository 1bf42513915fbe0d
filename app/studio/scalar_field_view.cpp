#include "app/studio/scalar_field_view.h"

#include "app/studio/analysis_bridge.h"
#include "app/studio/async_task.h"
#include "app/studio/color_maps.h"
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
};
}  // namespace

ScalarFieldView::ScalarFieldView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
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
}

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
    if (!ds || field_->count() == 0 || ds->stateDim() < 2) {
        if (ds && ds->stateDim() < 2) setPlotMessage(plot_, "This view needs at least two state variables.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const int kind = field_->currentData().toInt();
    // Box: the data's bounding box with a margin; coordinates beyond the first two sit at the centre.
    const Eigen::Index n = ds->stateDim();
    Eigen::VectorXd lo = Eigen::VectorXd::Constant(n, 1e300), hi = Eigen::VectorXd::Constant(n, -1e300);
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
    const int generation = ++generation_;
    runAsync(
        this,
        [model, truth, kind, g, centre, nLevels, generation] {
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
            return r;
        },
        [this](FieldResult r) {
            if (r.generation != generation_) return;
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
                if (plot_->plottable(k) != map_) plot_->removePlottable(k);
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
            }
            plot_->xAxis->setRange(r.grid.x0, r.grid.x1);
            plot_->yAxis->setRange(r.grid.y0, r.grid.y1);
            setPlotMessage(plot_, {});
            plot_->replot(QCustomPlot::rpQueuedReplot);
            emit fieldDrawn();
        },
        [this](const QString& error) {
            message_->setText("Could not evaluate the field: " + error);
            message_->show();
        });
}

nlohmann::json ScalarFieldView::viewSettings() const {
    return {{"field", field_->currentData().toInt()}, {"levels", levels_->value()}, {"log_colours", logColour_->isChecked()}};
}

void ScalarFieldView::applyViewSettings(const nlohmann::json& s) {
    if (s.contains("levels")) levels_->setValue(s["levels"].get<int>());
    if (s.contains("log_colours")) logColour_->setChecked(s["log_colours"].get<bool>());
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
