#include "app/studio/phase_portrait_view.h"

#include "app/studio/analysis_bridge.h"
#include "app/studio/color_maps.h"
#include "app/studio/latest_job.h"
#include "app/studio/model_board.h"
#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"
#include "core/analysis/quiver.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace sd::studio {

namespace {

constexpr int kGridSize = 48;
constexpr int kSpeedBuckets = 12;   // streamlines are coloured by mean speed, in a few colour buckets (one curve each)
const QColor kTrueField(170, 170, 170);
const QColor kNullclineX(234, 88, 12);
const QColor kNullclineY(124, 58, 237);

// The part of viridis the streamlines use (dark violet to yellow-green, not the palest yellow).
QColor speedColour(double t) { return viridisAt(0.05 + 0.85 * std::clamp(t, 0.0, 1.0)); }

QCPColorGradient speedGradient() {
    QCPColorGradient g;
    QMap<double, QColor> stops;
    for (int k = 0; k <= 8; ++k) stops[k / 8.0] = speedColour(k / 8.0);
    g.setColorStops(stops);
    return g;
}

// Per-trajectory colours of the current model (distinct from the viridis streamlines).
QColor trajectoryColour(int k) {
    static const QRgb palette[] = {0xea580c, 0xdb2777, 0x0891b2, 0x65a30d, 0x7c3aed, 0xca8a04, 0x0f766e, 0xbe123c};
    return QColor::fromRgb(palette[k % 8]);
}

}  // namespace

PhasePortraitView::PhasePortraitView(StudioContext* context, ModelBoard* board, QWidget* parent)
    : QWidget(parent), context_(context), board_(board) {
    fieldJob_ = new LatestJob(this);
    trajectoryJob_ = new LatestJob(this);
    newtonJob_ = new LatestJob(this);
    auto* layout = new QHBoxLayout(this);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("phasePortraitPlot");
    stylePlot(plot_);
    plot_->addLayer("data", plot_->layer("main"), QCustomPlot::limBelow);
    plot_->addLayer("trajectories", plot_->layer("main"), QCustomPlot::limAbove);
    plot_->addLayer("markers", plot_->layer("trajectories"), QCustomPlot::limAbove);
    plot_->legend->setVisible(false);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot_->setContextMenuPolicy(Qt::PreventContextMenu);
    speedScale_ = new QCPColorScale(plot_);
    speedScale_->setType(QCPAxis::atRight);
    speedScale_->setGradient(speedGradient());
    speedScale_->setBarWidth(10);
    speedScale_->axis()->setLabel("mean speed ‖f‖ along a streamline");
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    speedScale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    setSpeedScaleShown(false);
    showEmpty("Load a dataset and train (or import) a continuous-time model.");
    layout->addWidget(plot_, 1);

    auto* sideWidget = new QWidget(this);
    sideWidget->setMaximumWidth(250);
    auto* side = new QVBoxLayout(sideWidget);
    side->setContentsMargins(0, 0, 0, 0);
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
    auto* options = new QFormLayout;
    direction_ = new QComboBox(this);
    direction_->setObjectName("phaseDirection");
    direction_->addItem("Forward", static_cast<int>(IntegrationDirection::Forward));
    direction_->addItem("Backward", static_cast<int>(IntegrationDirection::Backward));
    direction_->addItem("Both ways", static_cast<int>(IntegrationDirection::Both));
    direction_->setToolTip("Direction in time of trajectories started by a click.");
    options->addRow("Click starts:", direction_);
    density_ = new QSpinBox(this);
    density_->setObjectName("streamDensity");
    density_->setRange(5, 30);
    density_->setValue(10);
    density_->setToolTip("Streamline density (10 = matplotlib's density 1).");
    options->addRow("Density:", density_);
    side->addLayout(options);
    auto makeCheck = [&](const QString& text, const char* name, bool on, const QString& tip) {
        auto* c = new QCheckBox(text, this);
        c->setObjectName(name);
        c->setChecked(on);
        c->setToolTip(tip);
        side->addWidget(c);
        return c;
    };
    showTrue_ = makeCheck("True field (grey)", "showTrueField", true, "Streamlines of the field that generated the data (generated datasets only).");
    showData_ = makeCheck("Data trajectories", "showDataCheck", false, "The loaded trajectories, projected on the plotted coordinates.");
    showNullclines_ = makeCheck("Nullclines", "showNullclinesCheck", false, "Curves where the horizontal (orange) or vertical (purple) velocity is zero.");
    showEquilibria_ = makeCheck("Equilibria", "showEquilibriaCheck", true,
                                "Equilibria found by Newton's method from the grid, marked by type (Shift+click finds one from a point).");
    auto* buttons = new QHBoxLayout;
    auto* clear = new QPushButton("Clear", this);
    clear->setObjectName("clearTrajectoriesButton");
    clear->setToolTip("Remove the clicked trajectories and equilibria.");
    auto* reset = new QPushButton("Reset zoom", this);
    reset->setObjectName("resetZoomButton");
    reset->setToolTip("Back to the data's box (or double-click the plot).");
    buttons->addWidget(clear);
    buttons->addWidget(reset);
    side->addLayout(buttons);
    status_ = new QLabel("Click in the plot to start a trajectory on the model's field.", this);
    status_->setObjectName("phaseStatus");
    status_->setWordWrap(true);
    side->addWidget(status_);
    equilibriaLabel_ = new QLabel(this);
    equilibriaLabel_->setObjectName("phaseEquilibria");
    equilibriaLabel_->setWordWrap(true);
    equilibriaLabel_->setTextFormat(Qt::RichText);
    side->addWidget(equilibriaLabel_);
    side->addStretch();
    layout->addWidget(sideWidget);

    connect(context_, &StudioContext::datasetChanged, this, &PhasePortraitView::onDatasetChanged);
    connect(context_, &StudioContext::modelChanged, this, &PhasePortraitView::onModelChanged);
    connect(board_, &ModelBoard::overlaysChanged, this, &PhasePortraitView::recomputeTrajectories);
    auto onCoordChanged = [this] {
        rangeInitialised_ = false;
        clearTrajectories();
        rebuildSliceControls();
        drawData();
        recompute();
    };
    connect(xCoord_, &QComboBox::currentIndexChanged, this, onCoordChanged);
    connect(yCoord_, &QComboBox::currentIndexChanged, this, onCoordChanged);
    connect(showTrue_, &QCheckBox::toggled, this, &PhasePortraitView::recompute);
    connect(showNullclines_, &QCheckBox::toggled, this, &PhasePortraitView::recompute);
    connect(showEquilibria_, &QCheckBox::toggled, this, &PhasePortraitView::recompute);
    connect(showData_, &QCheckBox::toggled, this, &PhasePortraitView::drawData);
    connect(density_, &QSpinBox::valueChanged, this, &PhasePortraitView::recompute);
    connect(direction_, &QComboBox::currentIndexChanged, this, &PhasePortraitView::recomputeTrajectories);
    connect(clear, &QPushButton::clicked, this, &PhasePortraitView::clearTrajectories);
    connect(reset, &QPushButton::clicked, this, &PhasePortraitView::resetZoom);
    connect(plot_, &QCustomPlot::mousePress, this, &PhasePortraitView::onMousePress);
    connect(plot_, &QCustomPlot::mouseRelease, this, &PhasePortraitView::onMouseRelease);
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent* e) {
        if (e->button() == Qt::LeftButton) resetZoom();
    });
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

int PhasePortraitView::nullclinePointCount() const {
    int n = 0;
    for (auto* p : fieldPlottables_)
        if (p->name().startsWith("nullcline"))
            if (auto* c = qobject_cast<QCPCurve*>(p)) n += c->dataCount();
    return n;
}

void PhasePortraitView::setSpeedScaleShown(bool on) {
    // The colour bar takes its column only while there are coloured streamlines.
    const bool inLayout = plot_->plotLayout()->hasElement(0, 1) && plot_->plotLayout()->element(0, 1) == speedScale_;
    if (on && !inLayout) plot_->plotLayout()->addElement(0, 1, speedScale_);
    if (!on && inLayout) {
        plot_->plotLayout()->take(speedScale_);
        plot_->plotLayout()->simplify();
    }
    speedScale_->setVisible(on);
}

void PhasePortraitView::showEmpty(const QString& why) {
    emptyText_ = why;
    setPlotMessage(plot_, why);
}

// ---- state space and slice ------------------------------------------------------------------------------

void PhasePortraitView::onDatasetChanged() {
    const auto ds = context_->dataset();
    const auto model = context_->model();
    // Whatever was drawn belongs to the previous data: it goes now, before anything is recomputed.
    clearField();
    startPoints_.clear();
    clickedEquilibria_.clear();
    clearTrajectories();
    if (!ds && !model) return;
    box_ = stateBox(ds.get(), model ? model->dims().state : 2);
    const Eigen::Index n = box_.dim();
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
    showData_->setEnabled(ds && ds->stateDim() >= 2);
    rangeInitialised_ = false;
    rebuildSliceControls();
    drawData();
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
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this] {
            drawData();
            recompute();
        });
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
    return k < box_.dim() ? 0.5 * (box_.low[k] + box_.high[k]) : 0.0;
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

analysis::PlaneBox PhasePortraitView::currentBox() const {
    return {plot_->xAxis->range().lower, plot_->xAxis->range().upper, plot_->yAxis->range().lower, plot_->yAxis->range().upper};
}

void PhasePortraitView::resetZoom() {
    if (box_.dim() < 2) return;
    const auto b = planeBox(box_, xCoordinate(), yCoordinate());
    plot_->xAxis->setRange(b.xMin, b.xMax);
    plot_->yAxis->setRange(b.yMin, b.yMax);
    rangeInitialised_ = true;
    drawData();
    recompute();
}

// ---- the field ------------------------------------------------------------------------------------------

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

void PhasePortraitView::clearField() {
    for (auto* p : fieldPlottables_) plot_->removePlottable(p);
    fieldPlottables_.clear();
    for (auto* p : equilibriumPlottables_) plot_->removePlottable(p);
    equilibriumPlottables_.clear();
    for (auto* i : equilibriumItems_) plot_->removeItem(i);
    equilibriumItems_.clear();
    autoEquilibria_.clear();
    shownEquilibria_.clear();
    equilibriaLabel_->clear();
    learnedLineCount_ = 0;
    setSpeedScaleShown(false);
    plot_->replot(QCustomPlot::rpQueuedReplot);
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
    if (!rangeInitialised_ && box_.dim() > std::max(ix, iy)) {
        const auto b = planeBox(box_, ix, iy);
        plot_->xAxis->setRange(b.xMin, b.xMax);
        plot_->yAxis->setRange(b.yMin, b.yMax);
        rangeInitialised_ = true;
    }
    auto cannotDraw = [this](const QString& why) {
        ++requestedGeneration_;   // a result still on its way is for another state
        fieldJob_->cancel();
        clearField();
        showEmpty(why);
        status_->setText(why);
    };
    if (n < 2) return cannotDraw("The phase portrait needs at least two state variables.");
    const VectorField truth = showTrue_->isChecked() ? context_->loadedDataset().trueField : VectorField();
    if (!model && !truth) return cannotDraw("Train or import a model to see its vector field.");
    if (model && !model->isContinuous()) return cannotDraw("This model is discrete-time: it has no vector field to draw.");
    const ModelDataFit fit = context_->modelDataFit();
    if (model && (!fit.dimensionsMatch || model->dims().state != n)) {
        return cannotDraw(fit.message.isEmpty() ? QString("The model's state dimension (%1) differs from the data's (%2).")
                                                      .arg(model->dims().state)
                                                      .arg(n)
                                                : fit.message);
    }
    PortraitRequest rq;
    if (model) rq.field = modelField(model);
    rq.truth = truth;
    rq.base = fullState(0, 0);
    rq.ix = ix;
    rq.iy = iy;
    rq.box = currentBox();
    rq.gridSize = kGridSize;
    rq.density = density_->value() / 10.0;
    rq.nullclines = showNullclines_->isChecked();
    rq.equilibria = showEquilibria_->isChecked();
    rq.lyapunovOrigin = model && model->hasLyapunov() && model->lyapunovDecreaseRate() > 0;
    rq.generation = ++requestedGeneration_;
    fieldJob_->submit([rq](const CancelToken& cancel) { return computePortrait(rq, cancel); },
                      [this](PortraitResult r) {
                          if (r.generation != requestedGeneration_) return;   // a newer request is on its way
                          drawPortrait(r);
                      },
                      [this](const QString& error) {
                          clearField();
                          showEmpty("Could not evaluate the model's field.");
                          status_->setText("Could not evaluate the field: " + error);
                      });
}

void PhasePortraitView::drawPortrait(const PortraitResult& r) {
    clearField();
    const double pxX = plot_->axisRect()->width() / std::max(1e-300, plot_->xAxis->range().size());
    const double pxY = plot_->axisRect()->height() / std::max(1e-300, plot_->yAxis->range().size());
    const double arrowLength = 0.02 * std::max(plot_->xAxis->range().size(), plot_->yAxis->range().size());
    // Streamlines and their arrow heads (core/analysis quiver: heads sized in pixels), one curve per colour.
    auto drawLines = [&](const analysis::StreamplotResult& s, const std::vector<int>& bucketOfLine, const std::vector<QColor>& colours,
                         double width, const QString& name) {
        for (std::size_t b = 0; b < colours.size(); ++b) {
            std::vector<analysis::Polyline> lines;
            std::vector<std::size_t> arrowsOfBucket;
            for (std::size_t k = 0; k < s.lines.size(); ++k)
                if (bucketOfLine[k] == static_cast<int>(b)) lines.push_back(s.lines[k].path);
            for (std::size_t a = 0; a < s.arrows.size(); ++a)
                if (bucketOfLine[s.arrows[a].line] == static_cast<int>(b)) arrowsOfBucket.push_back(a);
            if (lines.empty()) continue;
            analysis::Polyline all = analysis::nanSeparated(lines);
            if (!arrowsOfBucket.empty()) {
                Eigen::MatrixXd P(2, static_cast<Eigen::Index>(arrowsOfBucket.size())), D(2, P.cols());
                for (Eigen::Index k = 0; k < P.cols(); ++k) {
                    const auto& a = s.arrows[arrowsOfBucket[static_cast<std::size_t>(k)]];
                    P.col(k) << a.x, a.y;
                    D.col(k) << a.dx, a.dy;
                }
                analysis::QuiverOptions q;
                q.proportionalLength = false;
                q.lengthScale = arrowLength;
                q.headLengthPixels = 7;
                q.pixelsPerUnitX = pxX;
                q.pixelsPerUnitY = pxY;
                const analysis::Polyline heads = analysis::quiverGeometry(P, D, q);
                all.x.insert(all.x.end(), heads.x.begin(), heads.x.end());
                all.y.insert(all.y.end(), heads.y.begin(), heads.y.end());
            }
            QCPCurve* curve = addPolyline(plot_, all, QPen(colours[b], width));
            curve->setLayer("main");
            curve->setName(name);
            fieldPlottables_.push_back(curve);
        }
    };
    if (!r.truth.lines.empty()) drawLines(r.truth, std::vector<int>(r.truth.lines.size(), 0), {kTrueField}, 1.0, "true field");
    double lo = 1e300, hi = -1e300;
    for (double s : r.lineSpeed) {
        lo = std::min(lo, s);
        hi = std::max(hi, s);
    }
    std::vector<int> bucket;
    for (double s : r.lineSpeed) {
        const double t = hi > lo ? (s - lo) / (hi - lo) : 0.5;
        bucket.push_back(std::min(kSpeedBuckets - 1, static_cast<int>(t * kSpeedBuckets)));
    }
    std::vector<QColor> colours;
    for (int b = 0; b < kSpeedBuckets; ++b) colours.push_back(speedColour((b + 0.5) / kSpeedBuckets));
    drawLines(r.learned, bucket, colours, 1.5, "learned field");
    learnedLineCount_ = static_cast<int>(r.learned.lines.size());
    if (learnedLineCount_ > 0 && hi >= lo) {
        speedScale_->setDataRange(QCPRange(lo, hi > lo ? hi : lo + 1e-12));
        setSpeedScaleShown(true);
    }
    if (!r.nullclineX.empty()) {
        auto* c = addPolyline(plot_, r.nullclineX, QPen(kNullclineX, 1.6, Qt::DashLine));
        c->setName(QString("nullcline %1' = 0").arg(xCoord_->currentText()));
        fieldPlottables_.push_back(c);
    }
    if (!r.nullclineY.empty()) {
        auto* c = addPolyline(plot_, r.nullclineY, QPen(kNullclineY, 1.6, Qt::DashLine));
        c->setName(QString("nullcline %1' = 0").arg(yCoord_->currentText()));
        fieldPlottables_.push_back(c);
    }
    autoEquilibria_ = r.equilibria;
    drawEquilibria();
    showEmpty({});
    QString title;
    if (context_->model()) title = "Learned field (" + context_->modelLabel() + ")";
    if (!r.truth.lines.empty()) title += QString(title.isEmpty() ? "" : "; ") + "grey: true field";
    const ModelDataFit fit = context_->modelDataFit();
    if (!fit.sameData) title += ". ⚠ " + fit.message;
    plot_->setToolTip(title);
    // The trajectory summary (divergence!) has priority over the field description.
    if (trajectories_.empty() && !title.isEmpty() && !statusAnswersClick_) status_->setText(title + ". Click to start a trajectory.");
    drawnGeneration_ = r.generation;
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit portraitDrawn();
}

// ---- equilibria -----------------------------------------------------------------------------------------

void PhasePortraitView::findEquilibriumAt(double x, double y) {
    const auto model = context_->model();
    if (!model || !model->isContinuous() || xCoord_->count() < 2 || model->dims().state != xCoord_->count()) {
        status_->setText("Finding an equilibrium needs a continuous-time model of this state space.");
        return;
    }
    const Eigen::VectorXd x0 = fullState(x, y);
    const auto b = currentBox();
    newtonJob_->submit(
        [model, x0, b](const CancelToken&) {
            analysis::NewtonOptions options;
            options.maxStep = 0.25 * std::max(b.xMax - b.xMin, b.yMax - b.yMin);
            options.tolerance = 1e-8;
            return analysis::newtonEquilibrium(modelField(model), x0, options);
        },
        [this](analysis::Equilibrium e) {
            statusAnswersClick_ = true;
            if (!e.converged) {
                status_->setText(QString("Newton did not converge from this point (‖f‖ = %1 after %2 steps).").arg(e.residual, 0, 'g', 3).arg(e.iterations));
                return;
            }
            clickedEquilibria_.push_back(e);
            status_->setText(QString("Equilibrium at (%1, %2): %3.")
                                 .arg(e.x[xCoordinate()], 0, 'g', 4)
                                 .arg(e.x[yCoordinate()], 0, 'g', 4)
                                 .arg(QString::fromStdString(analysis::toString(e.type))));
            drawEquilibria();
            plot_->replot(QCustomPlot::rpQueuedReplot);
        },
        [this](const QString& error) {
            statusAnswersClick_ = true;
            status_->setText("Newton failed: " + error);
        });
}

void PhasePortraitView::drawEquilibria() {
    for (auto* p : equilibriumPlottables_) plot_->removePlottable(p);
    equilibriumPlottables_.clear();
    for (auto* i : equilibriumItems_) plot_->removeItem(i);
    equilibriumItems_.clear();
    shownEquilibria_.clear();
    const double merge = 1e-4 * std::max(plot_->xAxis->range().size(), plot_->yAxis->range().size());
    for (const auto* list : {&autoEquilibria_, &clickedEquilibria_})
        for (const auto& e : *list) {
            const bool duplicate = std::any_of(shownEquilibria_.begin(), shownEquilibria_.end(), [&](const analysis::Equilibrium& o) {
                return (o.x - e.x).cwiseAbs().maxCoeff() <= merge;
            });
            if (!duplicate && (list == &clickedEquilibria_ || showEquilibria_->isChecked())) shownEquilibria_.push_back(e);
        }
    const int ix = xCoordinate(), iy = yCoordinate();
    QStringList lines;
    for (const auto& e : shownEquilibria_) {
        if (e.x.size() <= std::max(ix, iy)) continue;
        using T = analysis::EquilibriumType;
        QCPScatterStyle style;
        QColor colour;
        switch (e.type) {
            case T::StableNode:
            case T::StableFocus:
                colour = QColor(21, 128, 61);
                style = QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 11);
                break;
            case T::UnstableNode:
            case T::UnstableFocus:
                colour = QColor(220, 38, 38);
                style = QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(colour, 2.2), Qt::white, 11);
                break;
            case T::Saddle:
                colour = QColor(217, 119, 6);
                style = QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(colour, 2.2), QColor(253, 230, 138), 13);
                break;
            default:
                colour = QColor(75, 85, 99);
                style = QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(colour, 2), Qt::white, 10);
        }
        auto* marker = new QCPCurve(plot_->xAxis, plot_->yAxis);
        marker->setLayer("markers");
        marker->setLineStyle(QCPCurve::lsNone);
        marker->setScatterStyle(style);
        marker->setSelectable(QCP::stNone);
        marker->addData(0, e.x[ix], e.x[iy]);
        const QString typeName = e.byLyapunov ? QString("stable (by V)") : QString::fromStdString(analysis::toString(e.type));
        marker->setName(typeName);
        equilibriumPlottables_.push_back(marker);
        auto* label = new QCPItemText(plot_);
        label->setLayer("markers");
        label->position->setCoords(e.x[ix], e.x[iy]);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setPadding(QMargins(8, 4, 0, 0));
        label->setText(typeName);
        label->setColor(colour);
        label->setClipToAxisRect(true);
        equilibriumItems_.push_back(label);
        QStringList ev;
        for (Eigen::Index k = 0; k < e.eigenvalues.size() && k < 4; ++k)
            ev << (std::abs(e.eigenvalues[k].imag()) > 1e-9 ? QString("%1%2%3i")
                                                                  .arg(e.eigenvalues[k].real(), 0, 'g', 3)
                                                                  .arg(e.eigenvalues[k].imag() < 0 ? "−" : "+")
                                                                  .arg(std::abs(e.eigenvalues[k].imag()), 0, 'g', 3)
                                                            : QString::number(e.eigenvalues[k].real(), 'g', 3));
        const QString detail = e.byLyapunov ? QString("V(0) = 0 and V̇ ≤ −αV everywhere; f is not smooth at 0 (no linearisation)")
                                            : "λ = " + ev.join(", ");
        lines << QString("<span style='color:%1'>●</span> (%2, %3) %4<br><small>%5</small>")
                     .arg(colour.name())
                     .arg(e.x[ix], 0, 'g', 3)
                     .arg(e.x[iy], 0, 'g', 3)
                     .arg(typeName, detail);
    }
    if (lines.isEmpty() && showEquilibria_->isChecked() && learnedLineCount_ > 0)
        equilibriaLabel_->setText("<span style='color:#6b7280'>No equilibrium (f = 0) found in the view.</span>");
    else
        equilibriaLabel_->setText(lines.isEmpty() ? QString() : "<b>Equilibria</b><br>" + lines.join("<br>"));
    emit equilibriaChanged();
}

// ---- trajectories ---------------------------------------------------------------------------------------

void PhasePortraitView::onMousePress(QMouseEvent* event) { pressPos_ = event->pos(); }

void PhasePortraitView::onMouseRelease(QMouseEvent* event) {
    // A click (no drag) starts a trajectory (Shift: finds an equilibrium); a drag pans the view.
    if ((event->pos() - pressPos_).manhattanLength() > 3) return;
    if (!plot_->axisRect()->rect().contains(event->pos())) return;
    if (event->button() == Qt::RightButton) {
        showContextMenu(event->pos());
        return;
    }
    if (event->button() != Qt::LeftButton) return;
    const double x = plot_->xAxis->pixelToCoord(event->pos().x()), y = plot_->yAxis->pixelToCoord(event->pos().y());
    if (event->modifiers() & Qt::ShiftModifier) findEquilibriumAt(x, y);
    else startTrajectoryAt(x, y);
}

void PhasePortraitView::showContextMenu(const QPoint& pixel) {
    const double x = plot_->xAxis->pixelToCoord(pixel.x()), y = plot_->yAxis->pixelToCoord(pixel.y());
    QMenu menu(this);
    menu.addAction("Start a trajectory here", this, [this, x, y] { startTrajectoryAt(x, y); });
    menu.addAction("Find an equilibrium here", this, [this, x, y] { findEquilibriumAt(x, y); });
    QMenu* dir = menu.addMenu("Trajectories run");
    for (int k = 0; k < direction_->count(); ++k) {
        QAction* a = dir->addAction(direction_->itemText(k), this, [this, k] { direction_->setCurrentIndex(k); });
        a->setCheckable(true);
        a->setChecked(k == direction_->currentIndex());
    }
    menu.addSeparator();
    menu.addAction("Clear trajectories and clicked equilibria", this, &PhasePortraitView::clearTrajectories);
    menu.addAction("Reset zoom", this, &PhasePortraitView::resetZoom);
    for (QCheckBox* c : {showTrue_, showData_, showNullclines_, showEquilibria_}) {
        QAction* a = menu.addAction(c->text(), c, &QCheckBox::setChecked);
        a->setCheckable(true);
        a->setChecked(c->isChecked());
        a->setEnabled(c->isEnabled());
    }
    menu.exec(plot_->mapToGlobal(pixel));
}

void PhasePortraitView::setDirection(IntegrationDirection d) { direction_->setCurrentIndex(direction_->findData(static_cast<int>(d))); }
void PhasePortraitView::setShowNullclines(bool on) { showNullclines_->setChecked(on); }
void PhasePortraitView::setShowEquilibria(bool on) { showEquilibria_->setChecked(on); }
void PhasePortraitView::setShowData(bool on) { showData_->setChecked(on); }

void PhasePortraitView::startTrajectoryAt(double x, double y) {
    const auto model = context_->model();
    if (!model || !model->isContinuous() || xCoord_->count() == 0) {
        status_->setText("Train or import a continuous-time model first, then click to start a trajectory.");
        return;
    }
    startPoints_.push_back(fullState(x, y));
    statusAnswersClick_ = false;   // a new click: its trajectories' summary is the answer now
    recomputeTrajectories();
}

void PhasePortraitView::clearTrajectories() {
    ++requestedGeneration_;
    trajectoryJob_->cancel();
    startPoints_.clear();
    trajectories_.clear();
    overlays_.clear();
    clickedEquilibria_.clear();
    statusAnswersClick_ = false;
    drawTrajectories();
    drawEquilibria();
}

void PhasePortraitView::recomputeTrajectories() {
    if (!isVisible()) {
        refreshPending_ = true;
        return;
    }
    const auto model = context_->model();
    const Eigen::Index n = static_cast<Eigen::Index>(startPoints_.empty() ? 0 : startPoints_.front().size());
    if (startPoints_.empty() || !model || !model->isContinuous() || model->dims().state != n) {
        trajectories_.clear();
        overlays_.clear();
        drawTrajectories();
        return;
    }
    // Ticked board models of the same state space get trajectories from the same starts.
    std::vector<std::pair<int, std::shared_ptr<const model::Model>>> others;
    for (const auto& e : board_->entries())
        if (e.overlay && e.model && e.model != model && e.model->isContinuous() && e.model->dims().state == n)
            others.emplace_back(e.id, e.model);
    // No stop box: a stable model's trajectory settles, an unstable one hits the norm bound and is flagged.
    IntegrationSettings s;
    const double dt = context_->dataset() && context_->dataset()->dt > 0 ? context_->dataset()->dt : 0.02;
    s.step = std::min(0.02, dt / 2);
    s.maxSteps = 4000;
    s.direction = static_cast<IntegrationDirection>(direction_->currentData().toInt());
    const auto starts = startPoints_;
    struct Result {
        std::vector<IntegratedTrajectory> current;
        std::vector<std::pair<int, std::vector<IntegratedTrajectory>>> overlays;
    };
    trajectoryJob_->submit(
        [model, others, starts, s](const CancelToken& cancel) {
            auto run = [&](const std::shared_ptr<const model::Model>& m) {
                const analysis::BatchedField f = modelField(m);
                std::vector<IntegratedTrajectory> out;
                for (const auto& x0 : starts) {
                    cancel.throwIfCancelled();
                    out.push_back(integrateTrajectory(f, x0, s));
                }
                return out;
            };
            Result r;
            r.current = run(model);
            for (const auto& [id, m] : others) r.overlays.emplace_back(id, run(m));
            return r;
        },
        [this](Result r) {
            trajectories_ = std::move(r.current);
            overlays_ = std::move(r.overlays);
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
    plot_->legend->clearItems();
    const int ix = xCoordinate(), iy = yCoordinate();
    auto drawOne = [&](const IntegratedTrajectory& tr, const QPen& pen, bool marker, const QString& name) {
        if (tr.x.rows() <= std::max(ix, iy) || tr.x.cols() == 0) return;
        analysis::Polyline line;
        for (Eigen::Index k = 0; k < tr.x.cols(); ++k) line.append(tr.x(ix, k), tr.x(iy, k));
        QCPCurve* curve = addPolyline(plot_, line, pen);
        curve->setLayer("trajectories");
        curve->setName(name);
        curve->removeFromLegend();
        trajectoryPlottables_.push_back(curve);
        if (marker) {
            auto* start = new QCPCurve(plot_->xAxis, plot_->yAxis);
            start->setLayer("trajectories");
            start->setLineStyle(QCPCurve::lsNone);
            start->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(pen.color(), 2), Qt::white, 9));
            start->addData(0, tr.x(ix, tr.startColumn), tr.x(iy, tr.startColumn));
            start->removeFromLegend();
            trajectoryPlottables_.push_back(start);
        }
        if (tr.diverged) {
            // The label sits where the integration stopped (the end that diverged).
            const Eigen::Index end = tr.stopTime < 0 ? 0 : tr.x.cols() - 1;
            auto* label = new QCPItemText(plot_);
            label->setLayer("trajectories");
            label->position->setCoords(tr.x(ix, end), tr.x(iy, end));
            label->setText(QString("diverged at t = %1").arg(tr.stopTime, 0, 'g', 3));
            label->setColor(QColor(220, 38, 38));
            label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
            label->setClipToAxisRect(true);
            trajectoryItems_.push_back(label);
        }
    };
    int diverged = 0;
    for (std::size_t k = 0; k < trajectories_.size(); ++k) {
        const auto& tr = trajectories_[k];
        diverged += tr.diverged ? 1 : 0;
        drawOne(tr, QPen(tr.diverged ? QColor(220, 38, 38) : trajectoryColour(static_cast<int>(k)), 2.2), true,
                QString("trajectory %1").arg(k + 1));
    }
    for (const auto& [id, list] : overlays_) {
        const BoardEntry* e = board_->find(id);
        if (!e) continue;
        bool first = true;
        for (const auto& tr : list) {
            drawOne(tr, QPen(e->colour, 1.8, Qt::DashLine), false, e->name);
            if (first && !trajectoryPlottables_.empty()) {
                trajectoryPlottables_.back()->addToLegend();
                first = false;
            }
        }
    }
    // The legend names the overlaid models (the current model's trajectories have their own colours).
    if (!overlays_.empty()) {
        for (auto* p : trajectoryPlottables_)
            if (p->name() == QString("trajectory 1")) {
                p->setName(context_->modelLabel() + " (current)");
                p->addToLegend();
                break;
            }
    }
    plot_->legend->setVisible(!overlays_.empty());
    if (!trajectories_.empty() && !statusAnswersClick_) {
        QString text = diverged ? QString("%1 of %2 trajectories diverged (red): integration stopped.").arg(diverged).arg(trajectories_.size())
                                : QString("%1 trajectories; none diverged.").arg(trajectories_.size());
        if (!overlays_.empty()) text += QString(" Dashed: %1 ticked model(s) from the same starts.").arg(overlays_.size());
        status_->setText(text);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PhasePortraitView::drawData() {
    for (auto* p : dataPlottables_) plot_->removePlottable(p);
    dataPlottables_.clear();
    const auto ds = context_->dataset();
    if (showData_->isChecked() && ds && ds->stateDim() >= 2 && ds->stateDim() == xCoord_->count()) {
        const int ix = xCoordinate(), iy = yCoordinate();
        std::vector<analysis::Polyline> lines;
        for (const auto& tr : ds->trajectories) {
            analysis::Polyline l;
            for (Eigen::Index k = 0; k < tr.x.cols(); ++k) l.append(tr.x(ix, k), tr.x(iy, k));
            lines.push_back(std::move(l));
        }
        // (x, ẋ) pair sets have no time order: points, not lines.
        QCPCurve* c = addPolyline(plot_, analysis::nanSeparated(lines), QPen(QColor(156, 163, 175, 150), 1.0));
        c->setLayer("data");
        c->setName("data");
        if (!ds->trajectories.empty() && ds->trajectories.front().isPairSet()) {
            c->setLineStyle(QCPCurve::lsNone);
            c->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDot, QColor(156, 163, 175), 2));
        }
        dataPlottables_.push_back(c);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

// ---- sessions -------------------------------------------------------------------------------------------

nlohmann::json PhasePortraitView::viewSettings() const {
    nlohmann::json starts = nlohmann::json::array();
    for (const auto& s : startPoints_) starts.push_back(std::vector<double>(s.data(), s.data() + s.size()));
    return {{"x", xCoordinate()},
            {"y", yCoordinate()},
            {"show_true_field", showTrue_->isChecked()},
            {"show_data", showData_->isChecked()},
            {"nullclines", showNullclines_->isChecked()},
            {"equilibria", showEquilibria_->isChecked()},
            {"direction", direction_->currentData().toInt()},
            {"density", density_->value()},
            {"x_range", {plot_->xAxis->range().lower, plot_->xAxis->range().upper}},
            {"y_range", {plot_->yAxis->range().lower, plot_->yAxis->range().upper}},
            {"trajectory_starts", starts}};
}

void PhasePortraitView::applyViewSettings(const nlohmann::json& s) {
    auto flag = [&](const char* key, QCheckBox* box) {
        if (s.contains(key) && s[key].is_boolean()) box->setChecked(s[key].get<bool>());
    };
    if (s.contains("x") && s["x"].get<int>() < xCoord_->count()) xCoord_->setCurrentIndex(s["x"].get<int>());
    if (s.contains("y") && s["y"].get<int>() < yCoord_->count()) yCoord_->setCurrentIndex(s["y"].get<int>());
    flag("show_true_field", showTrue_);
    flag("show_data", showData_);
    flag("nullclines", showNullclines_);
    flag("equilibria", showEquilibria_);
    if (s.contains("direction") && s["direction"].is_number_integer()) direction_->setCurrentIndex(std::max(0, direction_->findData(s["direction"].get<int>())));
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
    drawData();
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
