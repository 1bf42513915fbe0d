// BorderedTridiagonalRosenbrock4 (core/systems/burgers_rosenbrock.h) against Boost.Odeint's dense rosenbrock4 on
// systems with a tridiagonal-plus-last-column Jacobian chosen so that partial pivoting MUST exchange rows
// (a stiff lower-dominant band: |J(i+1, i)| ≫ |1/(γh) − J(i, i)| once the steps grow): same accepted steps,
// same dense output up to rounding. Compiled as C++17 like burgers_solver.cpp (Boost 1.74 uBLAS).
#include "core/systems/burgers_rosenbrock.h"

#include <boost/numeric/odeint/stepper/rosenbrock4.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_controller.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_dense_output.hpp>

#include <QtTest>

#include <cmath>

using sd::systems::BorderedTridiagonalRosenbrock4;
namespace odeint = boost::numeric::odeint;
using State = boost::numeric::ublas::vector<double>;
using Matrix = boost::numeric::ublas::matrix<double>;

namespace {

/// ẋ_i = Σ_j J_ij x_j + c_i sin(τ) + q·x_i², τ̇ = 1 (a mildly nonlinear stiff band with a time-dependent source).
struct Problem {
    int N;
    double diag, sub, super, q;
    Eigen::VectorXd c;

    void rhs(const double* x, double* dxdt) const {
        for (int i = 0; i < N; ++i) {
            double v = diag * x[i] + q * x[i] * x[i] + c[i] * std::sin(x[N]);
            if (i > 0) v += sub * x[i - 1];
            if (i + 1 < N) v += super * x[i + 1];
            dxdt[i] = v;
        }
        dxdt[N] = 1.0;
    }
    void jacobian(const double* x, double* s, double* d, double* u, double* last) const {
        for (int i = 0; i < N; ++i) {
            d[i] = diag + 2.0 * q * x[i];
            if (i > 0) s[i] = sub;
            if (i + 1 < N) u[i] = super;
            last[i] = c[i] * std::cos(x[N]);
        }
    }
};

}  // namespace

class TestBandedRosenbrock : public QObject {
    Q_OBJECT
private slots:
    void matchesOdeintDenseRosenbrockWithPivoting() {
        for (const double sub : {3000.0, 40.0}) {
            Problem p{7, -1000.0, sub, 2.0, 0.3, Eigen::VectorXd::LinSpaced(7, 1.0, 2.0)};
            const double atol = 1e-9, rtol = 1e-7, t0 = 0.0, dt0 = 1e-4;
            Eigen::VectorXd x0(p.N + 1);
            for (int i = 0; i < p.N; ++i) x0[i] = 0.1 * (i + 1);
            x0[p.N] = t0;

            BorderedTridiagonalRosenbrock4 banded(
                p.N, [&](const double* x, double* f) { p.rhs(x, f); },
                [&](const double* x, double* s, double* d, double* u, double* l) { p.jacobian(x, s, d, u, l); }, atol, rtol);
            banded.initialize(x0, t0, dt0);

            auto sys = std::make_pair([&](const State& x, State& f, double) { p.rhs(&x[0], &f[0]); },
                                      [&](const State& x, Matrix& J, double, State& dfdt) {
                                          J.resize(p.N + 1, p.N + 1, false);
                                          J.clear();
                                          std::vector<double> s(p.N), d(p.N), u(p.N), l(p.N);
                                          p.jacobian(&x[0], s.data(), d.data(), u.data(), l.data());
                                          for (int i = 0; i < p.N; ++i) {
                                              J(i, i) = d[i];
                                              if (i > 0) J(i, i - 1) = s[i];
                                              if (i + 1 < p.N) J(i, i + 1) = u[i];
                                              J(i, p.N) = l[i];
                                          }
                                          for (int i = 0; i <= p.N; ++i) dfdt[i] = 0.0;
                                      });
            odeint::rosenbrock4_dense_output<odeint::rosenbrock4_controller<odeint::rosenbrock4<double>>> dense{
                odeint::rosenbrock4_controller<odeint::rosenbrock4<double>>(atol, rtol)};
            State xs(p.N + 1);
            for (int i = 0; i <= p.N; ++i) xs[i] = x0[i];
            dense.initialize(xs, t0, dt0);

            double worst = 0.0;
            int steps = 0;
            while (dense.current_time() < 5.0 && steps < 20000) {
                dense.do_step(sys);
                QVERIFY(banded.doStep());
                ++steps;
                QCOMPARE(banded.currentTime(), dense.current_time());
                const double tm = 0.5 * (banded.previousTime() + banded.currentTime());
                State ds(p.N + 1);
                dense.calc_state(tm, ds);
                Eigen::VectorXd bs(p.N + 1);
                banded.calcState(tm, bs.data());
                for (int i = 0; i <= p.N; ++i) worst = std::max(worst, std::abs(bs[i] - ds[i]) / (1e-12 + std::abs(ds[i])));
            }
            QVERIFY(dense.current_time() >= 5.0);
            QVERIFY2(worst <= 1e-12, qPrintable(QString("relative difference %1").arg(worst)));
            if (sub > 1000.0) QVERIFY2(banded.pivotSwaps() > 0, "the pivoting path was not exercised");
            qInfo("sub %g: %d steps, %lld row exchanges, worst relative difference %g", sub, steps, banded.pivotSwaps(), worst);
        }
    }
};

QTEST_GUILESS_MAIN(TestBandedRosenbrock)
#include "test_banded_rosenbrock.moc"
