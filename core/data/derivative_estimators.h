#pragma once
// Derivative estimators beyond the uniform-grid stencils of derivatives.h (docs/methods/core.md §4.2):
// finite differences of orders 2/4/6 on NON-uniform time grids, and a smoothed estimate (local polynomial
// least squares, Savitzky–Golay generalised to any grid). estimateDerivative() picks the uniform stencils
// of derivatives.h whenever the grid is uniform, so results there are unchanged bit for bit.
#include "core/data/derivatives.h"

#include <string>
#include <vector>

namespace sd::data {

enum class DerivativeMethod {
    FiniteDifference,   ///< order 2/4/6, central interior, nearest full window at the ends
    LocalPolynomial     ///< least-squares polynomial of `degree` over `window` samples, differentiated at the sample
};

struct DerivativeEstimator {
    DerivativeMethod method = DerivativeMethod::FiniteDifference;
    int order = 4;                   ///< finite differences: 2, 4 or 6
    EndRule endRule = EndRule::OpInf;  ///< finite differences on a uniform grid only (PredCode needs a uniform grid)
    int window = 9;                  ///< local polynomial: samples per fit (odd, > degree)
    int degree = 3;                  ///< local polynomial: degree of the fitted polynomial (≥ 1)
    double uniformTolerance = 1e-6;  ///< relative step deviation below which the grid counts as uniform
};

/// Weights w_k with f'(z) ≈ Σ w_k f(nodes_k), exact for polynomials of degree < nodes.size()
/// (Fornberg's recursion on arbitrary distinct real nodes).
std::vector<double> finiteDifferenceWeightsAt(const std::vector<double>& nodes, double z);

/// d/dt of each row of x (n×K) on the strictly increasing grid t by the (order+1)-point window centred on
/// each sample, shifted inwards near the ends (the OpInf end rule on any grid). Exact for polynomials of
/// degree ≤ order; the error is O(h^order) for smooth data. Throws sd::Error naming `where` for a grid that is
/// not strictly increasing, an order other than 2/4/6, or fewer than order+1 samples.
Eigen::MatrixXd finiteDifferenceNonUniform(const Eigen::MatrixXd& x, const Eigen::VectorXd& t, int order,
                                           const std::string& where = "derivative estimation");

/// Smoothed derivative: at each sample, the derivative of the least-squares polynomial of `degree` through
/// the `window` nearest samples (centred, shifted inwards at the ends). Exact for polynomials of degree ≤
/// `degree`; averages noise over the window. Throws sd::Error for a bad grid, window even or ≤ degree,
/// degree < 1, or fewer than `window` samples.
Eigen::MatrixXd localPolynomialDerivative(const Eigen::MatrixXd& x, const Eigen::VectorXd& t, int window, int degree,
                                          const std::string& where = "derivative estimation");

/// True when every step of t is within `tolerance` (relative) of the mean step.
bool isUniformGrid(const Eigen::VectorXd& t, double tolerance);

/// The derivative of tr.x on tr.t with the chosen estimator. Uniform grids use derivatives.h's stencils
/// (identical results); non-uniform grids the Fornberg weights. Errors name the trajectory.
Eigen::MatrixXd estimateDerivative(const Trajectory& trajectory, const DerivativeEstimator& estimator);

}  // namespace sd::data
