#pragma once
// TrainDock — the "Train" dock: start, pause/resume and stop buttons, seed and snapshot interval, and a
// progress bar with epoch and ETA. It creates the model through the chosen plugin (validating the
// hyperparameter form first) and hands it to the TrainingController; snapshots and the final model are
// published to the StudioContext, which refreshes every view.
//
// "Randomise" publishes a fresh untrained model instead (random_model.h): the chosen plugin and form
// values with a new random seed (ModelPlugin::createRandomised); the model's hyperparameters, which record
// the seed, are written back into the form so the model on screen is reproducible. It is disabled, with a
// tooltip saying why, for plugins that are not randomisable and while a run trains.
#include <QWidget>
#include <cstdint>
#include <string>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace sd::nn {
struct TrainEvent;     // model::TrainEvent (core/nn/training_types.h)
struct TrainSummary;   // model::TrainSummary
}
namespace sd::model {
using nn::TrainEvent;
using nn::TrainSummary;
}

namespace sd::studio {

class HyperparameterForm;
class StudioContext;
class TrainingController;

class TrainDock : public QWidget {
    Q_OBJECT
public:
    TrainDock(StudioContext* context, TrainingController* controller, HyperparameterForm* form, QWidget* parent = nullptr);

    /// Validates and starts a run; returns false (and shows why) when something is missing or invalid.
    bool startTraining();
    /// Creates and publishes a random untrained model; returns false (and shows why) when it cannot.
    bool randomiseModel();
    QString statusText() const;

signals:
    /// A random model was published (the window brings a view of it to the front).
    void randomModelShown();

private:
    void onStarted(int run);
    void onProgress(int epoch, int total, double eta);
    void onFinished(int run, const model::TrainSummary& summary);
    void onFailed(int run, const QString& message);
    void updateButtons();
    void setStatus(const QString& text, bool error);

    StudioContext* context_;
    TrainingController* controller_;
    std::string trainingDataName_, trainingDataSha_;   // what the running (or last) run trains on
    HyperparameterForm* form_;
    QPushButton* start_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* randomise_ = nullptr;
    std::uint64_t lastRandomSeed_ = 0;   ///< the seed of the last random model (the next draw differs)
    QSpinBox* seed_ = nullptr;
    QSpinBox* snapshotEvery_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* eta_ = nullptr;
    QLabel* status_ = nullptr;
};

/// "1 h 02 min", "3 min 05 s", "12 s".
QString formatDuration(double seconds);

}  // namespace sd::studio
