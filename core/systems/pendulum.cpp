#include "core/systems/pendulum.h"

#include "core/common/error.h"

#include <Eigen/Cholesky>
#include <cmath>

namespace sd::systems {

NLinkPendulum::NLinkPendulum(int links, double gravity, double damping) : n_(links), g_(gravity), b_(damping) {
    if (links < 1) throw Error("pendulum: links", "must be at least 1, got " + std::to_string(links));
    const double l = 1.0 / links;
    c_.resize(n_, n_);
    for (int i = 0; i < n_; ++i)
        for (int j = 0; j < n_; ++j) c_(i, j) = static_cast<double>(n_ - std::max(i, j)) * l * l;
}

Eigen::MatrixXd NLinkPendulum::massMatrix(const Eigen::VectorXd& q) const {
    Eigen::MatrixXd M(n_, n_);
    for (int i = 0; i < n_; ++i)
        for (int j = 0; j < n_; ++j) M(i, j) = c_(i, j) * std::cos(q[i] - q[j]);
    return M;
}

Eigen::VectorXd NLinkPendulum::forces(const Eigen::VectorXd& q, const Eigen::VectorXd& u) const {
    const double l = 1.0 / n_;
    Eigen::VectorXd F(n_);
    for (int i = 0; i < n_; ++i) {
        double s = 0.0;
        for (int j = 0; j < n_; ++j) s += c_(i, j) * std::sin(q[i] - q[j]) * u[j] * u[j];
        F[i] = -s - g_ * static_cast<double>(n_ - i) * l * std::sin(q[i]) - b_ * u[i];
    }
    return F;
}

Eigen::VectorXd NLinkPendulum::derivative(const Eigen::VectorXd& x) const {
    if (x.size() != 2 * n_)
        throw Error("pendulum", "state has " + std::to_string(x.size()) + " entries, expected " + std::to_string(2 * n_));
    const Eigen::VectorXd q = x.head(n_), u = x.tail(n_);
    Eigen::VectorXd d(2 * n_);
    d.head(n_) = u;
    d.tail(n_) = massMatrix(q).ldlt().solve(forces(q, u));
    return d;
}

Eigen::MatrixXd NLinkPendulum::derivatives(const Eigen::MatrixXd& X) const {
    if (X.rows() != 2 * n_)
        throw Error("pendulum", "states have " + std::to_string(X.rows()) + " rows, expected " + std::to_string(2 * n_));
    Eigen::MatrixXd D(X.rows(), X.cols());
    for (Eigen::Index k = 0; k < X.cols(); ++k) D.col(k) = derivative(X.col(k));
    return D;
}

double NLinkPendulum::energy(const Eigen::VectorXd& x) const {
    const Eigen::VectorXd q = x.head(n_), u = x.tail(n_);
    const double l = 1.0 / n_;
    double potential = 0.0;
    for (int i = 0; i < n_; ++i) potential -= g_ * static_cast<double>(n_ - i) * l * std::cos(q[i]);
    return 0.5 * u.dot(massMatrix(q) * u) + potential;
}

Eigen::VectorXd NLinkPendulum::energies(const Eigen::MatrixXd& X) const {
    Eigen::VectorXd e(X.cols());
    for (Eigen::Index k = 0; k < X.cols(); ++k) e[k] = energy(X.col(k));
    return e;
}

ode::Field NLinkPendulum::field() const {
    return [p = *this](double, const Eigen::VectorXd& x, const Eigen::VectorXd&) { return p.derivative(x); };
}

ode::BatchField NLinkPendulum::batchField() const {
    return [p = *this](double, const Eigen::MatrixXd& X, const Eigen::MatrixXd&) { return p.derivatives(X); };
}

std::vector<std::string> NLinkPendulum::stateNames() const {
    std::vector<std::string> names;
    for (int i = 1; i <= n_; ++i) names.push_back("q" + std::to_string(i));
    for (int i = 1; i <= n_; ++i) names.push_back("u" + std::to_string(i));
    return names;
}

}  // namespace sd::systems
