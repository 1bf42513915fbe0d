// Least-squares operator inference: Kronecker conventions, exact recovery of a known quadratic control
// system, the one-SVD regularised solve against the normal equations, and the model's JSON round trip.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/ode/dopri5.h"
#include "plugins/stable-opinf/least_squares_opinf.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/opinf_model.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <QtTest>
#include <cstring>

using namespace sd::opinf;
using nlohmann::json;

namespace {

// The stand-in Example I (docs/methods/systems.md §3) plus a constant term: n = 3, m = 1.
QuadraticOperators exampleSystem(bool withC) {
    QuadraticOperators s;
    s.ops = OperatorSet::parse(withC ? "cAHB" : "AHB");
    s.r = 3;
    s.m = 1;
    Eigen::Matrix3d J;
    J << 0, 1, 0, -1, 0, 1, 0, -1, 0;
    s.A = J - Eigen::Vector3d(0.2, 0.1, 0.3).asDiagonal().toDenseMatrix();
    Eigen::Matrix3d H1, H2;
    H1 << 0, 0, 0, 0, 0, -1, 0, 1, 0;
    H2 << 0, 0, 0.5, 0, 0, 0, -0.5, 0, 0;
    s.H = Eigen::MatrixXd::Zero(3, 9);
    s.H.leftCols(3) = H1;
    s.H.middleCols(3, 3) = H2;
    s.B = Eigen::Vector3d(1.0, 0.0, 0.5);
    if (withC) s.c = Eigen::Vector3d(0.05, -0.02, 0.01);
    s.refreshDerived();
    return s;
}

sd::data::Trajectory simulate(const QuadraticOperators& sys, double k1, double k2, double c1, double c2, double tEnd, int samples) {
    sd::data::Trajectory tr;
    tr.id = "sim";
    tr.t = Eigen::VectorXd::LinSpaced(samples, 0.0, tEnd);
    auto u = [=](double t) { return Eigen::VectorXd::Constant(1, c1 * std::sin(k1 * t) + c2 * std::cos(k2 * t)); };
    const sd::ode::Field f = [&](double, const Eigen::VectorXd& x, const Eigen::VectorXd& uu) {
        Eigen::VectorXd dx;
        sys.evaluate(x, uu, dx);
        return dx;
    };
    sd::ode::Dopri5Options opt;
    opt.rtol = 1e-12;
    opt.atol = 1e-13;
    const auto sol = sd::ode::integrateDopri5(f, Eigen::VectorXd::Zero(3), tr.t, sd::ode::InputSignal::fromFunction(1, u), opt);
    tr.x = sol.x;
    tr.u.resize(1, samples);
    for (int k = 0; k < samples; ++k) tr.u(0, k) = u(tr.t[k])[0];
    return tr;
}

double relErr(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return (a - b).norm() / b.norm(); }

}  // namespace

class TestOpInfLeastSquares : public QObject {
    Q_OBJECT

private slots:
    void kroneckerConventions() {
        const Eigen::Vector3d x(2.0, 3.0, 5.0);
        const Eigen::MatrixXd k = kronSquareColumns(x);
        QCOMPARE(k(0 * 3 + 1, 0), 6.0);   // x0 x1
        QCOMPARE(k(2 * 3 + 1, 0), 15.0);  // x2 x1
        const Eigen::MatrixXd c = compressedSquareColumns(x);
        const Eigen::VectorXd expected = (Eigen::VectorXd(6) << 4, 6, 9, 10, 15, 25).finished();  // x0², x0x1, x1², x0x2, x1x2, x2²
        QCOMPARE(Eigen::VectorXd(c.col(0)), expected);

        sd::Rng rng(3);
        const Eigen::MatrixXd H = rng.normalMatrix(4, 16), X = rng.normalMatrix(4, 50);
        const Eigen::MatrixXd Hc = compressQuadratic(H);
        QVERIFY(relErr(Hc * compressedSquareColumns(X), H * kronSquareColumns(X)) < 1e-14);
        const Eigen::MatrixXd He = expandQuadratic(Hc, 4);
        QVERIFY(relErr(He * kronSquareColumns(X), H * kronSquareColumns(X)) < 1e-14);
        QCOMPARE(compressQuadratic(He), Hc);
    }

    void recoversKnownSystemFromExactDerivatives() {
        const QuadraticOperators truth = exampleSystem(/*withC=*/true);
        sd::data::Trajectory a = simulate(truth, 2, 3, 1.5, 0.7, 20.0, 2001), b = simulate(truth, 1, 5, 0.6, 1.8, 20.0, 2001);
        Eigen::MatrixXd X(3, 4002), U(1, 4002);
        X << a.x, b.x;
        U << a.u, b.u;
        const Eigen::MatrixXd Z = truth.evaluate(X, U);
        const QuadraticOperators fit = LeastSquaresOpInf(X, U, Z, truth.ops).solve({});
        QVERIFY2(relErr(fit.A, truth.A) < 1e-8, qPrintable(QString::number(relErr(fit.A, truth.A))));
        QVERIFY(relErr(fit.H * kronSquareColumns(X), truth.H * kronSquareColumns(X)) < 1e-8);
        QVERIFY(relErr(compressQuadratic(fit.H), compressQuadratic(truth.H)) < 1e-8);
        QVERIFY(relErr(fit.B, truth.B) < 1e-8);
        QVERIFY(relErr(fit.c, truth.c) < 1e-8);
    }

    void recoversKnownSystemThroughThePluginWithEstimatedDerivatives() {
        // Noise-free simulated trajectories; derivatives from the 4th-order stencil (h = 0.01).
        const QuadraticOperators truth = exampleSystem(/*withC=*/true);
        sd::data::Dataset ds;
        ds.name = "example1+c";
        ds.stateNames = {"x1", "x2", "x3"};
        ds.inputNames = {"u"};
        ds.trajectories = {simulate(truth, 2, 3, 1.5, 0.7, 20.0, 2001), simulate(truth, 1, 5, 0.6, 1.8, 20.0, 2001)};
        ds.splits["train"] = {0, 1};
        const json hyper = sd::model::validateHyperparameters(hyperparameterSchema(), {{"operators", "cAHB"}});
        OpInfModel model(hyper, sd::data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        int events = 0;
        const auto summary = model.train(ds, {}, [&](const sd::model::TrainEvent& e) { ++events; QVERIFY(std::isfinite(e.trainLoss)); }, cancel);
        QCOMPARE(int(summary.status), int(sd::model::TrainStatus::Completed));
        QCOMPARE(events, 1);
        const auto& ops = model.operators();
        const double eA = relErr(ops.A, truth.A), eH = relErr(compressQuadratic(ops.H), compressQuadratic(truth.H)),
                     eB = relErr(ops.B, truth.B), ec = relErr(ops.c, truth.c);
        qInfo("relative errors with stencil derivatives: A %.2e H %.2e B %.2e c %.2e", eA, eH, eB, ec);
        QVERIFY(eA < 1e-6 && eH < 1e-6 && eB < 1e-6 && ec < 1e-6);
    }

    void regularisedSolveMatchesNormalEquations() {
        sd::Rng rng(11);
        const Eigen::MatrixXd X = rng.normalMatrix(3, 200), U = rng.normalMatrix(2, 200), Z = rng.normalMatrix(3, 200);
        const OperatorSet ops = OperatorSet::parse("cAHB");
        LeastSquaresOpInf solver(X, U, Z, ops);
        // Data matrix as in docs/methods/stable-opinf.md §5.
        Eigen::MatrixXd D(200, 1 + 3 + 6 + 2);
        D << Eigen::VectorXd::Ones(200), X.transpose(), compressedSquareColumns(X).transpose(), U.transpose();
        for (const RegularisationWeights w : {RegularisationWeights{0.5, 0.5, 0.5, 0.5}, RegularisationWeights{0.1, 0.2, 3.0, 0.05}}) {
            Eigen::VectorXd g(12);
            g << w.c, Eigen::VectorXd::Constant(3, w.A), Eigen::VectorXd::Constant(6, w.H), Eigen::VectorXd::Constant(2, w.B);
            const Eigen::MatrixXd G = D.transpose() * D + Eigen::MatrixXd(g.array().square().matrix().asDiagonal());
            const Eigen::MatrixXd Ot = G.ldlt().solve(D.transpose() * Z.transpose());
            const QuadraticOperators fit = solver.solve(w);
            Eigen::MatrixXd O(3, 12);
            O << fit.c, fit.A, compressQuadratic(fit.H), fit.B;
            QVERIFY2(relErr(O, Ot.transpose()) < 1e-10, qPrintable(QString::number(relErr(O, Ot.transpose()))));
        }
    }

    void rejectsBadInputs() {
        sd::Rng rng(1);
        QVERIFY_THROWS_EXCEPTION(sd::Error, LeastSquaresOpInf(rng.normalMatrix(3, 5), Eigen::MatrixXd(), rng.normalMatrix(3, 5), OperatorSet::parse("AH")));
        Eigen::MatrixXd X = rng.normalMatrix(2, 50);
        X(1, 7) = std::numeric_limits<double>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(sd::Error, LeastSquaresOpInf(X, Eigen::MatrixXd(), rng.normalMatrix(2, 50), OperatorSet::parse("AH")));
        QVERIFY_THROWS_EXCEPTION(sd::Error, OperatorSet::parse("AXH"));
        QVERIFY_THROWS_EXCEPTION(sd::Error, OperatorSet::parse("AA"));
        // B without inputs is refused when the model is created.
        sd::data::DatasetInfo info;
        info.stateDim = 2;
        const json hyper = sd::model::validateHyperparameters(hyperparameterSchema(), {{"operators", "AB"}});
        QVERIFY_THROWS_EXCEPTION(sd::Error, OpInfModel(hyper, info));
    }

    void jsonRoundTripIsBitExactAndShapesAreChecked() {
        const QuadraticOperators truth = exampleSystem(false);
        sd::data::Dataset ds;
        ds.name = "example1";
        ds.stateNames = {"x1", "x2", "x3"};
        ds.inputNames = {"u"};
        ds.trajectories = {simulate(truth, 2, 3, 1.5, 0.7, 10.0, 1001)};
        OpInfModel model(sd::model::validateHyperparameters(hyperparameterSchema(), json::object()), sd::data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        model.train(ds, {}, {}, cancel);
        const json doc = json::parse(model.toJson().dump());
        const auto back = OpInfModel::fromJson(doc);
        QCOMPARE(back->toJson().dump(), model.toJson().dump());
        const auto p1 = model.predict(ds.trajectories[0]), p2 = back->predict(ds.trajectories[0]);
        QVERIFY(std::memcmp(p1.x.data(), p2.x.data(), sizeof(double) * p1.x.size()) == 0);
        QVERIFY(relErr(p1.x, ds.trajectories[0].x) < 1e-4);

        json bad = doc;
        bad["parameters"]["A"]["shape"] = {3, 2};
        try {
            OpInfModel::fromJson(bad);
            QFAIL("accepted a wrong shape");
        } catch (const sd::Error& e) {
            QVERIFY2(std::string(e.what()).find("parameters.A.shape") != std::string::npos, e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestOpInfLeastSquares)
#include "test_opinf_least_squares.moc"
