#include "plugins/stable-opinf/quadratic_operators.h"

#include "core/common/error.h"
#include "plugins/stable-opinf/cubic_terms.h"
#include "plugins/stable-opinf/quadratic_terms.h"

namespace sd::opinf {

OperatorSet OperatorSet::parse(const std::string& letters, const std::string& where) {
    OperatorSet s;
    s.c = s.A = s.H = s.G = s.B = s.N = false;
    for (char ch : letters) {
        bool* flag = ch == 'c' ? &s.c : ch == 'A' ? &s.A : ch == 'H' ? &s.H : ch == 'G' ? &s.G : ch == 'B' ? &s.B : ch == 'N' ? &s.N : nullptr;
        if (!flag) throw Error(where, std::string("unknown operator letter '") + ch + "' (use letters from \"cAHGBN\")");
        if (*flag) throw Error(where, std::string("operator '") + ch + "' given twice");
        *flag = true;
    }
    if (!(s.c || s.A || s.H || s.G || s.B || s.N)) throw Error(where, "no operator chosen (use letters from \"cAHGBN\")");
    return s;
}

std::string OperatorSet::str() const {
    std::string s;
    if (c) s += 'c';
    if (A) s += 'A';
    if (H) s += 'H';
    if (G) s += 'G';
    if (B) s += 'B';
    if (N) s += 'N';
    return s;
}

void QuadraticOperators::refreshDerived() {
    Hc_ = ops.H ? compressQuadratic(H) : Eigen::MatrixXd();
    Gc_ = ops.G ? compressCubic(G, r) : Eigen::MatrixXd();
}

Eigen::MatrixXd QuadraticOperators::evaluate(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const {
    Eigen::MatrixXd dx = Eigen::MatrixXd::Zero(r, X.cols());
    if (ops.c) dx.colwise() += c;
    if (ops.A) dx.noalias() += A * X;
    if (ops.H) dx.noalias() += Hc_ * compressedSquareColumns(X);
    if (ops.G) dx.noalias() += Gc_ * compressedCubeColumns(X);
    if (ops.B && m > 0) dx.noalias() += B * U;
    if (ops.N && m > 0) dx.noalias() += N * inputStateColumns(U, X);
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
    if (ops.G) {
        Eigen::Index col = 0;
        for (Eigen::Index i = 0; i < r; ++i)
            for (Eigen::Index j = 0; j <= i; ++j)
                for (Eigen::Index k = 0; k <= j; ++k, ++col) dx.noalias() += (x[i] * x[j] * x[k]) * Gc_.col(col);
    }
    if (ops.B && m > 0) dx.noalias() += B * u;
    if (ops.N && m > 0)
        for (Eigen::Index j = 0; j < m; ++j) dx.noalias() += u[j] * (N.middleCols(j * r, r) * x);
}

Eigen::MatrixXd QuadraticOperators::linearPart() const { return ops.A ? A : Eigen::MatrixXd::Zero(r, r); }

bool QuadraticOperators::allFinite() const {
    return c.allFinite() && A.allFinite() && H.allFinite() && G.allFinite() && B.allFinite() && N.allFinite();
}

}  // namespace sd::opinf
