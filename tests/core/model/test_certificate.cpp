// The typed certificate of the plugin contract (core/model/certificate.h): building one from a plugin's
// JSON, writing the document's "certificate" object, guarantee-kind names, and the BIBS bound formulas.
#include "core/common/error.h"
#include "core/model/certificate.h"

#include <QtTest>
#include <cmath>

using nlohmann::json;
using namespace sd::model;

class TestCertificate : public QObject {
    Q_OBJECT

private slots:
    void kindNamesRoundTrip() {
        for (GuaranteeKind k : {GuaranteeKind::None, GuaranteeKind::ExponentialStability, GuaranteeKind::BoundedInputBoundedState,
                                GuaranteeKind::LocalStability, GuaranteeKind::Contraction, GuaranteeKind::Lipschitz,
                                GuaranteeKind::IncrementalDissipativity, GuaranteeKind::IncrementalPassivity}) {
            const auto back = guaranteeKindFromString(toString(k));
            QVERIFY(back.has_value());
            QCOMPARE(int(*back), int(k));
        }
        QCOMPARE(toString(GuaranteeKind::BoundedInputBoundedState), std::string("bibs"));
        QVERIFY(!guaranteeKindFromString("stable-ish").has_value());
    }

    void fromDetailsTakesTheCommonKeys() {
        const json details = {{"guarantee", "V decreases"},
                              {"verified", true},
                              {"alpha", 0.5},
                              {"checks", {{{"name", "V(0) = 0"}, {"passed", true}, {"value", 0.0}, {"limit", 0.0}},
                                          {{"name", "finite"}, {"passed", true}},
                                          {{"name", "margin"}, {"passed", false}, {"value", nullptr}, {"limit", 1e-9}}}}};
        const Certificate c = Certificate::fromDetails(GuaranteeKind::ExponentialStability, details);
        QCOMPARE(c.guarantee, std::string("V decreases"));
        QVERIFY(c.verified);
        QCOMPARE(int(c.kind), int(GuaranteeKind::ExponentialStability));
        QCOMPARE(c.checks.size(), std::size_t(3));
        QCOMPARE(*c.checks[0].value, 0.0);
        QVERIFY(!c.checks[1].value && !c.checks[1].limit);
        QVERIFY(c.checks[2].value && std::isnan(*c.checks[2].value));   // null = a measurement that is not finite
        QCOMPARE(*c.checks[2].limit, 1e-9);
        // The plugin's own numbers stay; the common keys move into the typed fields.
        QCOMPARE(c.details, json({{"alpha", 0.5}}));
        QVERIFY(std::isnan(c.decreaseRate) && std::isnan(c.lipschitzBound) && std::isnan(c.observedSensitivity) && !c.bibs);
    }

    void toJsonIsDetailsPlusTheTypedKeys() {
        Certificate c;
        c.kind = GuaranteeKind::Lipschitz;
        c.guarantee = "‖Δy‖ ≤ γ‖Δu‖";
        c.verified = false;
        c.checks = {{"LMI", false, -1e-3, 0.0}, {"E invertible", true, std::nullopt, std::nullopt}};
        c.details = {{"gamma", 2.0}};
        const json j = c.toJson();
        QCOMPARE(j["kind"], json("lipschitz"));
        QCOMPARE(j["guarantee"], json("‖Δy‖ ≤ γ‖Δu‖"));
        QCOMPARE(j["verified"], json(false));
        QCOMPARE(j["gamma"], json(2.0));
        QCOMPARE(j["checks"], json::parse(R"([{"name": "LMI", "passed": false, "value": -0.001, "limit": 0.0},
                                              {"name": "E invertible", "passed": true}])"));
        // Reading the object back gives the same guarantee, verdict and checks.
        const Certificate back = Certificate::fromDetails(c.kind, j);
        QCOMPARE(back.toJson(), j);
        // Every certificate object has the common keys, even without checks.
        const json none = Certificate::fromDetails(GuaranteeKind::None, {{"guarantee", "none"}, {"verified", false}}).toJson();
        QCOMPARE(none, json::parse(R"({"guarantee": "none", "verified": false, "kind": "none", "checks": []})"));
    }

    void malformedDetailsNameTheField() {
        const auto fails = [](const json& d, const char* field) {
            try {
                Certificate::fromDetails(GuaranteeKind::None, d, "test certificate");
            } catch (const sd::Error& e) {
                return std::string(e.what()).find(field) != std::string::npos;
            }
            return false;
        };
        QVERIFY(fails({{"verified", false}}, "guarantee"));
        QVERIFY(fails({{"guarantee", "x"}}, "verified"));
        QVERIFY(fails({{"guarantee", "x"}, {"verified", "yes"}}, "verified"));
        QVERIFY(fails({{"guarantee", "x"}, {"verified", false}, {"checks", {{{"passed", true}}}}}, "checks[0]"));
        QVERIFY(fails({{"guarantee", "x"}, {"verified", false}, {"checks", {{{"name", "a"}, {"passed", true}, {"value", "big"}}}}},
                      "checks[0]"));
        QVERIFY(fails(json::array(), "test certificate"));
    }

    void bibsBoundFormulas() {
        BibsBound b;
        b.sigmaMinR = 0.5;
        b.normB = 2.0;
        b.normC = 0.25;
        QCOMPARE(b.radius(1.0), (2.0 * 1.0 + 0.25) / 0.5);
        QCOMPARE(b.stateNormBound(1.0, 1.0), 4.5);    // identity form: max(‖x0‖, ρ)
        QCOMPARE(b.stateNormBound(7.0, 1.0), 7.0);
        b.identityForm = false;
        b.lambdaMinQ = 0.5;
        b.lambdaMaxQ = 2.0;
        const double rho = 4.5;
        QCOMPARE(b.stateNormBound(1.0, 1.0), std::sqrt(std::max(2.0 * 1.0, rho * rho / 0.5) / 0.5));
        QCOMPARE(b.stateNormBound(10.0, 1.0), std::sqrt(std::max(2.0 * 100.0, rho * rho / 0.5) / 0.5));
        b.sigmaMinR = 0.0;   // no dissipation: no bound
        QVERIFY(std::isinf(b.radius(0.0)) && std::isinf(b.stateNormBound(1.0, 0.0)));
        b.sigmaMinR = std::nan("");
        QVERIFY(std::isinf(b.radius(0.0)));
    }
};

QTEST_APPLESS_MAIN(TestCertificate)
#include "test_certificate.moc"
