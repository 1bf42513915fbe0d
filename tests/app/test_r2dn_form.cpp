// The studio form generated from ren's real schema offers the R2DN (docs/methods/ren.md §13): model_class lists
// r2dn; choosing it shows the network widths, the state and neuron counts and the guarantee, hides the LBDN-only
// fields, and the values it returns are accepted by the plugin's validation and build an R2DN.
#include "app/studio/hyperparameter_form.h"
#include "app/studio/range_checked_spin_boxes.h"
#include "core/model/hyperparameters.h"
#include "plugins/ren/ren_hyperparameters.h"
#include "plugins/ren/ren_model.h"

#include <QComboBox>
#include <QLineEdit>
#include <QtTest>

using namespace sd::studio;
using nlohmann::json;

class TestR2dnForm : public QObject {
    Q_OBJECT
private slots:
    void r2dnIsOfferedWithItsFields() {
        HyperparameterForm form;
        form.setSchema(sd::ren::hyperparameterSchema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* modelClass = form.findChild<QComboBox*>("hp_model_class");
        auto* hidden = form.findChild<QLineEdit*>("hp_r2dn_hidden");
        auto* lbdnHidden = form.findChild<QLineEdit*>("hp_lbdn_hidden");
        auto* renClass = form.findChild<QComboBox*>("hp_ren_class");
        auto* nx = form.findChild<IntSpinBox*>("hp_nx");
        QVERIFY(modelClass && hidden && lbdnHidden && renClass && nx);
        QVERIFY(modelClass->findText("r2dn") >= 0);
        QVERIFY(!hidden->isVisible());   // default model_class = ren
        modelClass->setCurrentIndex(modelClass->findText("r2dn"));
        QVERIFY(hidden->isVisible() && renClass->isVisible() && nx->isVisible());
        QVERIFY(!lbdnHidden->isVisible());
        QCOMPARE(hidden->text(), QString("32, 32"));
        hidden->setText("16, 8, 4");
        QTest::keyClick(hidden, Qt::Key_Return);
        renClass->setCurrentIndex(renClass->findText("lipschitz"));
        const auto v = form.validatedValues();
        QVERIFY(v.has_value());
        const json checked = sd::model::validateHyperparameters(sd::ren::hyperparameterSchema(), *v);
        QCOMPARE(checked["model_class"].get<std::string>(), std::string("r2dn"));
        QCOMPARE(checked["r2dn_hidden"], json({16, 8, 4}));
        sd::data::DatasetInfo info;
        info.name = "form";
        info.inputDim = 1;
        info.outputDim = 1;
        const sd::ren::RenModel m(checked, info);
        QCOMPARE(m.variant(), std::string("r2dn-lipschitz"));
    }
};

QTEST_MAIN(TestR2dnForm)
#include "test_r2dn_form.moc"
