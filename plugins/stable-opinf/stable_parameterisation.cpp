#include "plugins/stable-opinf/stable_parameterisation.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"
#include "plugins/stable-opinf/quadratic_ad_ops.h"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <utility>

namespace sd::opinf {

using Eigen::Index;
using Eigen::MatrixXd;

OperatorSet StableStructure::operatorSet() const {
    OperatorSet s;
    s.c = constant;
    s.A = true;
    s.H = quadratic != QuadraticStructure::None;
    s.B = m > 0;
    return s;
}

StableParameters StableParameters::zeros(const StableStructure& st) {
    if (st.n < 1) throw Error("stable parameterisation", "state dimension must be at least 1");
    if (st.m < 0) throw Error("stable parameterisation", "input dimension must be non-negative");
    if (!(st.epsR >= 0.0) || !(st.epsQ >= 0.0) || !std::isfinite(st.epsR) || !std::isfinite(st.epsQ))
        throw Error("stable parameterisation", "eps_R and eps_Q must be finite and non-negative");
    const Index n = st.n;
    StableParameters p;
    p.structure = st;
    p.S = MatrixXd::Zero(n, n);
    p.LR = MatrixXd::Zero(n, n);
    if (st.form == LyapunovForm::Quadratic) p.LQ = MatrixXd::Identity(n, n);
    if (st.quadratic == QuadraticStructure::EnergyPreserving) p.T = MatrixXd::Zero(n, n * n);
    if (st.quadratic == QuadraticStructure::Free) p.Hfree = MatrixXd::Zero(n, n * n);
    if (st.m > 0) p.B = MatrixXd::Zero(n, st.m);
    if (st.constant) p.c = MatrixXd::Zero(n, 1);
    return p;
}

StableParameters StableParameters::random(const StableStructure& st, double std, Rng& rng) {
    StableParameters p = zeros(st);
    p.S = std * rng.normalMatrix(st.n, st.n);
    p.LR = std * rng.normalMatrix(st.n, st.n);
    if (st.form == LyapunovForm::Quadratic) p.LQ = std * rng.normalMatrix(st.n, st.n);
    return p;
}

StableParameters StableParameters::nearOperators(const StableStructure& st, const QuadraticOperators& ops) {
    StableParameters p = zeros(st);
    const Index n = st.n;
    if (ops.r != n) throw Error("stable parameterisation", "initial operators have dimension " + std::to_string(ops.r) +
                                                             ", expected " + std::to_string(n));
    if (ops.ops.A && ops.A.size()) {
        p.S = 0.25 * (ops.A - ops.A.transpose());
        const MatrixXd negSym = -0.5 * (ops.A + ops.A.transpose());
        Eigen::SelfAdjointEigenSolver<MatrixXd> es(negSym);
        const double scale = std::max(1e-3, es.eigenvalues().cwiseAbs().maxCoeff());
        // A zero column of L_R never receives gradient (∂/∂L_R = −(G+Gᵀ)L_R), so floor the eigenvalues.
        Eigen::VectorXd d = (es.eigenvalues().array() - st.epsR).max(1e-3 * scale).sqrt();
        p.LR = es.eigenvectors() * d.asDiagonal();
    }
    if (st.form == LyapunovForm::Quadratic) p.LQ = std::sqrt(std::max(1.0 - st.epsQ, 1e-6)) * MatrixXd::Identity(n, n);
    if (ops.ops.H && ops.H.size()) {
        if (st.quadratic == QuadraticStructure::EnergyPreserving) p.T = 0.5 * ops.H;
        if (st.quadratic == QuadraticStructure::Free) p.Hfree = ops.H;
    }
    if (st.m > 0 && ops.ops.B && ops.B.cols() == st.m) p.B = ops.B;
    if (st.constant && ops.ops.c && ops.c.size() == n) p.c = ops.c;
    return p;
}

std::vector<std::pair<std::string, const MatrixXd*>> StableParameters::named() const {
    using Entry = std::pair<const char*, const MatrixXd*>;
    const Entry all[] = {{"S", &S}, {"L_R", &LR}, {"L_Q", &LQ}, {"T", &T}, {"H_free", &Hfree}, {"B", &B}, {"c", &c}};
    std::vector<std::pair<std::string, const MatrixXd*>> out;
    for (const auto& [name, m] : all)
        if (m->size()) out.emplace_back(name, m);
    return out;
}

std::vector<std::pair<std::string, MatrixXd*>> StableParameters::named() {
    std::vector<std::pair<std::string, MatrixXd*>> out;
    for (const auto& [name, m] : std::as_const(*this).named()) out.emplace_back(name, const_cast<MatrixXd*>(m));
    return out;
}

MatrixXd StableParameters::J() const { return S - S.transpose(); }

MatrixXd StableParameters::R() const {
    return LR * LR.transpose() + structure.epsR * MatrixXd::Identity(structure.n, structure.n);
}

MatrixXd StableParameters::Q() const {
    if (structure.form == LyapunovForm::Identity) return MatrixXd::Identity(structure.n, structure.n);
    return LQ * LQ.transpose() + structure.epsQ * MatrixXd::Identity(structure.n, structure.n);
}

QuadraticOperators StableParameters::operators() const {
    ad::NoGradGuard noGrad;
    StableParameterVars v;
    auto constant = [](const MatrixXd& m) { return m.size() ? ad::Var::constant(m) : ad::Var(); };
    v.S = constant(S);
    v.LR = constant(LR);
    v.LQ = constant(LQ);
    v.T = constant(T);
    v.Hfree = constant(Hfree);
    v.B = constant(B);
    v.c = constant(c);
    const OperatorVars o = buildOperators(structure, v);
    QuadraticOperators out;
    out.ops = structure.operatorSet();
    out.r = structure.n;
    out.m = structure.m;
    out.A = o.A.value();
    if (o.H.defined()) out.H = o.H.value();
    if (o.B.defined()) out.B = o.B.value();
    if (o.c.defined()) out.c = o.c.value();
    out.refreshDerived();
    return out;
}

StableParameterVars StableParameterVars::parametersOf(const StableParameters& p) {
    auto param = [](const MatrixXd& m) { return m.size() ? ad::Var::parameter(m) : ad::Var(); };
    StableParameterVars v;
    v.S = param(p.S);
    v.LR = param(p.LR);
    v.LQ = param(p.LQ);
    v.T = param(p.T);
    v.Hfree = param(p.Hfree);
    v.B = param(p.B);
    v.c = param(p.c);
    return v;
}

std::vector<ad::Var> StableParameterVars::list() const {
    std::vector<ad::Var> out;
    for (const ad::Var* v : {&S, &LR, &LQ, &T, &Hfree, &B, &c})
        if (v->defined()) out.push_back(*v);
    return out;
}

void StableParameterVars::copyTo(StableParameters& p) const {
    auto copy = [](const ad::Var& v, MatrixXd& m, const char* name) {
        if (!v.defined()) return;
        if (v.rows() != m.rows() || v.cols() != m.cols())
            throw Error(std::string("stable parameters: ") + name, "shape " + ad::shapeString(v.value()) +
                                                                       " does not match " + ad::shapeString(m));
        m = v.value();
    };
    copy(S, p.S, "S");
    copy(LR, p.LR, "L_R");
    copy(LQ, p.LQ, "L_Q");
    copy(T, p.T, "T");
    copy(Hfree, p.Hfree, "H_free");
    copy(B, p.B, "B");
    copy(c, p.c, "c");
}

OperatorVars buildOperators(const StableStructure& st, const StableParameterVars& p) {
    const Index n = st.n;
    if (!p.S.defined() || !p.LR.defined()) throw Error("stable parameterisation", "S and L_R are required");
    const ad::Var J = ad::sub(p.S, ad::transpose(p.S));
    const ad::Var R = ad::add(ad::matmul(p.LR, ad::transpose(p.LR)), ad::Var::constant(st.epsR * MatrixXd::Identity(n, n)));
    OperatorVars o;
    o.A = ad::sub(J, R);
    ad::Var Q;
    if (st.form == LyapunovForm::Quadratic) {
        if (!p.LQ.defined()) throw Error("stable parameterisation", "the quadratic Lyapunov form needs L_Q");
        Q = ad::add(ad::matmul(p.LQ, ad::transpose(p.LQ)), ad::Var::constant(st.epsQ * MatrixXd::Identity(n, n)));
        o.A = ad::matmul(o.A, Q);
    }
    if (st.quadratic == QuadraticStructure::EnergyPreserving) {
        if (!p.T.defined()) throw Error("stable parameterisation", "the energy-preserving quadratic term needs T");
        o.H = skewBlocks(p.T);
        if (Q.defined()) o.H = blocksTimes(o.H, Q);
    } else if (st.quadratic == QuadraticStructure::Free) {
        if (!p.Hfree.defined()) throw Error("stable parameterisation", "the free quadratic term needs H_free");
        o.H = p.Hfree;
    }
    if (st.m > 0) o.B = p.B;
    if (st.constant) o.c = p.c;
    return o;
}

}  // namespace sd::opinf
