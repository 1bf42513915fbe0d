// The form generated from a hyperparameter schema: one editor per type, ranges, tooltips, visible_if,
// and visible rejection of invalid values (typed or set programmatically).
#include "app/studio/hyperparameter_form.h"
#include "app/studio/range_checked_spin_boxes.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QtTest>

using namespace sd::studio;
using nlohmann::json;

namespace {
json schema() {
    return json::parse(R"({"params": [
      {"key": "variant", "type": "enum", "values": ["plain", "stable"], "default": "plain", "label": "Variant"},
      {"key": "epochs", "type": "int", "default": 100, "min": 1, "max": 5000, "label": "Epochs", "doc": "Passes over the data."},
      {"key": "lr", "type": "number", "default": 0.001, "min": 0, "exclusive_min": true, "max": 1, "log": true, "label": "Learning rate"},
      {"key": "alpha", "type": "number", "default": 0.5, "min": 0, "max": 10, "label": "Alpha", "visible_if": {"variant": ["stable"]}},
      {"key": "bias", "type": "bool", "default": true, "label": "Bias"},
      {"key": "hidden", "type": "int_list", "default": [64, 64], "min": 1, "max": 4096, "label": "Hidden layers"},
      {"key": "name", "type": "string", "default": "run", "label": "Name"}
    ]})");
}

void typeInto(QAbstractSpinBox* box, const QString& text) {
    box->setFocus();
    box->selectAll();
    QTest::keyClicks(box, text);
    QTest::keyClick(box, Qt::Key_Return);
}
}  // namespace

class TestHyperparameterForm : public QObject {
    Q_OBJECT
private slots:
    void buildsOneEditorPerType() {
        HyperparameterForm form;
        form.setSchema(schema());
        QVERIFY(form.findChild<QComboBox*>("hp_variant"));
        auto* epochs = form.findChild<IntSpinBox*>("hp_epochs");
        QVERIFY(epochs);
        QCOMPARE(epochs->minimum(), 1);
        QCOMPARE(epochs->maximum(), 5000);
        QCOMPARE(epochs->value(), 100);
        QVERIFY(epochs->toolTip().contains("Passes over the data"));
        QVERIFY(form.findChild<NumberSpinBox*>("hp_lr"));
        QVERIFY(form.findChild<QCheckBox*>("hp_bias")->isChecked());
        QCOMPARE(form.findChild<QLineEdit*>("hp_hidden")->text(), QString("64, 64"));
        QCOMPARE(form.values()["lr"].get<double>(), 0.001);
    }

    void typedOutOfRangeValueIsRejectedVisibly() {
        HyperparameterForm form;
        form.setSchema(schema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        QSignalSpy rejected(&form, &HyperparameterForm::valueRejected);
        auto* epochs = form.findChild<IntSpinBox*>("hp_epochs");
        typeInto(epochs, "0");
        QCOMPARE(rejected.count(), 1);
        QCOMPARE(epochs->value(), 100);
        QCOMPARE(form.values()["epochs"].get<int>(), 100);
        QVERIFY(form.message().contains("Epochs"));
        QVERIFY(form.findChild<QLabel*>("hyperparameterMessage")->isVisible());
        typeInto(epochs, "250");
        QCOMPARE(form.values()["epochs"].get<int>(), 250);
        QVERIFY(form.message().isEmpty());

        auto* lr = form.findChild<NumberSpinBox*>("hp_lr");
        typeInto(lr, "0");   // exclusive minimum
        QCOMPARE(rejected.count(), 2);
        QCOMPARE(form.values()["lr"].get<double>(), 0.001);
        typeInto(lr, "1e-4");
        QCOMPARE(form.values()["lr"].get<double>(), 1e-4);
    }

    void listEditorRejectsText() {
        HyperparameterForm form;
        form.setSchema(schema());
        auto* hidden = form.findChild<QLineEdit*>("hp_hidden");
        hidden->setText("32, abc");
        emit hidden->editingFinished();
        QVERIFY(form.message().contains("Hidden layers"));
        QCOMPARE(form.values()["hidden"], json({64, 64}));
        hidden->setText("32, 16, 8");
        emit hidden->editingFinished();
        QCOMPARE(form.values()["hidden"], json({32, 16, 8}));
        hidden->setText("0");   // below the element minimum
        emit hidden->editingFinished();
        QCOMPARE(form.values()["hidden"], json({32, 16, 8}));
    }

    void programmaticSetValueIsValidated() {
        HyperparameterForm form;
        form.setSchema(schema());
        QVERIFY(!form.setValue("lr", -1.0));
        QVERIFY(!form.setValue("variant", "unknown"));
        QVERIFY(!form.setValue("nope", 1));
        QVERIFY(form.setValue("lr", 0.01));
        QCOMPARE(form.findChild<NumberSpinBox*>("hp_lr")->value(), 0.01);
        QVERIFY(form.validatedValues().has_value());
    }

    void visibleIfFollowsTheEnum() {
        HyperparameterForm form;
        form.setSchema(schema());
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* alpha = form.findChild<NumberSpinBox*>("hp_alpha");
        QVERIFY(!alpha->isVisible());
        form.findChild<QComboBox*>("hp_variant")->setCurrentIndex(1);
        QVERIFY(alpha->isVisible());
        QCOMPARE(form.values()["variant"].get<std::string>(), std::string("stable"));
    }

    void startsFromGivenValues() {
        HyperparameterForm form;
        form.setSchema(schema(), json{{"epochs", 7}, {"unknown_key", 3}});
        QCOMPARE(form.findChild<IntSpinBox*>("hp_epochs")->value(), 7);
        QVERIFY(!form.values().contains("unknown_key"));
    }
};

QTEST_MAIN(TestHyperparameterForm)
#include "test_hyperparameter_form.moc"
