// stable-opinf features beyond the papers (docs/methods/stable-opinf.md §5.1–5.2, §11, §2): training on
// non-uniform time grids and with smoothed derivatives; truncated-SVD and total-least-squares solvers
// against their closed forms; automatic λ selection on Example II data (least squares and stable); an
// automatically chosen POD rank for high-dimensional data given without a basis.
#include "core/common/error.h"
#include "core/common/rng.h"
#include "core/model/hyperparameters.h"
#include "core/systems/quadratic_examples.h"
#include "plugins/stable-opinf/least_squares_opinf.h"
#include "plugins/stable-opinf/opinf_hyperparameters.h"
#include "plugins/stable-opinf/opinf_model.h"
#include "plugins/stable-opinf/quadratic_terms.h"
#include "plugins/stable-opinf/rollout_validation.h"
#include "plugins/stable-opinf/total_least_squares.h"

#include <Eigen/SVD>
#include <QtTest>
#include <cmath>

using namespace sd::opinf;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;

namespace {

json hyper(json h) { return sd::model::validateHyperparameters(hyperparameterSchema(), h); }

double relErr(const MatrixXd& a, const MatrixXd& b) { return (a - b).norm() / b.norm(); }

/// Example I on a jittered (non-uniform) grid, input u = sin(2t) + 0.5 cos(3t), from x0 = 0; no ẋ stored.
sd::data::Trajectory jitteredExampleOne(int samples, double tEnd, const std::string& id) {
    VectorXd t(samples);
    t[0] = 0.0;
    for (int k = 1; k < samples; ++k) t[k] = t[k - 1] + 1.0 + 0.4 * std::sin(1.3 * k);
    t *= tEnd / t[samples - 1];
    const auto sys = sd::systems::quadraticExample("example1");
    const auto u = sd::ode::InputSignal::fromFunction(
        1, [](double s) { return VectorXd::Constant(1, std::sin(2.0 * s) + 0.5 * std::cos(3.0 * s)); });
    auto tr = sd::systems::simulateQuadratic(sys, VectorXd::Zero(3), u, t, 1e-11, 1e-13, false, id);
    tr.id = id;
    return tr;
}

sd::data::Dataset datasetOf(std::vector<sd::data::Trajectory> trs, std::vector<std::string> splits) {
    sd::data::Dataset ds;
    ds.name = "test";
    for (Eigen::Index i = 0; i < trs.front().x.rows(); ++i) ds.stateNames.push_back("x" + std::to_string(i));
    if (trs.front().u.rows() > 0) ds.inputNames = {"u"};
    for (std::size_t i = 0; i < trs.size(); ++i) {
        ds.splits[splits[i]].push_back(static_cast<int>(i));
        ds.trajectories.push_back(std::move(trs[i]));
    }
    return ds;
}

sd::model::TrainSummary trainModel(OpInfModel& m, const sd::data::Dataset& ds, const std::string& validation = "test") {
    std::atomic<bool> cancel{false};
    sd::model::TrainRequest req;
    req.seed = 5;
    req.validationSplit = validation;
    return m.train(ds, req, {}, cancel);
}

}  // namespace

class TestOpInfFeatures : public QObject {
    Q_OBJECT
private slots:
    void leastSquaresTrainsOnNonUniformGrids() {
        const auto tr = jitteredExampleOne(1500, 20.0, "jittered");
        const auto ds = datasetOf({tr}, {"train"});
        const auto truth = sd::systems::quadraticExample("example1");
        double previous = std::numeric_limits<double>::infinity();
        for (const char* mode : {"ord2", "ord4", "ord6"}) {
            OpInfModel m(hyper({{"derivatives", mode}}), sd::data::DatasetInfo::of(ds));
            QCOMPARE(int(trainModel(m, ds, "").status), int(sd::model::TrainStatus::Completed));
            const double eA = relErr(m.operators().A, truth.A);
            qInfo("non-uniform grid, %s: relative error of A %.3g", mode, eA);
            QVERIFY(eA < previous);   // higher order, smaller error
            previous = eA;
        }
        QVERIFY2(previous < 1e-6, qPrintable(QString::number(previous)));
        // Smoothed derivatives on noise-free data: close to the truth as well.
        OpInfModel s(hyper({{"derivatives", "smooth"}, {"smooth_window", 9}, {"smooth_degree", 4}}), sd::data::DatasetInfo::of(ds));
        trainModel(s, ds, "");
        QVERIFY(relErr(s.operators().A, truth.A) < 1e-3);
        // The predecessor end rule needs a uniform grid: a clear error naming the trajectory.
        OpInfModel p(hyper({{"derivatives", "ord4-pred"}}), sd::data::DatasetInfo::of(ds));
        try {
            trainModel(p, ds, "");
            QFAIL("expected an error");
        } catch (const sd::Error& e) {
            QVERIFY(QString::fromStdString(e.what()).contains("jittered"));
        }
    }

    void truncatedSvdMatchesItsClosedForm() {
        sd::Rng rng(21);
        const MatrixXd X = rng.normalMatrix(2, 60), U = rng.normalMatrix(1, 60), Z = rng.normalMatrix(2, 60);
        const OperatorSet ops = OperatorSet::parse("AHB");
        // D built here from docs/methods/stable-opinf.md §5: [x0, x1, x0², x0x1, x1², u].
        MatrixXd D(60, 6);
        for (int k = 0; k < 60; ++k)
            D.row(k) << X(0, k), X(1, k), X(0, k) * X(0, k), X(1, k) * X(0, k), X(1, k) * X(1, k), U(0, k);
        const Eigen::JacobiSVD<MatrixXd> svd(D, Eigen::ComputeThinU | Eigen::ComputeThinV);
        const LeastSquaresOpInf solver(X, U, Z, ops);
        for (int k : {2, 4, 6}) {
            const VectorXd inv = svd.singularValues().head(k).cwiseInverse();
            const MatrixXd Ot = svd.matrixV().leftCols(k) * inv.asDiagonal() * svd.matrixU().leftCols(k).transpose() * Z.transpose();
            const QuadraticOperators fit = solver.solveTruncated(k, 0.0);
            // Compare by action on the training data: D Oᵀ = (evaluate)ᵀ.
            QVERIFY(relErr(fit.evaluate(X, U).transpose(), D * Ot) < 1e-10);
            QVERIFY(std::abs(fit.A(1, 0) - Ot(0, 1)) < 1e-10 && std::abs(fit.B(0, 0) - Ot(5, 0)) < 1e-10);
        }
        // Full rank is the unregularised least-squares solution; the tolerance rule counts σ_i > tol·σ_max.
        QVERIFY(relErr(solver.solveTruncated(6, 0.0).A, solver.solve({}).A) < 1e-10);
        const double tol = 0.5 * (svd.singularValues()[2] + svd.singularValues()[3]) / svd.singularValues()[0];
        QCOMPARE(solver.truncationRank(0, tol), Eigen::Index(3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, solver.solveTruncated(7, 0.0));
    }

    void totalLeastSquaresMatchesItsClosedForm() {
        sd::Rng rng(22);
        // One state: D = [x, x²], z = ẋ with noise; TLS closed form (DᵀD − σ²_{min}I)⁻¹Dᵀz, σ_min of [D z].
        const MatrixXd X = rng.normalMatrix(1, 80);
        MatrixXd Z = -0.7 * X + 0.3 * X.cwiseProduct(X) + 0.05 * rng.normalMatrix(1, 80);
        const QuadraticOperators tls = totalLeastSquaresOpInf(X, MatrixXd(), Z, OperatorSet::parse("AH"));
        MatrixXd D(80, 2);
        D.col(0) = X.row(0).transpose();
        D.col(1) = X.row(0).transpose().cwiseProduct(X.row(0).transpose());
        MatrixXd C(80, 3);
        C << D, Z.transpose();
        const double smin = Eigen::JacobiSVD<MatrixXd>(C).singularValues()[2];
        const VectorXd closed = (D.transpose() * D - smin * smin * MatrixXd::Identity(2, 2)).ldlt().solve(D.transpose() * Z.transpose());
        QVERIFY(std::abs(tls.A(0, 0) - closed[0]) < 1e-10);
        QVERIFY(std::abs(tls.H(0, 0) - closed[1]) < 1e-10);
        // TLS differs from ordinary least squares on noisy data (it also corrects D).
        const QuadraticOperators ols = LeastSquaresOpInf(X, MatrixXd(), Z, OperatorSet::parse("AH")).solve({});
        QVERIFY(std::abs(ols.A(0, 0) - tls.A(0, 0)) > 1e-8);
        // Consistent data: TLS recovers the system exactly (Example I, exact ẋ).
        const auto truth = sd::systems::quadraticExample("example1");
        const auto tr = jitteredExampleOne(400, 10.0, "exact");
        const MatrixXd Zexact = truth.rhsBatch(tr.x, tr.u);
        const QuadraticOperators exact = totalLeastSquaresOpInf(tr.x, tr.u, Zexact, OperatorSet::parse("AHB"));
        QVERIFY(relErr(exact.A, truth.A) < 1e-8 && relErr(exact.B, truth.B) < 1e-8);
        QVERIFY_THROWS_EXCEPTION(sd::Error, totalLeastSquaresOpInf(X.leftCols(2), MatrixXd(), Z.leftCols(2), OperatorSet::parse("AH")));
    }

    void modelTrainsWithEachSolverAndRecordsIt() {
        const auto tr = jitteredExampleOne(800, 20.0, "t");
        const auto ds = datasetOf({tr}, {"train"});
        const auto truth = sd::systems::quadraticExample("example1");
        for (const char* solver : {"tsvd", "tls"}) {
            OpInfModel m(hyper({{"solver", solver}, {"derivatives", "ord6"}}), sd::data::DatasetInfo::of(ds));
            const auto s = trainModel(m, ds, "");
            QCOMPARE(int(s.status), int(sd::model::TrainStatus::Completed));
            QCOMPARE(m.toJson()["training"]["solver"].get<std::string>(), std::string(solver));
            qInfo("%s: %s; rel. error A %.3g", solver, s.message.c_str(), relErr(m.operators().A, truth.A));
            QVERIFY(relErr(m.operators().A, truth.A) < 1e-4);
        }
        OpInfModel bad(hyper({{"solver", "tls"}, {"regulariser", "auto"}}), sd::data::DatasetInfo::of(ds));
        QVERIFY_THROWS_EXCEPTION(sd::Error, trainModel(bad, ds, ""));
    }

    void automaticLambdaOnExampleTwoLeastSquares() {
        sd::Rng rng(31);
        sd::systems::QuadraticDataOptions o;
        o.preset = "example2";   // noisy training states (σ = 0.01): plain OpInf needs regularisation
        const auto ds = sd::systems::generateQuadraticData(o, rng);
        const std::vector<double> candidates = {0.0, 1e-2, 1.0, 10.0, 100.0, 1e3};
        const json smooth = {{"derivatives", "smooth"}, {"smooth_window", 41}, {"smooth_degree", 3}};
        json h = smooth;
        h["regulariser"] = "auto";
        h["lambda_candidates"] = candidates;
        OpInfModel m(hyper(h), sd::data::DatasetInfo::of(ds));
        const auto s = trainModel(m, ds, "test");
        QCOMPARE(int(s.status), int(sd::model::TrainStatus::Completed));
        const json sel = m.toJson()["training"]["regulariser_selection"];
        qInfo("%s", sel.dump().c_str());
        QCOMPARE(sel["candidates"].size(), candidates.size());
        // The chosen λ is the admissible candidate with the smallest validation error, recomputed here.
        double best = std::numeric_limits<double>::infinity(), bestLambda = -1.0;
        for (const auto& c : sel["candidates"]) {
            QCOMPARE(c["admissible"].get<bool>(), !c["validation_error"].is_null());
            if (c["admissible"].get<bool>() && c["validation_error"].get<double>() < best) {
                best = c["validation_error"].get<double>();
                bestLambda = c["lambda"].get<double>();
            }
        }
        QCOMPARE(sel["chosen_lambda"].get<double>(), bestLambda);
        QVERIFY(QString::fromStdString(s.message).contains("chosen"));
        // The kept model IS the fixed-λ fit with that λ, and its rollouts reproduce the recorded error.
        json hf = smooth;
        for (const char* k : {"reg_c", "reg_A", "reg_H", "reg_B"}) hf[k] = bestLambda;
        OpInfModel fixed(hyper(hf), sd::data::DatasetInfo::of(ds));
        trainModel(fixed, ds, "test");
        QVERIFY(relErr(m.operators().A, fixed.operators().A) < 1e-12);
        double sum = 0.0;
        for (const auto* tr : ds.split("test")) sum += relErr(m.predict(*tr).x, tr->x);
        QVERIFY(std::abs(sum / 2.0 - best) < 1e-3 * best + 1e-9);
        // Noisy Example II: regularisation pays — the chosen λ > 0 beats the unregularised fit on the test inputs.
        QVERIFY(bestLambda > 0.0);
        QVERIFY(best < sel["candidates"][0]["validation_error"].get<double>());
    }

    void automaticLambdaRejectsUnboundedRollouts() {
        // An exactly unstable linear system: every λ small enough to fit it gives exploding validation
        // rollouts; a huge λ shrinks A towards 0, which stays bounded on the short validation run.
        sd::data::Trajectory tr;
        tr.id = "grow";
        tr.t = VectorXd::LinSpaced(201, 0.0, 2.0);
        tr.x.resize(1, 201);
        for (Eigen::Index k = 0; k < 201; ++k) tr.x(0, k) = std::exp(1.5 * tr.t[k]);
        sd::data::Trajectory val = tr;
        val.id = "val";
        val.t = VectorXd::LinSpaced(201, 0.0, 6.0);
        for (Eigen::Index k = 0; k < 201; ++k) val.x(0, k) = 1.0;   // the data say: stays at 1
        const auto ds = datasetOf({tr, val}, {"train", "test"});
        OpInfModel m(hyper({{"operators", "A"}, {"regulariser", "auto"}, {"lambda_candidates", {0.0, 1e6}}}), sd::data::DatasetInfo::of(ds));
        trainModel(m, ds, "test");
        const json sel = m.toJson()["training"]["regulariser_selection"];
        QVERIFY(!sel["candidates"][0]["admissible"].get<bool>());
        QVERIFY(QString::fromStdString(sel["candidates"][0]["reason"].get<std::string>()).contains("val"));
        QCOMPARE(sel["chosen_lambda"].get<double>(), 1e6);
        // None admissible: a clear error, the model stays untrained.
        OpInfModel none(hyper({{"operators", "A"}, {"regulariser", "auto"}, {"lambda_candidates", {0.0}}}), sd::data::DatasetInfo::of(ds));
        QVERIFY_THROWS_EXCEPTION(sd::Error, trainModel(none, ds, "test"));
        QVERIFY(!none.isTrained());
    }

    void automaticLambdaOnExampleTwoStable() {
        sd::Rng rng(32);
        sd::systems::QuadraticDataOptions o;
        o.preset = "example2";
        o.samples = 501;
        const auto ds = sd::systems::generateQuadraticData(o, rng);
        const std::vector<double> candidates = {0.0, 1e-2, 1.0};
        OpInfModel m(hyper({{"variant", "stable"}, {"operators", "AHB"}, {"init", "least-squares"}, {"epochs", 200},
                            {"lr_half_cycle_epochs", 100}, {"batch_trajectories", 0}, {"regulariser", "auto"},
                            {"lambda_candidates", candidates}, {"check_trajectories", 0}}),
                     sd::data::DatasetInfo::of(ds));
        std::vector<int> epochs;
        std::atomic<bool> cancel{false};
        sd::model::TrainRequest req;
        req.seed = 3;
        req.validationSplit = "test";
        const auto s = m.train(ds, req, [&](const sd::model::TrainEvent& e) { epochs.push_back(e.epoch); }, cancel);
        QCOMPARE(int(s.status), int(sd::model::TrainStatus::Completed));
        QCOMPARE(int(epochs.size()), 600);                 // three runs, shown one after another
        QCOMPARE(epochs.back(), 600);
        const json sel = m.toJson()["training"]["regulariser_selection"];
        qInfo("%s", sel.dump().c_str());
        double best = std::numeric_limits<double>::infinity(), bestLambda = -1.0;
        for (const auto& c : sel["candidates"]) {
            QVERIFY(c["admissible"].get<bool>());          // every stable parameter value is certified
            if (c["validation_error"].get<double>() < best) {
                best = c["validation_error"].get<double>();
                bestLambda = c["lambda"].get<double>();
            }
        }
        QCOMPARE(sel["chosen_lambda"].get<double>(), bestLambda);
        QCOMPARE(sel["admissible_rule"].get<std::string>(), std::string("certificate verified and every validation rollout bounded"));
        QVERIFY(m.certificate()["verified"].get<bool>());
        double sum = 0.0;
        for (const auto* tr : ds.split("test")) sum += relErr(m.predict(*tr).x, tr->x);
        QVERIFY(std::abs(sum / 2.0 - best) < 1e-3 * best);
    }

    void highDimensionalDataWithoutBasisGetsAnAutomaticPodRank() {
        // Example I lifted to N = 40 states by an orthonormal 40×3 map: the data have rank 3.
        sd::Rng rng(41);
        const MatrixXd Q = Eigen::HouseholderQR<MatrixXd>(rng.normalMatrix(40, 3)).householderQ() * MatrixXd::Identity(40, 3);
        auto lifted = [&](sd::data::Trajectory tr) {
            tr.x = Q * tr.x;
            return tr;
        };
        const auto train = lifted(jitteredExampleOne(600, 20.0, "train"));
        const auto ds = datasetOf({train}, {"train"});
        OpInfModel m(hyper({{"derivatives", "ord6"}}), sd::data::DatasetInfo::of(ds));   // basis none: 861 unknowns, 600 samples
        const auto s = trainModel(m, ds, "");
        QCOMPARE(int(s.status), int(sd::model::TrainStatus::Completed));
        QCOMPARE(m.reducedDim(), Eigen::Index(3));
        const json red = m.toJson()["training"]["reduction"];
        QCOMPARE(red["kind"].get<std::string>(), std::string("automatic pod"));
        QCOMPARE(red["rank"].get<int>(), 3);
        QVERIFY(red["retained_energy"].get<double>() >= 0.999999);
        QVERIFY(QString::fromStdString(s.message).contains("automatic POD basis of rank 3"));
        // The same fit as on the 3-state data (the lift is an isometry): the fields agree; predictions match the data
        // up to the linear interpolation of the input between samples.
        const auto small = jitteredExampleOne(600, 20.0, "train");
        const auto dsSmall = datasetOf({small}, {"train"});
        OpInfModel ref(hyper({{"derivatives", "ord6"}}), sd::data::DatasetInfo::of(dsSmall));
        trainModel(ref, dsSmall, "");
        const double fieldGap = relErr(m.field(train.x, train.u), Q * ref.field(small.x, small.u));
        QVERIFY2(fieldGap < 1e-7, qPrintable(QString::number(fieldGap)));
        const auto p = m.predict(train);
        QVERIFY2(relErr(p.x, train.x) < 2e-3, qPrintable(QString::number(relErr(p.x, train.x))));
        // Export / import keeps the basis and the predictions.
        const auto back = OpInfModel::fromJson(m.toJson());
        QVERIFY((back->predict(train).x - p.x).norm() < 1e-12 * p.x.norm());

        // Full-rank noisy data: the energy rank would be 40, the samples determine at most r with d(r) ≤ K.
        auto noisy = train;
        noisy.x += 1e-3 * rng.normalMatrix(40, 600);
        const auto dn = datasetOf({noisy}, {"train"});
        OpInfModel c(hyper({{"derivatives", "ord6"}, {"auto_pod_energy", 1.0}}), sd::data::DatasetInfo::of(dn));
        trainModel(c, dn, "");
        const json cr = c.toJson()["training"]["reduction"];
        QVERIFY(cr["limited_by_samples"].get<bool>());
        const int r = cr["rank"].get<int>();
        QCOMPARE(r, cr["max_determined_rank"].get<int>());
        QVERIFY(r + r * (r + 1) / 2 + 1 <= 600 && (r + 1) + (r + 1) * (r + 2) / 2 + 1 > 600);
        // With an explicit basis nothing automatic happens.
        OpInfModel e(hyper({{"derivatives", "ord6"}, {"basis", "pod"}, {"pod_rank", 3}}), sd::data::DatasetInfo::of(ds));
        trainModel(e, ds, "");
        QCOMPARE(e.toJson()["training"]["reduction"]["kind"].get<std::string>(), std::string("pod"));
    }
};

QTEST_GUILESS_MAIN(TestOpInfFeatures)
#include "test_opinf_features.moc"
