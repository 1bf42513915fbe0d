// The discrete-time variant (docs/methods/stable-opinf.md §12): exact recovery of known linear and quadratic
// maps from sampled data, prediction by iteration at the training sample step, the certificate (spectral
// radius of A, recomputed) on random stable and unstable A, the bounded-rollout check, automatic λ selection
// with iterated rollouts, the JSON round trip and the errors for grids the map does not fit.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "plugins/stable-opinf/discrete_time.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/opinf_model.h"
#include "plugins/stable-opinf/quadratic_terms.h"

#include <Eigen/Eigenvalues>
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

/// A random r×r matrix scaled to spectral radius rho (eigenvalues from Eigen's solver).
MatrixXd withSpectralRadius(sd::Rng& rng, Eigen::Index r, double rho) {
    const MatrixXd M = rng.normalMatrix(r, r);
    const double current = Eigen::EigenSolver<MatrixXd>(M, false).eigenvalues().cwiseAbs().maxCoeff();
    return M * (rho / current);
}

/// x_{k+1} = truth(x_k, u_k) from x0 for `samples` samples at step dt, inputs u_k = sin(0.3 k + phase) (m channels).
sd::data::Trajectory iterate(const QuadraticOperators& truth, const VectorXd& x0, int samples, double dt, double phase) {
    sd::data::Trajectory tr;
    tr.id = "map " + std::to_string(phase);
    tr.t = VectorXd::LinSpaced(samples, 0.0, dt * (samples - 1));
    tr.u.resize(truth.m, samples);
    for (int k = 0; k < samples; ++k)
        for (Eigen::Index j = 0; j < truth.m; ++j) tr.u(j, k) = std::sin(0.3 * k + phase + j) + 0.3 * std::cos(1.7 * k);
    tr.x.resize(x0.size(), samples);
    tr.x.col(0) = x0;
    VectorXd next;
    for (int k = 0; k + 1 < samples; ++k) {
        truth.evaluate(VectorXd(tr.x.col(k)), VectorXd(tr.u.col(k)), next);
        tr.x.col(k + 1) = next;
    }
    return tr;
}

sd::data::Dataset datasetOf(std::vector<sd::data::Trajectory> trs, Eigen::Index m) {
    sd::data::Dataset ds;
    ds.name = "sampled map";
    for (Eigen::Index i = 0; i < trs.front().x.rows(); ++i) ds.stateNames.push_back("x" + std::to_string(i));
    for (Eigen::Index j = 0; j < m; ++j) ds.inputNames.push_back("u" + std::to_string(j));
    for (std::size_t i = 0; i < trs.size(); ++i) {
        ds.splits["train"].push_back(static_cast<int>(i));
        ds.trajectories.push_back(std::move(trs[i]));
    }
    return ds;
}

json hyper(json h) {
    h["variant"] = "discrete";
    return sd::model::validateHyperparameters(hyperparameterSchema(), h);
}

OpInfModel trained(const json& settings, const sd::data::Dataset& ds) {
    OpInfModel model(hyper(settings), sd::data::DatasetInfo::of(ds));
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

/// A linear map x⁺ = A x + B u with ρ(A) = 0.9, r = 3, m = 1.
QuadraticOperators linearMap() {
    sd::Rng rng(8);
    QuadraticOperators s;
    s.ops = OperatorSet::parse("AB");
    s.r = 3;
    s.m = 1;
    s.A = withSpectralRadius(rng, 3, 0.9);
    s.B = rng.normalMatrix(3, 1);
    s.refreshDerived();
    return s;
}

/// A quadratic map x⁺ = c + A x + H(x⊗x), r = 2 (a damped Hénon-like map).
QuadraticOperators quadraticMap() {
    QuadraticOperators s;
    s.ops = OperatorSet::parse("cAH");
    s.r = 2;
    s.c = Eigen::Vector2d(0.05, -0.02);
    s.A = (MatrixXd(2, 2) << 0.6, 0.3, -0.2, 0.5).finished();
    MatrixXd Hc(2, 3);   // x₀², x₀x₁, x₁²
    Hc << -0.3, 0.1, 0.0,
          0.0, 0.2, -0.1;
    s.H = expandQuadratic(Hc, 2);
    s.refreshDerived();
    return s;
}

}  // namespace

class TestOpInfDiscrete : public QObject {
    Q_OBJECT

private slots:
    void recoversLinearMapExactly() {
        const QuadraticOperators truth = linearMap();
        const auto ds = datasetOf({iterate(truth, VectorXd::Ones(3), 60, 0.1, 0.0), iterate(truth, Eigen::Vector3d(-1, 2, 0), 60, 0.1, 1.0)}, 1);
        const OpInfModel model = trained({{"operators", "AB"}}, ds);
        QVERIFY(!model.isContinuous());
        const double eA = relErr(model.operators().A, truth.A), eB = relErr(model.operators().B, truth.B);
        qInfo("discrete linear map: relative errors A %.2e B %.2e", eA, eB);
        QVERIFY(eA < 1e-8 && eB < 1e-8);
        // Prediction iterates the map at the sample step: the training trajectory is reproduced.
        const auto p = model.predict(ds.trajectories[1]);
        QVERIFY(!p.diverged);
        QVERIFY2(relErr(p.x, ds.trajectories[1].x) < 1e-8, qPrintable(QString::number(relErr(p.x, ds.trajectories[1].x))));
        // No vector field for a map.
        QVERIFY(errorOf([&] { model.field(MatrixXd::Zero(3, 1), MatrixXd::Zero(1, 1)); }).find("discrete") != std::string::npos);
    }

    void recoversQuadraticMapExactly() {
        const QuadraticOperators truth = quadraticMap();
        std::vector<sd::data::Trajectory> trs;
        for (int i = 0; i < 4; ++i) trs.push_back(iterate(truth, Eigen::Vector2d(0.8 * std::cos(i), 0.8 * std::sin(i)), 40, 0.05, i));
        const auto ds = datasetOf(std::move(trs), 0);
        const OpInfModel model = trained({{"operators", "cAH"}}, ds);
        const auto& ops = model.operators();
        const double ec = relErr(ops.c, truth.c), eA = relErr(ops.A, truth.A), eH = relErr(ops.H, truth.H);
        qInfo("discrete quadratic map: relative errors c %.2e A %.2e H %.2e", ec, eA, eH);
        QVERIFY(ec < 1e-8 && eA < 1e-8 && eH < 1e-8);
        QVERIFY(std::abs(model.toJson()["structure"]["sample_step"].get<double>() - 0.05) < 1e-12);
    }

    void certificateIsTheSpectralRadiusOfA() {
        // Random linear maps with ρ(A) on both sides of 1: verified ⇔ ρ < 1, and ρ matches the decay or growth
        // of ‖Aᵏ‖ computed independently (Gelfand: ‖Aᵏ‖^{1/k} → ρ).
        sd::Rng rng(21);
        int stable = 0, unstable = 0;
        for (double rho : {0.3, 0.7, 0.95, 1.05, 1.3, 2.0}) {
            for (int trial = 0; trial < 3; ++trial) {
                QuadraticOperators truth;
                truth.ops = OperatorSet::parse("A");
                truth.r = 4;
                truth.A = withSpectralRadius(rng, 4, rho);
                truth.refreshDerived();
                // Short trajectories keep even the unstable maps finite; the fit recovers A.
                std::vector<sd::data::Trajectory> trs;
                for (int i = 0; i < 3; ++i) trs.push_back(iterate(truth, rng.normalMatrix(4, 1), 12, 0.5, i));
                const OpInfModel model = trained({{"operators", "A"}}, datasetOf(std::move(trs), 0));
                QVERIFY(relErr(model.operators().A, truth.A) < 1e-8);
                const auto cert = model.certify();
                QVERIFY(cert.discreteTime);
                QVERIFY(cert.kind == sd::model::GuaranteeKind::LocalStability);
                const double reported = cert.details["spectral_radius"].get<double>();
                MatrixXd P = model.operators().A;
                for (int k = 1; k < 256; k *= 2) P = P * P;   // A^256 (ρ^256 neither underflows nor overflows here)
                const double gelfand = std::pow(P.norm(), 1.0 / 256.0);
                QVERIFY2(gelfand >= reported * (1 - 1e-12) && gelfand < 1.05 * reported, qPrintable(QString("%1 vs %2").arg(reported).arg(gelfand)));
                QVERIFY(std::abs(reported - rho) < 1e-8 * rho);
                QCOMPARE(cert.verified, rho < 1.0);
                QCOMPARE(cert.verified, gelfand < 1.0);
                QCOMPARE(cert.eigenvalues.size(), std::size_t(4));
                (rho < 1.0 ? stable : unstable)++;
                // The rollout check: bounded for ρ < 1 (a linear map), unbounded for ρ ≥ 1.3 over its horizon.
                const json& rollout = cert.details["rollout_check"];
                if (rho < 1.0) QVERIFY(rollout["all_bounded"].get<bool>());
                if (rho >= 1.3) QVERIFY(!rollout["all_bounded"].get<bool>());
            }
        }
        QCOMPARE(stable, 9);
        QCOMPARE(unstable, 9);
    }

    void certificateIsRecomputedNotRead() {
        const QuadraticOperators truth = linearMap();
        const auto ds = datasetOf({iterate(truth, VectorXd::Ones(3), 60, 0.1, 0.0)}, 1);
        const OpInfModel model = trained({{"operators", "AB"}}, ds);
        json doc = json::parse(model.toJson().dump());
        QVERIFY(doc["certificate"]["verified"].get<bool>());
        // Make A unstable in the file while leaving the stored certificate claiming otherwise.
        std::vector<double> data = doc["parameters"]["A"]["data"].get<std::vector<double>>();
        for (double& v : data) v *= 2.0;
        doc["parameters"]["A"]["data"] = data;
        const auto back = OpInfModel::fromJson(doc);
        const auto cert = back->certify();
        QVERIFY(!cert.verified);
        QVERIFY(std::abs(cert.details["spectral_radius"].get<double>() - 1.8) < 1e-8);
    }

    void jsonRoundTripIsBitExact() {
        const QuadraticOperators truth = linearMap();
        const auto ds = datasetOf({iterate(truth, VectorXd::Ones(3), 60, 0.1, 0.0), iterate(truth, Eigen::Vector3d(-1, 2, 0), 60, 0.1, 1.0)}, 1);
        const OpInfModel model = trained({{"operators", "cAHB"}, {"reg_H", 1e-3}}, ds);
        const json doc = json::parse(model.toJson().dump());
        QCOMPARE(doc["variant"].get<std::string>(), std::string("discrete"));
        const auto back = OpInfModel::fromJson(doc);
        QCOMPARE(back->toJson().dump(), model.toJson().dump());
        QVERIFY(!back->isContinuous());
        const auto p1 = model.predict(ds.trajectories[0]), p2 = back->predict(ds.trajectories[0]);
        QVERIFY(std::memcmp(p1.x.data(), p2.x.data(), sizeof(double) * p1.x.size()) == 0);

        json bad = doc;
        bad["structure"]["sample_step"] = -1.0;
        QVERIFY(errorOf([&] { OpInfModel::fromJson(bad); }).find("structure.sample_step") != std::string::npos);
        bad = doc;
        bad["structure"].erase("sample_step");
        QVERIFY(errorOf([&] { OpInfModel::fromJson(bad); }).find("structure.sample_step") != std::string::npos);
    }

    void gridsThatDoNotFitTheMapAreRefused() {
        const QuadraticOperators truth = linearMap();
        auto a = iterate(truth, VectorXd::Ones(3), 60, 0.1, 0.0), b = iterate(truth, VectorXd::Ones(3), 60, 0.2, 1.0);
        b.id = "coarse";
        // Training on two different steps.
        {
            OpInfModel model(hyper({{"operators", "AB"}}), sd::data::DatasetInfo::of(datasetOf({a, b}, 1)));
            std::atomic<bool> cancel{false};
            const std::string e = errorOf([&] { model.train(datasetOf({a, b}, 1), {}, {}, cancel); });
            QVERIFY2(e.find("trajectory 'coarse'") != std::string::npos && e.find("sample") != std::string::npos, e.c_str());
        }
        // A non-uniform grid.
        auto jittered = a;
        jittered.id = "jittered";
        jittered.t[5] += 0.03;
        {
            OpInfModel model(hyper({{"operators", "AB"}}), sd::data::DatasetInfo::of(datasetOf({jittered}, 1)));
            std::atomic<bool> cancel{false};
            const std::string e = errorOf([&] { model.train(datasetOf({jittered}, 1), {}, {}, cancel); });
            QVERIFY2(e.find("trajectory 'jittered'") != std::string::npos && e.find("uniform") != std::string::npos, e.c_str());
        }
        // Predicting at another step than the model's.
        const OpInfModel model = trained({{"operators", "AB"}}, datasetOf({a}, 1));
        const std::string e = errorOf([&] { model.predict(b); });
        QVERIFY2(e.find("trajectory 'coarse'") != std::string::npos && e.find("0.1") != std::string::npos, e.c_str());
    }

    void automaticRegulariserUsesIteratedRollouts() {
        const QuadraticOperators truth = quadraticMap();
        std::vector<sd::data::Trajectory> trs;
        sd::Rng rng(3);
        for (int i = 0; i < 4; ++i) {
            auto tr = iterate(truth, Eigen::Vector2d(0.7 * std::cos(i), 0.7 * std::sin(i)), 60, 0.05, i);
            tr.x += 1e-3 * rng.normalMatrix(2, tr.x.cols());   // noisy samples
            trs.push_back(std::move(tr));
        }
        auto ds = datasetOf(std::move(trs), 0);
        ds.splits["train"] = {0, 1, 2};
        ds.splits["validation"] = {3};
        OpInfModel model(hyper({{"operators", "cAH"}, {"regulariser", "auto"}, {"lambda_candidates", {0.0, 1e-3, 1e-1, 10.0}}}),
                         sd::data::DatasetInfo::of(ds));
        std::atomic<bool> cancel{false};
        const auto summary = model.train(ds, {}, {}, cancel);
        QCOMPARE(int(summary.status), int(sd::model::TrainStatus::Completed));
        const json sel = model.toJson()["training"]["regulariser_selection"];
        QCOMPARE(sel["candidates"].size(), std::size_t(4));
        // The chosen candidate's recorded validation error is the relative error of the model's own iteration.
        const auto p = model.predict(ds.trajectories[3]);
        const double err = (ds.trajectories[3].x - p.x).norm() / ds.trajectories[3].x.norm();
        double recorded = -1.0;
        for (const auto& c : sel["candidates"])
            if (c["lambda"].get<double>() == sel["chosen_lambda"].get<double>()) recorded = c["validation_error"].get<double>();
        QVERIFY2(std::abs(recorded - err) < 1e-12 * std::max(1.0, err), qPrintable(QString("%1 vs %2").arg(recorded).arg(err)));
    }

    void helpers() {
        QCOMPARE(uniformSampleStep(VectorXd::LinSpaced(11, 0.0, 1.0), "t"), 0.1);
        QVERIFY_THROWS_EXCEPTION(sd::Error, uniformSampleStep(VectorXd::Zero(1), "t"));
        // iterateMap stops on the norm bound and fills NaN from there.
        QuadraticOperators grow;
        grow.ops = OperatorSet::parse("A");
        grow.r = 1;
        grow.A = MatrixXd::Constant(1, 1, 10.0);
        grow.refreshDerived();
        const MapIteration it = iterateMap(grow, VectorXd::Ones(1), MatrixXd(), 10, 1e3);
        QVERIFY(it.diverged);
        QCOMPARE(it.stoppedAt, Eigen::Index(4));   // 1, 10, 100, 1000, 10000 > 1e3
        QCOMPARE(it.X(0, 3), 1000.0);
        QVERIFY(std::isnan(it.X(0, 4)) && std::isnan(it.X(0, 9)));
    }
};

QTEST_APPLESS_MAIN(TestOpInfDiscrete)
#include "test_opinf_discrete.moc"
