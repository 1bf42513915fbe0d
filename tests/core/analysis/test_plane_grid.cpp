// Grid evaluation helper: point order, slices of larger states, reshaping batched results to grids.
#include "core/analysis/plane_grid.h"
#include "core/common/error.h"

#include <QtTest>

using namespace sd::analysis;

class TestPlaneGrid : public QObject {
    Q_OBJECT

private slots:
    void planeGridPointOrder() {
        const PlaneGrid g = makePlaneGrid({0.0, 2.0, -1.0, 1.0}, 3, 2);
        QCOMPARE(g.nx(), Eigen::Index(3));
        QCOMPARE(g.ny(), Eigen::Index(2));
        Eigen::MatrixXd expected(2, 6);
        expected << 0, 1, 2, 0, 1, 2,  //
            -1, -1, -1, 1, 1, 1;
        QVERIFY(g.points.isApprox(expected));
    }

    void sliceKeepsOtherComponents() {
        Eigen::VectorXd base(4);
        base << 5, 6, 7, 8;
        const PlaneGrid g = makeSliceGrid(base, 2, 0, {0.0, 1.0, 10.0, 20.0}, 2, 3);
        QCOMPARE(g.points.rows(), Eigen::Index(4));
        QCOMPARE(g.points.cols(), Eigen::Index(6));
        for (Eigen::Index k = 0; k < 6; ++k) {
            QCOMPARE(g.points(1, k), 6.0);
            QCOMPARE(g.points(3, k), 8.0);
            QCOMPARE(g.points(2, k), g.x[k % 2]);
            QCOMPARE(g.points(0, k), g.y[k / 2]);
        }
    }

    void toGridReshapesBatchedResults() {
        const PlaneGrid g = makePlaneGrid({0.0, 3.0, 0.0, 1.0}, 4, 3);
        // a batched vector field f(p) = (p_x + 10 p_y, −p_x), evaluated once for all points
        Eigen::MatrixXd f(2, g.points.cols());
        f.row(0) = g.points.row(0) + 10.0 * g.points.row(1);
        f.row(1) = -g.points.row(0);
        const Eigen::MatrixXd U = toGrid(f, g.dimX, g.nx(), g.ny());
        const Eigen::MatrixXd V = toGrid(f, g.dimY, g.nx(), g.ny());
        QCOMPARE(U.rows(), Eigen::Index(3));
        QCOMPARE(U.cols(), Eigen::Index(4));
        for (Eigen::Index j = 0; j < 3; ++j)
            for (Eigen::Index i = 0; i < 4; ++i) {
                QVERIFY(std::abs(U(j, i) - (g.x[i] + 10.0 * g.y[j])) < 1e-14);
                QVERIFY(std::abs(V(j, i) + g.x[i]) < 1e-14);
            }
    }

    void rejectsBadArguments() {
        QVERIFY_THROWS_EXCEPTION(sd::Error, makePlaneGrid({1.0, 0.0, 0.0, 1.0}, 3, 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, makePlaneGrid({0.0, 1.0, 0.0, 1.0}, 1, 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeSliceGrid(Eigen::VectorXd::Zero(3), 1, 1, {}, 3, 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, makeSliceGrid(Eigen::VectorXd::Zero(3), 0, 3, {}, 3, 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, toGrid(Eigen::MatrixXd::Zero(1, 5), 0, 2, 3));
        QVERIFY_THROWS_EXCEPTION(sd::Error, toGrid(Eigen::MatrixXd::Zero(1, 6), 1, 2, 3));
    }
};

QTEST_APPLESS_MAIN(TestPlaneGrid)
#include "test_plane_grid.moc"
