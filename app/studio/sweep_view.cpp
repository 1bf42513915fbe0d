#include "app/studio/sweep_view.h"

#include "app/studio/plot_style.h"
#include "app/studio/studio_context.h"
#include "app/studio/sweep_plot.h"
#include "app/studio/sweep_runner.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/experiment/cells.h"
#include "core/experiment/local_runner.h"
#include "core/experiment/plan_check.h"
#include "core/experiment/sweep_figures.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/model_file.h"
#include "core/model/model_plugin.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace sd::studio {

namespace {

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

const char* kScore = "score.score";

}  // namespace

SweepView::SweepView(StudioContext* context, QWidget* parent) : QWidget(parent), context_(context) {
    runner_ = new SweepRunner(this);
    outputRoot_ = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/sweeps";
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
        e->setToolTip("Values separated by commas, e.g. 1e-4, 1e-3, 1e-2. The other hyperparameters come from the Model dock.");
    }
    seeds_ = new QLineEdit("0", this);
    seeds_->setObjectName("sweepSeeds");
    seeds_->setToolTip("Training seeds: every configuration is trained once per seed; the plot shows the mean (± std).");
    seeds_->setMaximumWidth(90);
    jobs_ = new QSpinBox(this);
    jobs_->setObjectName("sweepJobs");
    jobs_->setRange(1, std::max(1, QThread::idealThreadCount()));
    jobs_->setValue(jobs_->maximum());
    jobs_->setToolTip("Configurations trained at the same time (one core each).");
    grid->addWidget(new QLabel("A (horizontal):", this), 0, 0);
    grid->addWidget(paramA_, 0, 1);
    grid->addWidget(valuesA_, 0, 2);
    grid->addWidget(new QLabel("B (vertical):", this), 1, 0);
    grid->addWidget(paramB_, 1, 1);
    grid->addWidget(valuesB_, 1, 2);
    grid->addWidget(new QLabel("Seeds:", this), 0, 3);
    grid->addWidget(seeds_, 0, 4);
    grid->addWidget(new QLabel("Jobs:", this), 1, 3);
    grid->addWidget(jobs_, 1, 4);
    grid->setColumnStretch(2, 3);
    run_ = new QPushButton("Run sweep", this);
    run_->setObjectName("sweepRunButton");
    run_->setToolTip("Train one model per configuration and seed on the train split and score it on the validation split.");
    stop_ = new QPushButton("Stop", this);
    stop_->setObjectName("sweepStopButton");
    export_ = new QPushButton("Export CSV…", this);
    export_->setObjectName("sweepExportButton");
    promote_ = new QPushButton("Promote", this);
    promote_->setObjectName("sweepPromoteButton");
    promote_->setToolTip("Add the model of the clicked cell to the model board.");
    auto* buttons = new QGridLayout;
    buttons->addWidget(run_, 0, 0);
    buttons->addWidget(stop_, 0, 1);
    buttons->addWidget(export_, 1, 0);
    buttons->addWidget(promote_, 1, 1);
    grid->addLayout(buttons, 0, 5, 2, 1);
    layout->addLayout(grid);
    status_ = new QLabel("Choose one or two numeric hyperparameters and their values, then Run sweep. Click a cell to load its model.", this);
    status_->setObjectName("sweepStatus");
    status_->setWordWrap(true);
    layout->addWidget(status_);

    plot_ = new QCustomPlot(this);
    plot_->setObjectName("sweepPlot");
    stylePlot(plot_);
    setPlotMessage(plot_, "Run a sweep to see the score of every configuration here.");
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
    connect(promote_, &QPushButton::clicked, this, [this] {
        if (!selectedJson_.isEmpty()) emit promoteToBoard(selectedJson_, selectedLabel_);
    });
    connect(plot_, &QCustomPlot::mousePress, this, &SweepView::onPlotClicked);
    connect(runner_, &SweepRunner::progressed, this, &SweepView::onProgress);
    connect(runner_, &SweepRunner::finished, this, &SweepView::onFinished);
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

void SweepView::setSeeds(const QString& seeds) { seeds_->setText(seeds); }
void SweepView::setJobs(int jobs) { jobs_->setValue(jobs); }
void SweepView::setOutputRoot(const QString& folder) { outputRoot_ = folder; }

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
        axis.log = it->log;
        axis.values = parseSweepValues(edit->text(), axis.integer, key);
        return axis;
    };
    experiment::ExperimentPlan plan;
    try {
        SweepRequest request;
        request.pluginId = context_->pluginId();
        request.baseHyper = context_->hyperparameters();
        request.dataset = ds;
        request.a = axisFor(paramA_, valuesA_);
        if (!paramB_->currentData().toString().isEmpty()) request.b = axisFor(paramB_, valuesB_);
        request.seeds = parseSweepSeeds(seeds_->text());
        request.trainSplit = context_->trainSplit();
        request.validationSplit = context_->validationSplit();
        plan = sweepPlan(request);
        // Every configuration is validated before anything trains, so a bad value is reported at once.
        experiment::checkPlan(plan, context_->pluginHost(), experiment::Extensions::builtins());
    } catch (const std::exception& e) {
        setStatus(QString("Cannot run the sweep: %1").arg(e.what()), true);
        return false;
    }
    const QString folder = QString("%1/%2-%3").arg(outputRoot_, QDateTime::currentDateTime().toString("yyyyMMdd-hhmmss-zzz"),
                                                   QString::fromStdString(plan.plugin));
    table_.reset();
    selectedJson_.clear();
    selectedLabel_.clear();
    const int total = static_cast<int>(plan.cellCount());
    if (!runner_->start(std::move(plan), &context_->pluginHost(), folder.toStdString(), jobs_->value())) return false;
    table_ = std::make_unique<experiment::ResultTable>(runner_->plan(), experiment::enumerateCells(runner_->plan()), std::map<std::string, nlohmann::json>{});
    setStatus(QString("Sweep running: 0 of %1 trainings on %2 worker(s)…").arg(total).arg(std::min(total, jobs_->value())), false);
    redraw();
    updateButtons();
    return true;
}

void SweepView::stop() { runner_->stop(); }
bool SweepView::isRunning() const { return runner_->isRunning(); }
QString SweepView::statusText() const { return status_->text(); }
QString SweepView::outputFolder() const { return runner_->hasPlan() ? QString::fromStdString(runner_->outputDir().string()) : QString(); }

int SweepView::cellCount() const { return table_ ? static_cast<int>(table_->cells().size()) : 0; }

int SweepView::finishedCount() const {
    if (!table_) return 0;
    int n = 0;
    for (const auto& c : table_->cells()) n += table_->record(c.index) ? 1 : 0;
    return n;
}

int SweepView::maskedCount() const {
    if (!table_) return 0;
    int n = 0;
    for (const auto& g : table_->groups()) n += std::isfinite(table_->statistic(g, kScore).mean) ? 0 : 1;
    return n;
}

void SweepView::exportCsv(const QString& path) const {
    if (!table_ || finishedCount() == 0) throw Error(path.toStdString(), "there are no sweep results to export");
    writeFileAtomic(path.toStdString(), sweepCsv(*table_));
}

void SweepView::onProgress() {
    if (!runner_->hasPlan()) return;
    table_ = std::make_unique<experiment::ResultTable>(runner_->plan(), experiment::enumerateCells(runner_->plan()), runner_->records());
    if (runner_->isRunning()) {
        const experiment::Progress p = runner_->progress();
        setStatus(QString("Sweep running: %1 of %2 trainings done, %3 running, %4 failed, %5 diverged%6")
                      .arg(p.done)
                      .arg(p.total)
                      .arg(p.running)
                      .arg(p.failed)
                      .arg(p.diverged)
                      .arg(p.etaSeconds >= 0 ? QString(", about %1 left").arg(QString::fromStdString(experiment::formatDuration(p.etaSeconds))) : QString("…")),
                  false);
    }
    redraw();
}

void SweepView::onFinished(bool cancelled, const QString& error) {
    onProgress();
    if (!error.isEmpty()) {
        setStatus("The sweep could not run: " + error, true);
    } else {
        const int groups = table_ ? static_cast<int>(table_->groups().size()) : 0;
        const std::string split = table_ ? experiment::metricLabel(*table_, kScore) : std::string("score");
        setStatus(QString("Sweep %1: %2 of %3 trainings, %4 of %5 configurations without a %6 (masked). Results: %7. Click a cell to load its model.")
                      .arg(cancelled ? "stopped" : "finished")
                      .arg(finishedCount())
                      .arg(cellCount())
                      .arg(maskedCount())
                      .arg(groups)
                      .arg(QString::fromStdString(split))
                      .arg(outputFolder()),
                  false);
    }
    updateButtons();
    emit sweepFinished();
}

void SweepView::redraw() {
    map_ = nullptr;
    if (!table_) return;
    const auto& plan = table_->plan();
    const analysis::PlotModel figure = plan.axes.size() >= 2 ? experiment::heatMapFigure(*table_, kScore, 0, 1, 0, {0, 0})
                                                             : experiment::metricVsAxisFigure(*table_, kScore, 0);
    map_ = drawPlotModel(plot_, figure);
}

void SweepView::onPlotClicked(QMouseEvent* event) {
    if (!table_ || (runner_->isRunning() && finishedCount() == 0)) return;
    const auto& plan = table_->plan();
    const double x = plot_->xAxis->pixelToCoord(event->position().x());
    const double y = plot_->yAxis->pixelToCoord(event->position().y());
    if (plan.axes.size() >= 2) {
        const int i = static_cast<int>(std::lround(x)), j = static_cast<int>(std::lround(y));
        if (i < 0 || j < 0 || i >= static_cast<int>(plan.axes[0].values.size()) || j >= static_cast<int>(plan.axes[1].values.size())) return;
        loadCell(i, j);
        return;
    }
    // One parameter: the value nearest to the click (in pixels).
    int best = -1;
    double bestDistance = 25;
    for (std::size_t k = 0; k < plan.axes[0].values.size(); ++k) {
        const double d = std::abs(plot_->xAxis->coordToPixel(experiment::axisPlotPosition(plan.axes[0], k)) - event->position().x());
        if (d < bestDistance) {
            bestDistance = d;
            best = static_cast<int>(k);
        }
    }
    if (best >= 0) loadCell(best);
}

bool SweepView::loadCell(int i, int j) {
    if (!table_) return false;
    const auto& plan = table_->plan();
    for (const auto& g : table_->groups()) {
        if (g.coords[0] != i || (plan.axes.size() > 1 && g.coords[1] != j)) continue;
        for (int c : g.cells) {
            const nlohmann::json* r = table_->record(c);
            if (!r || !(*r)["model_file"].is_string()) continue;
            try {
                const std::filesystem::path file = runner_->outputDir() / (*r)["model_file"].get<std::string>();
                const nlohmann::json doc = model::readJsonFile(file);
                std::shared_ptr<const model::Model> m = model::loadModelFrom(context_->pluginHost(), doc, file.string());
                const auto& cell = table_->cells()[static_cast<std::size_t>(c)];
                selectedLabel_ = QString("sweep: %1, seed %2").arg(QString::fromStdString(table_->describe(g))).arg(cell.seed);
                selectedJson_ = QString::fromStdString(doc.dump());
                context_->setModel(std::move(m), selectedLabel_);
                setStatus(QString("Loaded the model of %1 as the current model.").arg(selectedLabel_), false);
                updateButtons();
                return true;
            } catch (const std::exception& e) {
                setStatus(QString("Cannot load that cell's model: %1").arg(e.what()), true);
                return false;
            }
        }
        setStatus(QString("%1 has no saved model (%2).").arg(QString::fromStdString(table_->describe(g)),
                                                              QString::fromStdString(table_->missingReason(g, kScore).empty() ? std::string("not finished")
                                                                                                                                : table_->missingReason(g, kScore))),
                  true);
        return false;
    }
    return false;
}

void SweepView::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b91c1c;" : "");
}

void SweepView::updateButtons() {
    const bool running = runner_->isRunning();
    run_->setEnabled(!running && !parameters_.empty());
    stop_->setEnabled(running);
    export_->setEnabled(!running && finishedCount() > 0);
    promote_->setEnabled(!selectedJson_.isEmpty());
    for (QWidget* w : std::initializer_list<QWidget*>{paramA_, paramB_, seeds_, jobs_}) w->setEnabled(!running);
    valuesA_->setEnabled(!running);
    valuesB_->setEnabled(!running && !paramB_->currentData().toString().isEmpty());
}

}  // namespace sd::studio
