// The studio forms generated from the real schemas offer issue 19's model types with their own fields
// (visible_if), and the values they return build those models with the values typed in:
//  * ren `model_class = lbdn` (docs/methods/ren.md §12): γ, sandwich widths and input window appear, the recurrent
//    fields disappear; the model built from the form certifies exactly the γ typed (kind lipschitz);
//  * lyapunov-net `variant = known_v` (docs/methods/lyapunov-net.md §8): the known-V choice appears, and P only for
//    the quadratic V; the model's V is xᵀPx with the typed P (closed form).
#include "app/studio/hyperparameter_form.h"
#include "app/studio/range_checked_spin_boxes.h"
#include "core/model/hyperparameters.h"
#include "plugins/lyapunov-net/lyapunov_hyperparameters.h"
#include "plugins/lyapunov-net/lyapunov_net_model.h"
#include "plugins/ren/lbdn_model.h"
#include "plugins/ren/ren_hyperparameters.h"

#include <QComboBox>
#include <QLineEdit>
#include <QtTest>

using namespace sd::studio;
using nlohmann::json;

class TestIssue19Forms : public QObject {
    Q_OBJECT
private slots:
    void lbdnIsOfferedWithItsFields() {
        HyperparameterForm form;
        form.setSchema(sd::ren::hyperparameterSchema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* modelClass = form.findChild<QComboBox*>("hp_model_class");
        auto* gamma = form.findChild<NumberSpinBox*>("hp_lbdn_gamma");
        auto* hidden = form.findChild<QLineEdit*>("hp_lbdn_hidden");
        auto* window = form.findChild<IntSpinBox*>("hp_lbdn_window");
        auto* nx = form.findChild<IntSpinBox*>("hp_nx");
        QVERIFY(modelClass && gamma && hidden && window && nx);
        QVERIFY(modelClass->findText("lbdn") >= 0);
        QVERIFY(!gamma->isVisible() && !hidden->isVisible() && !window->isVisible());   // default model_class = ren
        QVERIFY(nx->isVisible());
        modelClass->setCurrentIndex(modelClass->findText("lbdn"));
        QVERIFY(gamma->isVisible() && hidden->isVisible() && window->isVisible());
        QVERIFY(!nx->isVisible());   // a feed-forward network has no state
        QCOMPARE(hidden->text(), QString("64, 64"));
        gamma->setValue(2.5);
        hidden->setText("8, 4");
        QTest::keyClick(hidden, Qt::Key_Return);
        window->setValue(3);
        const auto v = form.validatedValues();
        QVERIFY(v.has_value());
        const json checked = sd::model::validateHyperparameters(sd::ren::hyperparameterSchema(), *v);
        QCOMPARE(checked["model_class"].get<std::string>(), std::string("lbdn"));
        sd::data::DatasetInfo info;
        info.name = "form";
        info.inputDim = 2;
        info.outputDim = 1;
        const sd::ren::LbdnModel m(checked, info);
        QCOMPARE(m.variant(), std::string("lbdn"));
        QCOMPARE(m.window(), Eigen::Index(3));
        QCOMPARE(m.network().inputDim(), Eigen::Index(6));   // window of 3 inputs of dimension 2
        QVERIFY(m.network().hidden() == std::vector<Eigen::Index>({8, 4}));
        const sd::model::Certificate cert = m.certify();
        QVERIFY(cert.kind == sd::model::GuaranteeKind::Lipschitz);
        QCOMPARE(cert.lipschitzBound, 2.5);
        QVERIFY(cert.verified);
        QVERIFY(cert.observedSensitivity > 0.0 && cert.observedSensitivity <= 2.5 * (1.0 + 1e-9));
    }

    void knownVIsOfferedWithItsFields() {
        HyperparameterForm form;
        form.setSchema(sd::lyapnet::hyperparameterSchema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* variant = form.findChild<QComboBox*>("hp_variant");
        auto* knownV = form.findChild<QComboBox*>("hp_known_v");
        auto* P = form.findChild<QLineEdit*>("hp_known_v_P");
        QVERIFY(variant && knownV && P);
        QVERIFY(variant->findText("known_v") >= 0);
        QVERIFY(!knownV->isVisible() && !P->isVisible());   // default variant = stable
        variant->setCurrentIndex(variant->findText("known_v"));
        QVERIFY(knownV->isVisible());
        QVERIFY(!P->isVisible());   // default known_v = pendulum_energy has no P
        QVERIFY(knownV->findText("pendulum_energy") >= 0);
        knownV->setCurrentIndex(knownV->findText("quadratic"));
        QVERIFY(P->isVisible());
        P->setText("2, 0.5, 0.5, 1");
        QTest::keyClick(P, Qt::Key_Return);
        const auto v = form.validatedValues();
        QVERIFY(v.has_value());
        const json checked = sd::model::validateHyperparameters(sd::lyapnet::hyperparameterSchema(), *v);
        QCOMPARE(checked["variant"].get<std::string>(), std::string("known_v"));
        QCOMPARE(checked["known_v_P"], json({2.0, 0.5, 0.5, 1.0}));
        sd::data::DatasetInfo info;
        info.name = "form";
        info.stateDim = 2;
        const sd::lyapnet::LyapunovNetModel m(checked, info);
        QCOMPARE(m.variant(), std::string("known_v"));
        // V = xᵀPx: at (1, −2), 2·1 + 2·0.5·(1)(−2) + 1·4 = 4; at (0.5, 1), 0.5 + 0.5 + 1 = 2.
        Eigen::MatrixXd X(2, 2);
        X << 1.0, 0.5, -2.0, 1.0;
        const Eigen::RowVectorXd V = m.lyapunov(X);
        QVERIFY(std::abs(V[0] - 4.0) < 1e-12 && std::abs(V[1] - 2.0) < 1e-12);
        // A P that is not positive definite is refused by the model, naming the field.
        P->setText("1, 0, 0, -1");
        QTest::keyClick(P, Qt::Key_Return);
        const json bad = sd::model::validateHyperparameters(sd::lyapnet::hyperparameterSchema(), *form.validatedValues());
        try {
            const sd::lyapnet::LyapunovNetModel refused(bad, info);
            QFAIL("an indefinite P was accepted");
        } catch (const std::exception& e) {
            QVERIFY2(std::string(e.what()).find("known_v_P") != std::string::npos, e.what());
        }
    }
};

QTEST_MAIN(TestIssue19Forms)
#include "test_issue19_forms.moc"
