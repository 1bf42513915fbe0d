#include "core/analysis/metrics.h"

#include "core/common/error.h"

#include <limits>
#include <string>

namespace sd::analysis {
namespace {

void requireSameShape(const char* where, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols())
        throw Error(where, "truth and prediction must have the same shape (channels × samples), got " +
                               std::to_string(a.rows()) + "×" + std::to_string(a.cols()) + " and " +
                               std::to_string(b.rows()) + "×" + std::to_string(b.cols()));
}

}  // namespace

Eigen::VectorXd nrmsePerChannel(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction,
                                Eigen::Index washout, NrmseNormalization normalization) {
    requireSameShape("nrmsePerChannel", truth, prediction);
    if (washout < 0) throw Error("nrmsePerChannel", "washout must be ≥ 0, got " + std::to_string(washout));
    const Eigen::Index kept = truth.cols() - washout;
    if (kept <= 0)
        throw Error("nrmsePerChannel", "washout " + std::to_string(washout) + " leaves no sample of " +
                                           std::to_string(truth.cols()));
    const auto y = truth.rightCols(kept).array();
    const auto yhat = prediction.rightCols(kept).array();
    const Eigen::ArrayXd mse = (y - yhat).square().rowwise().mean();
    Eigen::ArrayXd denominator;
    if (normalization == NrmseNormalization::Variance) {
        const Eigen::ArrayXd mean = y.rowwise().mean();
        denominator = (y.colwise() - mean).square().rowwise().mean();
    } else {
        denominator = y.square().rowwise().mean();
    }
    return (mse / denominator).sqrt().matrix();
}

double nrmseMean(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction, Eigen::Index washout,
                 NrmseNormalization normalization) {
    const Eigen::VectorXd perChannel = nrmsePerChannel(truth, prediction, washout, normalization);
    return perChannel.size() ? perChannel.mean() : std::numeric_limits<double>::quiet_NaN();
}

double relativeFrobeniusError(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction) {
    requireSameShape("relativeFrobeniusError", truth, prediction);
    return (truth - prediction).norm() / truth.norm();
}

double meanSquaredError(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction) {
    requireSameShape("meanSquaredError", truth, prediction);
    if (truth.size() == 0) return std::numeric_limits<double>::quiet_NaN();
    return (truth - prediction).squaredNorm() / static_cast<double>(truth.size());
}

Eigen::VectorXd fitPercent(const Eigen::MatrixXd& truth, const Eigen::MatrixXd& prediction) {
    requireSameShape("fitPercent", truth, prediction);
    const Eigen::ArrayXd error = (truth - prediction).rowwise().norm().array();
    const Eigen::VectorXd mean = truth.rowwise().mean();
    const Eigen::ArrayXd spread = (truth.colwise() - mean).rowwise().norm().array();
    return (100.0 * (1.0 - error / spread)).matrix();
}

}  // namespace sd::analysis
