// Experiment plans: parsing with clear errors (unknown key, empty axis, bad range, wrong version, …), range
// expansion, the cell grid and its order, stable cell ids, the stored-plan round trip, and the checks against
// the plugin (unknown plugin / hyperparameter / metric kind, invalid values).
#include "core/common/error.h"
#include "core/data/hashing.h"
#include "core/experiment/cells.h"
#include "core/experiment/plan_check.h"
#include "experiment_test_support.h"

#include <QtTest>
#include <set>

using namespace sd::experiment;
using namespace sd::experiment::testing;
using nlohmann::json;

namespace {

// The message of the sd::Error that parsing `j` throws ("" if none).
std::string parseError(const json& j) {
    try {
        parse(j);
    } catch (const sd::Error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

class TestExperimentPlan : public QObject {
    Q_OBJECT
private slots:
    void parsesAFullPlan() {
        const json j = fixturePlan({{{"key", "lr"}, {"range", {{"from", 1e-3}, {"to", 1e-1}, {"count", 3}, {"scale", "log"}}}},
                                    {{"name", "variant"}, {"values", {{{"label", "fast"}, {"set", {{"epochs", 5}, {"lr", 0.2}}}}}}}},
                                   {{"description", "d"}, {"training", {{"validation_split", ""}}}, {"output", "runs/x"}});
        // The bundle axis sets lr too, which the first axis sets: rejected.
        QVERIFY(contains(parseError(j), "also set by axis 'lr'"));
        json ok = j;
        ok["axes"][1]["values"][0]["set"].erase("lr");
        const ExperimentPlan p = parse(ok);
        QCOMPARE(p.axes.size(), std::size_t(2));
        QVERIFY(p.axes[0].log);
        QVERIFY(p.axes[0].numeric());
        QCOMPARE(p.axes[0].values.size(), std::size_t(3));
        QCOMPARE(p.axes[0].number(0), 1e-3);
        QCOMPARE(p.axes[0].number(2), 1e-1);
        QVERIFY(std::abs(p.axes[0].number(1) - 1e-2) < 1e-15);
        QCOMPARE(p.axes[1].values[0].label, std::string("fast"));
        QVERIFY(!p.axes[1].numeric());
        QCOMPARE(p.training.validationSplit, std::string(""));
        QCOMPARE(p.cellCount(), std::size_t(1 * 3 * 1 * 2));
        QCOMPARE(p.output, std::string("runs/x"));
    }

    void errorsNameTheField() {
        // Unknown keys, top level and nested.
        QVERIFY(contains(parseError(fixturePlan({}, {{"axis", json::array()}})), "plan.json.axis: unknown key"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"valuez", {1}}}})), "plan.json.axes[0].valuez: unknown key"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"range", {{"from", 1}, {"to", 2}, {"count", 2}, {"step", 1}}}}})),
                         "axes[0].range.step: unknown key"));
        // Empty axis and axis without values.
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"values", json::array()}}})), "axes[0].values: empty axis"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}}})), "exactly one of \"values\""));
        // Bad ranges.
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"range", {{"from", 0}, {"to", 1}, {"count", 3}, {"scale", "log"}}}}})), "log range"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"range", {{"from", 1}, {"to", 2}, {"count", 0}}}}})), "range.count"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"range", {{"from", 1}, {"to", 2}, {"count", 1}}}}})), "needs count ≥ 2"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"range", {{"from", 1}, {"to", 2}, {"count", 5}, {"scale", "cubic"}}}}})), "range.scale"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "epochs"}, {"range", {{"from", 1}, {"to", 2}, {"count", 5}, {"integer", true}}}}})), "repeat"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"range", {{"from", "a"}, {"to", 2}, {"count", 2}}}}})), "range.from: required: a number"));
        // Format, version, required keys, duplicates.
        QVERIFY(contains(parseError(fixturePlan({}, {{"version", 2}})), "unsupported plan version 2"));
        QVERIFY(contains(parseError(fixturePlan({}, {{"format", "other"}})), "plan.json.format"));
        json noPlugin = fixturePlan();
        noPlugin.erase("plugin");
        QVERIFY(contains(parseError(noPlugin), "plan.json.plugin: required"));
        QVERIFY(contains(parseError(fixturePlan({}, {{"datasets", json::array()}})), "plan.json.datasets: required: a non-empty list"));
        QVERIFY(contains(parseError(fixturePlan({}, {{"datasets", {"a", "a"}}})), "'a' is used twice"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"values", {1, 1}}}})), "appears twice"));
        QVERIFY(contains(parseError(fixturePlan({}, {{"seeds", {0, 0}}})), "a seed appears twice"));
        QVERIFY(contains(parseError(fixturePlan({}, {{"seeds", {-1}}})), "seeds[0]"));
        QVERIFY(contains(parseError(fixturePlan({{{"name", "m"}, {"values", {{{"set", {{"lr", 1}}}}}}}})), "values[0].label: required"));
        QVERIFY(contains(parseError(fixturePlan({{{"key", "lr"}, {"values", {{{"label", "x"}, {"set", json::object()}}}}}})), "bundle values need"));
        QVERIFY(contains(parseError(fixturePlan({}, {{"datasets", {{{"registry", "a"}, {"file", "b"}}}}})), "exactly one of"));
        QVERIFY(contains(parseError(fixturePlan({}, {{"metrics", {{{"kind", "evaluate"}}, {{"kind", "evaluate"}}}}})), "'evaluate' is used twice"));
        QVERIFY(contains(parseError(json::object()), "plan.json.format: required"));
        try {
            parsePlan("{ not json", "broken.json");
            QFAIL("no error");
        } catch (const sd::Error& e) {
            QVERIFY(contains(e.what(), "broken.json: byte") && contains(e.what(), "invalid JSON"));
        }
    }

    void rangesExpandExactly() {
        bool integer = false, log = false;
        auto v = expandRange({{"from", 0}, {"to", 1}, {"count", 5}}, "r", &integer, &log);
        QCOMPARE(v, (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
        QVERIFY(!integer && !log);
        v = expandRange({{"from", 1}, {"to", 1000}, {"count", 4}, {"scale", "log"}}, "r", &integer, &log);
        QVERIFY(log);
        QCOMPARE(v.front(), 1.0);
        QCOMPARE(v.back(), 1000.0);
        QVERIFY(std::abs(v[1] - 10) < 1e-12 && std::abs(v[2] - 100) < 1e-10);
        v = expandRange({{"from", 2}, {"to", 12}, {"count", 6}, {"integer", true}}, "r", &integer, &log);
        QVERIFY(integer);
        QCOMPARE(v, (std::vector<double>{2, 4, 6, 8, 10, 12}));
        // Integer axes store integers (the hyperparameter validator needs them).
        const ExperimentPlan p = parse(fixturePlan({{{"key", "epochs"}, {"range", {{"from", 2}, {"to", 12}, {"count", 6}, {"integer", true}}}}}));
        QVERIFY(p.axes[0].values[0].value.is_number_integer());
        QCOMPARE(p.axes[0].values[5].label, std::string("12"));
    }

    void cellsComeInAFixedOrder() {
        const ExperimentPlan p = parse(fixturePlan({{{"key", "lr"}, {"values", {0.1, 0.2, 0.3}}}, {{"key", "epochs"}, {"values", {5, 10}}}},
                                                   {{"datasets", {{{"name", "a"}, {"generate", "quadratic"}}, {{"name", "b"}, {"generate", "quadratic"}, {"seed", 2}}}}}));
        const auto cells = enumerateCells(p);
        QCOMPARE(cells.size(), std::size_t(2 * 3 * 2 * 2));
        // Dataset slowest, then the axes in order, the seed fastest.
        QCOMPARE(cells[0].dataset, 0);
        QCOMPARE(cells[1].seed, std::uint64_t(1));
        QCOMPARE(cells[1].coords, (std::vector<int>{0, 0}));
        QCOMPARE(cells[2].coords, (std::vector<int>{0, 1}));
        QCOMPARE(cells[4].coords, (std::vector<int>{1, 0}));
        QCOMPARE(cells[12].dataset, 1);
        QCOMPARE(cells[5].hyper["lr"].get<double>(), 0.2);
        QCOMPARE(cells[5].hyper["epochs"].get<int>(), 5);
        for (std::size_t i = 0; i < cells.size(); ++i) QCOMPARE(cells[i].index, int(i));
        QCOMPARE(cells[7].describe(p), std::string("dataset=a, lr=0.2, epochs=10, seed=1"));
        // A plan without axes: datasets × seeds.
        QCOMPARE(enumerateCells(parse(fixturePlan())).size(), std::size_t(2));
    }

    void cellIdsAreStable() {
        const json base = fixturePlan({{{"key", "lr"}, {"values", {0.1, 0.2}}}, {{"name", "variant"}, {"values", {{{"label", "long"}, {"set", {{"epochs", 50}}}}}}}});
        const auto cells = enumerateCells(parse(base));
        // The id is the SHA-256 of the canonical resolved configuration — written out here, so a change of
        // the scheme (which would orphan every stored result) fails this test.
        const json config = {{"plugin", "fixture-experiment"},
                             {"hyperparameters", {{"epochs", 50}, {"lr", 0.1}}},
                             {"dataset", {{"generate", "pendulum"}, {"params", pendulumParams()}, {"seed", 1}}},
                             {"seed", 0},
                             {"training", {{"train_split", "train"}, {"validation_split", "validation"}}},
                             {"metrics", {{{"kind", "evaluate"}, {"name", "test"}, {"split", "test"}}}}};
        QCOMPARE(cells[0].id, sd::data::sha256Bytes(config.dump()).substr(0, 16));
        QCOMPARE(cells[0].id.size(), std::size_t(16));
        // Names, labels, axis order, comments and the output folder do not change ids.
        json renamed = base;
        renamed["axes"] = {base["axes"][1], base["axes"][0]};
        renamed["axes"][0]["name"] = "other";
        renamed["axes"][0]["values"][0]["label"] = "renamed";
        renamed["output"] = "elsewhere";
        renamed["comment"] = "a note";
        renamed["datasets"][0]["name"] = "q";
        std::set<std::string> a, b;
        for (const auto& c : cells) a.insert(c.id);
        for (const auto& c : enumerateCells(parse(renamed))) b.insert(c.id);
        QCOMPARE(a, b);
        // Extending an axis keeps the existing cells' ids; a changed value, seed or metric changes them.
        json extended = base;
        extended["axes"][0]["values"] = {0.1, 0.2, 0.4};
        std::set<std::string> c;
        for (const auto& cell : enumerateCells(parse(extended))) c.insert(cell.id);
        QVERIFY(std::includes(c.begin(), c.end(), a.begin(), a.end()));
        QCOMPARE(c.size(), std::size_t(6));
        json changedMetric = base;
        changedMetric["metrics"][0]["washout"] = 5;
        QVERIFY(enumerateCells(parse(changedMetric))[0].id != cells[0].id);
        QVERIFY(cells[0].id != cells[1].id);   // seeds differ
        // The stored plan (plan.json of a run) parses back to the same cells.
        const ExperimentPlan stored = parsePlan(planToJson(parse(base)).dump(), "stored");
        const auto again = enumerateCells(stored);
        QCOMPARE(again.size(), cells.size());
        for (std::size_t i = 0; i < cells.size(); ++i) QCOMPARE(again[i].id, cells[i].id);
    }

    void checkAgainstThePlugin() {
        sd::model::PluginHost host;
        scanFixture(host);
        QVERIFY(host.find("fixture-experiment"));
        const Extensions ext = Extensions::builtins();
        auto checkError = [&](const json& j) -> std::string {
            try {
                checkPlan(parse(j), host, ext);
            } catch (const sd::Error& e) {
                return e.what();
            }
            return "";
        };
        QCOMPARE(checkError(fixturePlan({{{"key", "lr"}, {"values", {0.1, 0.2}}}})), std::string());
        QVERIFY(contains(checkError(fixturePlan({}, {{"plugin", "no-such"}})), "plan.json.plugin: 'no-such' is not a loaded plugin (loaded: "));
        QVERIFY(contains(checkError(fixturePlan({{{"key", "lrr"}, {"values", {1}}}})), "axes[0].key: 'lrr' is not a hyperparameter of plugin 'fixture-experiment'"));
        QVERIFY(contains(checkError(fixturePlan({}, {{"fixed", {{"epoch", 3}}}})), "fixed.epoch: 'epoch' is not a hyperparameter"));
        QVERIFY(contains(checkError(fixturePlan({}, {{"seeds", {{"values", {0}}, {"also_set", {"seed_x"}}}}})), "seeds.also_set"));
        // A value the schema rejects names the cell.
        const std::string range = checkError(fixturePlan({{{"key", "lr"}, {"values", {0.1, 50}}}}));
        QVERIFY2(contains(range, "cell 2 (dataset=pend, lr=50, seed=0)") && contains(range, "hyperparameter 'lr'"), range.c_str());
        QVERIFY(contains(checkError(fixturePlan({}, {{"metrics", {{{"kind", "nope"}}}}})), "metrics[0].kind: unknown metric kind 'nope' (known: certificate, evaluate"));
        QVERIFY(contains(checkError(fixturePlan({}, {{"metrics", {{{"kind", "evaluate"}, {"splitt", "test"}}}}})), "metrics[0].splitt: unknown parameter"));
        QVERIFY(contains(checkError(fixturePlan({}, {{"datasets", {{{"generate", "quadratic"}, {"transforms", {{{"kind", "shuffle"}}}}}}}})), "unknown transform 'shuffle'"));
        QVERIFY(contains(checkError(fixturePlan({}, {{"report", {{"study", "nope"}}}})), "unknown study report 'nope'"));
        // Two bundle values with the same settings would share results: rejected.
        QVERIFY(contains(checkError(fixturePlan({{{"name", "m"}, {"values", {{{"label", "a"}, {"set", {{"lr", 1}}}}, {{"label", "b"}, {"set", {{"lr", 1}}}}}}}})),
                         "same configuration as cell 0"));
        // Defaults are filled into the validated hyperparameters, not into the ids.
        const auto cells = checkPlan(parse(fixturePlan()), host, ext);
        QCOMPARE(cells[0].validated["mode"].get<std::string>(), std::string("ok"));
        QVERIFY(!cells[0].hyper.contains("mode"));
    }
};

QTEST_GUILESS_MAIN(TestExperimentPlan)
#include "test_experiment_plan.moc"
