#include "plugins/stable-opinf/stable_losses.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "plugins/stable-opinf/quadratic_ad_ops.h"
#include "plugins/stable-opinf/quadratic_terms.h"

namespace sd::opinf {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

/// The regressor rows [x; x⊗x; u; 1] for the structure.
MatrixXd regressor(const ReducedTrajectory& tr, const StableStructure& st) {
    const Index K = tr.X.cols();
    const bool quad = st.quadratic != QuadraticStructure::None;
    const Index d = st.n + (quad ? st.n * st.n : 0) + st.m + (st.constant ? 1 : 0);
    MatrixXd D(d, K);
    Index row = 0;
    D.middleRows(row, st.n) = tr.X;
    row += st.n;
    if (quad) { D.middleRows(row, st.n * st.n) = kronSquareColumns(tr.X); row += st.n * st.n; }
    if (st.m > 0) { D.middleRows(row, st.m) = tr.U; row += st.m; }
    if (st.constant) D.row(row).setOnes();
    return D;
}

/// O = [A H B c] (parts present).
ad::Var stackedOperators(const OperatorVars& ops) {
    std::vector<ad::Var> parts{ops.A};
    if (ops.H.defined()) parts.push_back(ops.H);
    if (ops.B.defined()) parts.push_back(ops.B);
    if (ops.c.defined()) parts.push_back(ops.c);
    return parts.size() == 1 ? parts.front() : ad::hcat(parts);
}

void checkTrajectory(const ReducedTrajectory& tr, const StableStructure& st, bool needZ) {
    const Index K = tr.X.cols();
    if (tr.X.rows() != st.n) throw Error("stable-opinf loss", "states have " + std::to_string(tr.X.rows()) + " rows, expected " + std::to_string(st.n));
    if (st.m > 0 && (tr.U.rows() != st.m || tr.U.cols() != K))
        throw Error("stable-opinf loss", "inputs must be " + std::to_string(st.m) + "×" + std::to_string(K));
    if (needZ && (tr.Z.rows() != st.n || tr.Z.cols() != K))
        throw Error("stable-opinf loss", "derivatives must be " + std::to_string(st.n) + "×" + std::to_string(K));
    if (!tr.X.allFinite() || (st.m > 0 && !tr.U.allFinite()) || (needZ && !tr.Z.allFinite()))
        throw Error("stable-opinf loss", "training data contain NaN or Inf");
}

}  // namespace

DerivativeGram DerivativeGram::of(const ReducedTrajectory& tr, const StableStructure& st) {
    checkTrajectory(tr, st, true);
    const MatrixXd D = regressor(tr, st);
    DerivativeGram g;
    g.G.noalias() = D * D.transpose();
    g.P.noalias() = D * tr.Z.transpose();
    g.zz = tr.Z.squaredNorm();
    g.count = tr.X.cols();
    return g;
}

void DerivativeGram::add(const DerivativeGram& o) {
    if (count == 0 && G.size() == 0) { *this = o; return; }
    if (o.G.rows() != G.rows() || o.P.cols() != P.cols()) throw Error("DerivativeGram::add", "statistics of different structures");
    G += o.G;
    P += o.P;
    zz += o.zz;
    count += o.count;
}

ad::Var derivativeLoss(const OperatorVars& ops, const DerivativeGram& gram) {
    const ad::Var O = stackedOperators(ops);
    if (O.cols() != gram.G.rows() || O.rows() != gram.P.cols())
        throw Error("stable-opinf derivative loss", "operators " + ad::shapeString(O.value()) + " do not match statistics with " +
                                                        std::to_string(gram.G.rows()) + " regressors");
    if (gram.count <= 0) throw Error("stable-opinf derivative loss", "no samples");
    const ad::Var OG = ad::matmul(O, ad::Var::constant(gram.G));
    const ad::Var quadratic = ad::sum(ad::mul(OG, O));
    const ad::Var cross = ad::sum(ad::mul(O, ad::Var::constant(gram.P.transpose())));
    const double norm = 1.0 / (static_cast<double>(O.rows()) * static_cast<double>(gram.count));
    return ad::affine(ad::sub(quadratic, ad::scale(cross, 2.0)), norm, gram.zz * norm);
}

ad::Var derivativeLossDirect(const OperatorVars& ops, const ReducedTrajectory& tr) {
    const ad::Var pred = quadraticField(ops, ad::Var::constant(tr.X), ad::Var::constant(tr.U));
    return ad::mseLoss(pred, ad::Var::constant(tr.Z));
}

Rk4Pairs Rk4Pairs::of(const ReducedTrajectory& tr) {
    const Index K = tr.X.cols();
    if (tr.t.size() != K || K < 2)
        throw Error("stable-opinf RK4 loss", "needs trajectories with sample times and at least 2 samples");
    Rk4Pairs p;
    p.X0 = tr.X.leftCols(K - 1);
    p.X1 = tr.X.rightCols(K - 1);
    p.U0 = tr.U.leftCols(K - 1);
    p.U1 = tr.U.rightCols(K - 1);
    p.Umid = 0.5 * (p.U0 + p.U1);
    p.dt = (tr.t.tail(K - 1) - tr.t.head(K - 1)).transpose();
    if (!(p.dt.array() > 0.0).all()) throw Error("stable-opinf RK4 loss", "sample times must be strictly increasing");
    return p;
}

void Rk4Pairs::append(const Rk4Pairs& o) {
    auto cat = [](MatrixXd& a, const MatrixXd& b) {
        if (a.size() == 0 && a.cols() == 0) { a = b; return; }
        if (a.rows() == 0 && b.rows() == 0) { a.resize(0, a.cols() + b.cols()); return; }
        MatrixXd c(std::max(a.rows(), b.rows()), a.cols() + b.cols());
        c << a, b;
        a.swap(c);
    };
    cat(X0, o.X0);
    cat(X1, o.X1);
    cat(U0, o.U0);
    cat(Umid, o.Umid);
    cat(U1, o.U1);
    Eigen::RowVectorXd d(dt.size() + o.dt.size());
    d << dt, o.dt;
    dt.swap(d);
}

ad::Var quadraticField(const OperatorVars& ops, const ad::Var& X, const ad::Var& U) {
    ad::Var f = ad::matmul(ops.A, X);
    if (ops.H.defined()) f = ad::add(f, ad::matmul(ops.H, kronSquare(X)));
    if (ops.B.defined()) f = ad::add(f, ad::matmul(ops.B, U));
    if (ops.c.defined()) f = ad::add(f, ops.c);
    return f;
}

ad::Var rk4OneStepLossComposite(const OperatorVars& ops, const Rk4Pairs& p) {
    const Index P = p.size();
    if (P == 0) throw Error("stable-opinf RK4 loss", "no sample pairs");
    const ad::Var X0 = ad::Var::constant(p.X0);
    const ad::Var U0 = ad::Var::constant(p.U0), Um = ad::Var::constant(p.Umid), U1 = ad::Var::constant(p.U1);
    const ad::Var half = ad::Var::constant(0.5 * p.dt), full = ad::Var::constant(p.dt);
    const ad::Var k1 = quadraticField(ops, X0, U0);
    const ad::Var k2 = quadraticField(ops, ad::add(X0, ad::mul(k1, half)), Um);
    const ad::Var k3 = quadraticField(ops, ad::add(X0, ad::mul(k2, half)), Um);
    const ad::Var k4 = quadraticField(ops, ad::add(X0, ad::mul(k3, full)), U1);
    const ad::Var incr = ad::add(ad::add(k1, k4), ad::scale(ad::add(k2, k3), 2.0));
    const ad::Var pred = ad::add(X0, ad::mul(incr, ad::Var::constant(p.dt / 6.0)));
    const Eigen::RowVectorXd weight =
        (1.0 / (static_cast<double>(p.X0.rows()) * static_cast<double>(P))) * p.dt.cwiseInverse();
    return ad::sum(ad::mul(ad::square(ad::sub(pred, ad::Var::constant(p.X1))), ad::Var::constant(weight)));
}

ad::Var l1Penalty(const OperatorVars& ops, double lambda) {
    if (!ops.H.defined() || lambda == 0.0) return ad::Var::scalar(0.0);
    return ad::scale(ad::mean(ad::abs(ops.H)), lambda);
}

}  // namespace sd::opinf
