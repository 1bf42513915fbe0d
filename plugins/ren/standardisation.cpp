#include "plugins/ren/standardisation.h"

#include "core/common/error.h"

namespace sd::ren {

Standardisation fitStandardisation(const nlohmann::json& hyper, const data::Dataset& ds,
                                   const std::vector<const data::Trajectory*>& trainSet, Eigen::Index nu, Eigen::Index ny) {
    const std::string statsFrom = hyper.at("normalisation_trajectory").get<std::string>();
    std::vector<const data::Trajectory*> statsSet = trainSet;
    if (!statsFrom.empty()) {
        statsSet.clear();
        for (const auto& tr : ds.trajectories)
            if (tr.id == statsFrom) statsSet.push_back(&tr);
        if (statsSet.empty()) throw Error("hyperparameter 'normalisation_trajectory'", "no trajectory '" + statsFrom + "' in dataset '" + ds.name + "'");
    }
    if (!hyper.at("standardise").get<bool>()) return {data::ChannelScaler::identity(nu), data::ChannelScaler::identity(ny)};
    std::vector<const Eigen::MatrixXd*> us, ys;
    for (const auto* tr : statsSet) {
        us.push_back(&tr->u);
        ys.push_back(&tr->y);
    }
    Standardisation s;
    s.inputs = nu > 0 ? data::ChannelScaler::fit(us, data::NormalizationKind::Standard) : data::ChannelScaler::identity(0);
    s.outputs = ny > 0 ? data::ChannelScaler::fit(ys, data::NormalizationKind::Standard) : data::ChannelScaler::identity(0);
    return s;
}

}  // namespace sd::ren
