#include "app/studio/time_series_view.h"

#include "app/studio/latest_job.h"
#include "app/studio/model_board.h"
#include "app/studio/plot_style.h"
#include "app/studio/range_slider.h"
#include "app/studio/studio_context.h"
#include "core/analysis/decimation.h"
#include "core/analysis/metrics.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWidgetAction>
#include <cmath>

namespace sd::studio {

namespace {

const QColor kData(55, 65, 81);
const QColor kCurrent(37, 99, 235);

// The channels a trajectory is compared on: its states when it has them, else its outputs.
struct ChannelSource {
    bool states = true;
    Eigen::Index count = 0;
    const std::vector<std::string>* names = nullptr;
};

ChannelSource channelsOf(const data::Dataset& ds) {
    ChannelSource c;
    c.states = ds.stateDim() > 0;
    c.count = c.states ? ds.stateDim() : ds.outputDim();
    c.names = c.states ? &ds.stateNames : &ds.outputNames;
    return c;
}

QString channelName(const ChannelSource& c, Eigen::Index k) {
    return k < static_cast<Eigen::Index>(c.names->size()) ? QString::fromStdString((*c.names)[static_cast<std::size_t>(k)])
                                                          : QString("ch%1").arg(k + 1);
}

}  // namespace

struct TimeSeriesView::Prediction {
    struct One {
        int boardId = 0;                 ///< 0: the current model
        QString name;
        QColor colour;
        Eigen::MatrixXd values;          ///< channels × samples (NaN after a divergence)
        Eigen::VectorXd nrmse, fit;      ///< per channel
        double meanNrmse = std::numeric_limits<double>::quiet_NaN(), meanFit = std::numeric_limits<double>::quiet_NaN();
        bool diverged = false;
        double divergenceTime = 0;
        bool stalled = false;            ///< the integrator gave up while bounded (NaN after stallTime)
        double stallTime = 0;
        double restTime = std::numeric_limits<double>::quiet_NaN();   ///< entered the model's rest set
        QString problem;                 ///< why it has no values
    };
    int generation = 0;
    int index = 0;
    std::vector<One> models;
};

TimeSeriesView::TimeSeriesView(StudioContext* context, ModelBoard* board, QWidget* parent)
    : QWidget(parent), context_(context), board_(board) {
    job_ = new LatestJob(this);
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    trajectory_ = new QComboBox(this);
    trajectory_->setObjectName("timeSeriesTrajectory");
    trajectory_->setMinimumWidth(180);
    controls->addWidget(new QLabel("Trajectory:", this));
    controls->addWidget(trajectory_);
    channelsButton_ = new QToolButton(this);
    channelsButton_->setObjectName("timeSeriesChannels");
    channelsButton_->setText("Channels ▾");
    channelsButton_->setPopupMode(QToolButton::InstantPopup);
    channelList_ = new QListWidget;
    channelList_->setObjectName("timeSeriesChannelList");
    channelList_->setMinimumSize(200, 220);
    auto* menu = new QMenu(channelsButton_);
    auto* holder = new QWidgetAction(menu);
    holder->setDefaultWidget(channelList_);
    menu->addAction(holder);
    channelsButton_->setMenu(menu);
    controls->addWidget(channelsButton_);
    residuals_ = new QCheckBox("Residuals", this);
    residuals_->setObjectName("timeSeriesResiduals");
    residuals_->setToolTip("Add a plot of the current model's residual (model − data) per shown channel.");
    controls->addWidget(residuals_);
    metric_ = new QLabel(this);
    metric_->setObjectName("timeSeriesMetric");
    metric_->setWordWrap(true);  // many models make a long line; never widen the window
    metric_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    controls->addWidget(metric_, 1);
    layout->addLayout(controls);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("timeSeriesPlot");
    stylePlot(plot_);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    layout->addWidget(plot_, 1);
    slider_ = new RangeSlider(this);
    slider_->setObjectName("timeSeriesRange");
    layout->addWidget(slider_);
    decimateTimer_ = new QTimer(this);
    decimateTimer_->setSingleShot(true);
    decimateTimer_->setInterval(40);
    connect(decimateTimer_, &QTimer::timeout, this, &TimeSeriesView::redecimate);
    clearAll("Load a dataset, then train or import a model to compare its prediction with the data.");

    connect(context_, &StudioContext::datasetChanged, this, &TimeSeriesView::onDatasetChanged);
    connect(context_, &StudioContext::modelChanged, this, &TimeSeriesView::recompute);
    connect(board_, &ModelBoard::overlaysChanged, this, &TimeSeriesView::recompute);
    connect(trajectory_, &QComboBox::currentIndexChanged, this, [this] {
        layoutPlots();
        drawData();
        recompute();
    });
    connect(channelList_, &QListWidget::itemChanged, this, [this] {
        layoutPlots();
        drawData();
        drawPredictions();
    });
    connect(residuals_, &QCheckBox::toggled, this, [this] {
        layoutPlots();
        drawData();
        drawPredictions();
    });
    connect(slider_, &RangeSlider::rangeChanged, this, [this](double lo, double hi) { syncRange(lo, hi); });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { syncRange(slider_->minimum(), slider_->maximum()); });
}

QString TimeSeriesView::metricText() const { return metric_->text(); }

double TimeSeriesView::overlayNrmse(int boardId) const {
    if (prediction_)
        for (const auto& m : prediction_->models)
            if (m.boardId == boardId && boardId != 0) return m.meanNrmse;
    return std::numeric_limits<double>::quiet_NaN();
}

int TimeSeriesView::plottedPointCount(int shownIndex) const {
    int k = 0;
    for (const auto& s : series_)
        if (s.graph->name() == "data" || s.graph->name().startsWith("data ")) {
            if (k++ == shownIndex) return s.graph->dataCount();
        }
    return 0;
}

double TimeSeriesView::timeLower() const { return rects_.empty() ? 0 : rects_.front()->axis(QCPAxis::atBottom)->range().lower; }
double TimeSeriesView::timeUpper() const { return rects_.empty() ? 0 : rects_.front()->axis(QCPAxis::atBottom)->range().upper; }
void TimeSeriesView::setTimeRange(double lower, double upper) { slider_->setRange(lower, upper); }

void TimeSeriesView::clearAll(const QString& why) {
    ++generation_;
    job_->cancel();
    prediction_.reset();
    shownTrajectory_ = nullptr;
    series_.clear();
    rects_.clear();
    plot_->clearPlottables();
    plot_->clearItems();   // items hold the old axes
    plot_->plotLayout()->clear();
    auto* rect = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(0, 0, rect);
    plot_->xAxis = rect->axis(QCPAxis::atBottom);
    plot_->yAxis = rect->axis(QCPAxis::atLeft);
    plot_->xAxis->setLabel("t");
    lastNrmse_ = lastFit_ = std::numeric_limits<double>::quiet_NaN();
    metric_->clear();
    emptyText_ = why;
    setPlotMessage(plot_, why);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimeSeriesView::onDatasetChanged() {
    // The previous data's curves and numbers go at once.
    clearAll("Loading the new data…");
    const auto ds = context_->dataset();
    {
        const QSignalBlocker block(trajectory_);
        trajectory_->clear();
        if (ds) {
            std::map<int, QString> splitOf;
            for (const auto& [name, indices] : ds->splits)
                for (int i : indices) splitOf[i] = QString::fromStdString(name);
            int preferred = -1;
            for (std::size_t k = 0; k < ds->trajectories.size(); ++k) {
                const QString split = splitOf.count(static_cast<int>(k)) ? " [" + splitOf[static_cast<int>(k)] + "]" : QString();
                trajectory_->addItem(QString::fromStdString(ds->trajectories[k].id) + split, static_cast<int>(k));
                // Prefer held-out data: the first test trajectory, else the first validation one.
                if (preferred < 0 && splitOf[static_cast<int>(k)] == "test") preferred = static_cast<int>(k);
            }
            if (preferred < 0)
                for (std::size_t k = 0; k < ds->trajectories.size() && preferred < 0; ++k)
                    if (splitOf[static_cast<int>(k)] == "validation") preferred = static_cast<int>(k);
            trajectory_->setCurrentIndex(std::max(0, preferred));
        }
    }
    rebuildChannelPicker();
    layoutPlots();
    drawData();
    recompute();
}

void TimeSeriesView::rebuildChannelPicker() {
    const QSignalBlocker block(channelList_);
    channelList_->clear();
    const auto ds = context_->dataset();
    if (!ds) return;
    const ChannelSource c = channelsOf(*ds);
    for (Eigen::Index k = 0; k < c.count; ++k) {
        auto* item = new QListWidgetItem(channelName(c, k), channelList_);
        item->setData(Qt::UserRole, static_cast<int>(k));
        item->setCheckState(k < kDefaultChannels ? Qt::Checked : Qt::Unchecked);
    }
}

std::vector<int> TimeSeriesView::shownChannels() const {
    std::vector<int> out;
    for (int k = 0; k < channelList_->count(); ++k)
        if (channelList_->item(k)->checkState() == Qt::Checked) out.push_back(channelList_->item(k)->data(Qt::UserRole).toInt());
    return out;
}

void TimeSeriesView::setShownChannels(const std::vector<int>& channels) {
    {
        const QSignalBlocker block(channelList_);
        for (int k = 0; k < channelList_->count(); ++k) {
            const int c = channelList_->item(k)->data(Qt::UserRole).toInt();
            channelList_->item(k)->setCheckState(std::find(channels.begin(), channels.end(), c) != channels.end() ? Qt::Checked : Qt::Unchecked);
        }
    }
    layoutPlots();
    drawData();
    drawPredictions();
}

void TimeSeriesView::setShowResiduals(bool on) { residuals_->setChecked(on); }
void TimeSeriesView::selectTrajectory(int index) { trajectory_->setCurrentIndex(index); }

// One stacked axis rect per shown channel (+ residuals), sharing the time axis (x-only zoom and drag).
void TimeSeriesView::layoutPlots() {
    series_.clear();
    rects_.clear();
    plot_->clearPlottables();
    plot_->clearItems();   // items hold the old axes
    plot_->plotLayout()->clear();
    QFont tick = font();
    tick.setPointSize(9);
    const auto ds = context_->dataset();
    const std::vector<int> channels = shownChannels();
    const int index = trajectory_->currentData().toInt();
    const bool haveTrajectory = ds && index >= 0 && index < static_cast<int>(ds->trajectories.size());
    const int rows = std::max<int>(1, static_cast<int>(channels.size()) + (residuals_->isChecked() && !channels.empty() ? 1 : 0));
    auto* group = new QCPMarginGroup(plot_);
    for (int r = 0; r < rows; ++r) {
        auto* rect = new QCPAxisRect(plot_);
        plot_->plotLayout()->addElement(r, 0, rect);
        rect->setRangeDrag(Qt::Horizontal);
        rect->setRangeZoom(Qt::Horizontal);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
        for (QCPAxis* axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)}) {
            axis->setTickLabelFont(tick);
            axis->setLabelFont(tick);
            axis->grid()->setPen(QPen(QColor(225, 225, 225), 0, Qt::DotLine));
        }
        rect->axis(QCPAxis::atBottom)->setTickLabels(r == rows - 1);
        rect->axis(QCPAxis::atBottom)->setLabel(r == rows - 1 ? "t" : QString());
        connect(rect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this](const QCPRange& range) { syncRange(range.lower, range.upper); });
        rects_.push_back(rect);
    }
    plot_->xAxis = rects_.front()->axis(QCPAxis::atBottom);
    plot_->yAxis = rects_.front()->axis(QCPAxis::atLeft);
    plot_->legend = new QCPLegend;
    rects_.front()->insetLayout()->addElement(plot_->legend, Qt::AlignTop | Qt::AlignRight);
    plot_->legend->setLayer("legend");
    plot_->legend->setFont(tick);
    plot_->legend->setBrush(QColor(255, 255, 255, 220));
    plot_->legend->setVisible(false);
    if (haveTrajectory) {
        const auto& tr = ds->trajectories[static_cast<std::size_t>(index)];
        if (tr.t.size() > 1) {
            // Another trajectory (or data): show all of it; the same one keeps the user's range.
            const bool other = shownTrajectory_ != &tr;
            shownTrajectory_ = &tr;
            slider_->setLimits(tr.t[0], tr.t[tr.t.size() - 1]);
            if (other) slider_->setRange(tr.t[0], tr.t[tr.t.size() - 1]);
        }
    }
    syncRange(slider_->lower(), slider_->upper());
}

QCPGraph* TimeSeriesView::addSeries(QCPAxisRect* rect, const std::vector<double>& t, const std::vector<double>& v, const QPen& pen,
                                    const QString& name) {
    QCPGraph* g = plot_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    g->setPen(pen);
    g->setName(name);
    g->removeFromLegend();
    g->setSelectable(QCP::stNone);
    series_.push_back({g, t, v});
    return g;
}

void TimeSeriesView::drawData() {
    const auto ds = context_->dataset();
    const int index = trajectory_->currentData().toInt();
    if (!ds || index < 0 || index >= static_cast<int>(ds->trajectories.size())) return;
    const auto& tr = ds->trajectories[static_cast<std::size_t>(index)];
    if (tr.isPairSet()) {
        emptyText_ = "This dataset holds (x, ẋ) pairs without time: there is no trajectory to predict.";
        setPlotMessage(plot_, emptyText_);
        metric_->setText(emptyText_);
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const ChannelSource c = channelsOf(*ds);
    const Eigen::MatrixXd& values = c.states ? tr.x : tr.y;
    const std::vector<double> t(tr.t.data(), tr.t.data() + tr.t.size());
    const std::vector<int> channels = shownChannels();
    for (std::size_t r = 0; r < channels.size(); ++r) {
        const int ch = channels[r];
        std::vector<double> v(static_cast<std::size_t>(values.cols()));
        for (Eigen::Index k = 0; k < values.cols(); ++k) v[static_cast<std::size_t>(k)] = values(ch, k);
        QCPGraph* g = addSeries(rects_[r], t, v, QPen(kData, 1.3), "data");
        if (r == 0) g->addToLegend();
        rects_[r]->axis(QCPAxis::atLeft)->setLabel(channelName(c, ch));
        rects_[r]->axis(QCPAxis::atLeft)->rescale();
    }
    if (channels.empty()) setPlotMessage(plot_, "Choose channels to show (Channels ▾).");
    redecimate();
}

void TimeSeriesView::recompute() {
    if (!isVisible()) {
        refreshPending_ = true;
        return;
    }
    const auto model = context_->model();
    const auto ds = context_->dataset();
    const int index = trajectory_->currentData().toInt();
    ++generation_;
    if (!ds || index < 0 || index >= static_cast<int>(ds->trajectories.size())) return;
    if (rects_.empty()) {
        layoutPlots();
        drawData();
    }
    if (ds->trajectories[static_cast<std::size_t>(index)].isPairSet()) return;
    const ModelDataFit fit = context_->modelDataFit();
    // The previous predictions go (the data stays) whenever no new one can replace them.
    if (!model) {
        clearPredictions();
        emptyText_ = "Train or import a model to compare its prediction with the data.";
        metric_->setText(emptyText_);
        return;
    }
    if (!fit.dimensionsMatch) {
        clearPredictions();
        emptyText_ = fit.message;
        metric_->setText("<span style='color:#b91c1c'>" + fit.message.toHtmlEscaped() + "</span>");
        return;
    }
    emptyText_.clear();
    if (!prediction_) metric_->setText("Predicting…");   // a drawn prediction keeps its numbers until replaced
    // The current model and every ticked board model that fits the data.
    struct Job {
        int boardId;
        QString name;
        QColor colour;
        std::shared_ptr<const model::Model> model;
    };
    std::vector<Job> jobs{{0, context_->modelLabel(), kCurrent, model}};
    for (const auto& e : board_->entries())
        if (e.overlay && e.model && e.model != model) jobs.push_back({e.id, e.name, e.colour, e.model});
    const int generation = generation_;
    job_->submit(
        [jobs, ds, index, generation](const CancelToken& cancel) {
            auto out = std::make_shared<Prediction>();
            out->generation = generation;
            out->index = index;
            const auto& tr = ds->trajectories[static_cast<std::size_t>(index)];
            const ChannelSource c = channelsOf(*ds);
            const Eigen::MatrixXd& truth = c.states ? tr.x : tr.y;
            for (const auto& job : jobs) {
                cancel.throwIfCancelled();
                Prediction::One one;
                one.boardId = job.boardId;
                one.name = job.name;
                one.colour = job.colour;
                try {
                    const model::Prediction p = job.model->predict(tr);
                    const Eigen::MatrixXd& pred = c.states ? p.x : p.y;
                    if (pred.rows() != truth.rows() || pred.cols() != truth.cols()) {
                        one.problem = "predicts other channels";
                    } else {
                        one.values = pred;
                        one.diverged = p.diverged;
                        one.divergenceTime = p.divergenceTime;
                        one.stalled = p.stalled;
                        one.stallTime = p.stallTime;
                        one.restTime = p.restTime;
                        if (truth.cols() >= 2) {
                            one.nrmse = analysis::nrmsePerChannel(truth, pred);
                            one.fit = analysis::fitPercent(truth, pred);
                            one.meanNrmse = one.nrmse.mean();
                            one.meanFit = one.fit.mean();
                        }
                    }
                } catch (const std::exception& e) {
                    one.problem = QString::fromUtf8(e.what());
                }
                out->models.push_back(std::move(one));
            }
            return out;
        },
        [this](std::shared_ptr<Prediction> p) {
            if (p->generation != generation_) return;
            prediction_ = std::move(p);
            drawPredictions();
            emit predictionDrawn();
        },
        [this](const QString& error) {
            metric_->setText("<span style='color:#b91c1c'>Prediction failed: " + error.toHtmlEscaped() + "</span>");
        });
}

void TimeSeriesView::drawPredictions() {
    const auto ds = context_->dataset();
    if (!prediction_ || !ds || prediction_->index >= static_cast<int>(ds->trajectories.size())) return;
    clearPredictions(false);
    const auto& tr = ds->trajectories[static_cast<std::size_t>(prediction_->index)];
    const ChannelSource c = channelsOf(*ds);
    const Eigen::MatrixXd& truth = c.states ? tr.x : tr.y;
    const std::vector<int> channels = shownChannels();
    QStringList summary;
    for (const auto& m : prediction_->models) {
        const bool current = m.boardId == 0;
        if (current) {
            lastNrmse_ = m.meanNrmse;
            lastFit_ = m.meanFit;
        }
        if (m.values.size() == 0) {
            summary << QString("<span style='color:%1'>■</span> %2: <i>%3</i>").arg(m.colour.name(), m.name.toHtmlEscaped(), m.problem.toHtmlEscaped());
            continue;
        }
        QStringList perChannel;
        for (Eigen::Index ch = 0; ch < m.nrmse.size() && ch < 8; ++ch)
            perChannel << QString("%1: NRMSE %2, fit %3 %").arg(channelName(c, ch)).arg(m.nrmse[ch], 0, 'g', 3).arg(m.fit[ch], 0, 'f', 1);
        if (m.nrmse.size() > 8) perChannel << QString("… %1 channels in all").arg(m.nrmse.size());
        QString line = QString("<span style='color:%1'>■</span> <b>%2</b>: NRMSE %3, fit %4 %")
                           .arg(m.colour.name(), m.name.toHtmlEscaped())
                           .arg(m.meanNrmse, 0, 'g', 3)
                           .arg(m.meanFit, 0, 'f', 1);
        if (m.diverged) line += QString(" <span style='color:#b91c1c'><b>diverged at t = %1</b></span>").arg(m.divergenceTime, 0, 'g', 3);
        // A stall is the integrator giving up while the state is bounded — not instability.
        if (m.stalled)
            line += QString(" <span style='color:#b45309'><b>stalled at t = %1</b> (integrator step limit; the state stayed bounded)</span>")
                        .arg(m.stallTime, 0, 'g', 3);
        if (std::isfinite(m.restTime)) line += QString(" · at rest from t = %1").arg(m.restTime, 0, 'g', 3);
        summary << line;
        if (current) metric_->setToolTip(perChannel.join("\n"));
        const std::vector<double> t(tr.t.data(), tr.t.data() + tr.t.size());
        for (std::size_t r = 0; r < channels.size(); ++r) {
            const int ch = channels[r];
            std::vector<double> v(static_cast<std::size_t>(m.values.cols()));
            for (Eigen::Index k = 0; k < m.values.cols(); ++k) v[static_cast<std::size_t>(k)] = m.values(ch, k);
            QCPGraph* g = addSeries(rects_[r], t, v, current ? QPen(m.colour, 1.8) : QPen(m.colour, 1.6, Qt::DashLine), m.name);
            if (r == 0) g->addToLegend();
        }
        // Residuals of the current model, one line per shown channel.
        if (current && residuals_->isChecked() && !channels.empty() && rects_.size() > channels.size()) {
            QCPAxisRect* rect = rects_.back();
            rect->axis(QCPAxis::atLeft)->setLabel("model − data");
            for (std::size_t r = 0; r < channels.size(); ++r) {
                const int ch = channels[r];
                std::vector<double> v(static_cast<std::size_t>(m.values.cols()));
                for (Eigen::Index k = 0; k < m.values.cols(); ++k) v[static_cast<std::size_t>(k)] = m.values(ch, k) - truth(ch, k);
                static const QRgb palette[] = {0x2563eb, 0xdc2626, 0x16a34a, 0x9333ea, 0xea580c, 0x0891b2};
                addSeries(rect, t, v, QPen(QColor::fromRgb(palette[r % 6]), 1.2), "residual " + channelName(c, ch));
            }
            auto* zero = addSeries(rect, {t.front(), t.back()}, {0.0, 0.0}, QPen(QColor(156, 163, 175), 1, Qt::DotLine), "zero");
            zero->setName("residual zero");
        }
    }
    for (std::size_t r = 0; r < rects_.size(); ++r) rects_[r]->axis(QCPAxis::atLeft)->rescale();
    // A diverged prediction's last values can be huge: keep each channel's axis on the data (+ margin).
    for (std::size_t r = 0; r < channels.size() && r < rects_.size(); ++r) {
        const auto row = truth.row(channels[r]);
        const double lo = row.minCoeff(), hi = row.maxCoeff(), span = std::max(hi - lo, 1e-9);
        QCPRange range = rects_[r]->axis(QCPAxis::atLeft)->range();
        range.lower = std::max(range.lower, lo - span);
        range.upper = std::min(range.upper, hi + span);
        rects_[r]->axis(QCPAxis::atLeft)->setRange(range);
    }
    plot_->legend->setVisible(true);
    metric_->setText(summary.join(" &nbsp; "));
    setPlotMessage(plot_, {});
    redecimate();
}

void TimeSeriesView::clearPredictions(bool forget) {
    // Prediction graphs go; the data graphs stay.
    for (auto it = series_.begin(); it != series_.end();) {
        if (it->graph->name() != "data") {
            plot_->removeGraph(it->graph);
            it = series_.erase(it);
        } else {
            ++it;
        }
    }
    if (forget) {
        prediction_.reset();
        lastNrmse_ = lastFit_ = std::numeric_limits<double>::quiet_NaN();
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimeSeriesView::syncRange(double lower, double upper) {
    if (syncing_ || rects_.empty()) return;
    syncing_ = true;
    for (QCPAxisRect* r : rects_) r->axis(QCPAxis::atBottom)->setRange(lower, upper);
    slider_->setRange(lower, upper);
    syncing_ = false;
    decimateTimer_->start();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimeSeriesView::redecimate() {
    if (rects_.empty()) return;
    const QCPRange range = rects_.front()->axis(QCPAxis::atBottom)->range();
    const int pixels = std::max(50, rects_.front()->width());
    for (auto& s : series_) {
        if (s.decimatedPixels == pixels && s.decimatedLower == range.lower && s.decimatedUpper == range.upper) continue;
        s.decimatedPixels = pixels;
        s.decimatedLower = range.lower;
        s.decimatedUpper = range.upper;
        const std::size_t n = s.t.size();
        QVector<double> keys, values;
        if (n > static_cast<std::size_t>(4 * pixels) && range.upper > range.lower) {
            // Min/max per pixel column of the visible range: the drawn line is the same, far fewer points.
            const auto keep = analysis::decimateMinMaxIndices(s.t, s.v, range.lower, range.upper, pixels);
            keys.reserve(static_cast<qsizetype>(keep.size()));
            values.reserve(static_cast<qsizetype>(keep.size()));
            for (std::size_t i : keep) {
                keys << s.t[i];
                values << s.v[i];
            }
        } else {
            keys = QVector<double>(s.t.begin(), s.t.end());
            values = QVector<double>(s.v.begin(), s.v.end());
        }
        s.graph->setData(keys, values, true);
        s.graph->setAdaptiveSampling(false);   // already at pixel resolution
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

nlohmann::json TimeSeriesView::viewSettings() const {
    return {{"trajectory", trajectory_->currentIndex()},
            {"channels", shownChannels()},
            {"residuals", residuals_->isChecked()},
            {"t_range", {slider_->lower(), slider_->upper()}}};
}

void TimeSeriesView::applyViewSettings(const nlohmann::json& s) {
    if (s.contains("trajectory")) {
        const int k = s["trajectory"].get<int>();
        if (k >= 0 && k < trajectory_->count()) trajectory_->setCurrentIndex(k);
    }
    if (s.contains("residuals") && s["residuals"].is_boolean()) residuals_->setChecked(s["residuals"].get<bool>());
    if (s.contains("channels") && s["channels"].is_array()) setShownChannels(s["channels"].get<std::vector<int>>());
    if (s.contains("t_range") && s["t_range"].is_array() && s["t_range"].size() == 2)
        setTimeRange(s["t_range"][0].get<double>(), s["t_range"][1].get<double>());
}

void TimeSeriesView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!refreshPending_) return;
    refreshPending_ = false;
    recompute();
}

}  // namespace sd::studio
