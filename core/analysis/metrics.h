#pragma once
// sd::analysis metrics — error measures between true and predicted signals.
//
// Convention (project-wide): signals are channels × samples (row = channel, column = time sample), the
// layout of data::Trajectory. Every function throws sd::Error("<function>: ...") when the two matrices
// differ in shape. Non-finite predictions (an unstable model) propagate as NaN/Inf, never throw.
#include <Eigen/Core>

namespace sd::analysis {

/// Denominator of the NRMSE.
enum class NrmseNormalization {
    Variance,    ///< mean_t (y_t − ȳ)², the REN paper and its Julia code (default)
    MeanSquare,  ///< mean_t y_t², the JAX port (nearly identical on standardised data)
};

/// NRMSE per channel after a washout (docs/methods/core.md §8): the first `washout` samples (columns) are dropped,
/// then NRMSE_c = sqrt( mean_t (y_ct − ŷ_ct)² / mean_t (y_ct − ȳ_c)² ) over the kept samples, ȳ_c their
/// mean. Parity with the REN paper (Julia keeps 1-based indices ≥ 100) is washout = 99.
/// A constant true channel gives +Inf (or NaN if it is also predicted exactly).
/// Throws when shapes differ, washout < 0, or washout leaves no sample.
Eigen::VectorXd nrmsePerChannel(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction,
                                Eigen::Index washout = 0,
                                NrmseNormalization normalization = NrmseNormalization::Variance);

/// The mean of nrmsePerChannel over channels (the number the REN tables and plots report per experiment).
double nrmseMean(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction, Eigen::Index washout = 0,
                 NrmseNormalization normalization = NrmseNormalization::Variance);

/// ‖X − X̂‖_F / ‖X‖_F (docs/methods/core.md §8, one test case). NaN means unstable. X = 0 gives Inf/NaN.
double relativeFrobeniusError(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction);

/// Mean squared error over all entries: ‖X − X̂‖_F² / (rows·cols). Empty matrices give NaN.
double meanSquaredError(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction);

/// System-identification fit per channel in percent (MATLAB compare/goodnessOfFit "NRMSE" fit):
/// 100·(1 − ‖y_c − ŷ_c‖ / ‖y_c − ȳ_c‖), norms over samples. 100 is perfect; it can be negative.
Eigen::VectorXd fitPercent(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction);

}  // namespace sd::analysis
