#include "plugins/ren/equilibrium.h"

#include "core/common/error.h"

#include <cmath>

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

MatrixXd applyActivation(RenActivation act, const MatrixXd& v) {
    return v.unaryExpr([act](double a) { return activate(act, a); });
}

MatrixXd slopes(RenActivation act, const MatrixXd& v) {
    return v.unaryExpr([act](double a) { return activateSlope(act, a); });
}

class AcyclicEquilibriumNode final : public ad::Node {
public:
    AcyclicEquilibriumNode(const ad::Var& D11, const ad::Var& b, RenActivation act)
        : Node({D11, b}, solveAcyclicEquilibrium(D11.value(), b.value(), act)), act_(act) {
        // Pre-activations v = D₁₁w + b (strictly lower part) give the slopes J for the backward pass.
        const MatrixXd& D = D11.value();
        MatrixXd v = b.value();
        if (value_.rows() > 0) v.noalias() += D.triangularView<Eigen::StrictlyLower>() * value_;
        J_ = slopes(act, v);
    }
    const char* name() const override { return "ren-acyclic-equilibrium"; }
    void backward(const MatrixXd& wbar, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& D = inputs_[0].value();
        const Index n = D.rows();
        // (I − J D)ᵀ g = w̄ is unit upper triangular: g_i = w̄_i + Σ_{j>i} D_ji (J g)_j, from i = n−1 down.
        MatrixXd h(n, wbar.cols());   // h = J g
        for (Index i = n - 1; i >= 0; --i) {
            const Index tail = n - 1 - i;
            Eigen::RowVectorXd gi_row = wbar.row(i);
            if (tail > 0) gi_row.noalias() += D.col(i).tail(tail).transpose() * h.bottomRows(tail);
            h.row(i) = gi_row.cwiseProduct(J_.row(i));
        }
        if (gi[0]) {
            MatrixXd full(n, n);
            full.noalias() = h * value_.transpose();
            gi[0]->triangularView<Eigen::StrictlyLower>() += full;
        }
        if (gi[1]) *gi[1] += h;
    }

private:
    RenActivation act_;
    MatrixXd J_;
};

class FullEquilibriumNode final : public ad::Node {
public:
    FullEquilibriumNode(const ad::Var& D11, const ad::Var& b, std::shared_ptr<const PeacemanRachford> solver,
                        std::shared_ptr<EquilibriumStats> stats)
        : Node({D11, b}, solveCounted(*solver, b.value(), stats.get())), solver_(std::move(solver)) {
        MatrixXd v = b.value();
        if (value_.rows() > 0) v.noalias() += D11.value() * value_;
        J_ = slopes(solver_->activation(), v);
    }
    const char* name() const override { return "ren-full-equilibrium"; }
    void backward(const MatrixXd& wbar, std::span<MatrixXd* const> gi) const override {
        const MatrixXd& D = inputs_[0].value();
        const Index n = D.rows();
        MatrixXd h(n, wbar.cols());
        for (Index c = 0; c < wbar.cols(); ++c) {
            // (I − J D)ᵀ = I − Dᵀ J; its solve gives g, and h = J g.
            MatrixXd M = -D.transpose() * J_.col(c).asDiagonal();
            M.diagonal().array() += 1.0;
            const Eigen::VectorXd g = M.partialPivLu().solve(wbar.col(c));
            h.col(c) = J_.col(c).cwiseProduct(g);
        }
        if (gi[0]) gi[0]->noalias() += h * value_.transpose();
        if (gi[1]) *gi[1] += h;
    }

private:
    static MatrixXd solveCounted(const PeacemanRachford& s, const MatrixXd& b, EquilibriumStats* stats) {
        PeacemanRachford::Result r = s.solve(b);
        if (stats) {
            ++stats->solves;
            if (!r.converged) ++stats->failures;
            stats->maxIterations = std::max(stats->maxIterations, r.iterations);
        }
        return std::move(r.w);
    }
    std::shared_ptr<const PeacemanRachford> solver_;
    MatrixXd J_;
};

}  // namespace

MatrixXd solveAcyclicEquilibrium(const MatrixXd& D11, const MatrixXd& b, RenActivation act) {
    const Index n = b.rows();
    if (D11.rows() != n || D11.cols() != n)
        throw Error("ren equilibrium", "D11 is " + ad::shapeString(D11) + " but b has " + std::to_string(n) + " rows");
    MatrixXd w = MatrixXd::Zero(n, b.cols());
    for (Index i = 0; i < n; ++i) {
        Eigen::RowVectorXd v = b.row(i);
        if (i > 0) v.noalias() += D11.row(i).head(i) * w.topRows(i);
        w.row(i) = v.unaryExpr([act](double a) { return activate(act, a); });
    }
    return w;
}

PeacemanRachford::PeacemanRachford(const MatrixXd& D11, RenActivation act, double alpha, double tol, int maxIter)
    : D11_(D11), act_(act), alpha_(alpha), tol_(tol), maxIter_(maxIter) {
    if (D11.rows() != D11.cols()) throw Error("ren Peaceman–Rachford", "D11 must be square, got " + ad::shapeString(D11));
    if (act != RenActivation::ReLU && alpha != 1.0)
        throw Error("ren: pr_alpha", "the splitting step must be 1 for activation " + toString(act) + " (only ReLU allows any α)");
    MatrixXd V = -alpha * D11;
    V.diagonal().array() += 1.0 + alpha;
    lu_.compute(V);
    if (D11.rows() > 0 && !(lu_.rcond() > 1e-14)) throw Error("ren Peaceman–Rachford", "(1+α)I − αD11 is singular");
}

PeacemanRachford::Result PeacemanRachford::solve(const MatrixXd& b) const {
    Result r;
    const Index n = D11_.rows();
    if (b.rows() != n) throw Error("ren Peaceman–Rachford", "b has " + std::to_string(b.rows()) + " rows, expected " + std::to_string(n));
    MatrixXd u = MatrixXd::Zero(n, b.cols()), z = u;
    if (n == 0 || b.cols() == 0) {
        r.w = z;
        r.converged = true;
        return r;
    }
    const MatrixXd ab = alpha_ * b;
    for (int k = 1; k <= maxIter_; ++k) {
        const MatrixXd uHalf = 2.0 * z - u;
        const MatrixXd zHalf = lu_.solve(uHalf + ab);
        u = 2.0 * zHalf - uHalf;
        MatrixXd zNew = applyActivation(act_, u);
        const double change = (zNew - z).colwise().norm().maxCoeff();
        z = std::move(zNew);
        r.iterations = k;
        if (!std::isfinite(change)) break;
        if (change < tol_) {
            r.converged = true;
            break;
        }
    }
    r.w = std::move(z);
    return r;
}

ad::Var acyclicEquilibrium(const ad::Var& D11, const ad::Var& b, RenActivation act) {
    return ad::makeVar<AcyclicEquilibriumNode>(D11, b, act);
}

ad::Var fullEquilibrium(const ad::Var& D11, const ad::Var& b, std::shared_ptr<const PeacemanRachford> solver,
                        std::shared_ptr<EquilibriumStats> stats) {
    if (!solver) throw Error("ren equilibrium", "no Peaceman–Rachford solver given");
    return ad::makeVar<FullEquilibriumNode>(D11, b, std::move(solver), std::move(stats));
}

}  // namespace sd::ren
