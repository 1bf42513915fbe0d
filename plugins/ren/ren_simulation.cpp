#include "plugins/ren/ren_simulation.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"

namespace sd::ren {

using Eigen::Index;
using Eigen::MatrixXd;
using ad::Var;

RenRollout simulateStateSpace(const RenConfig& c, const StateSpaceTerms& m, const NeuronLayer& layer, const Var& x0, const Var& U, Index K,
                              bool keepStates, const std::string& who) {
    const Index B = x0.cols();
    if (x0.rows() != c.nx) throw Error(who, "initial state has " + std::to_string(x0.rows()) + " rows, expected " + std::to_string(c.nx));
    if (U.rows() != c.nu || U.cols() != K * B)
        throw Error(who, "inputs are " + ad::shapeString(U.value()) + ", expected " + ad::shapeString(c.nu, K * B));
    RenRollout r;
    // Input terms of all steps at once: [D₁₂; B₂; D₂₂] U + biases (one matmul instead of 3K).
    const Var inV = ad::linear(m.D12, U, m.bv);
    const Var inX = ad::linear(m.B2, U, m.bx);
    const Var inY = ad::linear(m.D22, U, m.by);
    const Var AB1 = ad::hcat({m.A, m.B1});
    const Var C2D21 = ad::hcat({m.C2, m.D21});
    if (keepStates) {
        r.states.resize(c.nx, K * B);
        r.equilibria.resize(c.nv, K * B);
    }
    std::vector<Var> ys;
    ys.reserve(static_cast<std::size_t>(K));
    Var x = x0;
    for (Index t = 0; t < K; ++t) {
        if (keepStates) r.states.middleCols(t * B, B) = x.value();
        const Var w = layer(ad::matmul(m.C1, x) + ad::colsOf(inV, t * B, B));
        if (keepStates) r.equilibria.middleCols(t * B, B) = w.value();
        const Var xw = ad::vcat({x, w});
        ys.push_back(ad::matmul(C2D21, xw) + ad::colsOf(inY, t * B, B));
        x = ad::matmul(AB1, xw) + ad::colsOf(inX, t * B, B);
    }
    r.Y = K > 0 ? ad::hcat(ys) : Var::constant(MatrixXd::Zero(c.ny, 0));
    r.finalState = x;
    return r;
}

RenRollout simulateRen(const RenConfig& c, const ExplicitRen& m, const Var& x0, const Var& U, Index K, bool keepStates) {
    const StateSpaceTerms terms{m.A, m.B1, m.B2, m.C1, m.D12, m.C2, m.D21, m.D22, m.bx, m.bv, m.by};
    const NeuronLayer layer = [&](const Var& b) {
        return c.acyclic ? acyclicEquilibrium(m.D11, b, c.activation) : fullEquilibrium(m.D11, b, m.splitting, m.stats);
    };
    return simulateStateSpace(c, terms, layer, x0, U, K, keepStates, "ren simulation");
}

MatrixXd packTimeMajor(const std::vector<MatrixXd>& seqs) {
    if (seqs.empty()) return MatrixXd();
    const Index B = static_cast<Index>(seqs.size()), rows = seqs[0].rows(), K = seqs[0].cols();
    MatrixXd out(rows, K * B);
    for (Index j = 0; j < B; ++j) {
        if (seqs[j].rows() != rows || seqs[j].cols() != K) throw Error("ren packTimeMajor", "sequences differ in shape");
        for (Index t = 0; t < K; ++t) out.col(t * B + j) = seqs[j].col(t);
    }
    return out;
}

std::vector<MatrixXd> unpackTimeMajor(const MatrixXd& packed, Index B) {
    std::vector<MatrixXd> out;
    if (B <= 0) return out;
    const Index K = packed.cols() / B;
    for (Index j = 0; j < B; ++j) {
        MatrixXd s(packed.rows(), K);
        for (Index t = 0; t < K; ++t) s.col(t) = packed.col(t * B + j);
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace sd::ren
