#include "app/studio/train_dock.h"

#include "app/studio/hyperparameter_form.h"
#include "app/studio/random_model.h"
#include "app/studio/studio_context.h"
#include "app/studio/training_controller.h"
#include "core/model/model_plugin.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace sd::studio {

QString formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "–";
    const long long s = std::llround(seconds);
    if (s >= 3600) return QString("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
    if (s >= 60) return QString("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QString("%1 s").arg(s);
}

TrainDock::TrainDock(StudioContext* context, TrainingController* controller, HyperparameterForm* form, QWidget* parent)
    : QWidget(parent), context_(context), controller_(controller), form_(form) {
    auto* layout = new QVBoxLayout(this);
    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton("Train", this);
    start_->setObjectName("trainStartButton");
    start_->setToolTip("Create a model with the chosen plugin and hyperparameters and train it on the train split.");
    pause_ = new QPushButton("Pause", this);
    pause_->setObjectName("trainPauseButton");
    stop_ = new QPushButton("Stop", this);
    stop_->setObjectName("trainStopButton");
    stop_->setToolTip("Cancel the run; the model keeps the parameters of the last completed step.");
    buttons->addWidget(start_);
    buttons->addWidget(pause_);
    buttons->addWidget(stop_);
    layout->addLayout(buttons);
    randomise_ = new QPushButton("Randomise (untrained model)", this);
    randomise_->setObjectName("randomiseButton");
    layout->addWidget(randomise_);

    auto* form2 = new QFormLayout;
    seed_ = new QSpinBox(this);
    seed_->setObjectName("trainSeed");
    seed_->setRange(0, 1'000'000'000);
    seed_->setToolTip("Every random draw of training derives from this seed (recorded in the exported model).");
    snapshotEvery_ = new QSpinBox(this);
    snapshotEvery_->setObjectName("snapshotEvery");
    snapshotEvery_->setRange(1, 10000);
    snapshotEvery_->setValue(5);
    snapshotEvery_->setSuffix(" epochs");
    snapshotEvery_->setToolTip("How often the views are refreshed from a copy of the model while it trains.");
    form2->addRow("Seed:", seed_);
    form2->addRow("Refresh views every:", snapshotEvery_);
    layout->addLayout(form2);

    progress_ = new QProgressBar(this);
    progress_->setObjectName("trainProgress");
    progress_->setFormat("epoch %v / %m");
    progress_->setRange(0, 1);
    progress_->setValue(0);
    layout->addWidget(progress_);
    eta_ = new QLabel("ETA –", this);
    eta_->setObjectName("trainEta");
    layout->addWidget(eta_);
    status_ = new QLabel("Ready.", this);
    status_->setObjectName("trainStatus");
    status_->setWordWrap(true);
    layout->addWidget(status_);
    layout->addStretch();

    connect(start_, &QPushButton::clicked, this, &TrainDock::startTraining);
    connect(pause_, &QPushButton::clicked, this, [this] {
        if (controller_->isPaused()) controller_->resume();
        else controller_->pause();
    });
    connect(stop_, &QPushButton::clicked, controller_, &TrainingController::stop);
    connect(randomise_, &QPushButton::clicked, this, &TrainDock::randomiseModel);
    connect(context_, &StudioContext::pluginChanged, this, &TrainDock::updateButtons);
    connect(controller_, &TrainingController::started, this, &TrainDock::onStarted);
    connect(controller_, &TrainingController::progress, this, &TrainDock::onProgress);
    connect(controller_, &TrainingController::finished, this,
            [this](int run, const model::TrainSummary& s, std::shared_ptr<const model::Model> trained) {
                const QString how = s.status == model::TrainStatus::Completed ? QString("trained, %1 epochs").arg(s.epochsRun)
                                                                               : QString("stopped at epoch %1").arg(s.epochsRun);
                context_->setModel(trained, QString("run %1 · %2").arg(run).arg(how), {trainingDataName_, trainingDataSha_});
                onFinished(run, s);
            });
    connect(controller_, &TrainingController::failed, this, &TrainDock::onFailed);
    connect(controller_, &TrainingController::snapshotReady, this,
            [this](int run, std::shared_ptr<const model::Model> snapshot, int epoch) {
                context_->setModel(std::move(snapshot), QString("run %1 · epoch %2 (training)").arg(run).arg(epoch),
                                   {trainingDataName_, trainingDataSha_});
            });
    // The status says what the worker has actually done, not what was asked.
    connect(controller_, &TrainingController::stateChanged, this, [this](TrainingController::State state) {
        const int run = controller_->currentRun();
        const int epoch = controller_->lastReportedEpoch();
        switch (state) {
            case TrainingController::State::Running: setStatus(QString("Run %1: training…").arg(run), false); break;
            case TrainingController::State::Pausing:
                setStatus(QString("Run %1: pausing — the worker stops before its next minibatch…").arg(run), false);
                break;
            case TrainingController::State::Paused:
                setStatus(QString("Run %1: paused after epoch %2 (the worker is idle; Resume continues the same run).").arg(run).arg(epoch),
                          false);
                break;
            case TrainingController::State::Stopping:
                setStatus(QString("Run %1: stopping — the worker finishes its current minibatch…").arg(run), false);
                break;
            case TrainingController::State::Idle: break;   // finished() / failed() say how it ended
        }
        updateButtons();
    });
    updateButtons();
}

bool TrainDock::startTraining() {
    if (controller_->isRunning()) return false;
    if (!context_->hasDataset()) {
        setStatus("Load a dataset first (Data dock).", true);
        return false;
    }
    const auto* plugin = context_->plugin();
    if (!plugin) {
        setStatus("Choose a model plugin first (Model dock).", true);
        return false;
    }
    QString error;
    const auto hyper = form_->validatedValues(&error);
    if (!hyper) {
        setStatus("Invalid hyperparameters: " + error, true);
        return false;
    }
    std::unique_ptr<model::Model> model;
    try {
        model = plugin->plugin->create(*hyper, data::DatasetInfo::of(*context_->dataset()));
    } catch (const std::exception& e) {
        setStatus(QString("Cannot create the model: %1").arg(e.what()), true);
        return false;
    }
    model::TrainRequest request;
    request.trainSplit = context_->trainSplit();
    request.validationSplit = context_->validationSplit();
    request.seed = static_cast<std::uint64_t>(seed_->value());
    context_->setHyperparameters(*hyper);
    trainingDataName_ = context_->dataset()->name;
    trainingDataSha_ = context_->dataset()->sha256;
    return controller_->start(std::move(model), context_->dataset(), request, snapshotEvery_->value());
}

bool TrainDock::randomiseModel() {
    if (controller_->isRunning()) return false;
    const auto* plugin = context_->plugin();
    if (!plugin) {
        setStatus("Choose a model plugin first (Model dock).", true);
        return false;
    }
    const QString unavailable = randomiseUnavailableReason(*plugin->plugin);
    if (!unavailable.isEmpty()) {
        setStatus(unavailable, true);
        return false;
    }
    QString error;
    const auto hyper = form_->validatedValues(&error);
    if (!hyper) {
        setStatus("Invalid hyperparameters: " + error, true);
        return false;
    }
    const std::uint64_t seed = newRandomSeed(lastRandomSeed_, 0, model::kMaxRandomSeed);
    std::shared_ptr<const model::Model> model;
    try {
        model = plugin->plugin->createRandomised(*hyper, randomModelInfo(context_->dataset().get()), seed);
    } catch (const std::exception& e) {
        setStatus(QString("Cannot create the model: %1").arg(e.what()), true);
        return false;
    }
    lastRandomSeed_ = seed;
    // The form shows the hyperparameters of the model on screen (the plugin recorded the seed in them).
    for (const auto& [key, value] : model->hyperparameters().items())
        if (form_->values().value(key, nlohmann::json()) != value) form_->setValue(key, value);
    context_->setHyperparameters(form_->values());
    context_->setModel(model, QString("random · seed %1 · untrained").arg(seed));
    setStatus(QString("Random untrained model (seed %1). Randomise again for another draw.").arg(seed), false);
    emit randomModelShown();
    return true;
}

QString TrainDock::statusText() const { return status_->text(); }

void TrainDock::onStarted(int run) {
    progress_->setRange(0, 1);
    progress_->setValue(0);
    eta_->setText("ETA –");
    setStatus(QString("Run %1: training…").arg(run), false);
    updateButtons();
}

void TrainDock::onProgress(int epoch, int total, double eta) {
    progress_->setRange(0, std::max(1, total));
    progress_->setValue(epoch);
    eta_->setText("ETA " + formatDuration(eta));
}

void TrainDock::onFinished(int run, const model::TrainSummary& s) {
    // The bar shows the epochs the model actually has (a stopped run ends before the planned total).
    progress_->setValue(std::min(s.epochsRun, progress_->maximum()));
    QString outcome;
    switch (s.status) {
        case model::TrainStatus::Completed: outcome = "completed"; break;
        case model::TrainStatus::Cancelled: outcome = "stopped by you"; break;
        case model::TrainStatus::StoppedOnNaN: outcome = "stopped: the loss became NaN"; break;
    }
    QString text = QString("Run %1 %2 after %3 epochs; train loss %4").arg(run).arg(outcome).arg(s.epochsRun)
                       .arg(s.finalTrainLoss, 0, 'g', 4);
    if (std::isfinite(s.finalValidationLoss)) text += QString(", validation %1").arg(s.finalValidationLoss, 0, 'g', 4);
    // The trainer's message adds to the outcome only when it says more than "completed N epochs".
    const QString message = QString::fromStdString(s.message);
    if (!message.isEmpty() && !(s.status == model::TrainStatus::Completed && message.startsWith("completed"))) text += ". " + message;
    setStatus(text, s.status == model::TrainStatus::StoppedOnNaN);
    eta_->setText("ETA –");
    updateButtons();
}

void TrainDock::onFailed(int run, const QString& message) {
    setStatus(QString("Run %1 failed: %2").arg(run).arg(message), true);
    updateButtons();
}

void TrainDock::updateButtons() {
    const bool running = controller_->isRunning();
    const auto state = controller_->state();
    start_->setEnabled(!running);
    pause_->setEnabled(running && state != TrainingController::State::Stopping);
    stop_->setEnabled(running && state != TrainingController::State::Stopping);
    const auto* plugin = context_->plugin();
    const QString why = !plugin ? QString("Choose a model plugin first.")
                                : randomiseUnavailableReason(*plugin->plugin);
    randomise_->setEnabled(!running && why.isEmpty());
    randomise_->setToolTip(why.isEmpty() ? QString("Draw a fresh untrained model with a new random seed from the chosen "
                                                   "plugin and hyperparameters, and show it in the phase portrait and Lyapunov tabs.")
                                         : why);
    pause_->setText(state == TrainingController::State::Pausing  ? "Pausing… (Resume)"
                    : state == TrainingController::State::Paused ? "Resume"
                                                                 : "Pause");
    stop_->setText(state == TrainingController::State::Stopping ? "Stopping…" : "Stop");
}

void TrainDock::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b91c1c;" : "");
}

}  // namespace sd::studio
