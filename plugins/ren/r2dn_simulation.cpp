#include "plugins/ren/r2dn_simulation.h"

namespace sd::ren {

using Eigen::Index;
using ad::Var;

RenRollout simulateR2dn(const RenConfig& c, const ExplicitR2dn& m, const Var& x0, const Var& U, Index K, bool keepStates) {
    const StateSpaceTerms terms{m.A, m.B1, m.B2, m.C1, m.D12, m.C2, m.D21, m.D22, m.bx, m.bv, m.by};
    return simulateStateSpace(c, terms, [&](const Var& v) { return m.network(v); }, x0, U, K, keepStates, "r2dn simulation");
}

}  // namespace sd::ren
