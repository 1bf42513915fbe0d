#include "core/data/dataset_validate.h"

#include "core/common/error.h"

#include <cmath>

namespace sd::data {

void validateDataset(const Dataset& ds, const std::string& where) {
    auto at = [&](const std::string& field) { return where + ": " + field; };
    auto fail = [&](const std::string& field, const std::string& what) { throw Error(at(field), what); };
    if (!(std::isfinite(ds.dt) && ds.dt >= 0.0)) fail("dt", "expected a finite number >= 0, found " + std::to_string(ds.dt));
    struct Channel { const char* field; Eigen::Index dim; const Eigen::MatrixXd Trajectory::*member; };
    const Channel channels[] = {{"x", ds.stateDim(), &Trajectory::x},
                                {"u", ds.inputDim(), &Trajectory::u},
                                {"y", ds.outputDim(), &Trajectory::y},
                                {"dxdt", ds.stateDim(), &Trajectory::dxdt}};
    for (std::size_t i = 0; i < ds.trajectories.size(); ++i) {
        const Trajectory& tr = ds.trajectories[i];
        const std::string base = "trajectories[" + std::to_string(i) + "]";
        const Eigen::Index K = tr.samples();
        if (tr.t.size() == 0 && tr.x.cols() == 0)
            fail(base + ".t", "a trajectory without time must be a pair set with states x (and usually dxdt)");
        for (Eigen::Index k = 0; k < tr.t.size(); ++k) {
            if (!std::isfinite(tr.t(k))) fail(base + ".t[" + std::to_string(k) + "]", "expected a finite number");
            if (k > 0 && !(tr.t(k) > tr.t(k - 1)))
                fail(base + ".t[" + std::to_string(k) + "]", "time must be strictly increasing: " + std::to_string(tr.t(k)) +
                                                                " follows " + std::to_string(tr.t(k - 1)));
        }
        for (const auto& ch : channels) {
            const Eigen::MatrixXd& m = tr.*ch.member;
            const std::string field = base + "." + ch.field;
            if (m.rows() == 0) continue;   // absent (0×0 or 0×K)
            if (m.rows() != ch.dim)
                fail(field, "has " + std::to_string(m.rows()) + " rows (channels), expected " + std::to_string(ch.dim) +
                                " (the number of names)");
            if (m.cols() != K)
                fail(field, "has " + std::to_string(m.cols()) + " samples, expected " + std::to_string(K) +
                                (tr.t.size() ? " (the length of t)" : ""));
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                for (Eigen::Index r = 0; r < m.rows(); ++r)
                    if (!std::isfinite(m(r, c)))
                        fail(field + "[" + std::to_string(r) + "][" + std::to_string(c) + "]",
                             "expected a finite number, found NaN or Inf");
        }
        // A declared channel group must exist in every trajectory (dxdt is optional).
        if (ds.stateDim() > 0 && tr.x.rows() == 0 && tr.dxdt.rows() == 0)
            fail(base + ".x", "missing: the dataset declares " + std::to_string(ds.stateDim()) + " states");
        if (ds.inputDim() > 0 && tr.u.rows() == 0)
            fail(base + ".u", "missing: the dataset declares " + std::to_string(ds.inputDim()) + " inputs");
        if (ds.outputDim() > 0 && tr.y.rows() == 0)
            fail(base + ".y", "missing: the dataset declares " + std::to_string(ds.outputDim()) + " outputs");
    }
    for (const auto& [name, idx] : ds.splits)
        for (std::size_t j = 0; j < idx.size(); ++j)
            if (idx[j] < 0 || idx[j] >= static_cast<int>(ds.trajectories.size()))
                fail("splits." + name + "[" + std::to_string(j) + "]",
                     "trajectory index " + std::to_string(idx[j]) + " out of range (" +
                         std::to_string(ds.trajectories.size()) + " trajectories)");
}

}  // namespace sd::data
