#pragma once
// The operators of a quadratic control model ẋ = c + A x + H (x ⊗ x) + B u (reduced coordinates).
#include <Eigen/Core>
#include <string>

namespace sd::opinf {

/// Which operators a model has: any subset of "cAHB".
struct OperatorSet {
    bool c = false, A = true, H = true, B = false;

    /// Parses a string of letters from "cAHB" (each at most once, any order). Throws sd::Error naming
    /// `where` on other characters, repeats, or an empty set.
    static OperatorSet parse(const std::string& letters, const std::string& where = "operators");
    std::string str() const;   ///< canonical order "cAHB"
};

/// Operators of one quadratic model with state dimension r and input dimension m. Absent operators
/// are zero-sized (c: 0, A: 0×0, H: 0×0, B: 0×0).
struct QuadraticOperators {
    OperatorSet ops;
    Eigen::Index r = 0, m = 0;
    Eigen::VectorXd c;          ///< r
    Eigen::MatrixXd A;          ///< r×r
    Eigen::MatrixXd H;          ///< r×r², full Kronecker form
    Eigen::MatrixXd B;          ///< r×m

    /// Recomputes the compressed H used for fast evaluation; call after changing H.
    void refreshDerived();

    /// ẋ at the columns of X (r×N) with inputs U (m×N, or 0×N when there is no B). Returns r×N.
    Eigen::MatrixXd evaluate(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const;
    /// Same for one state, writing into dx (no allocation beyond the first call's sizing).
    void evaluate(const Eigen::VectorXd& x, const Eigen::VectorXd& u, Eigen::VectorXd& dx) const;

    /// The linear part as used for stability analysis (r×r zero matrix if there is no A).
    Eigen::MatrixXd linearPart() const;

private:
    Eigen::MatrixXd Hc_;        ///< r×r(r+1)/2, derived from H
};

}  // namespace sd::opinf
