#pragma once
// Time-derivative estimation by finite differences on a uniform grid (docs/methods/core.md §4).
#include "core/data/dataset.h"

#include <vector>

namespace sd::data {

enum class DerivativeOrder {
    Second,   ///< 3-point central interior, 3-point one-sided ends
    Fourth,   ///< 5-point central interior (x_{j-2} - 8x_{j-1} + 8x_{j+1} - x_{j+2}) / 12Δt, 5-point ends (default)
    Sixth     ///< 7-point central interior, 7-point ends
};

/// How samples too close to an end for the central stencil are handled.
enum class EndRule {
    /// opinf `ord4` (default): the nearest full window of the stencil's width, evaluated at the sample, e.g.
    /// j=1 for 4th order: (-3x0 - 10x1 + 18x2 - 6x3 + x4) / 12Δt.
    OpInf,
    /// goyalpike `ddt_uniform` parity (PRED-CODE): every end sample uses the fully one-sided forward
    /// (backward at the end) stencil starting at that sample, e.g. j=1: (-25x1 + 48x2 - 36x3 + 16x4 - 3x5)/12Δt.
    PredCode
};

struct DerivativeOptions {
    DerivativeOrder order = DerivativeOrder::Fourth;
    EndRule endRule = EndRule::OpInf;
    /// Maximum relative deviation of a time step from the mean step for the grid to count as uniform.
    double uniformTolerance = 1e-6;
    /// Replace existing dxdt (otherwise trajectories that already have dxdt are left alone).
    bool overwrite = false;
};

/// Finite-difference weights for the derivative at 0 from samples at integer `offsets` (unit spacing),
/// exact for polynomials of degree < offsets.size() (Fornberg's recursion).
std::vector<double> finiteDifferenceWeights(const std::vector<int>& offsets);

/// d/dt of each row of `x` (n×K samples as columns) on a uniform grid with step `dt`. Needs K ≥ 3/5/7
/// for 2nd/4th/6th order; throws sd::Error naming `where` otherwise or if dt ≤ 0.
Eigen::MatrixXd finiteDifference(const Eigen::MatrixXd& x, double dt, const DerivativeOptions& options = {},
                                 const std::string& where = "derivative estimation");

/// Fills tr.dxdt from tr.x and tr.t. Throws if t is missing (pair set), not uniform within the tolerance
/// (naming the sample), or too short.
void estimateDerivatives(Trajectory& trajectory, const DerivativeOptions& options = {});
/// Applies estimateDerivatives to every trajectory with states (errors name the trajectory id).
void estimateDerivatives(Dataset& dataset, const DerivativeOptions& options = {});

}  // namespace sd::data
