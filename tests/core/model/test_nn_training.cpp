// model::runNnTraining — what every plugin built on core/nn shares: cancelled before the start (builder not
// called, record untouched), the train / validation sets, Adam on "lr" with "epochs" / "batch_size", the
// problem's overrides, epochs = 0 without a step, event adjustment, and the training record.
#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "core/model/nn_training.h"

#include <QtTest>

using namespace sd;
using nlohmann::json;

namespace {

// y = 2x + noise-free samples in three trajectories: "a", "b" train, "c" validation.
data::Dataset lineDataset(bool withValidation) {
    data::Dataset ds;
    ds.name = "line";
    ds.stateNames = {"x"};
    for (int k = 0; k < 3; ++k) {
        data::Trajectory tr;
        tr.id = std::string(1, char('a' + k));
        tr.t = Eigen::VectorXd::LinSpaced(8, 0.0, 0.7);
        tr.x = Eigen::RowVectorXd::LinSpaced(8, -1.0 + k, 1.0 + k);
        ds.trajectories.push_back(tr);
    }
    ds.splits["train"] = {0, 1};
    if (withValidation) ds.splits["validation"] = {2};
    return ds;
}

// Fits a scalar w in ŷ = w·x to y = 2x on the trajectories' columns.
struct LineFit {
    ad::Var w = ad::Var::parameter(Eigen::MatrixXd::Zero(1, 1));
    Eigen::MatrixXd X, V;
    int builds = 0;
    std::vector<int> epochs;
    std::size_t validationTrajectories = 0;

    model::NnProblemBuilder builder() {
        return [this](const model::TrainingSets& sets) {
            ++builds;
            validationTrajectories = sets.validation.size();
            X = Eigen::MatrixXd(1, 0);
            for (const auto* tr : sets.train) {
                X.conservativeResize(1, X.cols() + tr->x.cols());
                X.rightCols(tr->x.cols()) = tr->x;
            }
            model::NnTrainingProblem p;
            p.parameters = {w};
            p.problem.sampleCount = X.cols();
            p.problem.batchLoss = [this](std::span<const Eigen::Index> idx, int epoch) {
                epochs.push_back(epoch);
                Eigen::MatrixXd x(1, static_cast<Eigen::Index>(idx.size()));
                for (std::size_t i = 0; i < idx.size(); ++i) x(0, static_cast<Eigen::Index>(i)) = X(0, idx[i]);
                return ad::mseLoss(ad::matmul(w, ad::Var::constant(x)), ad::Var::constant(2.0 * x));
            };
            p.untrainedLoss = [this] { return 4.0 * X.squaredNorm() / static_cast<double>(X.cols()); };
            return p;
        };
    }
};

json hyper(int epochs) { return {{"lr", 0.05}, {"epochs", epochs}, {"batch_size", 4}}; }

}  // namespace

class TestNnTraining : public QObject {
    Q_OBJECT
private slots:
    void cancelledBeforeStartTouchesNothing() {
        const auto ds = lineDataset(true);
        LineFit fit;
        json record = {{"kept", true}};
        std::atomic<bool> cancel{true};
        const auto r = model::runNnTraining(ds, {}, hyper(3), {}, cancel, fit.builder(), record);
        QCOMPARE(int(r.status), int(model::TrainStatus::Cancelled));
        QCOMPARE(r.epochsRun, 0);
        QCOMPARE(fit.builds, 0);
        QCOMPARE(record, (json{{"kept", true}}));
        QCOMPARE(fit.w.value()(0, 0), 0.0);
    }

    void trainsWithHyperparametersAndWritesTheRecord() {
        const auto ds = lineDataset(true);
        LineFit fit;
        json record;
        std::atomic<bool> cancel{false};
        std::vector<model::TrainEvent> events;
        model::TrainRequest request;
        request.seed = 7;
        const auto r = model::runNnTraining(ds, request, hyper(3), [&](const model::TrainEvent& e) { events.push_back(e); }, cancel,
                                            fit.builder(), record);
        QCOMPARE(int(r.status), int(model::TrainStatus::Completed));
        QCOMPARE(r.epochsRun, 3);
        QCOMPARE(fit.builds, 1);
        QCOMPARE(fit.X.cols(), Eigen::Index(16));              // the train split only
        QCOMPARE(fit.validationTrajectories, std::size_t(1));
        QCOMPARE(r.steps, 12LL);                                // 16 samples in batches of 4, 3 epochs
        QCOMPARE(fit.epochs.size(), std::size_t(12));
        QCOMPARE(fit.epochs.back(), 2);
        QCOMPARE(events.size(), std::size_t(3));
        QCOMPARE(events[0].learningRate, 0.05);
        QVERIFY(fit.w.value()(0, 0) > 0.1);                     // moved towards 2
        QCOMPARE(record["seed"].get<int>(), 7);
        QCOMPARE(record["status"].get<std::string>(), std::string("completed"));
        QCOMPARE(record["epochs_run"].get<int>(), 3);
    }

    void validationOnlyWhenTheDatasetHasTheSplit() {
        LineFit fit;
        json record;
        std::atomic<bool> cancel{false};
        model::runNnTraining(lineDataset(false), {}, hyper(1), {}, cancel, fit.builder(), record);
        QCOMPARE(fit.validationTrajectories, std::size_t(0));
        model::TrainRequest noValidation;
        noValidation.validationSplit.clear();
        model::runNnTraining(lineDataset(true), noValidation, hyper(1), {}, cancel, fit.builder(), record);
        QCOMPARE(fit.validationTrajectories, std::size_t(0));
        // No training trajectories at all is an error naming the dataset.
        data::Dataset empty;
        empty.name = "nothing";
        try {
            model::runNnTraining(empty, {}, hyper(1), {}, cancel, fit.builder(), record);
            QFAIL("accepted a dataset without trajectories");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("dataset 'nothing'") != std::string::npos, e.what());
        }
    }

    void zeroEpochsKeepsTheInitialParameters() {
        const auto ds = lineDataset(true);
        LineFit fit;
        json record;
        std::atomic<bool> cancel{false};
        const auto r = model::runNnTraining(ds, {}, hyper(0), {}, cancel, fit.builder(), record);
        QCOMPARE(int(r.status), int(model::TrainStatus::Completed));
        QCOMPARE(r.steps, 0LL);
        QVERIFY(fit.epochs.empty());
        QCOMPARE(fit.w.value()(0, 0), 0.0);
        QCOMPARE(r.finalTrainLoss, 4.0 * fit.X.squaredNorm() / 16.0);
        QCOMPARE(record["epochs_run"].get<int>(), 0);
    }

    void problemOverridesAndEventAdjustment() {
        const auto ds = lineDataset(false);
        LineFit fit;
        json record;
        std::atomic<bool> cancel{false};
        std::vector<model::TrainEvent> events;
        const model::NnProblemBuilder base = fit.builder();
        const auto r = model::runNnTraining(ds, {}, hyper(2), [&](const model::TrainEvent& e) { events.push_back(e); }, cancel,
                                            [&](const model::TrainingSets& sets) {
                                                model::NnTrainingProblem p = base(sets);
                                                p.batchSize = 16;   // full batch instead of "batch_size"
                                                p.shuffle = false;
                                                p.reportEvent = [](model::TrainEvent& e) { e.learningRate = -e.epoch; };
                                                return p;
                                            },
                                            record);
        QCOMPARE(r.steps, 2LL);
        QCOMPARE(events.size(), std::size_t(2));
        QCOMPARE(events[1].learningRate, -2.0);
    }
};

QTEST_APPLESS_MAIN(TestNnTraining)
#include "test_nn_training.moc"
