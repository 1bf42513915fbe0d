#pragma once
// Small building blocks shared by the REN and R2DN direct parameterisations (direct_params.cpp,
// r2dn_params.cpp): constant blocks of the assembled matrices and an initialiser for possibly empty shapes.
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "core/nn/init.h"

#include <Eigen/Dense>

namespace sd::ren {

/// The n×n identity as a constant (no gradient).
inline ad::Var constantIdentity(Eigen::Index n) { return ad::Var::constant(Eigen::MatrixXd::Identity(n, n)); }
/// An r×c block of zeros as a constant.
inline ad::Var constantZeros(Eigen::Index r, Eigen::Index c) { return ad::Var::constant(Eigen::MatrixXd::Zero(r, c)); }

/// Glorot normal that tolerates zero-sized shapes (an empty block of a zero dimension draws nothing).
inline Eigen::MatrixXd glorotOrEmpty(Rng& rng, Eigen::Index r, Eigen::Index c) {
    if (r == 0 || c == 0) return Eigen::MatrixXd::Zero(r, c);
    return nn::glorotNormal(rng, r, c);
}

}  // namespace sd::ren
