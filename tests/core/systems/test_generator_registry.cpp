// core/systems generator registry: names, parameter validation, seeds, provenance.
#include "core/common/error.h"
#include "core/systems/generator_registry.h"
#include "test_support.h"

using namespace sd::systems;
using nlohmann::json;

namespace {
QString errorOf(const std::string& name, const json& params) {
    try {
        generate(name, params, 1);
    } catch (const sd::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
}  // namespace

class TestGeneratorRegistry : public QObject {
    Q_OBJECT
private slots:
    void namesAndParameters() {
        QCOMPARE(generatorNames().size(), std::size_t(4));
        for (const auto& n : generatorNames()) QVERIFY(generatorParameters(n).is_object());
        QCOMPARE(generatorParameters("pendulum")["links"]["default"].get<int>(), 1);
        QVERIFY_THROWS_EXCEPTION(sd::Error, generatorParameters("lorenz"));
    }

    void validationNamesTheParameter() {
        QVERIFY(errorOf("lorenz", json::object()).contains("unknown generator"));
        QVERIFY(errorOf("pendulum", {{"lnks", 2}}).contains("generate pendulum: lnks"));
        QVERIFY(errorOf("pendulum", {{"links", "two"}}).contains("generate pendulum: links"));
        QVERIFY(errorOf("pendulum", {{"links", 0}}).contains("generate pendulum: links"));
        QVERIFY(errorOf("pendulum", {{"links", 1.5}}).contains("generate pendulum: links"));
        QVERIFY(errorOf("quadratic", {{"preset", "example9"}}).contains("generate quadratic: preset"));
        QVERIFY(errorOf("burgers", {{"viscosity", -1}}).contains("generate burgers: viscosity"));
        QVERIFY(errorOf("reaction-diffusion", {{"measurement_node", 99}}).contains("measurement_node"));
        QVERIFY(errorOf("pendulum", json::array()).contains("JSON object"));
    }

    void generatesWithStringParametersAndSeeds() {
        const json p = {{"links", "2"}, {"samples_per_link", "10"}, {"float32", "false"}};
        const auto a = generate("pendulum", p, 123), b = generate("pendulum", p, 123), c = generate("pendulum", p, 124);
        QCOMPARE(a.trajectories[0].x.cols(), Eigen::Index(20));
        QVERIFY(a.trajectories[0].x == b.trajectories[0].x);
        QVERIFY(a.trajectories[0].x != c.trajectories[0].x);
        QCOMPARE(a.sha256, b.sha256);
        QCOMPARE(a.sha256.size(), std::size_t(64));
        QVERIFY(a.sha256 != c.sha256);
        QVERIFY(QString::fromStdString(a.source).contains("seed: 123"));

        const auto q = generate("quadratic", {{"preset", "example2"}, {"samples", 201}, {"t_end", 2}}, 1);
        QCOMPARE(q.trajectories[0].t.size(), Eigen::Index(201));
        const auto bu = generate("burgers", {{"nodes", 20}, {"train_trajectories", 1}, {"test_trajectories", 1},
                                             {"t_end", 1}, {"samples", 11}}, 1);
        QCOMPARE(bu.trajectories.size(), std::size_t(2));
        QCOMPARE(bu.stateNames.size(), std::size_t(20));
        const auto rd = generate("reaction-diffusion", {{"samples", 100}, {"test_samples", 0}}, 1);
        QCOMPARE(rd.trajectories.size(), std::size_t(1));
        const auto pt = generate("pendulum", {{"mode", "trajectories"}, {"train_trajectories", 2}, {"test_trajectories", 1}, {"t_end", 1}}, 1);
        QCOMPARE(pt.trajectories[2].t.size(), Eigen::Index(101));
    }
};

QTEST_APPLESS_MAIN(TestGeneratorRegistry)
#include "test_generator_registry.moc"
