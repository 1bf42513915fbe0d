#include "plugins/ren/ren_config.h"

#include "core/common/error.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>

namespace sd::ren {

double activate(RenActivation act, double a) {
    switch (act) {
        case RenActivation::ReLU: return a > 0.0 ? a : 0.0;
        case RenActivation::Tanh: return std::tanh(a);
        case RenActivation::Sigmoid: return a >= 0.0 ? 1.0 / (1.0 + std::exp(-a)) : std::exp(a) / (1.0 + std::exp(a));
    }
    return a;
}

double activateSlope(RenActivation act, double a) {
    switch (act) {
        case RenActivation::ReLU: return a > 0.0 ? 1.0 : 0.0;
        case RenActivation::Tanh: {
            const double t = std::tanh(a);
            return 1.0 - t * t;
        }
        case RenActivation::Sigmoid: {
            const double s = activate(RenActivation::Sigmoid, a);
            return s * (1.0 - s);
        }
    }
    return 1.0;
}

std::string toString(RenActivation act) {
    switch (act) {
        case RenActivation::ReLU: return "relu";
        case RenActivation::Tanh: return "tanh";
        case RenActivation::Sigmoid: return "sigmoid";
    }
    return "?";
}

RenActivation activationFromString(const std::string& name) {
    if (name == "relu") return RenActivation::ReLU;
    if (name == "tanh") return RenActivation::Tanh;
    if (name == "sigmoid") return RenActivation::Sigmoid;
    throw Error("ren: activation", "expected relu, tanh or sigmoid, got '" + name + "'");
}

std::string toString(RenClass c) {
    switch (c) {
        case RenClass::Contracting: return "contracting";
        case RenClass::Lipschitz: return "lipschitz";
        case RenClass::General: return "general";
        case RenClass::Passive: return "passive";
    }
    return "?";
}

RenClass renClassFromString(const std::string& name) {
    if (name == "contracting") return RenClass::Contracting;
    if (name == "lipschitz") return RenClass::Lipschitz;
    if (name == "general") return RenClass::General;
    if (name == "passive") return RenClass::Passive;
    throw Error("ren: class", "expected contracting, lipschitz, general or passive, got '" + name + "'");
}

void RenConfig::validate() {
    if (nu < 0 || nx < 0 || nv < 0 || ny < 0) throw Error("ren: sizes", "n_u, n_x, n_v and n_y must be ≥ 0");
    if (!(alphaBar > 0.0 && alphaBar <= 1.0)) throw Error("ren: alpha_bar", "must lie in (0, 1], got " + std::to_string(alphaBar));
    if (!(epsilon > 0.0)) throw Error("ren: epsilon", "must be > 0");
    if (!(prAlpha > 0.0) || !(prTol > 0.0) || prMaxIter < 1) throw Error("ren: pr_*", "Peaceman–Rachford needs α > 0, tol > 0, max_iter ≥ 1");
    switch (renClass) {
        case RenClass::Contracting:
            Q.resize(0, 0), S.resize(0, 0), R.resize(0, 0);
            return;
        case RenClass::Lipschitz:
            if (!(gamma > 0.0) || !std::isfinite(gamma)) throw Error("ren: gamma", "the Lipschitz bound must be finite and > 0");
            Q = -Eigen::MatrixXd::Identity(ny, ny) / gamma;
            S = Eigen::MatrixXd::Zero(nu, ny);
            R = gamma * Eigen::MatrixXd::Identity(nu, nu);
            return;
        case RenClass::Passive:
            if (nu != ny) throw Error("ren: class passive", "needs as many inputs as outputs (n_u = " + std::to_string(nu) +
                                                                ", n_y = " + std::to_string(ny) + ")");
            if (passiveNu < 0.0 || passiveRho < 0.0) throw Error("ren: passive_nu/passive_rho", "must be ≥ 0");
            Q = -2.0 * passiveRho * Eigen::MatrixXd::Identity(ny, ny);
            S = Eigen::MatrixXd::Identity(nu, ny);
            R = -2.0 * passiveNu * Eigen::MatrixXd::Identity(nu, nu);
            return;
        case RenClass::General: {
            if (Q.rows() != ny || Q.cols() != ny) throw Error("ren: Q", "must be n_y×n_y");
            if (S.rows() != nu || S.cols() != ny) throw Error("ren: S", "must be n_u×n_y");
            if (R.rows() != nu || R.cols() != nu) throw Error("ren: R", "must be n_u×n_u");
            if ((Q - Q.transpose()).norm() > 1e-12 * (1.0 + Q.norm()) || (R - R.transpose()).norm() > 1e-12 * (1.0 + R.norm()))
                throw Error("ren: Q/R", "must be symmetric");
            Eigen::LLT<Eigen::MatrixXd> negQ(-Q);
            if (ny > 0 && negQ.info() != Eigen::Success) throw Error("ren: Q", "must be negative definite (Q ≺ 0)");
            const Eigen::MatrixXd Rt = R - S * (ny > 0 ? Eigen::MatrixXd(negQ.solve(-S.transpose())) : Eigen::MatrixXd::Zero(nu, nu));
            if (nu > 0 && Eigen::LLT<Eigen::MatrixXd>(Rt).info() != Eigen::Success)
                throw Error("ren: R", "R − S Q⁻¹ Sᵀ must be positive definite");
            return;
        }
    }
}

}  // namespace sd::ren
