// The studio form generated from stable-opinf's real schema shows the new training options: derivative
// estimator and its smoothing settings, the solver, automatic λ selection with its candidate list, and the
// automatic POD energy — each appearing only when it applies (visible_if), and the list editor feeding
// values the plugin's validation accepts. The discrete variant (docs/methods/stable-opinf.md §12) keeps the solver and
// the regulariser and hides what only continuous time uses (derivative estimator, integrator tolerances).
#include "app/studio/hyperparameter_form.h"
#include "app/studio/range_checked_spin_boxes.h"
#include "core/model/hyperparameters.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"

#include <QComboBox>
#include <QLineEdit>
#include <QtTest>

using namespace sd::studio;
using nlohmann::json;

class TestOpInfForm : public QObject {
    Q_OBJECT
private slots:
    void newOptionsAppearWhenTheyApply() {
        HyperparameterForm form;
        form.setSchema(sd::opinf::hyperparameterSchema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* derivatives = form.findChild<QComboBox*>("hp_derivatives");
        auto* window = form.findChild<IntSpinBox*>("hp_smooth_window");
        auto* solver = form.findChild<QComboBox*>("hp_solver");
        auto* regulariser = form.findChild<QComboBox*>("hp_regulariser");
        auto* candidates = form.findChild<QLineEdit*>("hp_lambda_candidates");
        auto* autoPod = form.findChild<NumberSpinBox*>("hp_auto_pod_energy");
        QVERIFY(derivatives && window && solver && regulariser && candidates && autoPod);
        QVERIFY(derivatives->findText("smooth") >= 0 && derivatives->findText("ord6") >= 0);
        QVERIFY(solver->findText("tsvd") >= 0 && solver->findText("tls") >= 0);
        QVERIFY(!window->isVisible() && !candidates->isVisible());
        QVERIFY(autoPod->isVisible() && solver->isVisible());   // defaults: basis none, least squares

        derivatives->setCurrentIndex(derivatives->findText("smooth"));
        QVERIFY(window->isVisible());
        regulariser->setCurrentIndex(regulariser->findText("auto"));
        QVERIFY(candidates->isVisible());
        candidates->setText("0, 1e-3, 0.5");
        QTest::keyClick(candidates, Qt::Key_Return);
        QCOMPARE(form.values()["lambda_candidates"], json({0.0, 1e-3, 0.5}));
        const auto v = form.validatedValues();
        QVERIFY(v.has_value());
        const json checked = sd::model::validateHyperparameters(sd::opinf::hyperparameterSchema(), *v);
        QCOMPARE(checked["regulariser"].get<std::string>(), std::string("auto"));
        QCOMPARE(checked["derivatives"].get<std::string>(), std::string("smooth"));
        // A negative candidate is refused visibly by the list editor, the accepted value stays.
        candidates->setText("-1");
        QTest::keyClick(candidates, Qt::Key_Return);
        QCOMPARE(form.values()["lambda_candidates"], json({0.0, 1e-3, 0.5}));
    }

    void cubicAndBilinearWeightsComeFromTheSchema() {
        // The G and N operators' Tikhonov weights (reg_G, reg_N) are fields of the generated form and reach the
        // plugin's validation with the operator letters typed in the operators field.
        HyperparameterForm form;
        form.setSchema(sd::opinf::hyperparameterSchema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* operators = form.findChild<QLineEdit*>("hp_operators");
        auto* regG = form.findChild<NumberSpinBox*>("hp_reg_G");
        auto* regN = form.findChild<NumberSpinBox*>("hp_reg_N");
        QVERIFY(operators && regG && regN);
        operators->setText("cAHGBN");
        QTest::keyClick(operators, Qt::Key_Return);
        regG->setValue(0.25);
        regN->setValue(2.0);
        const auto v = form.validatedValues();
        QVERIFY(v.has_value());
        const json checked = sd::model::validateHyperparameters(sd::opinf::hyperparameterSchema(), *v);
        QCOMPARE(checked["operators"].get<std::string>(), std::string("cAHGBN"));
        QCOMPARE(checked["reg_G"].get<double>(), 0.25);
        QCOMPARE(checked["reg_N"].get<double>(), 2.0);
    }
    void discreteVariantShowsOnlyWhatApplies() {
        HyperparameterForm form;
        form.setSchema(sd::opinf::hyperparameterSchema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* variant = form.findChild<QComboBox*>("hp_variant");
        auto* derivatives = form.findChild<QComboBox*>("hp_derivatives");
        auto* solver = form.findChild<QComboBox*>("hp_solver");
        auto* regulariser = form.findChild<QComboBox*>("hp_regulariser");
        auto* rtol = form.findChild<NumberSpinBox*>("hp_rtol");
        auto* regN = form.findChild<NumberSpinBox*>("hp_reg_N");
        QVERIFY(variant && derivatives && solver && regulariser && rtol && regN);
        QVERIFY(variant->findText("discrete") >= 0);
        QVERIFY(derivatives->isVisible() && rtol->isVisible());   // default: least-squares
        variant->setCurrentIndex(variant->findText("discrete"));
        QVERIFY(!derivatives->isVisible() && !rtol->isVisible());
        QVERIFY(solver->isVisible() && regulariser->isVisible() && regN->isVisible());
        solver->setCurrentIndex(solver->findText("tls"));
        const auto v = form.validatedValues();
        QVERIFY(v.has_value());
        const json checked = sd::model::validateHyperparameters(sd::opinf::hyperparameterSchema(), *v);
        QCOMPARE(checked["variant"].get<std::string>(), std::string("discrete"));
        QCOMPARE(checked["solver"].get<std::string>(), std::string("tls"));
        // Back to a stable variant: the least-squares-only solver disappears, the derivatives come back.
        variant->setCurrentIndex(variant->findText("stable"));
        QVERIFY(!solver->isVisible() && derivatives->isVisible());
    }
};

QTEST_MAIN(TestOpInfForm)
#include "test_opinf_form.moc"
