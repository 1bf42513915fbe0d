#include "core/systems/burgers.h"

#include "core/common/error.h"

#include <cmath>
#include <numbers>

namespace sd::systems {

ControlledBurgers::ControlledBurgers(const BurgersParams& params) : p_(params) {
    if (p_.nodes < 3) throw Error("burgers: nodes", "must be at least 3, got " + std::to_string(p_.nodes));
    if (!(p_.viscosity > 0.0)) throw Error("burgers: viscosity", "must be positive");
    if (!(p_.sourceWidth > 0.0)) throw Error("burgers: source_width", "must be positive");
    h_ = 1.0 / static_cast<double>(p_.nodes + 1);
    const Eigen::VectorXd x = grid();
    b_ = (-(x.array() - p_.sourceCenter).square() / (2.0 * p_.sourceWidth * p_.sourceWidth)).exp().matrix();
}

Eigen::VectorXd ControlledBurgers::grid() const {
    return Eigen::VectorXd::LinSpaced(p_.nodes, h_, static_cast<double>(p_.nodes) * h_);
}

void ControlledBurgers::convectionInto(const double* v, double* out) const {
    const Eigen::Index N = p_.nodes;
    const double k = -1.0 / (6.0 * h_);   // −⅓ · 1/(2h)
    for (Eigen::Index i = 0; i < N; ++i) {
        const double vl = i > 0 ? v[i - 1] : 0.0, vr = i + 1 < N ? v[i + 1] : 0.0, vi = v[i];
        out[i] = k * ((vr * vr - vl * vl) + vi * (vr - vl));
    }
}

void ControlledBurgers::rhsInto(const double* v, double u, double* out) const {
    const Eigen::Index N = p_.nodes;
    const double d = p_.viscosity / (h_ * h_), k = -1.0 / (6.0 * h_);
    for (Eigen::Index i = 0; i < N; ++i) {
        const double vl = i > 0 ? v[i - 1] : 0.0, vr = i + 1 < N ? v[i + 1] : 0.0, vi = v[i];
        out[i] = d * (vl - 2.0 * vi + vr) + k * ((vr * vr - vl * vl) + vi * (vr - vl)) + b_[i] * u;
    }
}

Eigen::VectorXd ControlledBurgers::convection(const Eigen::VectorXd& v) const {
    if (v.size() != p_.nodes) throw Error("burgers", "state has " + std::to_string(v.size()) + " entries, expected " + std::to_string(p_.nodes));
    Eigen::VectorXd out(p_.nodes);
    convectionInto(v.data(), out.data());
    return out;
}

Eigen::VectorXd ControlledBurgers::rhs(const Eigen::VectorXd& v, double u) const {
    if (v.size() != p_.nodes) throw Error("burgers", "state has " + std::to_string(v.size()) + " entries, expected " + std::to_string(p_.nodes));
    Eigen::VectorXd out(p_.nodes);
    rhsInto(v.data(), u, out.data());
    return out;
}

Eigen::MatrixXd ControlledBurgers::rhsBatch(const Eigen::MatrixXd& V, const Eigen::RowVectorXd& U) const {
    if (V.rows() != p_.nodes || U.size() != V.cols()) throw Error("burgers", "batch shape mismatch");
    Eigen::MatrixXd out(V.rows(), V.cols());
    for (Eigen::Index k = 0; k < V.cols(); ++k) rhsInto(V.col(k).data(), U[k], out.col(k).data());
    return out;
}

Eigen::MatrixXd ControlledBurgers::laplacian() const {
    const Eigen::Index N = p_.nodes;
    Eigen::MatrixXd L = Eigen::MatrixXd::Zero(N, N);
    const double s = 1.0 / (h_ * h_);
    for (Eigen::Index i = 0; i < N; ++i) {
        L(i, i) = -2.0 * s;
        if (i > 0) L(i, i - 1) = s;
        if (i + 1 < N) L(i, i + 1) = s;
    }
    return L;
}

Eigen::MatrixXd ControlledBurgers::jacobian(const Eigen::VectorXd& v) const {
    const Eigen::Index N = p_.nodes;
    Eigen::MatrixXd J = p_.viscosity * laplacian();
    const double k = 1.0 / (6.0 * h_);
    for (Eigen::Index i = 0; i < N; ++i) {
        const double vl = i > 0 ? v[i - 1] : 0.0, vr = i + 1 < N ? v[i + 1] : 0.0, vi = v[i];
        J(i, i) += -k * (vr - vl);
        if (i > 0) J(i, i - 1) += k * (2.0 * vl + vi);
        if (i + 1 < N) J(i, i + 1) += -k * (2.0 * vr + vi);
    }
    return J;
}

double ControlledBurgers::sigmaMinR() const {
    const double s = std::sin(std::numbers::pi * h_ / 2.0);
    return p_.viscosity * 4.0 / (h_ * h_) * s * s;
}

QuadraticSystem ControlledBurgers::asQuadraticSystem() const {
    const Eigen::Index N = p_.nodes;
    if (N > 120) throw Error("burgers: nodes", "asQuadraticSystem needs N ≤ 120 (dense N×N² H), got " + std::to_string(N));
    QuadraticSystem s;
    s.A = p_.viscosity * laplacian();
    s.H = Eigen::MatrixXd::Zero(N, N * N);
    const double k = 1.0 / (6.0 * h_);
    for (Eigen::Index i = 0; i < N; ++i) {
        // N_i = −k [v_{i+1}² − v_{i−1}² + v_i v_{i+1} − v_i v_{i−1}]
        if (i + 1 < N) {
            s.H(i, (i + 1) * N + (i + 1)) -= k;
            s.H(i, i * N + (i + 1)) -= k;
        }
        if (i > 0) {
            s.H(i, (i - 1) * N + (i - 1)) += k;
            s.H(i, i * N + (i - 1)) += k;
        }
    }
    s.B = b_;
    return s;
}

ode::Field ControlledBurgers::field() const {
    return [m = *this](double, const Eigen::VectorXd& v, const Eigen::VectorXd& u) { return m.rhs(v, u[0]); };
}

}  // namespace sd::systems
