#pragma once
// The operators of a polynomial control model (reduced coordinates)
//   ẋ = c + A x + H (x ⊗ x) + G (x ⊗ x ⊗ x) + B u + N (u ⊗ x)
// (or x_{k+1} = the same right-hand side for the discrete variant). The stable variants use c A H B only.
#include <Eigen/Core>
#include <string>

namespace sd::opinf {

/// Which operators a model has: any subset of "cAHGBN".
struct OperatorSet {
    bool c = false, A = true, H = true, G = false, B = false, N = false;

    /// Parses a string of letters from "cAHGBN" (each at most once, any order). Throws sd::Error naming
    /// `where` on other characters, repeats, or an empty set.
    static OperatorSet parse(const std::string& letters, const std::string& where = "operators");
    std::string str() const;   ///< canonical order "cAHGBN"
    bool usesInputs() const { return B || N; }
};

/// Operators of one model with state dimension r and input dimension m (m = 0 unless B or N is used).
/// Absent operators are zero-sized (c: 0, the matrices 0×0).
struct QuadraticOperators {
    OperatorSet ops;
    Eigen::Index r = 0, m = 0;
    Eigen::VectorXd c;          ///< r
    Eigen::MatrixXd A;          ///< r×r
    Eigen::MatrixXd H;          ///< r×r², full Kronecker form
    Eigen::MatrixXd G;          ///< r×r³, full Kronecker form (symmetric in the three factors after a fit)
    Eigen::MatrixXd B;          ///< r×m
    Eigen::MatrixXd N;          ///< r×(m·r), acting on u ⊗ x

    /// Recomputes the compressed H and G used for fast evaluation; call after changing H or G.
    void refreshDerived();

    /// ẋ at the columns of X (r×N) with inputs U (m×N; read only with B or N). Returns r×N.
    Eigen::MatrixXd evaluate(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const;
    /// Same for one state, writing into dx (no allocation beyond the first call's sizing).
    void evaluate(const Eigen::VectorXd& x, const Eigen::VectorXd& u, Eigen::VectorXd& dx) const;

    /// The linear part as used for stability analysis (r×r zero matrix if there is no A).
    Eigen::MatrixXd linearPart() const;
    /// True when every present operator is finite.
    bool allFinite() const;

private:
    Eigen::MatrixXd Hc_;        ///< r×r(r+1)/2, derived from H
    Eigen::MatrixXd Gc_;        ///< r×r(r+1)(r+2)/6, derived from G
};

}  // namespace sd::opinf
