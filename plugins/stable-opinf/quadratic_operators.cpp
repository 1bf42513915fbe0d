#include "plugins/stable-opinf/quadratic_operators.h"

#include "core/common/error.h"
#include "plugins/stable-opinf/quadratic_terms.h"

namespace sd::opinf {

OperatorSet OperatorSet::parse(const std::string& letters, const std::string& where) {
    OperatorSet s;
    s.c = s.A = s.H = s.B = false;
    for (char ch : letters) {
        bool* flag = ch == 'c' ? &s.c : ch == 'A' ? &s.A : ch == 'H' ? &s.H : ch == 'B' ? &s.B : nullptr;
        if (!flag) throw Error(where, std::string("unknown operator letter '") + ch + "' (use letters from \"cAHB\")");
        if (*flag) throw Error(where, std::string("operator '") + ch + "' given twice");
        *flag = true;
    }
    if (!(s.c || s.A || s.H || s.B)) throw Error(where, "no operator chosen (use letters from \"cAHB\")");
    return s;
}

std::string OperatorSet::str() const {
    std::string s;
    if (c) s += 'c';
    if (A) s += 'A';
    if (H) s += 'H';
    if (B) s += 'B';
    return s;
}

void QuadraticOperators::refreshDerived() { Hc_ = ops.H ? compressQuadratic(H) : Eigen::MatrixXd(); }

Eigen::MatrixXd QuadraticOperators::evaluate(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const {
    Eigen::MatrixXd dx = Eigen::MatrixXd::Zero(r, X.cols());
    if (ops.c) dx.colwise() += c;
    if (ops.A) dx.noalias() += A * X;
    if (ops.H) dx.noalias() += Hc_ * compressedSquareColumns(X);
    if (ops.B && m > 0) dx.noalias() += B * U;
    return dx;
}

void QuadraticOperators::evaluate(const Eigen::VectorXd& x, const Eigen::VectorXd& u, Eigen::VectorXd& dx) const {
    dx.setZero(r);
    if (ops.c) dx += c;
    if (ops.A) dx.noalias() += A * x;
    if (ops.H) {
        Eigen::Index col = 0;
        for (Eigen::Index i = 0; i < r; ++i)
            for (Eigen::Index j = 0; j <= i; ++j, ++col) dx.noalias() += (x[i] * x[j]) * Hc_.col(col);
    }
    if (ops.B && m > 0) dx.noalias() += B * u;
}

Eigen::MatrixXd QuadraticOperators::linearPart() const { return ops.A ? A : Eigen::MatrixXd::Zero(r, r); }

}  // namespace sd::opinf
