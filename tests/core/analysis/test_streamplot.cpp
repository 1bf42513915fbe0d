// Streamplot (matplotlib's algorithm) on analytic fields: circles for a rotation, straight parallel
// lines for a uniform field, one line per mask cell, seeds, determinism, masked regions, bad arguments.
#include "core/analysis/streamplot.h"
#include "core/common/error.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace sd::analysis;

namespace {

struct Field {
    Eigen::VectorXd x, y;
    Eigen::MatrixXd U, V;
};

template <class F>
Field sample(double lo, double hi, Eigen::Index n, F&& f) {
    Field g;
    g.x = Eigen::VectorXd::LinSpaced(n, lo, hi);
    g.y = Eigen::VectorXd::LinSpaced(n, lo, hi);
    g.U.resize(n, n);
    g.V.resize(n, n);
    for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto [u, v] = f(g.x[i], g.y[j]);
            g.U(j, i) = u;
            g.V(j, i) = v;
        }
    return g;
}

Field rotation() {
    return sample(-2.0, 2.0, 81, [](double x, double y) { return std::pair{-y, x}; });
}

}  // namespace

class TestStreamplot : public QObject {
    Q_OBJECT

    /// Index of the seed vertex, which must have vertices before (backward) and after (forward) it.
    static std::size_t checkSeedInside(const Polyline& p, double sx, double sy) {
        std::size_t seedIndex = p.size();
        for (std::size_t k = 0; k < p.size(); ++k)
            if (std::hypot(p.x[k] - sx, p.y[k] - sy) < 1e-12) seedIndex = k;
        if (seedIndex == p.size()) qFatal("seed not on the line");
        if (!(seedIndex > 0 && seedIndex + 1 < p.size())) qFatal("seed at an end of the line");
        return seedIndex;
    }

private slots:
    void rotationGivesCircles() {
        const Field f = rotation();
        const StreamplotResult r = streamplot(f.x, f.y, f.U, f.V);
        QVERIFY(r.lines.size() > 10);
        for (const auto& line : r.lines) {
            const auto& p = line.path;
            QVERIFY(p.size() >= 2);
            double mean = 0.0;
            std::vector<double> radius(p.size());
            for (std::size_t k = 0; k < p.size(); ++k) mean += (radius[k] = std::hypot(p.x[k], p.y[k]));
            mean /= static_cast<double>(p.size());
            double variance = 0.0;
            for (const double rk : radius) variance += (rk - mean) * (rk - mean);
            variance /= static_cast<double>(p.size());
            // grid spacing is 0.05: the radius stays within a small fraction of it
            QVERIFY2(std::sqrt(variance) < 0.01, qPrintable(QString("radius %1 std %2").arg(mean).arg(std::sqrt(variance))));
            QCOMPARE(line.speed.size(), p.size());
            for (std::size_t k = 0; k < p.size(); ++k) QVERIFY(std::abs(line.speed[k] - radius[k]) < 1e-9 + 0.01);
        }
        QCOMPARE(r.arrows.size(), r.lines.size());  // numArrows = 1
    }

    void uniformFieldGivesStraightParallelLines() {
        const Field f = sample(0.0, 1.0, 21, [](double, double) { return std::pair{1.0, 0.5}; });
        const StreamplotResult r = streamplot(f.x, f.y, f.U, f.V);
        QVERIFY(r.lines.size() > 10);
        const double ux = 1.0 / std::sqrt(1.25), uy = 0.5 / std::sqrt(1.25);
        for (const auto& line : r.lines) {
            const auto& p = line.path;
            for (std::size_t k = 1; k < p.size(); ++k) {
                const double dx = p.x[k] - p.x[0], dy = p.y[k] - p.y[0];
                QVERIFY(std::abs(dx * uy - dy * ux) < 1e-9);  // on the line through the first vertex
                QVERIFY(dx * ux + dy * uy > 0);                // in the flow direction, no repeated vertex
            }
        }
        // The lines fill the mask: most cells are taken (the rest are gaps too short for a line).
        const double taken = (r.occupancy.array() >= 0).cast<double>().mean();
        QVERIFY2(taken > 0.85, qPrintable(QString::number(taken)));
        // Horizontal flow: one line per mask row, every cell taken.
        const Field h = sample(0.0, 1.0, 21, [](double, double) { return std::pair{2.0, 0.0}; });
        const StreamplotResult rh = streamplot(h.x, h.y, h.U, h.V);
        QCOMPARE(rh.lines.size(), std::size_t(30));
        QVERIFY((rh.occupancy.array() >= 0).all());
        for (const auto& line : rh.lines)
            for (const double yv : line.path.y) QCOMPARE(yv, line.path.y.front());
        QCOMPARE(r.occupancy.rows(), Eigen::Index(30));
        QCOMPARE(r.occupancy.cols(), Eigen::Index(30));
    }

    void noMaskCellSharedByTwoLines() {
        // a damped oscillator plus a saddle: curvy lines meeting each other
        const Field f = sample(-3.0, 3.0, 60, [](double x, double y) {
            return std::pair{y + 0.3 * x * x - 1.0, -x - 0.4 * y};
        });
        StreamplotOptions o;
        o.density = {1.5, 1.5};
        const StreamplotResult r = streamplot(f.x, f.y, f.U, f.V, o);
        QVERIFY(r.lines.size() > 10);
        const double h = 6.0 / 59.0;
        const Eigen::Index mx = r.occupancy.cols(), my = r.occupancy.rows();
        QCOMPARE(mx, Eigen::Index(45));
        std::set<int> owners;
        for (std::size_t li = 0; li < r.lines.size(); ++li) {
            const auto& p = r.lines[li].path;
            // interior vertices (the two ends may be Euler steps to the border, which mark nothing)
            for (std::size_t k = 1; k + 1 < p.size(); ++k) {
                const double xg = (p.x[k] + 3.0) / h, yg = (p.y[k] + 3.0) / h;
                const auto xm = static_cast<Eigen::Index>(std::nearbyint(xg * (mx - 1) / 59.0));
                const auto ym = static_cast<Eigen::Index>(std::nearbyint(yg * (my - 1) / 59.0));
                QCOMPARE(r.occupancy(ym, xm), static_cast<int>(li));
            }
            owners.insert(static_cast<int>(li));
        }
        // every taken cell belongs to an output line (rejected lines were undone)
        for (Eigen::Index k = 0; k < r.occupancy.size(); ++k) {
            const int o2 = r.occupancy.data()[k];
            QVERIFY(o2 == -1 || owners.count(o2) == 1);
        }
    }

    void directionBothPassesThroughTheSeed() {
        // uniform flow: the line runs from the left border through the seed to the right border
        const Field u = sample(0.0, 1.0, 21, [](double, double) { return std::pair{1.0, 0.5}; });
        StreamplotOptions o;
        o.startPoints = {{0.5, 0.5}};
        auto r = streamplot(u.x, u.y, u.U, u.V, o);
        QCOMPARE(r.lines.size(), std::size_t(1));
        checkSeedInside(r.lines[0].path, 0.5, 0.5);
        QVERIFY(std::abs(r.lines[0].path.x.front()) < 1e-9);  // Euler step ends exactly at the border
        QVERIFY(std::abs(r.lines[0].path.x.back() - 1.0) < 1e-9);

        // rotation, with halves short enough not to close the circle (a closed circle ends when it
        // comes back into its own cells, so the forward half would be empty, as in matplotlib)
        const Field f = rotation();
        o.startPoints = {{0.5, 0.25}};
        o.maxlength = 0.5;
        r = streamplot(f.x, f.y, f.U, f.V, o);
        QCOMPARE(r.lines.size(), std::size_t(1));
        const std::size_t seed = checkSeedInside(r.lines[0].path, 0.5, 0.25);
        // counter-clockwise flow: the vertex after the seed has a larger polar angle
        QVERIFY(std::atan2(r.lines[0].path.y[seed + 1], r.lines[0].path.x[seed + 1]) > std::atan2(0.25, 0.5));
    }

    void forwardStartsAtTheSeed() {
        const Field f = rotation();
        StreamplotOptions o;
        o.startPoints = {{-1.0, 0.5}};
        o.integrationDirection = StreamDirection::Forward;
        const StreamplotResult r = streamplot(f.x, f.y, f.U, f.V, o);
        QCOMPARE(r.lines.size(), std::size_t(1));
        QVERIFY(std::abs(r.lines[0].path.x[0] + 1.0) < 1e-12);
        QVERIFY(std::abs(r.lines[0].path.y[0] - 0.5) < 1e-12);
        // the next vertex follows (−y, x) = (−0.5, −1)
        QVERIFY(r.lines[0].path.y[1] < 0.5);
    }

    void deterministic() {
        const Field f = sample(-1.0, 1.0, 50, [](double x, double y) { return std::pair{x - y * y, x + y}; });
        StreamplotOptions o;
        o.numArrows = 3;
        const auto a = streamplot(f.x, f.y, f.U, f.V, o);
        const auto b = streamplot(f.x, f.y, f.U, f.V, o);
        QCOMPARE(a.lines.size(), b.lines.size());
        for (std::size_t i = 0; i < a.lines.size(); ++i) {
            QVERIFY(a.lines[i].path.x == b.lines[i].path.x);
            QVERIFY(a.lines[i].path.y == b.lines[i].path.y);
        }
        QCOMPARE(a.arrows.size(), 3 * a.lines.size());
        QVERIFY(a.occupancy == b.occupancy);
    }

    void maskedRegionHasNoPoints() {
        Field f = rotation();
        // NaN on the square [0.5, 1.5]²
        for (Eigen::Index j = 0; j < f.y.size(); ++j)
            for (Eigen::Index i = 0; i < f.x.size(); ++i)
                if (f.x[i] >= 0.5 - 1e-9 && f.x[i] <= 1.5 + 1e-9 && f.y[j] >= 0.5 - 1e-9 && f.y[j] <= 1.5 + 1e-9)
                    f.U(j, i) = f.V(j, i) = std::numeric_limits<double>::quiet_NaN();
        const auto r = streamplot(f.x, f.y, f.U, f.V);
        QVERIFY(!r.lines.empty());
        // A line stops at its first vertex whose interpolant touches a NaN: at most that one vertex lies in
        // the masked square, and no deeper than one maximum step (1/30 of the 4-unit plot) inside it.
        const double maxStep = 4.0 / 30.0;
        for (const auto& line : r.lines) {
            int inside = 0;
            for (std::size_t k = 0; k < line.path.size(); ++k) {
                const double px = line.path.x[k], py = line.path.y[k];
                if (px > 0.5 && px < 1.5 && py > 0.5 && py < 1.5) ++inside;
                const bool deep = px > 0.5 + maxStep && px < 1.5 - maxStep && py > 0.5 + maxStep && py < 1.5 - maxStep;
                QVERIFY2(!deep, qPrintable(QString("(%1, %2)").arg(px).arg(py)));
            }
            QVERIFY(inside <= 1);
        }
    }

    void unbrokenLinesMayCross() {
        const Field f = rotation();
        StreamplotOptions o;
        o.brokenStreamlines = false;
        const auto r = streamplot(f.x, f.y, f.U, f.V, o);
        QVERIFY(!r.lines.empty());
        double longest = 0.0;  // without breaking, a circle goes round until maxlength
        for (const auto& line : r.lines) {
            double s = 0.0;
            for (std::size_t k = 1; k < line.path.size(); ++k)
                s += std::hypot(line.path.x[k] - line.path.x[k - 1], line.path.y[k] - line.path.y[k - 1]);
            longest = std::max(longest, s);
        }
        QVERIFY(longest > 4.0 * 4.0 * 0.9);  // maxlength 4 axes units = 16 data units here
    }

    void rejectsBadArguments() {
        const Field f = rotation();
        auto expectError = [](auto&& call, const char* fragment) {
            try {
                call();
                QFAIL("no error");
            } catch (const sd::Error& e) {
                QVERIFY2(std::string(e.what()).find("streamplot") == 0, e.what());
                QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
            }
        };
        expectError([&] { streamplot(f.x, f.y, f.U.transpose().topRows(40), f.V); }, "U must be");
        Eigen::VectorXd bad = f.x;
        bad[3] = bad[2];
        expectError([&] { streamplot(bad, f.y, f.U, f.V); }, "strictly increasing");
        Eigen::VectorXd uneven = f.x;
        uneven[3] += 0.01;
        expectError([&] { streamplot(uneven, f.y, f.U, f.V); }, "equally spaced");
        StreamplotOptions o;
        o.startPoints = {{3.0, 0.0}};
        expectError([&] { streamplot(f.x, f.y, f.U, f.V, o); }, "outside");
    }
};

QTEST_APPLESS_MAIN(TestStreamplot)
#include "test_streamplot.moc"
