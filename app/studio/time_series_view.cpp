#include "app/studio/time_series_view.h"

#include "app/studio/latest_job.h"
#include "app/studio/color_maps.h"
#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"

#include <QComboBox>
#include <QHBoxLayout>
#include "core/analysis/metrics.h"

#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

namespace sd::studio {

namespace {
constexpr Eigen::Index kMaxPlottedChannels = 12;

struct PredictionResult {
    model::Prediction prediction;
    int index = 0;
    int generation = 0;
};
}  // namespace

TimeSeriesView::TimeSeriesView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    job_ = new LatestJob(this);
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    trajectory_ = new QComboBox(this);
    trajectory_->setObjectName("timeSeriesTrajectory");
    trajectory_->setMinimumWidth(220);
    controls->addWidget(new QLabel("Trajectory:", this));
    controls->addWidget(trajectory_);
    metric_ = new QLabel(this);
    metric_->setObjectName("timeSeriesMetric");
    metric_->setWordWrap(true);  // many channels make a long line; never widen the window
    metric_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    controls->addWidget(metric_, 1);
    layout->addLayout(controls);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("timeSeriesPlot");
    stylePlot(plot_);
    plot_->xAxis->setLabel("t");
    plot_->yAxis->setLabel("state / output");
    plot_->legend->setVisible(true);
    setPlotMessage(plot_, "Train or import a model to compare its prediction with the data.");
    layout->addWidget(plot_, 1);
    connect(context_, &StudioContext::datasetChanged, this, &TimeSeriesView::onDatasetChanged);
    connect(context_, &StudioContext::modelChanged, this, &TimeSeriesView::recompute);
    connect(trajectory_, &QComboBox::currentIndexChanged, this, &TimeSeriesView::recompute);
}

QString TimeSeriesView::metricText() const { return metric_->text(); }

void TimeSeriesView::onDatasetChanged() {
    const auto ds = context_->dataset();
    const QSignalBlocker block(trajectory_);
    trajectory_->clear();
    if (!ds) return;
    std::map<int, QString> splitOf;
    for (const auto& [name, indices] : ds->splits)
        for (int i : indices) splitOf[i] = QString::fromStdString(name);
    int preferred = -1;
    for (std::size_t k = 0; k < ds->trajectories.size(); ++k) {
        const QString split = splitOf.count(static_cast<int>(k)) ? " [" + splitOf[static_cast<int>(k)] + "]" : QString();
        trajectory_->addItem(QString::fromStdString(ds->trajectories[k].id) + split, static_cast<int>(k));
        // Prefer held-out data: the first test trajectory, else the first validation one.
        if (preferred < 0 && (splitOf[static_cast<int>(k)] == "test")) preferred = static_cast<int>(k);
    }
    if (preferred < 0)
        for (std::size_t k = 0; k < ds->trajectories.size() && preferred < 0; ++k)
            if (splitOf[static_cast<int>(k)] == "validation") preferred = static_cast<int>(k);
    trajectory_->setCurrentIndex(std::max(0, preferred));
    recompute();
}

void TimeSeriesView::selectTrajectory(int index) { trajectory_->setCurrentIndex(index); }

void TimeSeriesView::recompute() {
    if (!isVisible()) {
        refreshPending_ = true;
        return;
    }
    const auto model = context_->model();
    const auto ds = context_->dataset();
    const int index = trajectory_->currentData().toInt();
    if (!model || !ds || index < 0 || index >= static_cast<int>(ds->trajectories.size())) return;
    const auto& tr = ds->trajectories[static_cast<std::size_t>(index)];
    if (tr.isPairSet()) {
        setPlotMessage(plot_, "This dataset holds (x, ẋ) pairs without time: there is no trajectory to predict.");
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const int generation = ++generation_;
    job_->submit(
        [model, ds, index, generation](const CancelToken&) {
            return PredictionResult{model->predict(ds->trajectories[static_cast<std::size_t>(index)]), index, generation};
        },
        [this](PredictionResult r) {
            if (r.generation != generation_) return;
            const auto ds = context_->dataset();
            if (!ds || r.index >= static_cast<int>(ds->trajectories.size())) return;
            const auto& tr = ds->trajectories[static_cast<std::size_t>(r.index)];
            plot_->clearGraphs();
            const bool useStates = r.prediction.x.rows() > 0 && tr.x.rows() == r.prediction.x.rows();
            const Eigen::MatrixXd& truth = useStates ? tr.x : tr.y;
            const Eigen::MatrixXd& pred = useStates ? r.prediction.x : r.prediction.y;
            const auto& names = useStates ? ds->stateNames : ds->outputNames;
            QStringList perChannel;
            double sum = 0;
            int counted = 0;
            const Eigen::Index channels = std::min(truth.rows(), pred.rows());
            for (Eigen::Index c = 0; c < channels; ++c) {
                const Eigen::Index common = std::min(truth.cols(), pred.cols());
                const double e = common >= 2 ? analysis::nrmseMean(truth.row(c).head(common), pred.row(c).head(common))
                                        : std::numeric_limits<double>::quiet_NaN();
                if (std::isfinite(e)) {
                    sum += e;
                    ++counted;
                }
                if (c >= kMaxPlottedChannels) continue;  // videos: thousands of pixel channels; the mean covers all
                const QString name = c < static_cast<Eigen::Index>(names.size()) ? QString::fromStdString(names[c]) : QString("ch%1").arg(c);
                const QColor colour = runColor(static_cast<int>(c));
                auto* g = plot_->addGraph();
                g->setName(name + " (data)");
                g->setPen(QPen(colour, 1.2));
                auto* p = plot_->addGraph();
                p->setName(name + " (model)");
                p->setPen(QPen(colour.darker(130), 2.0, Qt::DashLine));
                const Eigen::Index K = tr.t.size();
                QVector<double> t(K), v(K), tp, vp;
                for (Eigen::Index k = 0; k < K; ++k) {
                    t[k] = tr.t[k];
                    v[k] = truth(c, k);
                    if (k < pred.cols() && std::isfinite(pred(c, k))) {
                        tp << tr.t[k];
                        vp << pred(c, k);
                    }
                }
                g->setData(t, v, true);
                p->setData(tp, vp, true);
                perChannel << QString("%1 %2").arg(name).arg(e, 0, 'g', 3);
            }
            if (channels > kMaxPlottedChannels)
                perChannel << QString("… (%1 channels; the first %2 are plotted)").arg(channels).arg(kMaxPlottedChannels);
            lastNrmse_ = counted ? sum / counted : std::numeric_limits<double>::quiet_NaN();
            QString text = QString("<b>NRMSE</b> (RMSE / std of data): mean %1 — %2").arg(lastNrmse_, 0, 'g', 3).arg(perChannel.join(", "));
            if (r.prediction.diverged)
                text += QString(" <span style='color:#b91c1c'><b>prediction diverged at t = %1</b></span>").arg(r.prediction.divergenceTime, 0, 'g', 3);
            metric_->setText(text);
            plot_->rescaleAxes();
            setPlotMessage(plot_, {});
            plot_->replot(QCustomPlot::rpQueuedReplot);
            emit predictionDrawn();
        },
        [this](const QString& error) { metric_->setText("<span style='color:#b91c1c'>Prediction failed: " + error.toHtmlEscaped() + "</span>"); });
}

nlohmann::json TimeSeriesView::viewSettings() const { return {{"trajectory", trajectory_->currentIndex()}}; }

void TimeSeriesView::applyViewSettings(const nlohmann::json& s) {
    if (s.contains("trajectory")) {
        const int k = s["trajectory"].get<int>();
        if (k >= 0 && k < trajectory_->count()) trajectory_->setCurrentIndex(k);
    }
}

void TimeSeriesView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!refreshPending_) return;
    refreshPending_ = false;
    recompute();
}

}  // namespace sd::studio
