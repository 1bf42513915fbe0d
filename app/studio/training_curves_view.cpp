#include "app/studio/training_curves_view.h"

#include "app/studio/analysis_bridge.h"
#include "app/studio/color_maps.h"
#include "app/studio/plot_style.h"
#include "core/common/atomic_file.h"
#include "core/model/model.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace sd::studio {

TrainingCurvesView::TrainingCurvesView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("trainingCurvesPlot");
    stylePlot(plot_);
    plot_->xAxis->setLabel("epoch");
    plot_->yAxis->setLabel("loss");
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setPlotMessage(plot_, "Train a model to see its loss curves here.");
    layout->addWidget(plot_, 1);

    auto* side = new QVBoxLayout;
    smoothingLabel_ = new QLabel(this);
    side->addWidget(smoothingLabel_);
    smoothingSlider_ = new QSlider(Qt::Horizontal, this);
    smoothingSlider_->setObjectName("emaSlider");
    smoothingSlider_->setRange(0, 99);   // TensorBoard caps the slider at 0.99
    smoothingSlider_->setValue(60);
    smoothingSlider_->setToolTip("Debiased exponential moving average, as in TensorBoard (0 = raw).");
    side->addWidget(smoothingSlider_);
    logY_ = new QCheckBox("Logarithmic loss axis", this);
    logY_->setObjectName("logYCheck");
    logY_->setChecked(true);
    side->addWidget(logY_);
    side->addWidget(new QLabel("Runs (tick to show):", this));
    runList_ = new QListWidget(this);
    runList_->setObjectName("runList");
    runList_->setMaximumWidth(220);
    side->addWidget(runList_, 1);
    auto* exportButton = new QPushButton("Export CSV…", this);
    exportButton->setObjectName("exportCurvesButton");
    side->addWidget(exportButton);
    layout->addLayout(side);

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
    connect(logY_, &QCheckBox::toggled, this, [this](bool on) {
        plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        if (on) plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        else plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        firstRescale_ = true;
        scheduleRefresh();
    });
    plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    connect(runList_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        setRunVisible(item->data(Qt::UserRole).toInt(), item->checkState() == Qt::Checked);
    });
    connect(exportButton, &QPushButton::clicked, this, &TrainingCurvesView::chooseCsvFile);
}

TrainingCurvesView::Run& TrainingCurvesView::runFor(int run) {
    auto it = runs_.find(run);
    if (it != runs_.end()) return it->second;
    Run& r = runs_[run];
    const QColor c = runColor(run - 1);
    QColor faint = c;
    faint.setAlpha(60);
    auto makeGraph = [&](const QString& name, const QPen& pen, bool inLegend) {
        QCPGraph* g = plot_->addGraph();
        g->setName(name);
        g->setPen(pen);
        if (!inLegend) g->removeFromLegend();
        return g;
    };
    r.trainRaw = makeGraph({}, QPen(faint, 1), false);
    r.valRaw = makeGraph({}, QPen(faint, 1, Qt::DashLine), false);
    r.trainSmooth = makeGraph(QString("run %1 train").arg(run), QPen(c, 2), true);
    r.valSmooth = makeGraph(QString("run %1 validation").arg(run), QPen(c, 2, Qt::DashLine), true);
    {
        // Every setter below emits itemChanged, which would read the not-yet-set check state as "hide".
        const QSignalBlocker block(runList_);
        auto* item = new QListWidgetItem(QString("run %1").arg(run), runList_);
        item->setData(Qt::UserRole, run);
        item->setForeground(c);
        item->setCheckState(Qt::Checked);
    }
    setPlotMessage(plot_, {});
    return r;
}

void TrainingCurvesView::addEvent(int run, const model::TrainEvent& ev) {
    Run& r = runFor(run);
    r.epochs.push_back(ev.epoch);
    r.train.push_back(ev.trainLoss);
    r.validation.push_back(ev.validationLoss);
    // Raw points go in at once; smoothing and the replot are coalesced into one pass per event-loop turn.
    r.trainRaw->addData(ev.epoch, ev.trainLoss);
    if (std::isfinite(ev.validationLoss)) r.valRaw->addData(ev.epoch, ev.validationLoss);
    scheduleRefresh();
}

void TrainingCurvesView::addEvents(int run, const std::vector<model::TrainEvent>& events) {
    for (const auto& ev : events) addEvent(run, ev);
}

int TrainingCurvesView::lastEpoch(int run) const {
    const auto it = runs_.find(run);
    return it == runs_.end() || it->second.epochs.empty() ? 0 : static_cast<int>(it->second.epochs.back());
}

int TrainingCurvesView::shownEpoch(int run) const {
    const auto it = runs_.find(run);
    if (it == runs_.end() || it->second.trainSmooth->dataCount() == 0) return 0;
    return static_cast<int>(it->second.trainSmooth->data()->at(it->second.trainSmooth->dataCount() - 1)->key);
}

int TrainingCurvesView::pointCount(int run) const {
    const auto it = runs_.find(run);
    return it == runs_.end() ? 0 : static_cast<int>(it->second.epochs.size());
}

void TrainingCurvesView::setRunVisible(int run, bool visible) {
    auto it = runs_.find(run);
    if (it == runs_.end()) return;
    it->second.visible = visible;
    for (int k = 0; k < runList_->count(); ++k)
        if (runList_->item(k)->data(Qt::UserRole).toInt() == run) {
            const QSignalBlocker block(runList_);
            runList_->item(k)->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
        }
    scheduleRefresh();
}

void TrainingCurvesView::setSmoothing(double weight) { smoothingSlider_->setValue(static_cast<int>(std::lround(weight * 100))); }

void TrainingCurvesView::scheduleRefresh() {
    if (!refreshTimer_->isActive()) refreshTimer_->start();
}

void TrainingCurvesView::refreshGraphs() {
    for (auto& [id, r] : runs_) {
        const auto trainSmooth = smoothEma(r.train, smoothing_);
        const auto valSmooth = smoothEma(r.validation, smoothing_);
        QVector<double> e(r.epochs.begin(), r.epochs.end());
        QVector<double> ts(trainSmooth.begin(), trainSmooth.end());
        r.trainSmooth->setData(e, ts, true);
        QVector<double> ve, vs;
        for (std::size_t k = 0; k < valSmooth.size(); ++k)
            if (std::isfinite(valSmooth[k])) {
                ve << r.epochs[k];
                vs << valSmooth[k];
            }
        r.valSmooth->setData(ve, vs, true);
        // Few points (e.g. a one-shot least-squares fit): draw markers, a line alone would be invisible.
        const QCPScatterStyle marker = e.size() < 30 ? QCPScatterStyle(QCPScatterStyle::ssDisc, 6) : QCPScatterStyle();
        r.trainSmooth->setScatterStyle(marker);
        r.valSmooth->setScatterStyle(marker);
        for (QCPGraph* g : {r.trainRaw, r.trainSmooth, r.valRaw, r.valSmooth}) g->setVisible(r.visible);
        r.trainSmooth->setVisible(r.visible);
        if (r.visible) {
            r.trainSmooth->addToLegend();
            if (!vs.isEmpty()) r.valSmooth->addToLegend();
            else r.valSmooth->removeFromLegend();
        } else {
            r.trainSmooth->removeFromLegend();
            r.valSmooth->removeFromLegend();
        }
    }
    // Follow the data while training: rescale to everything visible.
    bool any = false;
    for (int k = 0; k < plot_->graphCount(); ++k) any = any || (plot_->graph(k)->visible() && !plot_->graph(k)->data()->isEmpty());
    if (any) plot_->rescaleAxes(true);
    firstRescale_ = false;
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit refreshed();
}

void TrainingCurvesView::exportCsv(const QString& path) const {
    // 17 significant digits so the numbers read back bit-exact; NaN (no validation) is an empty cell.
    auto cell = [](double v) {
        if (!std::isfinite(v)) return std::string();
        std::ostringstream s;
        s << std::setprecision(17) << v;
        return s.str();
    };
    std::ostringstream out;
    out << "run,epoch,train_loss,validation_loss,train_smoothed,validation_smoothed\n";
    for (const auto& [id, r] : runs_) {
        const auto ts = smoothEma(r.train, smoothing_);
        const auto vs = smoothEma(r.validation, smoothing_);
        for (std::size_t k = 0; k < r.epochs.size(); ++k)
            out << id << ',' << r.epochs[k] << ',' << cell(r.train[k]) << ',' << cell(r.validation[k]) << ','
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
    return {{"smoothing", smoothing_}, {"log_y", logY_->isChecked()}};
}

void TrainingCurvesView::applyViewSettings(const nlohmann::json& s) {
    if (s.contains("smoothing") && s["smoothing"].is_number()) setSmoothing(s["smoothing"].get<double>());
    if (s.contains("log_y") && s["log_y"].is_boolean()) logY_->setChecked(s["log_y"].get<bool>());
}

}  // namespace sd::studio
