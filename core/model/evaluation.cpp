#include "core/common/json_number.h"
#include "core/model/evaluation.h"

#include "core/analysis/metrics.h"
#include "core/common/error.h"

#include <cmath>

namespace sd::model {

using nlohmann::json;

namespace {

double meanOfFinite(const std::vector<double>& v) {
    double s = 0.0;
    int n = 0;
    for (double x : v)
        if (std::isfinite(x)) { s += x; ++n; }
    return n ? s / n : std::numeric_limits<double>::quiet_NaN();
}
}  // namespace

json EvaluationReport::toJson() const {
    json trs = json::array();
    for (const auto& t : trajectories)
        trs.push_back({{"id", t.id}, {"kind", t.kind}, {"relative_error", jsonNumber(t.relativeError)}, {"mse", jsonNumber(t.mse)},
                       {"nrmse", jsonNumber(t.nrmse)}, {"diverged", t.diverged}, {"divergence_time", jsonNumber(t.divergenceTime)},
                       {"stalled", t.stalled}, {"stall_time", jsonNumber(t.stallTime)}, {"rest_time", jsonNumber(t.restTime)}});
    return {{"split", split}, {"trajectories", trs}, {"mean_relative_error", jsonNumber(meanRelativeError)},
            {"mean_nrmse", jsonNumber(meanNrmse)}, {"diverged_count", divergedCount}, {"stalled_count", stalledCount}};
}

EvaluationReport evaluate(const Model& model, const data::Dataset& ds, const std::string& split, Eigen::Index washout) {
    if (!split.empty() && !ds.hasSplit(split)) {
        std::string names;
        for (const auto& [k, v] : ds.splits) names += (names.empty() ? "" : ", ") + k;
        throw Error("dataset '" + ds.name + "'", "has no split '" + split + "' (splits: " + (names.empty() ? std::string("none") : names) + ")");
    }
    const ModelDims dims = model.dims();
    if (dims.state > 0 && ds.stateDim() != dims.state)
        throw Error("dataset '" + ds.name + "'", "has " + std::to_string(ds.stateDim()) + " state channels, the model expects " +
                                                     std::to_string(dims.state));
    // A model with inputs cannot be run without them (it would integrate unset inputs).
    if (dims.input > 0 && ds.inputDim() != dims.input)
        throw Error("dataset '" + ds.name + "'", "has " + std::to_string(ds.inputDim()) + " input channels, the model expects " +
                                                     std::to_string(dims.input));
    EvaluationReport report;
    report.split = split;
    std::vector<double> rel, nrm;
    for (const data::Trajectory* tr : ds.split(split, /*fallbackToAll=*/true)) {
        TrajectoryScore s;
        s.id = tr->id;
        if (tr->isPairSet()) {
            if (!model.isContinuous()) throw Error("trajectory '" + tr->id + "'", "pair sets can only score continuous-time models");
            if (tr->dxdt.cols() != tr->x.cols()) throw Error("trajectory '" + tr->id + "'", "pair set without derivatives");
            const Eigen::MatrixXd U = tr->u.cols() == tr->x.cols() ? tr->u : Eigen::MatrixXd::Zero(dims.input, tr->x.cols());
            const Eigen::MatrixXd F = model.field(tr->x, U);
            s.kind = "pairs";
            s.relativeError = analysis::relativeFrobeniusError(tr->dxdt, F);
            s.mse = analysis::meanSquaredError(tr->dxdt, F);
        } else {
            const Prediction p = model.predict(*tr);
            s.diverged = p.diverged;
            s.divergenceTime = p.divergenceTime;
            s.stalled = p.stalled;
            s.stallTime = p.stallTime;
            s.restTime = p.restTime;
            constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
            const bool complete = p.complete();   // an incomplete prediction (NaN tail) has no score
            if (tr->x.rows() > 0 && p.x.rows() == tr->x.rows()) {
                s.kind = "states";
                s.relativeError = complete ? analysis::relativeFrobeniusError(tr->x, p.x) : kNaN;
                s.mse = complete ? analysis::meanSquaredError(tr->x, p.x) : kNaN;
            }
            if (tr->y.rows() > 0 && p.y.rows() == tr->y.rows()) {
                if (s.kind.empty()) s.kind = "outputs";
                s.nrmse = complete ? analysis::nrmseMean(tr->y, p.y, washout) : kNaN;
                if (s.kind == "outputs") s.mse = complete ? analysis::meanSquaredError(tr->y, p.y) : kNaN;
            }
            if (s.diverged) ++report.divergedCount;
            if (s.stalled) ++report.stalledCount;
        }
        rel.push_back(s.relativeError);
        nrm.push_back(s.nrmse);
        report.trajectories.push_back(std::move(s));
    }
    report.meanRelativeError = meanOfFinite(rel);
    report.meanNrmse = meanOfFinite(nrm);
    return report;
}

}  // namespace sd::model
