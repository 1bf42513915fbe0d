#include "app/studio/sweep_view.h"

#include "app/studio/color_maps.h"
#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"
#include "app/studio/sweep_runner.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_plugin.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace sd::studio {

namespace {

const QColor kMaskedCell(212, 212, 216);    // grey behind masked cells (they are NaN, hence transparent)
const QColor kMaskedMark(185, 28, 28);

QString formatValue(double v, bool integer) {
    return integer ? QString::number(static_cast<long long>(std::llround(v))) : QString::number(v, 'g', 4);
}

// Short reason a result is masked, written into its cell.
QString maskReason(const SweepResult& r) {
    if (!r.failure.empty()) return "failed";
    if (r.diverged) return "diverged";
    if (!r.verified) return "unverified";
    return "no score";
}

// A log axis when the schema says so or the (positive) values span more than two decades.
bool wantsLogAxis(const SweepAxis& a) {
    const auto [lo, hi] = std::minmax_element(a.values.begin(), a.values.end());
    if (*lo <= 0) return false;
    return a.log || *hi / *lo > 100.0;
}

void setLogScale(QCPAxis* axis, bool log) {
    axis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log) axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
}

// Three values around the current one, as a starting point for the user's list.
QString suggestValues(const nlohmann::json& current, bool integer) {
    if (!current.is_number()) return integer ? "1, 2, 4" : "0.1, 1, 10";
    const double v = current.get<double>();
    if (integer) {
        const long long n = std::llround(v);
        return n <= 1 ? QString("%1, %2, %3").arg(n).arg(n + 1).arg(n + 2) : QString("%1, %2, %3").arg(std::max(1LL, n / 2)).arg(n).arg(2 * n);
    }
    if (v == 0) return "0, 0.5, 1";
    return QString("%1, %2, %3").arg(v / 10, 0, 'g', 3).arg(v, 0, 'g', 3).arg(v * 10, 0, 'g', 3);
}

}  // namespace

SweepView::SweepView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    runner_ = new SweepRunner(this);
    auto* layout = new QVBoxLayout(this);
    auto* grid = new QGridLayout;
    paramA_ = new QComboBox(this);
    paramA_->setObjectName("sweepParamA");
    paramB_ = new QComboBox(this);
    paramB_->setObjectName("sweepParamB");
    valuesA_ = new QLineEdit(this);
    valuesA_->setObjectName("sweepValuesA");
    valuesB_ = new QLineEdit(this);
    valuesB_->setObjectName("sweepValuesB");
    // Bounded widths: long parameter labels must not widen the whole window.
    for (QComboBox* c : {paramA_, paramB_}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(12);
    }
    for (QLineEdit* e : {valuesA_, valuesB_}) {
        e->setMinimumWidth(110);
        e->setPlaceholderText("e.g. 1e-4, 1e-3, 1e-2");
    }
    for (QLineEdit* e : {valuesA_, valuesB_})
        e->setToolTip("Values separated by commas, e.g. 1e-4, 1e-3, 1e-2. The other hyperparameters come from the Model dock.");
    grid->addWidget(new QLabel("A (horizontal):", this), 0, 0);
    grid->addWidget(paramA_, 0, 1);
    grid->addWidget(valuesA_, 0, 2);
    grid->addWidget(new QLabel("B (vertical):", this), 1, 0);
    grid->addWidget(paramB_, 1, 1);
    grid->addWidget(valuesB_, 1, 2);
    grid->setColumnStretch(1, 0);
    grid->setColumnStretch(2, 3);
    auto* buttons = new QVBoxLayout;
    run_ = new QPushButton("Run sweep", this);
    run_->setObjectName("sweepRunButton");
    run_->setToolTip("Train one model per configuration on the train split and score it on the validation split.");
    stop_ = new QPushButton("Stop", this);
    stop_->setObjectName("sweepStopButton");
    export_ = new QPushButton("Export CSV…", this);
    export_->setObjectName("sweepExportButton");
    auto* row = new QHBoxLayout;
    row->addWidget(run_);
    row->addWidget(stop_);
    row->addWidget(export_);
    buttons->addLayout(row);
    grid->addLayout(buttons, 0, 3, 2, 1);
    layout->addLayout(grid);
    status_ = new QLabel("Choose one or two numeric hyperparameters and their values, then Run sweep.", this);
    status_->setObjectName("sweepStatus");
    status_->setWordWrap(true);
    layout->addWidget(status_);

    plot_ = new QCustomPlot(this);
    plot_->setObjectName("sweepPlot");
    stylePlot(plot_);
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    QCPColorGradient gradient = viridisGradient();
    gradient.setNanHandling(QCPColorGradient::nhTransparent);   // masked cells show the grey background
    map_->setInterpolate(false);
    map_->setVisible(false);
    scale_ = new QCPColorScale(plot_);
    scale_->setType(QCPAxis::atRight);
    scale_->setVisible(false);
    map_->setColorScale(scale_);
    scale_->setGradient(gradient);
    setPlotMessage(plot_, "Run a sweep to see the error of every configuration here.");
    layout->addWidget(plot_, 1);

    connect(paramA_, &QComboBox::currentIndexChanged, this, [this] { onParameterChosen(paramA_, valuesA_); });
    connect(paramB_, &QComboBox::currentIndexChanged, this, [this] { onParameterChosen(paramB_, valuesB_); });
    connect(run_, &QPushButton::clicked, this, &SweepView::run);
    connect(stop_, &QPushButton::clicked, this, &SweepView::stop);
    connect(export_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Export sweep", "sweep.csv", "CSV (*.csv)");
        if (path.isEmpty()) return;
        try {
            exportCsv(path);
        } catch (const std::exception& e) {
            QMessageBox::warning(this, "Export failed", e.what());
        }
    });
    connect(runner_, &SweepRunner::resultReady, this, &SweepView::onResult);
    connect(runner_, &SweepRunner::finished, this, [this](bool cancelled) {
        const int masked = maskedCount();
        setStatus(QString("Sweep %1: %2 of %3 configurations, %4 masked (unverified, diverged or failed).")
                      .arg(cancelled ? "stopped" : "finished")
                      .arg(results_.size())
                      .arg(cellCount())
                      .arg(masked),
                  false);
        updateButtons();
        emit sweepFinished();
    });
    connect(context_, &StudioContext::pluginChanged, this, &SweepView::refreshParameters);
    refreshParameters();
    updateButtons();
}

SweepView::~SweepView() {
    runner_->stop();
    runner_->waitForFinished();
}

void SweepView::refreshParameters() {
    const auto* plugin = context_->plugin();
    parameters_ = plugin ? sweepableParameters(plugin->plugin->hyperparameterSchema()) : std::vector<SweepableParameter>{};
    {
        const QSignalBlocker a(paramA_), b(paramB_);
        paramA_->clear();
        paramB_->clear();
        paramB_->addItem("(none: one parameter)", QString());
        for (const auto& p : parameters_) {
            const QString text = QString("%1 (%2)").arg(p.label, QString::fromStdString(p.key));
            paramA_->addItem(text, QString::fromStdString(p.key));
            paramB_->addItem(text, QString::fromStdString(p.key));
        }
    }
    onParameterChosen(paramA_, valuesA_, true);
    onParameterChosen(paramB_, valuesB_, true);
    updateButtons();
}

void SweepView::onParameterChosen(QComboBox* chooser, QLineEdit* values, bool schemaDefault) {
    const std::string key = chooser->currentData().toString().toStdString();
    values->setEnabled(!key.empty());
    if (key.empty()) {
        values->clear();
        return;
    }
    const auto it = std::find_if(parameters_.begin(), parameters_.end(), [&](const auto& p) { return p.key == key; });
    if (it == parameters_.end()) return;
    // Around the form's value; right after a plugin switch the context still holds the previous plugin's
    // values, so the schema default is the fallback.
    const auto& hyper = context_->hyperparameters();
    values->setText(suggestValues(!schemaDefault && hyper.contains(key) ? hyper[key] : it->defaultValue, it->integer));
}

bool SweepView::setSweep(const std::string& keyA, const QString& valuesA, const std::string& keyB, const QString& valuesB) {
    const int a = paramA_->findData(QString::fromStdString(keyA));
    const int b = paramB_->findData(QString::fromStdString(keyB));
    if (a < 0 || b < 0) return false;
    paramA_->setCurrentIndex(a);
    paramB_->setCurrentIndex(b);
    valuesA_->setText(valuesA);
    valuesB_->setText(valuesB);
    return true;
}

bool SweepView::run() {
    if (runner_->isRunning()) return false;
    const auto* plugin = context_->plugin();
    const auto ds = context_->dataset();
    if (!ds) {
        setStatus("Load a dataset first (Data dock).", true);
        return false;
    }
    if (!plugin || parameters_.empty()) {
        setStatus("Choose a model plugin with numeric hyperparameters first (Model dock).", true);
        return false;
    }
    auto axisFor = [this](QComboBox* chooser, QLineEdit* edit) {
        const std::string key = chooser->currentData().toString().toStdString();
        const auto it = std::find_if(parameters_.begin(), parameters_.end(), [&](const auto& p) { return p.key == key; });
        SweepAxis axis;
        axis.key = key;
        axis.integer = it->integer;
        axis.values = parseSweepValues(edit->text(), axis.integer, key);
        axis.log = it->log;
        return axis;
    };
    std::vector<SweepConfiguration> configurations;
    try {
        axisA_ = axisFor(paramA_, valuesA_);
        axisB_.reset();
        if (!paramB_->currentData().toString().isEmpty()) {
            axisB_ = axisFor(paramB_, valuesB_);
            if (axisB_->key == axisA_.key) throw Error("sweep", "choose two different parameters");
        }
        axisA_.log = wantsLogAxis(axisA_);
        if (axisB_) axisB_->log = wantsLogAxis(*axisB_);
        // Validate every configuration up front, so a bad value is reported before anything trains.
        configurations = sweepConfigurations(context_->hyperparameters(), axisA_, axisB_);
        const nlohmann::json schema = plugin->plugin->hyperparameterSchema();
        for (auto& c : configurations) c.hyper = model::validateHyperparameters(schema, c.hyper);
    } catch (const std::exception& e) {
        setStatus(QString("Cannot run the sweep: %1").arg(e.what()), true);
        return false;
    }
    const std::string scoreSplit = sweepScoreSplit(*ds, context_->validationSplit(), context_->trainSplit());
    results_.clear();
    const int total = static_cast<int>(configurations.size());
    if (!runner_->start(plugin->plugin, std::move(configurations), ds, context_->trainSplit(), context_->validationSplit(),
                        scoreSplit, 0))
        return false;
    setStatus(QString("Sweep running: 0 of %1 configurations (scored on the '%2' split)…")
                  .arg(total)
                  .arg(QString::fromStdString(scoreSplit.empty() ? std::string("all") : scoreSplit)),
              false);
    redraw();
    updateButtons();
    return true;
}

void SweepView::stop() { runner_->stop(); }
bool SweepView::isRunning() const { return runner_->isRunning(); }
QString SweepView::statusText() const { return status_->text(); }

int SweepView::cellCount() const {
    if (axisA_.values.empty()) return 0;
    return static_cast<int>(axisA_.values.size() * (axisB_ ? axisB_->values.size() : 1));
}

int SweepView::maskedCount() const {
    return static_cast<int>(std::count_if(results_.begin(), results_.end(), [](const SweepResult& r) { return r.masked(); }));
}

void SweepView::exportCsv(const QString& path) const {
    if (results_.empty()) throw Error(path.toStdString(), "there are no sweep results to export");
    writeFileAtomic(path.toStdString(), sweepCsv(axisA_, axisB_, results_));
}

void SweepView::onResult(const SweepResult& r, int done, int total) {
    results_.push_back(r);
    setStatus(QString("Sweep running: %1 of %2 configurations…").arg(done).arg(total), false);
    redraw();
}

void SweepView::redraw() {
    plot_->clearItems();
    for (int k = plot_->plottableCount() - 1; k >= 0; --k)
        if (plot_->plottable(k) != map_) plot_->removePlottable(k);
    plot_->yAxis2->setVisible(false);
    plot_->axisRect()->setBackground(Qt::white);
    if (axisA_.values.empty()) return;
    setPlotMessage(plot_, {});
    if (axisB_) drawHeatMap();
    else drawLine();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SweepView::drawHeatMap() {
    const SweepAxis& b = *axisB_;
    const int nx = static_cast<int>(axisA_.values.size()), ny = static_cast<int>(b.values.size());
    // Cells sit at integer positions 0…n−1 (values need not be evenly spaced); the ticks name the values.
    auto* data = new QCPColorMapData(nx, ny, QCPRange(0, std::max(1, nx - 1)), QCPRange(0, std::max(1, ny - 1)));
    data->fill(std::numeric_limits<double>::quiet_NaN());
    if (nx == 1) data->setKeyRange(QCPRange(-0.5, 0.5));
    if (ny == 1) data->setValueRange(QCPRange(-0.5, 0.5));
    QString metric;
    // Cell text is dark on the bright (high) end of viridis, white on the dark end.
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& r : results_)
        if (!r.masked()) {
            lo = std::min(lo, std::log10(r.error));
            hi = std::max(hi, std::log10(r.error));
        }
    for (const auto& r : results_) {
        if (metric.isEmpty() && !r.metric.empty()) metric = QString::fromStdString(r.metric);
        const double x = nx == 1 ? 0.0 : r.i, y = ny == 1 ? 0.0 : r.j;
        auto* label = new QCPItemText(plot_);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(x, y);
        QFont font = plot_->font();
        if (r.masked()) {
            label->setText("×\n" + maskReason(r));
            label->setColor(kMaskedMark);
            font.setBold(true);
            font.setPointSizeF(font.pointSizeF() * 1.25);
        } else {
            data->setCell(r.i, r.j, std::log10(r.error));
            label->setText(QString::number(r.error, 'g', 3));
            const double t = hi > lo ? (std::log10(r.error) - lo) / (hi - lo) : 0.0;
            label->setColor(t > 0.6 ? QColor(20, 20, 20) : Qt::white);
        }
        label->setFont(font);
    }
    map_->setData(data, false);
    map_->rescaleDataRange(true);
    map_->setVisible(true);
    scale_->setVisible(true);
    const QString split = results_.empty() ? QString() : QString::fromStdString(results_.front().split);
    scale_->axis()->setLabel(QString("log₁₀ %1 (%2 split)").arg(metric.isEmpty() ? QString("error") : metric, split));
    if (plot_->plotLayout()->elementCount() < 2 || plot_->plotLayout()->element(0, 1) != scale_) plot_->plotLayout()->addElement(0, 1, scale_);
    plot_->axisRect()->setBackground(kMaskedCell);
    plot_->legend->setVisible(false);
    auto ticks = [](const SweepAxis& axis) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int k = 0; k < static_cast<int>(axis.values.size()); ++k) ticker->addTick(k, formatValue(axis.values[k], axis.integer));
        return ticker;
    };
    plot_->xAxis->setScaleType(QCPAxis::stLinear);
    plot_->yAxis->setScaleType(QCPAxis::stLinear);
    plot_->xAxis->setTicker(ticks(axisA_));
    plot_->yAxis->setTicker(ticks(b));
    plot_->xAxis->setLabel(QString::fromStdString(axisA_.key));
    plot_->yAxis->setLabel(QString::fromStdString(b.key));
    plot_->xAxis->setRange(-0.5, nx - 0.5);
    plot_->yAxis->setRange(-0.5, ny - 0.5);
}

void SweepView::drawLine() {
    map_->setVisible(false);
    scale_->setVisible(false);
    if (plot_->plotLayout()->elementCount() > 1 && plot_->plotLayout()->element(0, 1) == scale_) plot_->plotLayout()->take(scale_);
    plot_->plotLayout()->simplify();
    std::vector<SweepResult> sorted = results_;
    std::sort(sorted.begin(), sorted.end(), [](const auto& p, const auto& q) { return p.a < q.a; });
    auto* good = plot_->addGraph();
    good->setName("error (verified)");
    good->setPen(QPen(runColor(0), 1.6));
    good->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    auto* bad = plot_->addGraph();
    bad->setName("masked (unverified / diverged)");
    bad->setLineStyle(QCPGraph::lsNone);
    bad->setPen(QPen(kMaskedMark, 2.0));
    bad->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, 11));
    QString metric;
    bool anySensitivity = false;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& r : sorted) {
        if (metric.isEmpty() && !r.metric.empty()) metric = QString::fromStdString(r.metric);
        if (std::isfinite(r.error) && r.error > 0) {
            (r.masked() ? bad : good)->addData(r.a, r.error);
            lo = std::min(lo, r.error);
            hi = std::max(hi, r.error);
        }
        anySensitivity = anySensitivity || std::isfinite(r.observedSensitivity);
        // A masked configuration without a score still gets a mark on the axis, with its reason.
        if (r.masked() && !(std::isfinite(r.error) && r.error > 0)) {
            auto* label = new QCPItemText(plot_);
            label->position->setTypeX(QCPItemPosition::ptPlotCoords);
            label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            label->position->setCoords(r.a, 0.95);
            label->setText("×\n" + maskReason(r));
            label->setColor(kMaskedMark);
        }
    }
    setLogScale(plot_->xAxis, axisA_.log);
    setLogScale(plot_->yAxis, true);
    plot_->xAxis->setLabel(QString::fromStdString(axisA_.key));
    const QString split = results_.empty() ? QString() : QString::fromStdString(results_.front().split);
    plot_->yAxis->setLabel(QString("%1 (%2 split)").arg(metric.isEmpty() ? QString("error") : metric, split));
    const auto [vlo, vhi] = std::minmax_element(axisA_.values.begin(), axisA_.values.end());
    if (axisA_.log) plot_->xAxis->setRange(*vlo / 1.5, *vhi * 1.5);
    else {
        const double pad = std::max(0.05 * (*vhi - *vlo), 0.5 * std::max(std::abs(*vhi), 1e-3) * (*vhi == *vlo));
        plot_->xAxis->setRange(*vlo - pad, *vhi + pad);
    }
    if (std::isfinite(lo)) plot_->yAxis->setRange(lo / 2, hi * 6);   // headroom for the legend
    if (anySensitivity) {
        // ren: the observed incremental gain next to the guaranteed bound γ ("NRMSE vs γ").
        auto* sens = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
        sens->setName("observed sensitivity");
        sens->setPen(QPen(runColor(1), 1.4, Qt::DashLine));
        sens->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangle, 7));
        double slo = std::numeric_limits<double>::infinity(), shi = -slo;
        for (const auto& r : sorted)
            if (std::isfinite(r.observedSensitivity) && r.observedSensitivity > 0) {
                sens->addData(r.a, r.observedSensitivity);
                slo = std::min(slo, r.observedSensitivity);
                shi = std::max(shi, r.observedSensitivity);
            }
        // The certified bound γ of each configuration (Lipschitz models), whichever parameter is swept.
        if (std::any_of(sorted.begin(), sorted.end(), [](const SweepResult& r) { return std::isfinite(r.lipschitzBound); })) {
            auto* bound = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
            bound->setName("bound γ");
            bound->setPen(QPen(QColor(120, 120, 120), 1.0, Qt::DotLine));
            for (const auto& r : sorted)
                if (std::isfinite(r.lipschitzBound)) {
                    bound->addData(r.a, r.lipschitzBound);
                    slo = std::min(slo, r.lipschitzBound);
                    shi = std::max(shi, r.lipschitzBound);
                }
        }
        plot_->yAxis2->setVisible(true);
        setLogScale(plot_->yAxis2, true);
        plot_->yAxis2->setLabel("observed sensitivity (incremental gain)");
        if (std::isfinite(slo)) plot_->yAxis2->setRange(slo / 2, shi * 2);
    }
    plot_->legend->setVisible(true);
    plot_->legend->setBrush(QColor(255, 255, 255, 215));   // points behind it stay visible
}

void SweepView::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b91c1c;" : "");
}

void SweepView::updateButtons() {
    const bool running = runner_->isRunning();
    run_->setEnabled(!running && !parameters_.empty());
    stop_->setEnabled(running);
    export_->setEnabled(!running && !results_.empty());
    paramA_->setEnabled(!running);
    paramB_->setEnabled(!running);
}

}  // namespace sd::studio
