#include "core/data/sample_time.h"

#include <cmath>

namespace sd::data {

double uniformStep(const Eigen::VectorXd& t) {
    if (t.size() < 2) return 0.0;
    const double mean = (t(t.size() - 1) - t(0)) / static_cast<double>(t.size() - 1);
    for (Eigen::Index k = 1; k < t.size(); ++k)
        if (std::abs((t(k) - t(k - 1)) - mean) > 1e-6 * mean) return 0.0;
    return mean;
}

double nominalSampleTime(const std::vector<Trajectory>& trajectories) {
    if (trajectories.empty()) return 0.0;
    double dt = uniformStep(trajectories.front().t);
    for (const auto& tr : trajectories)
        if (uniformStep(tr.t) == 0.0 && tr.t.size() > 1) dt = 0.0;
    return dt;
}

}  // namespace sd::data
