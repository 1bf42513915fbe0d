#pragma once
// FieldEvaluator — a plain-Eigen snapshot of a StableDynamics model for fast evaluation without a graph
// (integration, streamplot grids, certificates). It copies the current parameter values and precomputes
// S_i = softplus(U_i), the warp scale and (FrozenAtInit) the offset once, so each call only does the matrix
// products. Same mathematics as StableDynamics::evaluate (agreement to rounding is tested); a snapshot does
// not follow later parameter changes — build a new one after training.
#include "core/lyapunov/stable_dynamics.h"

namespace sd::lyap {

class FieldEvaluator {
public:
    explicit FieldEvaluator(const StableDynamics& dynamics);

    struct Result {
        Eigen::MatrixXd f, fhat, gradV;  ///< n×B
        Eigen::RowVectorXd V;            ///< 1×B
    };
    /// Everything at the columns of X (n×B). Throws sd::Error if X does not have n rows.
    Result evaluate(const Eigen::MatrixXd& X) const;
    /// The projected field only.
    Eigen::MatrixXd field(const Eigen::MatrixXd& X) const { return evaluate(X).f; }
    /// V (and ∇V when gradient is non-null) only.
    Eigen::RowVectorXd lyapunov(const Eigen::MatrixXd& X, Eigen::MatrixXd* gradient = nullptr) const;

private:
    Eigen::MatrixXd mlp(const Eigen::MatrixXd& X) const;
    /// g(F(X)) (1×B) and, if requested, J_Fᵀ∇g (n×B).
    Eigen::RowVectorXd warpedG(const Eigen::MatrixXd& X, Eigen::MatrixXd* gradient) const;

    Eigen::Index n_;
    StableDynamicsOptions opt_;
    std::vector<Eigen::MatrixXd> mlpW_, mlpB_;
    std::vector<Eigen::MatrixXd> W_, b_, S_;
    bool warp_ = false;
    Eigen::MatrixXd A_, a_, B_;
    double warpScale_ = 0.0;
    double offset_ = 0.0;           ///< c (FrozenAtInit) — Recompute evaluates g(F(0)) per call like the graph
    Eigen::VectorXd fhatZero_;      ///< f̂(0) when fhat_center
};

}  // namespace sd::lyap
