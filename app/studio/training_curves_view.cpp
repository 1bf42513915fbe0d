#include "app/studio/training_curves_view.h"

#include "app/studio/model_board.h"
#include "app/studio/plot_style.h"
#include "core/analysis/smoothing.h"
#include "core/common/atomic_file.h"
#include "core/data/csv.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <set>
#include <sstream>

namespace sd::studio {

namespace {

std::vector<double> smooth(const std::vector<double>& y, double weight) {
    return analysis::smoothTensorBoard(std::span<const double>(y.data(), y.size()), weight);
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double pos = p * double(v.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    const auto hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

}  // namespace

TrainingCurvesView::TrainingCurvesView(ModelBoard* board, QWidget* parent) : QWidget(parent), board_(board) {
    auto* layout = new QHBoxLayout(this);
    auto* plotColumn = new QVBoxLayout;
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("trainingCurvesPlot");
    stylePlot(plot_);
    plot_->xAxis->setLabel("epoch");
    plot_->yAxis->setLabel("loss");
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setPlotMessage(plot_, "Train a model to see its loss curves here.");
    tracer_ = new QCPItemTracer(plot_);
    tracer_->setStyle(QCPItemTracer::tsCircle);
    tracer_->setSize(9);
    tracer_->setPen(QPen(QColor(31, 41, 55), 1.5));
    tracer_->setBrush(Qt::NoBrush);
    tracer_->setVisible(false);
    plotColumn->addWidget(plot_, 1);
    readout_ = new QLabel(" ", this);
    readout_->setObjectName("curvesReadout");
    readout_->setStyleSheet("color: #374151;");
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    plotColumn->addWidget(readout_);
    layout->addLayout(plotColumn, 1);

    auto* sideWidget = new QWidget(this);
    sideWidget->setMaximumWidth(240);
    auto* side = new QVBoxLayout(sideWidget);
    side->setContentsMargins(0, 0, 0, 0);
    smoothingLabel_ = new QLabel(this);
    side->addWidget(smoothingLabel_);
    smoothingSlider_ = new QSlider(Qt::Horizontal, this);
    smoothingSlider_->setObjectName("emaSlider");
    smoothingSlider_->setRange(0, 99);   // TensorBoard caps the slider at 0.99
    smoothingSlider_->setValue(60);
    smoothingSlider_->setToolTip("Debiased exponential moving average, as in TensorBoard (0 = raw).");
    side->addWidget(smoothingSlider_);
    auto* xRow = new QHBoxLayout;
    xRow->addWidget(new QLabel("x axis:", this));
    xAxis_ = new QComboBox(this);
    xAxis_->setObjectName("curvesXAxis");
    xAxis_->addItem("Epoch", static_cast<int>(XAxis::Epoch));
    xAxis_->addItem("Relative time", static_cast<int>(XAxis::RelativeTime));
    xAxis_->addItem("Wall time", static_cast<int>(XAxis::WallTime));
    xRow->addWidget(xAxis_, 1);
    side->addLayout(xRow);
    logY_ = new QCheckBox("Logarithmic loss axis", this);
    logY_->setObjectName("logYCheck");
    logY_->setChecked(true);
    side->addWidget(logY_);
    ignoreOutliers_ = new QCheckBox("Ignore outliers (5–95 %)", this);
    ignoreOutliers_->setObjectName("ignoreOutliersCheck");
    ignoreOutliers_->setChecked(true);
    ignoreOutliers_->setToolTip("Scale the loss axis to the 5th–95th percentile of the shown values, as TensorBoard does.");
    side->addWidget(ignoreOutliers_);
    side->addWidget(new QLabel("Runs trained on:", this));
    datasetFilter_ = new QComboBox(this);
    datasetFilter_->setObjectName("curvesDatasetFilter");
    datasetFilter_->addItem("(any dataset)", QString());
    side->addWidget(datasetFilter_);
    side->addWidget(new QLabel("Runs (tick to show):", this));
    runList_ = new QListWidget(this);
    runList_->setObjectName("runList");
    runList_->setToolTip("The same ticks as in the Models dock.");
    side->addWidget(runList_, 1);
    auto* exportButton = new QPushButton("Export CSV…", this);
    exportButton->setObjectName("exportCurvesButton");
    side->addWidget(exportButton);
    layout->addWidget(sideWidget);

    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(0);
    connect(refreshTimer_, &QTimer::timeout, this, &TrainingCurvesView::refreshGraphs);
    connect(smoothingSlider_, &QSlider::valueChanged, this, [this](int v) {
        smoothing_ = v / 100.0;
        smoothingLabel_->setText(QString("Smoothing: %1").arg(smoothing_, 0, 'f', 2));
        scheduleRefresh();
    });
    smoothingLabel_->setText(QString("Smoothing: %1").arg(smoothing_, 0, 'f', 2));
    connect(logY_, &QCheckBox::toggled, this, [this] {
        followData_ = true;
        scheduleRefresh();
    });
    connect(ignoreOutliers_, &QCheckBox::toggled, this, [this] {
        followData_ = true;
        scheduleRefresh();
    });
    connect(xAxis_, &QComboBox::currentIndexChanged, this, [this] {
        followData_ = true;
        scheduleRefresh();
    });
    connect(datasetFilter_, &QComboBox::currentIndexChanged, this, [this] {
        rebuildRunList();
        followData_ = true;
        scheduleRefresh();
    });
    connect(runList_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const int key = item->data(Qt::UserRole).toInt();
        const bool on = item->checkState() == Qt::Checked;
        auto it = curves_.find(key);
        if (it == curves_.end()) return;
        if (it->second.boardId) board_->setOverlay(it->second.boardId, on);
        else {
            it->second.visible = on;
            scheduleRefresh();
        }
    });
    connect(exportButton, &QPushButton::clicked, this, &TrainingCurvesView::chooseCsvFile);
    // Zooming or panning by hand stops the view from following the data; a double-click resets it.
    connect(plot_, &QCustomPlot::mouseWheel, this, [this] { followData_ = false; });
    connect(plot_, &QCustomPlot::mousePress, this, [this] { followData_ = false; });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
        followData_ = true;
        refreshGraphs();
    });
    connect(plot_, &QCustomPlot::mouseMove, this, &TrainingCurvesView::onMouseMove);
    connect(board_, &ModelBoard::entryAdded, this, &TrainingCurvesView::onBoardEntryAdded);
    connect(board_, &ModelBoard::entryRemoved, this, &TrainingCurvesView::onBoardEntryRemoved);
    connect(board_, &ModelBoard::entryChanged, this, &TrainingCurvesView::onBoardEntryChanged);
}

// ---- curves ---------------------------------------------------------------------------------------------

TrainingCurvesView::Curve& TrainingCurvesView::makeCurve(int key) {
    Curve& c = curves_[key];
    auto makeGraph = [&] {
        QCPGraph* g = plot_->addGraph();
        g->setSelectable(QCP::stNone);
        g->removeFromLegend();
        return g;
    };
    c.trainRaw = makeGraph();
    c.valRaw = makeGraph();
    c.trainSmooth = makeGraph();
    c.valSmooth = makeGraph();
    setPlotMessage(plot_, {});
    return c;
}

void TrainingCurvesView::removeCurve(int key) {
    auto it = curves_.find(key);
    if (it == curves_.end()) return;
    for (QCPGraph* g : {it->second.trainRaw, it->second.valRaw, it->second.trainSmooth, it->second.valSmooth}) plot_->removeGraph(g);
    curves_.erase(it);
    if (curves_.empty()) setPlotMessage(plot_, "Train a model to see its loss curves here.");
}

TrainingCurvesView::Curve* TrainingCurvesView::curveOfRun(int run) {
    for (auto& [key, c] : curves_)
        if (c.run == run) return &c;
    return nullptr;
}

const TrainingCurvesView::Curve* TrainingCurvesView::curveOfRun(int run) const {
    return const_cast<TrainingCurvesView*>(this)->curveOfRun(run);
}

void TrainingCurvesView::beginRun(int run, const QString& name, const QColor& colour, const std::string& datasetName, qint64 startedAtMs) {
    Curve* c = curveOfRun(run);
    if (!c) c = &makeCurve(-run);
    c->run = run;
    c->name = name;
    c->colour = colour;
    c->datasetName = datasetName;
    c->startedAtMs = startedAtMs;
    followData_ = true;
    rebuildDatasetFilter();
    rebuildRunList();
    scheduleRefresh();
}

void TrainingCurvesView::addEvent(int run, const model::TrainEvent& ev) {
    Curve* c = curveOfRun(run);
    if (!c) {
        beginRun(run, QString("run %1").arg(run), board_->nextColour(), {}, QDateTime::currentMSecsSinceEpoch());
        c = curveOfRun(run);
    }
    c->events.push_back(ev);
    scheduleRefresh(false);
}

void TrainingCurvesView::addEvents(int run, const std::vector<model::TrainEvent>& events) {
    for (const auto& ev : events) addEvent(run, ev);
}

void TrainingCurvesView::onBoardEntryAdded(int id) {
    const BoardEntry* e = board_->find(id);
    if (!e) return;
    // A finished live run moves under its board entry; other entries bring their stored curve.
    if (Curve* live = e->run > 0 ? curveOfRun(e->run) : nullptr; live && live->boardId == 0) {
        auto node = curves_.extract(-e->run);
        node.key() = id;
        curves_.insert(std::move(node));
    } else if (!e->curve.empty()) {
        Curve& c = makeCurve(id);
        c.events = e->curve;
        c.startedAtMs = e->startedAtMs;
    } else {
        return;
    }
    Curve& c = curves_[id];
    c.boardId = id;
    c.run = e->run;
    c.name = e->name;
    c.colour = e->colour;
    c.datasetName = e->datasetName;
    if (e->startedAtMs) c.startedAtMs = e->startedAtMs;
    rebuildDatasetFilter();
    rebuildRunList();
    scheduleRefresh();
}

void TrainingCurvesView::onBoardEntryRemoved(int id) {
    if (!curves_.count(id)) return;
    removeCurve(id);
    rebuildDatasetFilter();
    rebuildRunList();
    scheduleRefresh();
}

void TrainingCurvesView::onBoardEntryChanged(int id) {
    auto it = curves_.find(id);
    const BoardEntry* e = board_->find(id);
    if (it == curves_.end() || !e) return;
    it->second.name = e->name;
    rebuildRunList();
    scheduleRefresh();
}

bool TrainingCurvesView::isShown(const Curve& c) const {
    const std::string filter = datasetFilter_->currentData().toString().toStdString();
    if (!filter.empty() && c.datasetName != filter) return false;
    if (c.boardId) {
        const BoardEntry* e = board_->find(c.boardId);
        return e && e->overlay;
    }
    return c.visible;
}

std::vector<model::TrainEvent> TrainingCurvesView::eventsOf(int run) const {
    const Curve* c = curveOfRun(run);
    return c ? c->events : std::vector<model::TrainEvent>{};
}

int TrainingCurvesView::pointCount(int run) const {
    const Curve* c = curveOfRun(run);
    return c ? static_cast<int>(c->events.size()) : 0;
}

int TrainingCurvesView::lastEpoch(int run) const {
    const Curve* c = curveOfRun(run);
    return c && !c->events.empty() ? c->events.back().epoch : 0;
}

int TrainingCurvesView::shownEpoch(int run) const {
    const Curve* c = curveOfRun(run);
    if (!c || c->plotted == 0) return 0;
    return c->events[c->plotted - 1].epoch;   // the graphs hold the first `plotted` events
}

void TrainingCurvesView::setRunVisible(int run, bool visible) {
    Curve* c = curveOfRun(run);
    if (!c) return;
    if (c->boardId) {
        board_->setOverlay(c->boardId, visible);
        return;
    }
    c->visible = visible;
    rebuildRunList();
    scheduleRefresh();
}

void TrainingCurvesView::setSmoothing(double weight) { smoothingSlider_->setValue(static_cast<int>(std::lround(weight * 100))); }

void TrainingCurvesView::setXAxis(XAxis axis) { xAxis_->setCurrentIndex(xAxis_->findData(static_cast<int>(axis))); }
TrainingCurvesView::XAxis TrainingCurvesView::xAxisKind() const { return static_cast<XAxis>(xAxis_->currentData().toInt()); }

void TrainingCurvesView::setDatasetFilter(const std::string& datasetName) {
    const int k = datasetFilter_->findData(QString::fromStdString(datasetName));
    datasetFilter_->setCurrentIndex(std::max(0, k));
}

void TrainingCurvesView::setIgnoreOutliers(bool on) { ignoreOutliers_->setChecked(on); }
double TrainingCurvesView::yLower() const { return yLo_; }
double TrainingCurvesView::yUpper() const { return yHi_; }

double TrainingCurvesView::keyOf(const Curve& c, const model::TrainEvent& ev) const {
    switch (xAxisKind()) {
        case XAxis::Epoch: return ev.epoch;
        case XAxis::RelativeTime: return ev.elapsedSeconds;
        case XAxis::WallTime: return double(c.startedAtMs) / 1000.0 + ev.elapsedSeconds;
    }
    return ev.epoch;
}

void TrainingCurvesView::rebuildDatasetFilter() {
    std::set<std::string> names;
    for (const auto& [key, c] : curves_)
        if (!c.datasetName.empty()) names.insert(c.datasetName);
    const QString keep = datasetFilter_->currentData().toString();
    const QSignalBlocker block(datasetFilter_);
    datasetFilter_->clear();
    datasetFilter_->addItem("(any dataset)", QString());
    for (const auto& n : names) datasetFilter_->addItem(QString::fromStdString(n), QString::fromStdString(n));
    datasetFilter_->setCurrentIndex(std::max(0, datasetFilter_->findData(keep)));
}

void TrainingCurvesView::rebuildRunList() {
    const QSignalBlocker block(runList_);
    runList_->clear();
    const std::string filter = datasetFilter_->currentData().toString().toStdString();
    for (const auto& [key, c] : curves_) {
        if (!filter.empty() && c.datasetName != filter) continue;
        auto* item = new QListWidgetItem(c.name + (c.boardId ? QString() : QString(" (training)")), runList_);
        item->setData(Qt::UserRole, key);
        item->setForeground(c.colour);
        item->setToolTip(c.datasetName.empty() ? c.name : c.name + " — trained on " + QString::fromStdString(c.datasetName));
        item->setCheckState(isShown(c) ? Qt::Checked : Qt::Unchecked);
    }
}

void TrainingCurvesView::scheduleRefresh(bool rebuild) {
    rebuildPending_ = rebuildPending_ || rebuild;
    if (!refreshTimer_->isActive()) refreshTimer_->start();
}

// Brings a curve's graphs up to date: all points after a setting changed, else only the new ones (a live
// run appends points; its history is neither re-smoothed nor copied again).
void TrainingCurvesView::syncCurve(Curve& c, bool rebuild) {
    // A million-epoch run would otherwise make every replot walk a million points per graph.
    constexpr std::size_t kMaxDrawnPoints = 20000;
    std::size_t stride = 1;
    while (c.events.size() / stride > kMaxDrawnPoints) stride *= 2;
    if (stride != c.stride) {
        c.stride = stride;
        rebuild = true;
    }
    if (rebuild || c.plotted > c.events.size()) {
        c.plotted = 0;
        c.smoothTrain.clear();
        c.smoothVal.clear();
        c.trainSmoother = analysis::TensorBoardSmoother(smoothing_);
        c.valSmoother = analysis::TensorBoardSmoother(smoothing_);
        for (QCPGraph* g : {c.trainRaw, c.trainSmooth, c.valRaw, c.valSmooth}) g->data()->clear();
    }
    QVector<double> k, tr, trs, vk, vr, vsm;
    const std::size_t n = c.events.size();
    for (std::size_t i = c.plotted; i < n; ++i) {
        const auto& ev = c.events[i];
        c.smoothTrain.push_back(c.trainSmoother.push(ev.trainLoss));
        c.smoothVal.push_back(c.valSmoother.push(ev.validationLoss));
        if (i % c.stride != 0 && i + 1 != n) continue;   // smoothed from every event, drawn every stride-th
        const double x = keyOf(c, ev);
        k << x;
        tr << ev.trainLoss;
        trs << c.smoothTrain.back();
        if (std::isfinite(ev.validationLoss)) {
            vk << x;
            vr << ev.validationLoss;
            vsm << c.smoothVal.back();
        }
    }
    c.plotted = c.events.size();
    c.trainRaw->addData(k, tr, true);
    c.trainSmooth->addData(k, trs, true);
    c.valRaw->addData(vk, vr, true);
    c.valSmooth->addData(vk, vsm, true);
}

void TrainingCurvesView::refreshGraphs() {
    const bool rebuild = rebuildPending_;
    // Hidden: the graphs take the new points (O(new events)), but a rebuild, the range and the replot —
    // O(every point of every run) — wait until the tab is shown.
    if (!isVisible()) {
        if (!rebuild)
            for (auto& entry : curves_) syncCurve(entry.second, false);
        replotOnShow_ = true;
        emit refreshed();
        return;
    }
    replotOnShow_ = false;
    rebuildPending_ = false;
    const bool logScale = logY_->isChecked();
    // The y range comes from a bounded sample of the shown values (every point of short curves, evenly
    // strided ones of long curves) plus each curve's last points, which are never clipped away.
    std::vector<double> ys, lastValues;
    auto usable = [logScale](double y) { return std::isfinite(y) && (!logScale || y > 0); };
    double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo;
    int shownRuns = 0;
    for (auto& [key, c] : curves_) {
        syncCurve(c, rebuild);
        const bool shown = isShown(c);
        if (rebuild) {
            QColor faint = c.colour;
            faint.setAlpha(60);
            c.trainRaw->setPen(QPen(faint, 1));
            c.valRaw->setPen(QPen(faint, 1, Qt::DashLine));
            c.trainSmooth->setPen(QPen(c.colour, 2));
            c.valSmooth->setPen(QPen(c.colour, 2, Qt::DashLine));
            c.trainSmooth->setName(c.name + " train");
            c.valSmooth->setName(c.name + " validation");
            for (QCPGraph* g : {c.trainRaw, c.trainSmooth, c.valRaw, c.valSmooth}) g->setVisible(shown);
        }
        // Few points (e.g. a one-shot least-squares fit): markers, a line alone would be invisible.
        const QCPScatterStyle marker = c.events.size() < 30 ? QCPScatterStyle(QCPScatterStyle::ssDisc, 6) : QCPScatterStyle();
        c.trainSmooth->setScatterStyle(marker);
        c.valSmooth->setScatterStyle(marker);
        c.trainSmooth->removeFromLegend();
        c.valSmooth->removeFromLegend();
        if (!shown || c.events.empty()) continue;
        ++shownRuns;
        c.trainSmooth->addToLegend();
        if (c.valRaw->dataCount() > 0) c.valSmooth->addToLegend();
        const std::size_t n = c.events.size();
        const std::size_t stride = std::max<std::size_t>(1, n / 2000);
        for (std::size_t i = 0; i < n; i += stride)
            for (double y : {c.events[i].trainLoss, c.events[i].validationLoss, c.smoothTrain[i], c.smoothVal[i]})
                if (usable(y)) ys.push_back(y);
        for (double y : {c.events.back().trainLoss, c.events.back().validationLoss, c.smoothTrain.back(), c.smoothVal.back()})
            if (usable(y)) lastValues.push_back(y);
        xLo = std::min(xLo, keyOf(c, c.events.front()));
        xHi = std::max(xHi, keyOf(c, c.events.back()));
    }
    plot_->legend->setVisible(shownRuns > 0 && shownRuns <= 6);
    if (!ys.empty()) {
        const bool robust = ignoreOutliers_->isChecked() && ys.size() >= 5;
        yLo_ = robust ? percentile(ys, 0.05) : *std::min_element(ys.begin(), ys.end());
        yHi_ = robust ? percentile(ys, 0.95) : *std::max_element(ys.begin(), ys.end());
        for (double y : lastValues) {
            yLo_ = std::min(yLo_, y);
            yHi_ = std::max(yHi_, y);
        }
    }
    updateAxes(yLo_, yHi_);
    if (followData_ && std::isfinite(xLo)) {
        plot_->xAxis->setRange(xLo, xHi > xLo ? xHi : xLo + 1);
        double lo = yLo_, hi = yHi_;
        if (logScale) {
            if (!(hi > lo)) {
                lo /= 2;
                hi *= 2;
            }
            const double pad = std::pow(hi / lo, 0.06);
            plot_->yAxis->setRange(lo / pad, hi * pad);
        } else {
            const double span = hi > lo ? hi - lo : std::max(1e-12, std::abs(hi));
            plot_->yAxis->setRange(lo - 0.06 * span, hi + 0.06 * span);
        }
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit refreshed();
}

void TrainingCurvesView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (replotOnShow_) scheduleRefresh();
}

void TrainingCurvesView::updateAxes(double yLo, double yHi) {
    const XAxis x = xAxisKind();
    if (x == XAxis::WallTime) {
        auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
        ticker->setDateTimeFormat("hh:mm:ss");
        plot_->xAxis->setTicker(ticker);
        plot_->xAxis->setLabel("wall-clock time");
    } else {
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        plot_->xAxis->setLabel(x == XAxis::Epoch ? "epoch" : "time since the run started (s)");
    }
    const bool logScale = logY_->isChecked();
    plot_->yAxis->setScaleType(logScale ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    // A decade ticker labels only powers of ten: over less than a decade plain ticks are readable.
    const bool decades = logScale && yLo > 0 && yHi / yLo >= 10;
    if (decades) {
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        plot_->yAxis->setNumberFormat("eb");
        plot_->yAxis->setNumberPrecision(0);
    } else {
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        plot_->yAxis->setNumberFormat("g");
        plot_->yAxis->setNumberPrecision(4);
    }
}

// ---- hover readout --------------------------------------------------------------------------------------

QString TrainingCurvesView::readoutAt(const QPointF& pixel) {
    double best = 400;   // squared pixels: within 20 px
    const Curve* bestCurve = nullptr;
    const model::TrainEvent* bestEvent = nullptr;
    bool onValidation = false;
    for (const auto& entry : curves_) {
        // Not a structured binding: clang (the sanitizer build) rejects capturing one in the lambda below.
        const Curve& c = entry.second;
        if (!isShown(c) || c.events.empty()) continue;
        // Keys are sorted: look at the events around the mouse's x only.
        const double x = plot_->xAxis->pixelToCoord(pixel.x());
        const auto it = std::lower_bound(c.events.begin(), c.events.end(), x,
                                         [&](const model::TrainEvent& ev, double v) { return keyOf(c, ev) < v; });
        const auto from = it - std::min<std::ptrdiff_t>(it - c.events.begin(), 3);
        const auto to = it + std::min<std::ptrdiff_t>(c.events.end() - it, 3);
        for (auto e = from; e != to; ++e)
            for (int which = 0; which < 2; ++which) {
                const double y = which ? e->validationLoss : e->trainLoss;
                if (!std::isfinite(y)) continue;
                const QPointF p(plot_->xAxis->coordToPixel(keyOf(c, *e)), plot_->yAxis->coordToPixel(y));
                const double d = (p.x() - pixel.x()) * (p.x() - pixel.x()) + (p.y() - pixel.y()) * (p.y() - pixel.y());
                if (d < best) {
                    best = d;
                    bestCurve = &c;
                    bestEvent = &*e;
                    onValidation = which == 1;
                }
            }
    }
    if (!bestCurve) {
        tracer_->setVisible(false);
        return {};
    }
    tracer_->setGraph(nullptr);
    tracer_->position->setCoords(keyOf(*bestCurve, *bestEvent), onValidation ? bestEvent->validationLoss : bestEvent->trainLoss);
    tracer_->setVisible(true);
    QString text = QString("<b style='color:%1'>%2</b> · epoch %3 · %4 s · train %5")
                       .arg(bestCurve->colour.name(), bestCurve->name.toHtmlEscaped())
                       .arg(bestEvent->epoch)
                       .arg(bestEvent->elapsedSeconds, 0, 'f', 1)
                       .arg(bestEvent->trainLoss, 0, 'g', 5);
    if (std::isfinite(bestEvent->validationLoss)) text += QString(" · validation %1").arg(bestEvent->validationLoss, 0, 'g', 5);
    return text;
}

void TrainingCurvesView::onMouseMove(QMouseEvent* event) {
    const QString text = readoutAt(event->position());
    readout_->setText(text.isEmpty() ? QString(" ") : text);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

// ---- export and settings --------------------------------------------------------------------------------

void TrainingCurvesView::exportCsv(const QString& path) const {
    // 17 significant digits so the numbers read back bit-exact; NaN (no validation) is an empty cell.
    auto cell = [](double v) {
        if (!std::isfinite(v)) return std::string();
        std::ostringstream s;
        s << std::setprecision(17) << v;
        return s.str();
    };
    std::ostringstream out;
    out << "run,name,dataset,epoch,seconds,train_loss,validation_loss,train_smoothed,validation_smoothed\n";
    for (const auto& [key, c] : curves_) {
        if (!isShown(c)) continue;
        std::vector<double> train, val;
        for (const auto& ev : c.events) {
            train.push_back(ev.trainLoss);
            val.push_back(ev.validationLoss);
        }
        const auto ts = smooth(train, smoothing_), vs = smooth(val, smoothing_);
        for (std::size_t k = 0; k < c.events.size(); ++k)
            out << c.run << ',' << data::csvField(c.name.toStdString()) << ',' << data::csvField(c.datasetName) << ','
                << c.events[k].epoch << ',' << cell(c.events[k].elapsedSeconds) << ',' << cell(train[k]) << ',' << cell(val[k]) << ','
                << cell(ts[k]) << ',' << cell(vs[k]) << '\n';
    }
    writeFileAtomic(path.toStdString(), out.str());
}

void TrainingCurvesView::chooseCsvFile() {
    const QString path = QFileDialog::getSaveFileName(this, "Export training curves", "training_curves.csv", "CSV (*.csv)");
    if (path.isEmpty()) return;
    try {
        exportCsv(path);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Export failed", e.what());
    }
}

nlohmann::json TrainingCurvesView::viewSettings() const {
    return {{"smoothing", smoothing_},
            {"log_y", logY_->isChecked()},
            {"ignore_outliers", ignoreOutliers_->isChecked()},
            {"x_axis", xAxis_->currentData().toInt()},
            {"dataset_filter", datasetFilter_->currentData().toString().toStdString()}};
}

void TrainingCurvesView::applyViewSettings(const nlohmann::json& s) {
    if (s.contains("smoothing") && s["smoothing"].is_number()) setSmoothing(s["smoothing"].get<double>());
    if (s.contains("log_y") && s["log_y"].is_boolean()) logY_->setChecked(s["log_y"].get<bool>());
    if (s.contains("ignore_outliers") && s["ignore_outliers"].is_boolean()) ignoreOutliers_->setChecked(s["ignore_outliers"].get<bool>());
    if (s.contains("x_axis") && s["x_axis"].is_number_integer()) {
        const int k = xAxis_->findData(s["x_axis"].get<int>());
        if (k >= 0) xAxis_->setCurrentIndex(k);
    }
    if (s.contains("dataset_filter") && s["dataset_filter"].is_string()) setDatasetFilter(s["dataset_filter"].get<std::string>());
}

}  // namespace sd::studio
