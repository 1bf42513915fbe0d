// Cubic (G) and bilinear (N) operators of least-squares operator inference: the Kronecker conventions of
// docs/methods/stable-opinf.md §1.2, exact recovery of known cubic and bilinear systems from noise-free data
// with exact derivatives (solver and plugin), per-operator Tikhonov weights against the normal equations, the
// JSON round trip, strict import, and the stable variants refusing G and N.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/ode/dopri5.h"
#include "plugins/stable-opinf/cubic_terms.h"
#include "plugins/stable-opinf/least_squares_opinf.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/opinf_model.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <QtTest>
#include <cstring>
#include <functional>
#include <stdexcept>

using namespace sd::opinf;
using nlohmann::json;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

double relErr(const MatrixXd& a, const MatrixXd& b) { return (a - b).norm() / b.norm(); }

// A damped 2-D cubic system with cross terms (a Duffing-like pair):
//   ẋ₀ = −x₀ + 0.5 x₁ − 0.3 x₀³ + 0.2 x₀x₁²,   ẋ₁ = −0.5 x₀ − 0.8 x₁ − 0.1 x₀²x₁ − 0.4 x₁³ (+ 0.1 x₀x₁ with H).
QuadraticOperators cubicSystem(bool withH) {
    QuadraticOperators s;
    s.ops = OperatorSet::parse(withH ? "AHG" : "AG");
    s.r = 2;
    s.A = (MatrixXd(2, 2) << -1.0, 0.5, -0.5, -0.8).finished();
    // Compressed cubic columns (k ≤ j ≤ i): x₀³, x₁x₀², x₁²x₀, x₁³.
    MatrixXd Gc(2, 4);
    Gc << -0.3, 0.0, 0.2, 0.0,
          0.0, -0.1, 0.0, -0.4;
    s.G = expandCubic(Gc, 2);
    if (withH) {
        MatrixXd Hc(2, 3);   // x₀², x₀x₁, x₁²
        Hc << 0.0, 0.0, 0.0,
              0.0, 0.1, 0.0;
        s.H = expandQuadratic(Hc, 2);
    }
    s.refreshDerived();
    return s;
}

// ẋ = A x + B u + N (u ⊗ x), r = 3, m = 2.
QuadraticOperators bilinearSystem() {
    QuadraticOperators s;
    s.ops = OperatorSet::parse("ABN");
    s.r = 3;
    s.m = 2;
    s.A = (MatrixXd(3, 3) << -0.5, 1.0, 0.0, -1.0, -0.4, 0.2, 0.0, -0.3, -0.6).finished();
    s.B = (MatrixXd(3, 2) << 1.0, 0.0, 0.0, 0.5, 0.2, -0.3).finished();
    s.N = MatrixXd::Zero(3, 6);
    s.N.leftCols(3) << 0.1, 0.0, -0.2, 0.0, 0.3, 0.0, 0.0, 0.0, -0.1;   // multiplies u₀ x
    s.N.rightCols(3) << 0.0, 0.2, 0.0, -0.2, 0.0, 0.0, 0.1, 0.0, 0.05;  // multiplies u₁ x
    s.refreshDerived();
    return s;
}

/// One trajectory of `sys` from x0 with input u(t) (m = sys.m), samples on [0, tEnd], with the exact ẋ.
sd::data::Trajectory simulate(const QuadraticOperators& sys, const VectorXd& x0, double tEnd, int samples, double phase) {
    sd::data::Trajectory tr;
    tr.id = "sim " + std::to_string(phase);
    tr.t = VectorXd::LinSpaced(samples, 0.0, tEnd);
    const Eigen::Index m = sys.m;
    auto u = [=](double t) {
        VectorXd v(m);
        for (Eigen::Index j = 0; j < m; ++j) v[j] = std::sin((1.0 + j) * t + phase) + 0.5 * std::cos(2.7 * t - j);
        return v;
    };
    const sd::ode::Field f = [&](double, const VectorXd& x, const VectorXd& uu) {
        VectorXd dx;
        sys.evaluate(x, uu, dx);
        return dx;
    };
    sd::ode::Dopri5Options opt;
    opt.rtol = 1e-11;
    opt.atol = 1e-12;
    const auto sol = sd::ode::integrateDopri5(f, x0, tr.t, m > 0 ? sd::ode::InputSignal::fromFunction(m, u) : sd::ode::InputSignal(), opt);
    tr.x = sol.x;
    tr.u.resize(m, samples);
    for (int k = 0; k < samples; ++k) tr.u.col(k) = u(tr.t[k]);
    tr.dxdt = sys.evaluate(tr.x, tr.u);
    return tr;
}

sd::data::Dataset datasetOf(const QuadraticOperators& sys, const std::vector<VectorXd>& x0s) {
    sd::data::Dataset ds;
    ds.name = "polynomial";
    for (Eigen::Index i = 0; i < sys.r; ++i) ds.stateNames.push_back("x" + std::to_string(i));
    for (Eigen::Index j = 0; j < sys.m; ++j) ds.inputNames.push_back("u" + std::to_string(j));
    for (std::size_t i = 0; i < x0s.size(); ++i) ds.trajectories.push_back(simulate(sys, x0s[i], 8.0, 401, 0.7 * double(i)));
    for (int i = 0; i < int(x0s.size()); ++i) ds.splits["train"].push_back(i);
    return ds;
}

OpInfModel trained(const json& settings, const sd::data::Dataset& ds) {
    OpInfModel model(sd::model::validateHyperparameters(hyperparameterSchema(), settings), sd::data::DatasetInfo::of(ds));
    std::atomic<bool> cancel{false};
    const auto summary = model.train(ds, {}, {}, cancel);
    if (summary.status != sd::model::TrainStatus::Completed) throw std::runtime_error("training failed: " + summary.message);
    return model;
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const sd::Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestOpInfPolynomial : public QObject {
    Q_OBJECT

private slots:
    void cubicAndBilinearConventions() {
        const Eigen::Vector3d x(2.0, 3.0, 5.0);
        // k ≤ j ≤ i ordered by i, j, k: x₀³, x₁x₀², x₁²x₀, x₁³, x₂x₀², x₂x₁x₀, x₂x₁², x₂²x₀, x₂²x₁, x₂³ (the opinf package's order).
        const VectorXd expected = (VectorXd(10) << 8, 12, 18, 27, 20, 30, 45, 50, 75, 125).finished();
        QCOMPARE(VectorXd(compressedCubeColumns(x).col(0)), expected);
        QCOMPARE(compressedCubicSize(3), Eigen::Index(10));
        const MatrixXd k3 = kronCubeColumns(x);
        QCOMPARE(k3(2 * 9 + 0 * 3 + 1, 0), 30.0);   // x₂ x₀ x₁ at i·n² + j·n + k
        QCOMPARE(k3(1 * 9 + 1 * 3 + 2, 0), 45.0);
        const Eigen::Vector2d u(7.0, 11.0);
        const MatrixXd ux = inputStateColumns(u, x);
        QCOMPARE(ux(1 * 3 + 2, 0), 55.0);            // u₁ x₂ at j·n + k
        QCOMPARE(ux(0 * 3 + 1, 0), 21.0);

        sd::Rng rng(5);
        const MatrixXd G = rng.normalMatrix(4, 64), X = rng.normalMatrix(4, 40);
        const MatrixXd Gc = compressCubic(G, 4);
        QVERIFY(relErr(Gc * compressedCubeColumns(X), G * kronCubeColumns(X)) < 1e-13);
        const MatrixXd Ge = expandCubic(Gc, 4);
        QVERIFY(relErr(Ge * kronCubeColumns(X), G * kronCubeColumns(X)) < 1e-13);
        QVERIFY(relErr(compressCubic(Ge, 4), Gc) < 1e-14);
        // The expanded G is symmetric in its three factors: column (i,j,k) equals column (k,i,j).
        QCOMPARE(VectorXd(Ge.col(1 * 16 + 2 * 4 + 3)), VectorXd(Ge.col(3 * 16 + 1 * 4 + 2)));
        QVERIFY_THROWS_EXCEPTION(sd::Error, expandCubic(Gc.leftCols(5), 4));

        // evaluate(): batched and single-state agree with the full Kronecker forms.
        QuadraticOperators ops;
        ops.ops = OperatorSet::parse("cAHGBN");
        ops.r = 4;
        ops.m = 2;
        ops.c = rng.normalMatrix(4, 1);
        ops.A = rng.normalMatrix(4, 4);
        ops.H = rng.normalMatrix(4, 16);
        ops.G = G;
        ops.B = rng.normalMatrix(4, 2);
        ops.N = rng.normalMatrix(4, 8);
        ops.refreshDerived();
        const MatrixXd U = rng.normalMatrix(2, 40);
        const MatrixXd reference = ops.c.replicate(1, 40) + ops.A * X + ops.H * kronSquareColumns(X) + G * kronCubeColumns(X) +
                                   ops.B * U + ops.N * inputStateColumns(U, X);
        QVERIFY(relErr(ops.evaluate(X, U), reference) < 1e-13);
        VectorXd dx;
        ops.evaluate(VectorXd(X.col(3)), VectorXd(U.col(3)), dx);
        QVERIFY(relErr(dx, reference.col(3)) < 1e-13);
    }

    void recoversCubicSystemFromExactDerivatives() {
        for (bool withH : {false, true}) {
            const QuadraticOperators truth = cubicSystem(withH);
            const sd::data::Dataset ds = datasetOf(truth, {Eigen::Vector2d(1.5, -1.0), Eigen::Vector2d(-0.5, 2.0), Eigen::Vector2d(2.0, 1.0)});
            // Solver level.
            MatrixXd X(2, 0), Z(2, 0);
            for (const auto& tr : ds.trajectories) {
                X.conservativeResize(2, X.cols() + tr.x.cols());
                X.rightCols(tr.x.cols()) = tr.x;
                Z.conservativeResize(2, Z.cols() + tr.x.cols());
                Z.rightCols(tr.x.cols()) = tr.dxdt;
            }
            const QuadraticOperators fit = LeastSquaresOpInf(X, MatrixXd(), Z, truth.ops).solve({});
            QVERIFY2(relErr(fit.A, truth.A) < 1e-8, qPrintable(QString::number(relErr(fit.A, truth.A))));
            QVERIFY2(relErr(fit.G, truth.G) < 1e-8, qPrintable(QString::number(relErr(fit.G, truth.G))));
            if (withH) QVERIFY(relErr(fit.H, truth.H) < 1e-8);
            // Plugin level, derivatives given by the data.
            const OpInfModel model = trained({{"operators", withH ? "AHG" : "AG"}, {"derivatives", "given"}}, ds);
            const double eA = relErr(model.operators().A, truth.A), eG = relErr(model.operators().G, truth.G);
            qInfo("cubic%s: relative errors A %.2e G %.2e", withH ? " with H" : "", eA, eG);
            QVERIFY(eA < 1e-8 && eG < 1e-8);
            if (withH) QVERIFY(relErr(model.operators().H, truth.H) < 1e-8);
            // The field agrees with the truth away from the data, too.
            sd::Rng rng(2);
            const MatrixXd P = rng.normalMatrix(2, 20);
            QVERIFY(relErr(model.field(P, MatrixXd(0, 20)), truth.evaluate(P, MatrixXd(0, 20))) < 1e-8);
        }
    }

    void recoversBilinearSystemFromExactDerivatives() {
        const QuadraticOperators truth = bilinearSystem();
        const sd::data::Dataset ds = datasetOf(truth, {Eigen::Vector3d(1.0, 0.0, -1.0), Eigen::Vector3d(0.0, 2.0, 0.5)});
        const OpInfModel model = trained({{"operators", "ABN"}}, ds);   // derivatives auto: the given ones
        const auto& ops = model.operators();
        const double eA = relErr(ops.A, truth.A), eB = relErr(ops.B, truth.B), eN = relErr(ops.N, truth.N);
        qInfo("bilinear: relative errors A %.2e B %.2e N %.2e", eA, eB, eN);
        QVERIFY(eA < 1e-8 && eB < 1e-8 && eN < 1e-8);
        // Prediction reproduces a trajectory (Dopri5 tolerance).
        const auto p = model.predict(ds.trajectories[0]);
        QVERIFY(!p.diverged);
        QVERIFY(relErr(p.x, ds.trajectories[0].x) < 1e-4);
    }

    void perOperatorWeightsMatchNormalEquations() {
        sd::Rng rng(17);
        const Eigen::Index K = 300;
        const MatrixXd X = rng.normalMatrix(3, K), U = rng.normalMatrix(2, K), Z = rng.normalMatrix(3, K);
        LeastSquaresOpInf solver(X, U, Z, OperatorSet::parse("cAHGBN"));
        // Data matrix in the documented column order c, A, H̃, G̃, B, N (docs/methods/stable-opinf.md §5).
        const Eigen::Index d = 1 + 3 + 6 + 10 + 2 + 6;
        QCOMPARE(solver.unknownsPerRow(), d);
        MatrixXd D(K, d);
        D << VectorXd::Ones(K), X.transpose(), compressedSquareColumns(X).transpose(), compressedCubeColumns(X).transpose(), U.transpose(),
            inputStateColumns(U, X).transpose();
        RegularisationWeights w;
        w.c = 0.1;
        w.A = 0.2;
        w.H = 0.3;
        w.G = 2.0;
        w.B = 0.05;
        w.N = 1.5;
        VectorXd g(d);
        g << w.c, VectorXd::Constant(3, w.A), VectorXd::Constant(6, w.H), VectorXd::Constant(10, w.G), VectorXd::Constant(2, w.B),
            VectorXd::Constant(6, w.N);
        const MatrixXd normal = D.transpose() * D + MatrixXd(g.array().square().matrix().asDiagonal());
        const MatrixXd Ot = normal.ldlt().solve(D.transpose() * Z.transpose());
        const QuadraticOperators fit = solver.solve(w);
        MatrixXd O(3, d);
        O << fit.c, fit.A, compressQuadratic(fit.H), compressCubic(fit.G, 3), fit.B, fit.N;
        QVERIFY2(relErr(O, Ot.transpose()) < 1e-10, qPrintable(QString::number(relErr(O, Ot.transpose()))));
        // A larger λ_G shrinks G only relative to the unweighted fit.
        RegularisationWeights heavy = w;
        heavy.G = 1e3;
        QVERIFY(solver.solve(heavy).G.norm() < 0.1 * fit.G.norm());
    }

    void jsonRoundTripIsBitExactAndImportIsStrict() {
        const QuadraticOperators truth = bilinearSystem();
        const sd::data::Dataset ds = datasetOf(truth, {Eigen::Vector3d(1.0, 0.0, -1.0), Eigen::Vector3d(0.0, 2.0, 0.5)});
        const OpInfModel model = trained({{"operators", "cAHGBN"}, {"reg_G", 1e-3}, {"reg_N", 1e-4}}, ds);
        const json doc = json::parse(model.toJson().dump());
        QCOMPARE(doc["structure"]["operators"].get<std::string>(), std::string("cAHGBN"));
        QCOMPARE(doc["parameters"]["G"]["shape"], json({3, 27}));
        QCOMPARE(doc["parameters"]["N"]["shape"], json({3, 6}));
        const auto back = OpInfModel::fromJson(doc);
        QCOMPARE(back->toJson().dump(), model.toJson().dump());
        const auto p1 = model.predict(ds.trajectories[1]), p2 = back->predict(ds.trajectories[1]);
        QVERIFY(std::memcmp(p1.x.data(), p2.x.data(), sizeof(double) * p1.x.size()) == 0);
        sd::Rng rng(4);
        const MatrixXd P = rng.normalMatrix(3, 9), Q = rng.normalMatrix(2, 9);
        const MatrixXd f1 = model.field(P, Q), f2 = back->field(P, Q);
        QVERIFY(std::memcmp(f1.data(), f2.data(), sizeof(double) * f1.size()) == 0);

        for (const char* name : {"G", "N"}) {
            json bad = doc;
            bad["parameters"][name]["shape"] = {3, 9};
            const std::string e = errorOf([&] { OpInfModel::fromJson(bad); });
            QVERIFY2(e.find(std::string("parameters.") + name) != std::string::npos, e.c_str());
        }
        json missing = doc;
        missing["parameters"].erase("G");
        QVERIFY(errorOf([&] { OpInfModel::fromJson(missing); }).find("parameters.G") != std::string::npos);
        json noInputs = doc;
        noInputs["structure"]["operators"] = "AN";
        noInputs["dims"]["input"] = 0;
        QVERIFY(!errorOf([&] { OpInfModel::fromJson(noInputs); }).empty());
    }

    void stableVariantsRefuseCubicAndBilinearOperators() {
        sd::data::DatasetInfo info;
        info.stateDim = 2;
        info.inputDim = 1;
        for (const char* variant : {"stable", "locally-stable"})
            for (const char* ops : {"AHG", "ABN"}) {
                const json hyper = sd::model::validateHyperparameters(hyperparameterSchema(), {{"variant", variant}, {"operators", ops}});
                const std::string e = errorOf([&] { OpInfModel(hyper, info); });
                QVERIFY2(e.find("hyperparameter 'operators'") != std::string::npos && e.find("least-squares") != std::string::npos, e.c_str());
            }
        // N needs inputs.
        info.inputDim = 0;
        const json hyper = sd::model::validateHyperparameters(hyperparameterSchema(), {{"operators", "AN"}});
        QVERIFY(errorOf([&] { OpInfModel(hyper, info); }).find("operator N needs inputs") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(sd::Error, OperatorSet::parse("AGG"));
        QCOMPARE(OperatorSet::parse("NGBAHc").str(), std::string("cAHGBN"));
    }
};

QTEST_APPLESS_MAIN(TestOpInfPolynomial)
#include "test_opinf_polynomial.moc"
