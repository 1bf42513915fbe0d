#include "app/studio/state_box.h"

#include <cmath>
#include <limits>

namespace sd::studio {

StateBox stateBox(const data::Dataset* ds, Eigen::Index modelStateDim) {
    StateBox box;
    if (ds && ds->stateDim() > 0) {
        const Eigen::Index n = ds->stateDim();
        box.low = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
        box.high = Eigen::VectorXd::Constant(n, -std::numeric_limits<double>::infinity());
        for (const auto& tr : ds->trajectories) {
            if (tr.x.rows() != n) continue;
            for (Eigen::Index k = 0; k < tr.x.cols(); ++k)
                for (Eigen::Index i = 0; i < n; ++i) {
                    const double v = tr.x(i, k);
                    if (!std::isfinite(v)) continue;
                    box.low[i] = std::min(box.low[i], v);
                    box.high[i] = std::max(box.high[i], v);
                }
        }
        box.fromData = box.low.allFinite() && box.high.allFinite();
        if (box.fromData) return box;
    }
    const Eigen::Index n = ds && ds->stateDim() > 0 ? ds->stateDim() : modelStateDim;
    box.low = Eigen::VectorXd::Constant(n, -2.0);
    box.high = Eigen::VectorXd::Constant(n, 2.0);
    box.fromData = false;
    return box;
}

analysis::PlaneBox planeBox(const StateBox& box, Eigen::Index ix, Eigen::Index iy, double margin) {
    auto pad = [margin](double lo, double hi, double& a, double& b) {
        const double m = margin * std::max(hi - lo, 1e-6 * std::max(1.0, std::abs(hi)));
        a = lo - std::max(m, 1e-9);
        b = hi + std::max(m, 1e-9);
    };
    analysis::PlaneBox p;
    pad(box.low[ix], box.high[ix], p.xMin, p.xMax);
    pad(box.low[iy], box.high[iy], p.yMin, p.yMax);
    return p;
}

}  // namespace sd::studio
