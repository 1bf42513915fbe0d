#include "core/data/dataset.h"

namespace sd::data {

Eigen::Index Trajectory::samples() const {
    if (t.size() > 0) return t.size();
    if (x.cols() > 0) return x.cols();
    if (y.cols() > 0) return y.cols();
    return u.cols();
}

Eigen::Index Dataset::totalSamples() const {
    Eigen::Index n = 0;
    for (const auto& tr : trajectories) n += tr.samples();
    return n;
}

bool Dataset::hasSplit(const std::string& splitName) const {
    return splits.find(splitName) != splits.end();
}

std::vector<const Trajectory*> Dataset::split(const std::string& splitName, bool fallbackToAll) const {
    std::vector<const Trajectory*> out;
    auto it = splits.find(splitName);
    if (it == splits.end()) {
        if (fallbackToAll)
            for (const auto& tr : trajectories) out.push_back(&tr);
        return out;
    }
    for (int idx : it->second)
        if (idx >= 0 && idx < static_cast<int>(trajectories.size())) out.push_back(&trajectories[idx]);
    return out;
}

DatasetInfo DatasetInfo::of(const Dataset& ds) {
    DatasetInfo info;
    info.name = ds.name;
    info.stateDim = ds.stateDim();
    info.inputDim = ds.inputDim();
    info.outputDim = ds.outputDim();
    info.dt = ds.dt;
    info.hasTime = false;
    for (const auto& tr : ds.trajectories)
        if (tr.t.size() > 0) info.hasTime = true;
    info.stateNames = ds.stateNames;
    info.inputNames = ds.inputNames;
    info.outputNames = ds.outputNames;
    return info;
}

}  // namespace sd::data
