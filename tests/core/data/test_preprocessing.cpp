// Preprocessing: finite-difference derivatives (exactness on polynomials, both end rules), POD,
// normalisation, splits and content hashing.
#include "core/data/derivatives.h"
#include "core/data/hashing.h"
#include "core/data/normalization.h"
#include "core/data/pod.h"
#include "core/data/splits.h"
#include "data_test_util.h"

#include <Eigen/SVD>

#include <set>

using namespace sd::data;

namespace {

// Rows: p(t) = Σ c_i t^i for a few random coefficient sets of the given degree; also returns p'(t).
void polynomial(int degree, const Eigen::VectorXd& t, Eigen::MatrixXd& x, Eigen::MatrixXd& dx, unsigned seed) {
    sd::Rng rng(seed);
    const int rows = 3;
    x = Eigen::MatrixXd::Zero(rows, t.size());
    dx = Eigen::MatrixXd::Zero(rows, t.size());
    for (int r = 0; r < rows; ++r)
        for (int i = 0; i <= degree; ++i) {
            const double c = rng.uniform(-2, 2);
            x.row(r) += c * t.array().pow(i).matrix().transpose();
            if (i > 0) dx.row(r) += c * i * t.array().pow(i - 1).matrix().transpose();
        }
}

}  // namespace

class TestPreprocessing : public QObject {
    Q_OBJECT

private slots:
    void fourthOrderExactOnQuarticsBothEndRules() {
        const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(11, 0.3, 0.3 + 10 * 0.07);
        for (EndRule rule : {EndRule::OpInf, EndRule::PredCode})
            for (int degree = 0; degree <= 4; ++degree) {
                Eigen::MatrixXd x, dx;
                polynomial(degree, t, x, dx, 10 + degree);
                DerivativeOptions opt;
                opt.endRule = rule;
                const Eigen::MatrixXd d = finiteDifference(x, 0.07, opt);
                for (Eigen::Index k = 0; k < t.size(); ++k)   // every index, interior and ends
                    QVERIFY2((d.col(k) - dx.col(k)).cwiseAbs().maxCoeff() < 1e-10,
                             qPrintable(QString("degree %1 index %2 rule %3").arg(degree).arg(k).arg(int(rule))));
            }
    }

    void endRulesMatchTheReferenceStencils() {
        // Degree-5 data separates the two conventions at sample 1 (and K-2) only.
        const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(9, 0, 8);
        Eigen::MatrixXd x(1, 9);
        for (int k = 0; k < 9; ++k) x(0, k) = std::pow(double(k), 5) / 100.0 + std::sin(double(k));
        DerivativeOptions opinf, pred;
        pred.endRule = EndRule::PredCode;
        const Eigen::MatrixXd a = finiteDifference(x, 1.0, opinf), b = finiteDifference(x, 1.0, pred);
        auto X = [&](int k) { return x(0, k); };
        QCOMPARE(a(0, 1), (-3 * X(0) - 10 * X(1) + 18 * X(2) - 6 * X(3) + X(4)) / 12.0);
        QCOMPARE(b(0, 1), (-25 * X(1) + 48 * X(2) - 36 * X(3) + 16 * X(4) - 3 * X(5)) / 12.0);
        QCOMPARE(a(0, 0), b(0, 0));
        QCOMPARE(a(0, 4), (X(2) - 8 * X(3) + 8 * X(5) - X(6)) / 12.0);
        QCOMPARE(a(0, 8), -(-25 * X(8) + 48 * X(7) - 36 * X(6) + 16 * X(5) - 3 * X(4)) / 12.0);
        QVERIFY(a(0, 7) != b(0, 7));
    }

    void secondAndSixthOrderExactness() {
        const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(15, -0.5, -0.5 + 14 * 0.1);
        for (EndRule rule : {EndRule::OpInf, EndRule::PredCode}) {
            Eigen::MatrixXd x, dx;
            polynomial(2, t, x, dx, 3);
            DerivativeOptions o2;
            o2.order = DerivativeOrder::Second;
            o2.endRule = rule;
            QVERIFY((finiteDifference(x, 0.1, o2) - dx).cwiseAbs().maxCoeff() < 1e-10);
            polynomial(6, t, x, dx, 4);
            DerivativeOptions o6;
            o6.order = DerivativeOrder::Sixth;
            o6.endRule = rule;
            QVERIFY((finiteDifference(x, 0.1, o6) - dx).cwiseAbs().maxCoeff() < 1e-8);
        }
        const auto w = finiteDifferenceWeights({-1, 0, 1, 2, 3});
        QVERIFY(std::abs(w[0] * 12 + 3) < 1e-13 && std::abs(w[1] * 12 + 10) < 1e-13 && std::abs(w[4] * 12 - 1) < 1e-13);
    }

    void trajectoryDerivativesAndErrors() {
        Dataset ds;
        ds.stateNames = {"a"};
        Trajectory tr;
        tr.id = "ramp";
        tr.t = Eigen::VectorXd::LinSpaced(6, 0, 0.5);
        tr.x = 3.0 * tr.t.transpose();
        ds.trajectories.push_back(tr);
        estimateDerivatives(ds);
        QVERIFY((ds.trajectories[0].dxdt.array() - 3.0).abs().maxCoeff() < 1e-12);
        Trajectory uneven = tr;
        uneven.t(3) += 0.01;
        uneven.dxdt.resize(0, 0);
        SD_EXPECT_ERROR(estimateDerivatives(uneven), "trajectory \"ramp\": t[3]", "not uniform");
        Trajectory shortTr = tr;
        shortTr.t = shortTr.t.head(4).eval();
        shortTr.x = shortTr.x.leftCols(4).eval();
        shortTr.dxdt.resize(0, 0);
        SD_EXPECT_ERROR(estimateDerivatives(shortTr), "ramp", "at least 5 samples");
        Trajectory pairs;
        pairs.id = "p";
        pairs.x = Eigen::MatrixXd::Ones(1, 8);
        SD_EXPECT_ERROR(estimateDerivatives(pairs), "\"p\"", "pair set");
    }

    void podOrthonormalAndEnergies() {
        sd::Rng rng(7);
        // Low-rank-ish data: 40 × 60 with decaying spectrum.
        const Eigen::MatrixXd U = rng.normalMatrix(40, 6), V = rng.normalMatrix(6, 60);
        Eigen::MatrixXd X = U * Eigen::VectorXd::LinSpaced(6, 10, 0.01).asDiagonal() * V + 1e-6 * rng.normalMatrix(40, 60);
        PodOptions opt;
        opt.energy = 0.999;
        const PodBasis pod = computePod(X, opt);
        const Eigen::MatrixXd gram = pod.basis.transpose() * pod.basis;
        QVERIFY((gram - Eigen::MatrixXd::Identity(pod.rank(), pod.rank())).cwiseAbs().maxCoeff() < 1e-12);
        // Direct energies from a separate SVD.
        Eigen::JacobiSVD<Eigen::MatrixXd> svd(X);
        const Eigen::VectorXd s = svd.singularValues();
        const double total2 = s.squaredNorm(), total1 = s.sum();
        for (Eigen::Index i = 0; i < s.size(); ++i) {
            QVERIFY(std::abs(pod.energySquared(i) - s.head(i + 1).squaredNorm() / total2) < 1e-12);
            QVERIFY(std::abs(pod.energyPlain(i) - s.head(i + 1).sum() / total1) < 1e-12);
        }
        QVERIFY(pod.retainedEnergy() >= 0.999);
        QVERIFY(pod.rank() == 1 || pod.energySquared(pod.rank() - 2) < 0.999);
        opt.criterion = EnergyCriterion::SingularValues;
        QVERIFY(computePod(X, opt).rank() >= pod.rank());   // plain σ energy is the stricter criterion here
        opt.rank = 3;
        const PodBasis r3 = computePod(X, opt);
        QCOMPARE(r3.rank(), 3);
        const Eigen::MatrixXd lifted = r3.lift(r3.project(X));
        QVERIFY((lifted - r3.basis * (r3.basis.transpose() * X)).norm() < 1e-10);
        SD_EXPECT_ERROR(computePod(Eigen::MatrixXd(), {}), "POD", "empty");
    }

    void normalisationRoundTripAndJson() {
        sd::Rng rng(3);
        Dataset ds;
        ds.stateNames = {"a", "b"};
        ds.inputNames = {"u"};
        ds.outputNames = {"y1", "y2"};
        for (int i = 0; i < 3; ++i) {
            Trajectory tr;
            tr.id = std::to_string(i);
            tr.t = Eigen::VectorXd::LinSpaced(20, 0, 1.9);
            tr.x = rng.normalMatrix(2, 20, 5.0, 3.0);
            tr.dxdt = rng.normalMatrix(2, 20);
            tr.u = rng.uniformMatrix(1, 20, -4, 9);
            tr.y = rng.normalMatrix(2, 20);
            tr.y.row(1).setConstant(2.0);   // constant channel: scale falls back to 1
            ds.trajectories.push_back(tr);
        }
        ds.splits["train"] = {0, 1};
        for (NormalizationKind kind : {NormalizationKind::Standard, NormalizationKind::MinMax}) {
            const auto norm = DatasetNormalization::fit(ds, kind, "train");
            Dataset z = ds;
            norm.apply(z);
            if (kind == NormalizationKind::Standard) {
                Eigen::MatrixXd joined(2, 40);
                joined << z.trajectories[0].x, z.trajectories[1].x;
                QVERIFY(joined.rowwise().mean().cwiseAbs().maxCoeff() < 1e-12);
                QVERIFY(((joined.colwise() - joined.rowwise().mean()).rowwise().squaredNorm() / 40.0 - Eigen::VectorXd::Ones(2).transpose()).cwiseAbs().maxCoeff() < 1e-12);
            } else {
                QVERIFY(std::abs(std::min(z.trajectories[0].u.minCoeff(), z.trajectories[1].u.minCoeff())) < 1e-12);
            }
            QCOMPARE(norm.output.scale(1), 1.0);
            const auto restored = DatasetNormalization::fromJson(norm.toJson(), "model.json: normalization");
            QVERIFY(restored.state.offset == norm.state.offset && restored.state.scale == norm.state.scale);
            restored.invert(z);
            for (std::size_t i = 0; i < 3; ++i) {
                QVERIFY((z.trajectories[i].x - ds.trajectories[i].x).cwiseAbs().maxCoeff() < 1e-12);
                QVERIFY((z.trajectories[i].dxdt - ds.trajectories[i].dxdt).cwiseAbs().maxCoeff() < 1e-12);
                QVERIFY((z.trajectories[i].u - ds.trajectories[i].u).cwiseAbs().maxCoeff() < 1e-12);
                QVERIFY((z.trajectories[i].y - ds.trajectories[i].y).cwiseAbs().maxCoeff() < 1e-12);
            }
        }
        nlohmann::json bad = DatasetNormalization::fit(ds, NormalizationKind::Standard).toJson();
        bad["state"]["scale"][1] = -1.0;
        SD_EXPECT_ERROR(DatasetNormalization::fromJson(bad, "model.json: normalization"),
                        "model.json: normalization.state.scale[1]", "> 0");
    }

    void splitsAreSeededAndComplete() {
        Dataset ds;
        ds.stateNames = {"a"};
        for (int i = 0; i < 10; ++i) {
            Trajectory tr;
            tr.id = std::to_string(i);
            tr.t = Eigen::VectorXd::LinSpaced(3, 0, 2);
            tr.x = Eigen::MatrixXd::Constant(1, 3, i);
            ds.trajectories.push_back(tr);
        }
        const SplitFractions f{{"train", 0.7}, {"validation", 0.15}, {"test", 0.15}};
        sd::Rng r1(42), r2(42);
        Dataset a = ds, b = ds;
        splitTrajectories(a, f, r1);
        splitTrajectories(b, f, r2);
        QCOMPARE(a.splits, b.splits);
        QCOMPARE(a.splits["train"].size(), std::size_t(7));
        QCOMPARE(a.splits["validation"].size() + a.splits["test"].size(), std::size_t(3));
        std::set<int> all;
        for (const auto& [n, idx] : a.splits) all.insert(idx.begin(), idx.end());
        QCOMPARE(all.size(), std::size_t(10));
        SD_EXPECT_ERROR(splitTrajectories(a, {{"train", 0.5}}, r1), "splits", "sum to 1");

        Trajectory pairs;
        pairs.id = "P";
        pairs.x = Eigen::RowVectorXd::LinSpaced(101, 0, 100);
        pairs.dxdt = 2 * pairs.x;
        sd::Rng r3(5);
        const auto parts = splitPairSet(pairs, {{"train", 0.8}, {"test", 0.2}}, r3);
        QCOMPARE(parts[0].x.cols() + parts[1].x.cols(), Eigen::Index(101));
        QCOMPARE(parts[1].id, std::string("P/test"));
        QVERIFY(parts[0].isPairSet());
        QVERIFY(parts[1].dxdt == 2 * parts[1].x);   // pairs stay together
        Dataset pd;
        pd.stateNames = {"a"};
        pd.trajectories.push_back(pairs);
        splitPairSetInDataset(pd, 0, {{"train", 0.8}, {"test", 0.2}}, r3);
        QCOMPARE(pd.trajectories.size(), std::size_t(2));
        QCOMPARE(pd.split("test")[0]->x.cols(), Eigen::Index(20));
        SD_EXPECT_ERROR(splitPairSet(ds.trajectories[0], f, r3), "trajectory \"0\"", "not an unordered pair set");
    }

    void contentHashIsStableAndSensitive() {
        Dataset ds;
        ds.stateNames = {"a"};
        Trajectory tr;
        tr.t = Eigen::VectorXd::LinSpaced(3, 0, 2);
        tr.x = Eigen::MatrixXd::Ones(1, 3);
        ds.trajectories.push_back(tr);
        const std::string h = sha256Dataset(ds);
        QCOMPARE(h.size(), std::size_t(64));
        Dataset renamed = ds;
        renamed.name = "other";
        QCOMPARE(sha256Dataset(renamed), h);
        ds.trajectories[0].x(0, 1) = std::nextafter(1.0, 2.0);
        QVERIFY(sha256Dataset(ds) != h);
        QCOMPARE(sha256Bytes("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }
};

QTEST_APPLESS_MAIN(TestPreprocessing)
#include "test_preprocessing.moc"
