#include "core/systems/burgers_rosenbrock.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sd::systems {

namespace {

// odeint's default_rosenbrock_coefficients<double> (boost/numeric/odeint/stepper/rosenbrock4.hpp).
constexpr double gamma = 0.25;
constexpr double d1 = 0.25, d2 = -0.1043, d3 = 0.1035, d4 = 0.3620000000000023e-01;
constexpr double c2 = 0.386, c3 = 0.21, c4 = 0.63;
constexpr double c21 = -0.5668800000000000e+01, a21 = 0.1544000000000000e+01;
constexpr double c31 = -0.2430093356833875e+01, c32 = -0.2063599157091915e+00;
constexpr double a31 = 0.9466785280815826e+00, a32 = 0.2557011698983284e+00;
constexpr double c41 = -0.1073529058151375e+00, c42 = -0.9594562251023355e+01, c43 = -0.2047028614809616e+02;
constexpr double a41 = 0.3314825187068521e+01, a42 = 0.2896124015972201e+01, a43 = 0.9986419139977817e+00;
constexpr double c51 = 0.7496443313967647e+01, c52 = -0.1024680431464352e+02, c53 = -0.3399990352819905e+02,
                 c54 = 0.1170890893206160e+02;
constexpr double a51 = 0.1221224509226641e+01, a52 = 0.6019134481288629e+01, a53 = 0.1253708332932087e+02,
                 a54 = -0.6878860361058950e+00;
constexpr double c61 = 0.8083246795921522e+01, c62 = -0.7981132988064893e+01, c63 = -0.3152159432874371e+02,
                 c64 = 0.1631930543123136e+02, c65 = -0.6058818238834054e+01;
constexpr double d21 = 0.1012623508344586e+02, d22 = -0.7487995877610167e+01, d23 = -0.3480091861555747e+02,
                 d24 = -0.7992771707568823e+01, d25 = 0.1025137723295662e+01;
constexpr double d31 = -0.6762803392801253e+00, d32 = 0.6087714651680015e+01, d33 = 0.1643084320892478e+02,
                 d34 = 0.2476722511418386e+02, d35 = -0.6594389125716872e+01;

constexpr int maxFailedTries = 500;  // odeint's failed_step_checker default

}  // namespace

BorderedTridiagonalRosenbrock4::BorderedTridiagonalRosenbrock4(Eigen::Index N, Rhs rhs, Jacobian jacobian, double atol,
                                                               double rtol)
    : N_(N), rhs_(std::move(rhs)), jacobian_(std::move(jacobian)), atol_(atol), rtol_(rtol) {
    const Eigen::Index n = N + 1;
    for (Eigen::VectorXd* v : {&x1_, &x2_, &dxdt_, &dxdtNew_, &xtmp_, &g1_, &g2_, &g3_, &g4_, &g5_, &cont3_, &cont4_, &err_})
        v->setZero(n);
    for (Eigen::VectorXd* v : {&sub_, &diag_, &super_, &last_, &d_, &u1_, &u2_, &border_, &l_}) v->setZero(N);
    swapped_.assign(static_cast<std::size_t>(N), 0);
}

void BorderedTridiagonalRosenbrock4::initialize(const Eigen::VectorXd& x0, double t0, double dt0) {
    x1_ = x0;
    current_ = true;
    t_ = t0;
    dt_ = dt0;
}

void BorderedTridiagonalRosenbrock4::factorise(double dt) {
    // M = −J + (1/γ/dt)·I, then ublas' lu_factorize on the band (see the header).
    const Eigen::Index N = N_;
    const double s = 1.0 / gamma / dt;
    for (Eigen::Index i = 0; i < N; ++i) {
        d_[i] = -diag_[i] + s;
        u1_[i] = i + 1 < N ? -super_[i] : 0.0;
        u2_[i] = 0.0;
        border_[i] = -last_[i];
    }
    corner_ = -0.0 + s;
    for (Eigen::Index i = 0; i + 1 < N; ++i) {
        const double below = -sub_[i + 1];  // M(i+1, i)
        swapped_[static_cast<std::size_t>(i)] = std::abs(below) > std::abs(d_[i]);
        double pivotRowU1 = u1_[i], pivotRowU2 = 0.0, pivotRowBorder = border_[i];
        double otherCol = d_[i], otherU1 = u1_[i], otherU2 = 0.0, otherBorder = border_[i];
        if (swapped_[static_cast<std::size_t>(i)]) {
            ++pivotSwaps_;
            // Row i+1 (cols i, i+1, i+2 and the border) becomes the pivot row; row i moves down.
            pivotRowU1 = d_[i + 1];
            pivotRowU2 = i + 2 < N ? u1_[i + 1] : 0.0;
            pivotRowBorder = border_[i + 1];
            d_[i] = below;
            otherU1 = u1_[i];
            otherU2 = 0.0;
            otherBorder = border_[i];
        } else {
            otherCol = below;
            otherU1 = d_[i + 1];
            otherU2 = i + 2 < N ? u1_[i + 1] : 0.0;
            otherBorder = border_[i + 1];
        }
        const double fact = d_[i] != 0.0 ? otherCol * (1.0 / d_[i]) : otherCol;
        l_[i] = fact;
        u1_[i] = pivotRowU1;
        u2_[i] = pivotRowU2;
        border_[i] = pivotRowBorder;
        d_[i + 1] = otherU1 - fact * pivotRowU1;
        if (i + 2 < N) u1_[i + 1] = otherU2 - fact * pivotRowU2;
        border_[i + 1] = otherBorder - fact * pivotRowBorder;
    }
    // Column N−1: the only other candidate, row N, is 0 — no swap; row N keeps M(N, N) = s.
}

void BorderedTridiagonalRosenbrock4::solve(Eigen::VectorXd& r) const {
    const Eigen::Index N = N_;
    // The row exchanges and the unit lower triangle, step by step (LAPACK's gttrs order). ublas permutes first
    // and then eliminates with its row-exchanged L; every entry receives the same updates in the same order.
    for (Eigen::Index i = 0; i + 1 < N; ++i) {
        if (swapped_[static_cast<std::size_t>(i)]) std::swap(r[i], r[i + 1]);
        if (r[i] != 0.0) r[i + 1] -= l_[i] * r[i];
    }
    // The upper triangle row by row, columns ascending (ublas' order).
    r[N] = r[N] / corner_;
    for (Eigen::Index i = N; i-- > 0;) {
        double t = r[i];
        if (i + 1 < N) t -= u1_[i] * r[i + 1];
        if (i + 2 < N) t -= u2_[i] * r[i + 2];
        t -= border_[i] * r[N];
        r[i] = t / d_[i];
    }
}

void BorderedTridiagonalRosenbrock4::step(const Eigen::VectorXd& x, Eigen::VectorXd& xout, double dt, Eigen::VectorXd& err) {
    // rosenbrock4::do_step, formula for formula (dfdt = 0: the system is autonomous).
    const Eigen::Index n = N_ + 1;
    rhs_(x.data(), dxdt_.data());
    jacobian_(x.data(), sub_.data(), diag_.data(), super_.data(), last_.data());
    factorise(dt);
    const double dfdt = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) g1_[i] = dxdt_[i] + dt * d1 * dfdt;
    solve(g1_);
    for (Eigen::Index i = 0; i < n; ++i) xtmp_[i] = x[i] + a21 * g1_[i];
    rhs_(xtmp_.data(), dxdtNew_.data());
    for (Eigen::Index i = 0; i < n; ++i) g2_[i] = dxdtNew_[i] + dt * d2 * dfdt + c21 * g1_[i] / dt;
    solve(g2_);
    for (Eigen::Index i = 0; i < n; ++i) xtmp_[i] = x[i] + a31 * g1_[i] + a32 * g2_[i];
    rhs_(xtmp_.data(), dxdtNew_.data());
    for (Eigen::Index i = 0; i < n; ++i) g3_[i] = dxdtNew_[i] + dt * d3 * dfdt + (c31 * g1_[i] + c32 * g2_[i]) / dt;
    solve(g3_);
    for (Eigen::Index i = 0; i < n; ++i) xtmp_[i] = x[i] + a41 * g1_[i] + a42 * g2_[i] + a43 * g3_[i];
    rhs_(xtmp_.data(), dxdtNew_.data());
    for (Eigen::Index i = 0; i < n; ++i)
        g4_[i] = dxdtNew_[i] + dt * d4 * dfdt + (c41 * g1_[i] + c42 * g2_[i] + c43 * g3_[i]) / dt;
    solve(g4_);
    for (Eigen::Index i = 0; i < n; ++i) xtmp_[i] = x[i] + a51 * g1_[i] + a52 * g2_[i] + a53 * g3_[i] + a54 * g4_[i];
    rhs_(xtmp_.data(), dxdtNew_.data());
    for (Eigen::Index i = 0; i < n; ++i)
        g5_[i] = dxdtNew_[i] + (c51 * g1_[i] + c52 * g2_[i] + c53 * g3_[i] + c54 * g4_[i]) / dt;
    solve(g5_);
    for (Eigen::Index i = 0; i < n; ++i) xtmp_[i] += g5_[i];
    rhs_(xtmp_.data(), dxdtNew_.data());
    for (Eigen::Index i = 0; i < n; ++i)
        err[i] = dxdtNew_[i] + (c61 * g1_[i] + c62 * g2_[i] + c63 * g3_[i] + c64 * g4_[i] + c65 * g5_[i]) / dt;
    solve(err);
    for (Eigen::Index i = 0; i < n; ++i) xout[i] = xtmp_[i] + err[i];
}

bool BorderedTridiagonalRosenbrock4::tryStep(const Eigen::VectorXd& x, double& t, Eigen::VectorXd& xout, double& dt) {
    // rosenbrock4_controller::try_step (no max_dt).
    const double safe = 0.9, fac1 = 5.0, fac2 = 1.0 / 6.0;
    step(x, xout, dt, err_);
    double err = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        const double sk = atol_ + rtol_ * std::max(std::abs(x[i]), std::abs(xout[i]));
        err += err_[i] * err_[i] / sk / sk;
    }
    err = std::sqrt(err / static_cast<double>(x.size()));
    double fac = std::max(fac2, std::min(fac1, static_cast<double>(std::pow(err, 0.25) / safe)));
    double dtNew = dt / fac;
    if (err <= 1.0) {
        if (firstStep_) {
            firstStep_ = false;
        } else {
            double facPred = (dtOld_ / dt) * std::pow(err * err / errOld_, 0.25) / safe;
            facPred = std::max(fac2, std::min(fac1, facPred));
            fac = std::max(fac, facPred);
            dtNew = dt / fac;
        }
        dtOld_ = dt;
        errOld_ = std::max(0.01, err);
        if (lastRejected_) dtNew = dt >= 0.0 ? std::min(dtNew, dt) : std::max(dtNew, dt);
        t += dt;
        dt = dtNew;
        lastRejected_ = false;
        return true;
    }
    dt = dtNew;
    lastRejected_ = true;
    return false;
}

bool BorderedTridiagonalRosenbrock4::doStep() {
    // rosenbrock4_dense_output::do_step with its failed_step_checker.
    tOld_ = t_;
    int tries = 0;
    Eigen::VectorXd& cur = current_ ? x1_ : x2_;
    Eigen::VectorXd& old = current_ ? x2_ : x1_;
    bool ok = false;
    do {
        ok = tryStep(cur, t_, old, dt_);
        if (tries++ >= maxFailedTries) return false;
    } while (!ok);
    // prepare_dense_output
    for (Eigen::Index i = 0; i <= N_; ++i) {
        cont3_[i] = d21 * g1_[i] + d22 * g2_[i] + d23 * g3_[i] + d24 * g4_[i] + d25 * g5_[i];
        cont4_[i] = d31 * g1_[i] + d32 * g2_[i] + d33 * g3_[i] + d34 * g4_[i] + d35 * g5_[i];
    }
    current_ = !current_;
    return true;
}

void BorderedTridiagonalRosenbrock4::calcState(double t, double* x) const {
    // rosenbrock4::calc_state between the previous (old) and the current (new) state.
    const Eigen::VectorXd& xNew = current_ ? x1_ : x2_;
    const Eigen::VectorXd& xOld = current_ ? x2_ : x1_;
    const double dt = t_ - tOld_;
    const double s = (t - tOld_) / dt;
    const double s1 = 1.0 - s;
    for (Eigen::Index i = 0; i <= N_; ++i) x[i] = xOld[i] * s1 + s * (xNew[i] + s1 * (cont3_[i] + s * cont4_[i]));
}

}  // namespace sd::systems
