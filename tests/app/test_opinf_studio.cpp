// stable-opinf's automatic choices are shown to the user in the studio (docs/methods/stable-opinf.md §2.1, §11):
// trained through the real window on a 30-state dataset without a basis, the train dock's status line names the
// automatic POD rank with its energy and threshold and the λ chosen by validation rollouts — the same summary the
// CLI prints. The data are x = Φz with z a damped 2-D oscillator, so the energy rank is exactly 2.
#include "app/studio/data_dock.h"
#include "app/studio/dataset_reference.h"
#include "app/studio/main_window.h"
#include "app/studio/model_dock.h"
#include "app/studio/studio_context.h"
#include "app/studio/train_dock.h"
#include "app/studio/training_controller.h"
#include "core/common/rng.h"
#include "core/data/dataset_json.h"
#include "studio_test_window.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace sd::studio;

namespace {

/// 3 trajectories (train 2, validation 1) of 121 samples on [0, 6]: x = Φz, ż = [−0.1 2; −2 −0.1]z, Φ 30×2.
sd::data::Dataset lowRankData() {
    sd::Rng rng(7);
    const Eigen::MatrixXd Phi = rng.normalMatrix(30, 2);
    sd::data::Dataset ds;
    ds.name = "low-rank-30";
    for (int i = 0; i < 30; ++i) ds.stateNames.push_back("x" + std::to_string(i + 1));
    for (int j = 0; j < 3; ++j) {
        sd::data::Trajectory tr;
        tr.id = "traj " + std::to_string(j);
        tr.t = Eigen::VectorXd::LinSpaced(121, 0.0, 6.0);
        Eigen::MatrixXd Z(2, 121);
        const double phase = 0.9 * j, amplitude = 1.0 + 0.3 * j;
        for (int k = 0; k < 121; ++k) {
            const double t = tr.t[k], decay = amplitude * std::exp(-0.1 * t);
            Z(0, k) = decay * std::cos(2.0 * t - phase);
            Z(1, k) = -decay * std::sin(2.0 * t - phase);
        }
        tr.x = Phi * Z;
        ds.trajectories.push_back(tr);
    }
    ds.splits["train"] = {0, 1};
    ds.splits["validation"] = {2};
    return ds;
}

}  // namespace

class TestOpInfStudio : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> window_;

private slots:
    void initTestCase() {
        sd::studio::test::openTestWindow(window_, {1280, 800});
        if (QTest::currentTestFailed()) return;
        QVERIFY2(window_->context()->pluginHost().find("stable-opinf"), "the stable-opinf plugin was not found");
    }

    void automaticPodRankAndLambdaAreShownAfterTraining() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string file = dir.filePath("low-rank-30.json").toStdString();
        sd::data::saveDatasetJson(file, lowRankData());
        DatasetReference ref;
        ref.kind = DatasetReference::Kind::File;
        ref.path = file;
        QSignalSpy loaded(window_->dataDock(), &DataDock::datasetLoaded);
        window_->dataDock()->load(ref);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);

        QVERIFY(window_->modelDock()->selectPlugin("stable-opinf", {{"regulariser", "auto"}, {"lambda_candidates", {0.0, 1e-6, 1e-2}}}));
        QSignalSpy finished(window_->trainingController(), &TrainingController::finished);
        QVERIFY(window_->trainDock()->startTraining());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        const QString status = window_->trainDock()->statusText();
        // 30 states give 30 + 465 unknowns per row (auto = AH) for 242 training samples: the fit needs a basis.
        QVERIFY2(status.contains("automatic POD basis of rank 2 of 30 states"), qPrintable(status));
        QVERIFY2(status.contains("threshold 99.9999%"), qPrintable(status));
        QVERIFY2(status.contains("chosen: lowest validation rollout error") && status.contains("of 3 candidates"), qPrintable(status));
        QVERIFY2(status.contains("validation split 'validation'"), qPrintable(status));
    }
};

QTEST_MAIN(TestOpInfStudio)
#include "test_opinf_studio.moc"
