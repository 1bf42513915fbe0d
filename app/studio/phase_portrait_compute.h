#pragma once
// The phase portrait's computation, without widgets: one batched evaluation of the model's (and, when
// known, the true) field on a plane slice, its streamlines (core/analysis streamplot), nullclines (zero
// level sets of the two plotted components, core/analysis marching squares) and equilibria (Newton from
// the grid cells where both components change sign, core/analysis equilibria). Runs on a worker thread
// (LatestJob) and checks the cancel token between stages.
#include "app/studio/dataset_sources.h"
#include "app/studio/latest_job.h"
#include "core/analysis/equilibria.h"
#include "core/analysis/plane_grid.h"
#include "core/analysis/polyline.h"
#include "core/analysis/streamplot.h"
#include "core/model/model.h"

#include <memory>
#include <vector>

namespace sd::studio {

/// The model's autonomous field x ↦ f(x, 0), batched.
analysis::BatchedField modelField(std::shared_ptr<const model::Model> model);

struct PortraitRequest {
    analysis::BatchedField field;                ///< the model's field (modelField); empty: truth only
    VectorField truth;                           ///< may be empty
    Eigen::VectorXd base;                        ///< full state; components ix, iy vary over the box
    Eigen::Index ix = 0, iy = 1;
    analysis::PlaneBox box;
    int gridSize = 48;
    double density = 1.0;                        ///< matplotlib's density
    bool nullclines = false;
    bool equilibria = false;
    /// The model guarantees V̇ ≤ −αV with α > 0 (Model::lyapunovDecreaseRate): x = 0 is its stable
    /// equilibrium even where Newton cannot converge (non-smooth field at 0); marked when in the slice.
    bool lyapunovOrigin = false;
    int generation = 0;
};

struct PortraitResult {
    int generation = 0;
    analysis::PlaneGrid grid;
    analysis::StreamplotResult learned, truth;
    std::vector<double> lineSpeed;               ///< mean ‖f‖ (plotted components) along each learned line
    analysis::Polyline nullclineX, nullclineY;   ///< f_ix = 0 and f_iy = 0 (NaN-separated)
    std::vector<analysis::Equilibrium> equilibria;   ///< converged, inside the box
};

PortraitResult computePortrait(const PortraitRequest& request, const CancelToken& cancel);

}  // namespace sd::studio
