// Hyperparameter schema validation: defaults filled, every kind of bad value rejected with the key named.
#include "core/common/error.h"
#include "core/model/hyperparameters.h"

#include <QtTest>

using nlohmann::json;

class TestHyperparameters : public QObject {
    Q_OBJECT

    json schema() const {
        return json::parse(R"({"params": [
          {"key": "lr", "type": "number", "default": 0.001, "min": 0, "exclusive_min": true, "max": 1},
          {"key": "epochs", "type": "int", "default": 10, "min": 1, "max": 100000},
          {"key": "center", "type": "bool", "default": false},
          {"key": "variant", "type": "enum", "values": ["least-squares", "stable"], "default": "least-squares"},
          {"key": "hidden", "type": "int_list", "default": [100, 100], "min": 1, "max": 4096, "min_items": 1},
          {"key": "name", "type": "string", "default": "run"}
        ]})");
    }

    void expectError(const json& hyper, const std::string& keyFragment, const std::string& whatFragment) {
        try {
            sd::model::validateHyperparameters(schema(), hyper);
            QFAIL(("accepted " + hyper.dump()).c_str());
        } catch (const sd::Error& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(keyFragment) != std::string::npos, msg.c_str());
            QVERIFY2(msg.find(whatFragment) != std::string::npos, msg.c_str());
        }
    }

private slots:
    void fillsDefaults() {
        const json out = sd::model::validateHyperparameters(schema(), json{{"epochs", 5}});
        QCOMPARE(out["epochs"].get<int>(), 5);
        QCOMPARE(out["lr"].get<double>(), 0.001);
        QCOMPARE(out["variant"].get<std::string>(), std::string("least-squares"));
        QCOMPARE(out["hidden"], json({100, 100}));
        QCOMPARE(out.size(), std::size_t(6));
        QCOMPARE(sd::model::defaultHyperparameters(schema()), sd::model::validateHyperparameters(schema(), json::object()));
    }

    void rejectsBadValues() {
        expectError({{"lr", 0.0}}, "'lr'", "exclusive minimum");
        expectError({{"lr", 2.0}}, "'lr'", "maximum");
        expectError({{"lr", "fast"}}, "'lr'", "expected a number");
        expectError({{"epochs", 2.5}}, "'epochs'", "integer");
        expectError({{"epochs", 0}}, "'epochs'", "minimum");
        expectError({{"center", 1}}, "'center'", "true or false");
        expectError({{"variant", "magic"}}, "'variant'", "one of");
        expectError({{"hidden", json::array()}}, "'hidden'", "at least 1");
        expectError({{"hidden", {100, 0}}}, "'hidden[1]'", "minimum");
        expectError({{"bogus", 1}}, "'bogus'", "unknown");
    }

    void rejectsMalformedSchema() {
        QVERIFY_THROWS_EXCEPTION(sd::Error, sd::model::validateHyperparameters(json{{"x", 1}}, json::object()));
        const json bad = json::parse(R"({"params": [{"key": "a", "type": "complex", "default": 1}]})");
        QVERIFY_THROWS_EXCEPTION(sd::Error, sd::model::validateHyperparameters(bad, json::object()));
    }
};

QTEST_APPLESS_MAIN(TestHyperparameters)
#include "test_hyperparameters.moc"
