// Hyperparameter schema validation: defaults filled, every kind of bad value rejected with the key named;
// "key=value" assignments (CLI --set, studio --hyper) parsed into typed JSON values.
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
        // An integral double beyond long long: converting it would be undefined; refused before the range check.
        expectError({{"epochs", 1e36}}, "'epochs'", "too large");
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

    void parsesAssignments() {
        using sd::model::parseHyperparameterAssignment;
        const auto lr = parseHyperparameterAssignment("lr=0.01", "option --set");
        QCOMPARE(lr.key, std::string("lr"));
        QVERIFY(lr.value.is_number_float() && lr.value.get<double>() == 0.01);
        QCOMPARE(parseHyperparameterAssignment(" hidden =[64, 32]", "x").key, std::string("hidden"));
        QCOMPARE(parseHyperparameterAssignment("hidden=[64, 32]", "x").value, json::parse("[64, 32]"));
        QCOMPARE(parseHyperparameterAssignment("center=true", "x").value, json(true));
        // Bare words are strings; only the first '=' splits.
        QCOMPARE(parseHyperparameterAssignment("variant=stable", "x").value, json("stable"));
        QCOMPARE(parseHyperparameterAssignment("name=a=b", "x").value, json("a=b"));
        QCOMPARE(parseHyperparameterAssignment("name=", "x").value, json(""));
        // The filled-in value passes the schema exactly like the typed JSON would.
        const json filled = sd::model::validateHyperparameters(
            schema(), {{"epochs", parseHyperparameterAssignment("epochs=7", "x").value}});
        QCOMPARE(filled["epochs"].get<int>(), 7);
    }

    void rejectsBadAssignments() {
        auto expect = [](const std::string& text, const std::string& where, const std::string& what) {
            try {
                sd::model::parseHyperparameterAssignment(text, "option --set");
                QFAIL(("accepted " + text).c_str());
            } catch (const sd::Error& e) {
                const std::string msg = e.what();
                QVERIFY2(msg.find(where) != std::string::npos, msg.c_str());
                QVERIFY2(msg.find(what) != std::string::npos, msg.c_str());
            }
        };
        expect("lr", "option --set", "expected key=value");
        expect("=3", "option --set", "expected key=value");
        expect("lr=1e400", "option --set lr", "out of range");
    }
};

QTEST_APPLESS_MAIN(TestHyperparameters)
#include "test_hyperparameters.moc"
