#include "app/studio/phase_portrait_view.h"

#include "app/studio/latest_job.h"
#include "app/studio/color_maps.h"
#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace sd::studio {

namespace {

constexpr int kGridSize = 48;
constexpr int kSpeedBuckets = 12;   // streamlines are coloured by mean speed, in a few colour buckets

struct PortraitResult {
    Streamlines learned, truth;
    std::vector<double> lineSpeed;   // mean ‖f‖ along each learned line
    int generation = 0;
};

// Evaluates f on the grid nodes of the slice (others fixed) and returns (U, V) as ny×nx matrices.
void sliceField(const VectorField& f, const Grid2& g, const Eigen::VectorXd& base, int ix, int iy, Eigen::MatrixXd& U,
                Eigen::MatrixXd& V) {
    const Eigen::MatrixXd nodes2 = g.nodes();
    Eigen::MatrixXd X = base.replicate(1, nodes2.cols());
    X.row(ix) = nodes2.row(0);
    X.row(iy) = nodes2.row(1);
    const Eigen::MatrixXd F = f(X);   // one batched call for the whole grid
    U.resize(g.ny, g.nx);
    V.resize(g.ny, g.nx);
    for (int i = 0; i < g.ny; ++i)
        for (int j = 0; j < g.nx; ++j) {
            U(i, j) = F(ix, i * g.nx + j);
            V(i, j) = F(iy, i * g.nx + j);
        }
}

VectorField modelField(std::shared_ptr<const model::Model> m) {
    return [m](const Eigen::MatrixXd& X) {
        const Eigen::MatrixXd U = Eigen::MatrixXd::Zero(m->dims().input, X.cols());
        return m->field(X, U);
    };
}

}  // namespace

PhasePortraitView::PhasePortraitView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    fieldJob_ = new LatestJob(this);
    trajectoryJob_ = new LatestJob(this);
    auto* layout = new QHBoxLayout(this);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("phasePortraitPlot");
    stylePlot(plot_);
    plot_->addLayer("trajectories", plot_->layer("main"), QCustomPlot::limAbove);
    plot_->legend->setVisible(false);
    setPlotMessage(plot_, "Load a dataset and train (or import) a continuous-time model.");
    layout->addWidget(plot_, 1);

    auto* side = new QVBoxLayout;
    auto* coords = new QFormLayout;
    xCoord_ = new QComboBox(this);
    xCoord_->setObjectName("phaseXCoord");
    yCoord_ = new QComboBox(this);
    yCoord_->setObjectName("phaseYCoord");
    coords->addRow("Horizontal:", xCoord_);
    coords->addRow("Vertical:", yCoord_);
    side->addLayout(coords);
    fixedForm_ = new QFormLayout;
    side->addLayout(fixedForm_);
    showTrue_ = new QCheckBox("Show true field", this);
    showTrue_->setObjectName("showTrueField");
    showTrue_->setChecked(true);
    showTrue_->setToolTip("Grey streamlines of the field that generated the data (only for generated datasets).");
    side->addWidget(showTrue_);
    auto* densityRow = new QFormLayout;
    density_ = new QSpinBox(this);
    density_->setObjectName("streamDensity");
    density_->setRange(5, 30);
    density_->setValue(10);
    density_->setToolTip("Streamline density (10 = matplotlib's density 1).");
    densityRow->addRow("Density:", density_);
    side->addLayout(densityRow);
    auto* clear = new QPushButton("Clear trajectories", this);
    clear->setObjectName("clearTrajectoriesButton");
    side->addWidget(clear);
    status_ = new QLabel("Click in the plot to start a trajectory on the model's field.", this);
    status_->setObjectName("phaseStatus");
    status_->setWordWrap(true);
    status_->setMaximumWidth(230);
    side->addWidget(status_);
    side->addStretch();
    auto* sideWidget = new QWidget(this);
    sideWidget->setLayout(side);
    sideWidget->setMaximumWidth(250);
    layout->addWidget(sideWidget);

    connect(context_, &StudioContext::datasetChanged, this, &PhasePortraitView::onDatasetChanged);
    connect(context_, &StudioContext::modelChanged, this, &PhasePortraitView::onModelChanged);
    auto onCoordChanged = [this] {
        rangeInitialised_ = false;
        clearTrajectories();
        rebuildSliceControls();
        recompute();
    };
    connect(xCoord_, &QComboBox::currentIndexChanged, this, onCoordChanged);
    connect(yCoord_, &QComboBox::currentIndexChanged, this, onCoordChanged);
    connect(showTrue_, &QCheckBox::toggled, this, &PhasePortraitView::recompute);
    connect(density_, &QSpinBox::valueChanged, this, &PhasePortraitView::recompute);
    connect(clear, &QPushButton::clicked, this, &PhasePortraitView::clearTrajectories);
    connect(plot_, &QCustomPlot::mousePress, this, &PhasePortraitView::onMousePress);
    connect(plot_, &QCustomPlot::mouseRelease, this, &PhasePortraitView::onMouseRelease);
    // Pan/zoom changes the sampled box: recompute once the user has stopped moving.
    auto* rangeTimer = new QTimer(this);
    rangeTimer->setSingleShot(true);
    rangeTimer->setInterval(250);
    connect(rangeTimer, &QTimer::timeout, this, &PhasePortraitView::recompute);
    connect(plot_, &QCustomPlot::mouseWheel, rangeTimer, qOverload<>(&QTimer::start));
    connect(plot_, &QCustomPlot::mouseRelease, rangeTimer, [this, rangeTimer](QMouseEvent* e) {
        if ((e->pos() - pressPos_).manhattanLength() > 3) rangeTimer->start();
    });
}

int PhasePortraitView::xCoordinate() const { return std::max(0, xCoord_->currentIndex()); }
int PhasePortraitView::yCoordinate() const { return std::max(0, yCoord_->currentIndex()); }
QString PhasePortraitView::statusText() const { return status_->text(); }

void PhasePortraitView::onDatasetChanged() {
    const auto ds = context_->dataset();
    const auto model = context_->model();
    if (!ds && !model) return;
    // Without data the slice lives in the model's own state space, on the box [-2, 2]^n.
    const Eigen::Index n = ds ? ds->stateDim() : model->dims().state;
    dataLow_ = Eigen::VectorXd::Constant(n, ds ? std::numeric_limits<double>::infinity() : -2.0);
    dataHigh_ = Eigen::VectorXd::Constant(n, ds ? -std::numeric_limits<double>::infinity() : 2.0);
    if (ds)
        for (const auto& tr : ds->trajectories)
            if (tr.x.cols() > 0 && tr.x.rows() == n) {
                dataLow_ = dataLow_.cwiseMin(tr.x.rowwise().minCoeff());
                dataHigh_ = dataHigh_.cwiseMax(tr.x.rowwise().maxCoeff());
            }
    const std::vector<std::string> noNames;
    const auto& stateNames = ds ? ds->stateNames : noNames;
    {
        const QSignalBlocker b1(xCoord_), b2(yCoord_);
        xCoord_->clear();
        yCoord_->clear();
        for (Eigen::Index k = 0; k < n; ++k) {
            const QString name = k < static_cast<Eigen::Index>(stateNames.size()) ? QString::fromStdString(stateNames[k])
                                                                                       : QString("x%1").arg(k + 1);
            xCoord_->addItem(name);
            yCoord_->addItem(name);
        }
        xCoord_->setCurrentIndex(0);
        yCoord_->setCurrentIndex(n > 1 ? 1 : 0);
    }
    rangeInitialised_ = false;
    startPoints_.clear();
    clearTrajectories();
    rebuildSliceControls();
    recompute();
}

void PhasePortraitView::rebuildSliceControls() {
    while (fixedForm_->rowCount() > 0) fixedForm_->removeRow(0);
    fixedValues_.clear();
    const int n = xCoord_->count();
    fixedValues_.assign(static_cast<std::size_t>(n), nullptr);
    // One editor per fixed coordinate, but not thousands (video frames are states of C·H·W pixels): past
    // kMaxSliceEditors the coordinates stay at the middle of the data range.
    constexpr int kMaxSliceEditors = 16;
    int editors = 0, hidden = 0;
    for (int k = 0; k < n; ++k) {
        if (k == xCoordinate() || k == yCoordinate()) continue;
        if (editors == kMaxSliceEditors) {
            ++hidden;
            continue;
        }
        auto* spin = new QDoubleSpinBox(this);
        spin->setObjectName(QString("phaseFixed%1").arg(k));
        spin->setDecimals(4);
        spin->setRange(-1e6, 1e6);
        spin->setValue(sliceDefault(k));
        spin->setToolTip("Value of this coordinate on the plotted slice.");
        connect(spin, &QDoubleSpinBox::valueChanged, this, &PhasePortraitView::recompute);
        fixedForm_->addRow(xCoord_->itemText(k) + " =", spin);
        fixedValues_[static_cast<std::size_t>(k)] = spin;
        ++editors;
    }
    if (hidden > 0) {
        auto* note = new QLabel(QString("%1 more coordinates fixed at the middle of the data range.").arg(hidden), this);
        note->setWordWrap(true);
        fixedForm_->addRow(note);
    }
}

double PhasePortraitView::sliceDefault(int k) const {
    return dataLow_.size() > k && std::isfinite(dataLow_[k]) ? 0.5 * (dataLow_[k] + dataHigh_[k]) : 0.0;
}

Eigen::VectorXd PhasePortraitView::fullState(double x, double y) const {
    const Eigen::Index n = std::max(2, xCoord_->count());
    Eigen::VectorXd s = Eigen::VectorXd::Zero(n);
    for (Eigen::Index k = 0; k < n; ++k) {
        const bool edited = k < static_cast<Eigen::Index>(fixedValues_.size()) && fixedValues_[static_cast<std::size_t>(k)];
        s[k] = edited ? fixedValues_[static_cast<std::size_t>(k)]->value() : sliceDefault(static_cast<int>(k));
    }
    s[xCoordinate()] = x;
    s[yCoordinate()] = y;
    return s;
}

Grid2 PhasePortraitView::currentGrid() const {
    Grid2 g;
    g.nx = g.ny = kGridSize;
    g.x0 = plot_->xAxis->range().lower;
    g.x1 = plot_->xAxis->range().upper;
    g.y0 = plot_->yAxis->range().lower;
    g.y1 = plot_->yAxis->range().upper;
    return g;
}

void PhasePortraitView::onModelChanged() {
    // No data loaded: the model defines the state space (rebuild the slice when its dimension changes).
    const auto model = context_->model();
    if (!context_->dataset() && model && xCoord_->count() != model->dims().state) {
        onDatasetChanged();
        return;
    }
    recompute();
    recomputeTrajectories();
}

void PhasePortraitView::recompute() {
    if (!isVisible()) {
        refreshPending_ = true;
        return;
    }
    const auto model = context_->model();
    const Eigen::Index n = xCoord_->count();   // the dataset's (or, without data, the model's) state dimension
    if (n == 0) return;
    const int ix = xCoordinate(), iy = yCoordinate();
    plot_->xAxis->setLabel(xCoord_->currentText());
    plot_->yAxis->setLabel(yCoord_->currentText());
    if (!rangeInitialised_ && dataLow_.size() > std::max(ix, iy) && std::isfinite(dataLow_[ix])) {
        // The data's bounding box with a 15 % margin.
        auto pad = [](double lo, double hi) {
            const double m = 0.15 * std::max(hi - lo, 1e-6);
            return QCPRange(lo - m, hi + m);
        };
        plot_->xAxis->setRange(pad(dataLow_[ix], dataHigh_[ix]));
        plot_->yAxis->setRange(pad(dataLow_[iy], dataHigh_[iy]));
        rangeInitialised_ = true;
    }
    if (n < 2) {
        setPlotMessage(plot_, "The phase portrait needs at least two state variables.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const VectorField truth = showTrue_->isChecked() ? context_->loadedDataset().trueField : VectorField();
    if (!model && !truth) {
        setPlotMessage(plot_, "Train or import a model to see its vector field.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    if (model && !model->isContinuous()) {
        setPlotMessage(plot_, "This model is discrete-time: it has no vector field to draw.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    if (model && model->dims().state != n) {
        setPlotMessage(plot_, "The model's state dimension does not match the dataset.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const Grid2 grid = currentGrid();
    const Eigen::VectorXd base = fullState(0, 0);
    const double density = density_->value() / 10.0;
    const int generation = ++requestedGeneration_;
    fieldJob_->submit(
        [model, truth, grid, base, ix, iy, density, generation](const CancelToken& cancel) {
            PortraitResult r;
            r.generation = generation;
            Eigen::MatrixXd U, V;
            if (model) {
                const VectorField f = modelField(model);
                sliceField(f, grid, base, ix, iy, U, V);
                cancel.throwIfCancelled();
                r.learned = computeStreamlines(grid, U, V, density);
                cancel.throwIfCancelled();
                // Mean speed along each line, from one batched evaluation of all line points.
                std::size_t total = 0;
                for (const auto& l : r.learned.lines) total += l.x.size();
                Eigen::MatrixXd P = base.replicate(1, static_cast<Eigen::Index>(total));
                Eigen::Index c = 0;
                for (const auto& l : r.learned.lines)
                    for (std::size_t k = 0; k < l.x.size(); ++k, ++c) {
                        P(ix, c) = l.x[k];
                        P(iy, c) = l.y[k];
                    }
                const Eigen::MatrixXd F = total ? f(P) : Eigen::MatrixXd();
                c = 0;
                for (const auto& l : r.learned.lines) {
                    double sum = 0;
                    for (std::size_t k = 0; k < l.x.size(); ++k, ++c) sum += std::hypot(F(ix, c), F(iy, c));
                    r.lineSpeed.push_back(sum / std::max<std::size_t>(1, l.x.size()));
                }
            }
            if (truth) {
                cancel.throwIfCancelled();
                sliceField(truth, grid, base, ix, iy, U, V);
                r.truth = computeStreamlines(grid, U, V, density);
            }
            return r;
        },
        [this](PortraitResult r) {
            if (r.generation != requestedGeneration_) return;   // a newer request is on its way
            // Remove the previous field drawing (trajectories live on their own layer and stay).
            for (int k = plot_->plottableCount() - 1; k >= 0; --k)
                if (plot_->plottable(k)->layer() == plot_->layer("main")) plot_->removePlottable(k);
            for (int k = plot_->itemCount() - 1; k >= 0; --k)
                if (plot_->item(k)->objectName() == "arrow") plot_->removeItem(k);
            auto drawLines = [&](const Streamlines& s, const std::vector<QColor>& colours, double width) {
                for (std::size_t k = 0; k < s.lines.size(); ++k) {
                    auto* curve = new QCPCurve(plot_->xAxis, plot_->yAxis);
                    curve->setLayer("main");
                    curve->setPen(QPen(colours[k], width));
                    curve->setSelectable(QCP::stNone);
                    QVector<double> t(static_cast<int>(s.lines[k].x.size()));
                    for (int i = 0; i < t.size(); ++i) t[i] = i;
                    curve->setData(t, QVector<double>(s.lines[k].x.begin(), s.lines[k].x.end()),
                                   QVector<double>(s.lines[k].y.begin(), s.lines[k].y.end()), true);
                }
            };
            auto drawArrows = [&](const Streamlines& s, const std::vector<QColor>& colours) {
                for (std::size_t k = 0; k < s.arrows.size() && k < colours.size(); ++k) {
                    auto* arrow = new QCPItemLine(plot_);
                    arrow->setObjectName("arrow");
                    arrow->setLayer("main");
                    arrow->start->setCoords(s.arrows[k].x0, s.arrows[k].y0);
                    arrow->end->setCoords(s.arrows[k].x1, s.arrows[k].y1);
                    arrow->setPen(QPen(colours[k], 1.2));
                    arrow->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 8, 10));
                    arrow->setSelectable(false);
                }
            };
            std::vector<QColor> grey(r.truth.lines.size(), QColor(170, 170, 170));
            drawLines(r.truth, grey, 1.0);
            drawArrows(r.truth, grey);
            double lo = 1e300, hi = -1e300;
            for (double s : r.lineSpeed) {
                lo = std::min(lo, s);
                hi = std::max(hi, s);
            }
            std::vector<QColor> colours;
            for (double s : r.lineSpeed) {
                const double t = hi > lo ? (s - lo) / (hi - lo) : 0.5;
                const int bucket = std::min(kSpeedBuckets - 1, static_cast<int>(t * kSpeedBuckets));
                colours.push_back(viridisAt(0.05 + 0.85 * bucket / double(kSpeedBuckets - 1)));
            }
            drawLines(r.learned, colours, 1.5);
            drawArrows(r.learned, colours);
            learnedLineCount_ = static_cast<int>(r.learned.lines.size());
            setPlotMessage(plot_, {});
            QString title;
            if (context_->model()) title = "Learned field (" + context_->modelLabel() + ")";
            if (!r.truth.lines.empty()) title += QString(title.isEmpty() ? "" : "; ") + "grey: true field";
            plot_->setToolTip(title);
            // The trajectory summary (divergence!) has priority over the field description.
            if (trajectories_.empty() && !title.isEmpty()) status_->setText(title + ". Click to start a trajectory.");
            drawnGeneration_ = r.generation;
            plot_->replot(QCustomPlot::rpQueuedReplot);
            emit portraitDrawn();
        },
        [this](const QString& error) {
            status_->setText("Could not evaluate the field: " + error);
            setPlotMessage(plot_, "Could not evaluate the model's field.");
            plot_->replot(QCustomPlot::rpQueuedReplot);
        });
}

void PhasePortraitView::onMousePress(QMouseEvent* event) { pressPos_ = event->pos(); }

void PhasePortraitView::onMouseRelease(QMouseEvent* event) {
    // A click (no drag) starts a trajectory; a drag pans the view.
    if (event->button() != Qt::LeftButton || (event->pos() - pressPos_).manhattanLength() > 3) return;
    if (!plot_->axisRect()->rect().contains(event->pos())) return;
    startTrajectoryAt(plot_->xAxis->pixelToCoord(event->pos().x()), plot_->yAxis->pixelToCoord(event->pos().y()));
}

void PhasePortraitView::startTrajectoryAt(double x, double y) {
    const auto model = context_->model();
    if (!model || !model->isContinuous() || xCoord_->count() == 0) {
        status_->setText("Train or import a continuous-time model first, then click to start a trajectory.");
        return;
    }
    startPoints_.push_back(fullState(x, y));
    recomputeTrajectories();
}

void PhasePortraitView::clearTrajectories() {
    startPoints_.clear();
    trajectories_.clear();
    drawTrajectories();
}

void PhasePortraitView::recomputeTrajectories() {
    if (!isVisible()) {
        refreshPending_ = true;
        return;
    }
    const auto model = context_->model();
    if (startPoints_.empty() || !model || !model->isContinuous()) return;
    if (model->dims().state != static_cast<Eigen::Index>(startPoints_.front().size())) return;
    // No stop box: a stable model's trajectory settles, an unstable one hits the norm bound and is flagged.
    IntegrationSettings s;
    const double dt = context_->dataset() && context_->dataset()->dt > 0 ? context_->dataset()->dt : 0.02;
    s.step = std::min(0.02, dt / 2);
    s.maxSteps = 4000;
    const auto starts = startPoints_;
    const int generation = ++trajectoryGeneration_;
    trajectoryJob_->submit(
        [model, starts, s](const CancelToken& cancel) {
            const VectorField f = modelField(model);
            std::vector<IntegratedTrajectory> out;
            for (const auto& x0 : starts) {
                cancel.throwIfCancelled();
                out.push_back(integrateForward(f, x0, s));
            }
            return out;
        },
        [this, generation](std::vector<IntegratedTrajectory> result) {
            if (generation != trajectoryGeneration_) return;
            trajectories_ = std::move(result);
            drawTrajectories();
            emit trajectoryAdded();
        },
        [this](const QString& error) { status_->setText("Trajectory failed: " + error); });
}

void PhasePortraitView::drawTrajectories() {
    for (auto* p : trajectoryPlottables_) plot_->removePlottable(p);
    for (auto* i : trajectoryItems_) plot_->removeItem(i);
    trajectoryPlottables_.clear();
    trajectoryItems_.clear();
    const int ix = xCoordinate(), iy = yCoordinate();
    int diverged = 0;
    for (const auto& tr : trajectories_) {
        auto* curve = new QCPCurve(plot_->xAxis, plot_->yAxis);
        curve->setLayer("trajectories");
        const QColor colour = tr.diverged ? QColor(220, 38, 38) : QColor(234, 88, 12);
        curve->setPen(QPen(colour, 2.2));
        const int K = static_cast<int>(tr.x.cols());
        QVector<double> t(K), xs(K), ys(K);
        for (int k = 0; k < K; ++k) {
            t[k] = k;
            xs[k] = tr.x(ix, k);
            ys[k] = tr.x(iy, k);
        }
        curve->setData(t, xs, ys, true);
        trajectoryPlottables_.push_back(curve);
        // Start marker.
        auto* start = new QCPCurve(plot_->xAxis, plot_->yAxis);
        start->setLayer("trajectories");
        start->setLineStyle(QCPCurve::lsNone);
        start->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(colour, 2), Qt::white, 9));
        start->addData(0, xs.front(), ys.front());
        trajectoryPlottables_.push_back(start);
        if (tr.diverged) {
            ++diverged;
            auto* label = new QCPItemText(plot_);
            label->setLayer("trajectories");
            label->position->setCoords(xs.back(), ys.back());
            label->setText(QString("diverged at t = %1").arg(tr.stopTime, 0, 'g', 3));
            label->setColor(colour);
            label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
            label->setClipToAxisRect(true);
            trajectoryItems_.push_back(label);
        }
    }
    if (!trajectories_.empty())
        status_->setText(diverged ? QString("%1 of %2 trajectories diverged (red): integration stopped.").arg(diverged).arg(trajectories_.size())
                                  : QString("%1 trajectories; none diverged.").arg(trajectories_.size()));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

nlohmann::json PhasePortraitView::viewSettings() const {
    nlohmann::json starts = nlohmann::json::array();
    for (const auto& s : startPoints_) starts.push_back(std::vector<double>(s.data(), s.data() + s.size()));
    return {{"x", xCoordinate()},
            {"y", yCoordinate()},
            {"show_true_field", showTrue_->isChecked()},
            {"density", density_->value()},
            {"x_range", {plot_->xAxis->range().lower, plot_->xAxis->range().upper}},
            {"y_range", {plot_->yAxis->range().lower, plot_->yAxis->range().upper}},
            {"trajectory_starts", starts}};
}

void PhasePortraitView::applyViewSettings(const nlohmann::json& s) {
    if (s.contains("x") && s["x"].get<int>() < xCoord_->count()) xCoord_->setCurrentIndex(s["x"].get<int>());
    if (s.contains("y") && s["y"].get<int>() < yCoord_->count()) yCoord_->setCurrentIndex(s["y"].get<int>());
    if (s.contains("show_true_field")) showTrue_->setChecked(s["show_true_field"].get<bool>());
    if (s.contains("density")) density_->setValue(s["density"].get<int>());
    if (s.contains("x_range") && s.contains("y_range")) {
        plot_->xAxis->setRange(s["x_range"][0].get<double>(), s["x_range"][1].get<double>());
        plot_->yAxis->setRange(s["y_range"][0].get<double>(), s["y_range"][1].get<double>());
        rangeInitialised_ = true;
    }
    startPoints_.clear();
    if (s.contains("trajectory_starts"))
        for (const auto& p : s["trajectory_starts"]) {
            const auto v = p.get<std::vector<double>>();
            startPoints_.push_back(Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size())));
        }
    recompute();
    recomputeTrajectories();
}

void PhasePortraitView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!refreshPending_) return;
    refreshPending_ = false;
    recompute();
    recomputeTrajectories();
}

}  // namespace sd::studio
