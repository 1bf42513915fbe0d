#include "app/studio/phase_portrait_compute.h"

#include "core/analysis/marching_squares.h"

#include <cmath>

namespace sd::studio {

analysis::BatchedField modelField(std::shared_ptr<const model::Model> model) {
    return [model](const Eigen::MatrixXd& X) -> Eigen::MatrixXd {
        return model->field(X, Eigen::MatrixXd::Zero(model->dims().input, X.cols()));
    };
}

namespace {

analysis::StreamplotResult streamlinesOf(const analysis::PlaneGrid& g, const Eigen::MatrixXd& F, double density) {
    analysis::StreamplotOptions options;
    options.density = {density, density};
    return analysis::streamplot(g.x, g.y, analysis::toGrid(F, g.dimX, g.nx(), g.ny()), analysis::toGrid(F, g.dimY, g.nx(), g.ny()),
                                options);
}

/// Adds x = 0 as a Lyapunov-certified equilibrium (Equilibrium::byLyapunov) when the slice passes
/// through it, it is inside the box and Newton did not already find it.
void addLyapunovOrigin(const PortraitRequest& rq, const analysis::BatchedField& f, double merge, std::vector<analysis::Equilibrium>& found) {
    Eigen::VectorXd origin = rq.base;
    origin[rq.ix] = origin[rq.iy] = 0.0;
    if (origin.cwiseAbs().maxCoeff() > 0.0) return;   // the slice does not contain x = 0
    if (rq.box.xMin > 0 || rq.box.xMax < 0 || rq.box.yMin > 0 || rq.box.yMax < 0) return;
    for (const auto& e : found)
        if (e.x.cwiseAbs().maxCoeff() <= merge) return;
    analysis::Equilibrium e;
    e.converged = true;
    e.byLyapunov = true;
    e.x = origin;
    const Eigen::MatrixXd f0 = f(origin);
    e.residual = f0.size() ? f0.cwiseAbs().maxCoeff() : 0.0;
    e.type = analysis::EquilibriumType::StableNode;   // drawn as stable; the label says why
    found.push_back(std::move(e));
}

}  // namespace

PortraitResult computePortrait(const PortraitRequest& rq, const CancelToken& cancel) {
    PortraitResult r;
    r.generation = rq.generation;
    r.grid = analysis::makeSliceGrid(rq.base, rq.ix, rq.iy, rq.box, rq.gridSize, rq.gridSize);
    const auto& g = r.grid;
    if (rq.field) {
        const analysis::BatchedField& f = rq.field;
        const Eigen::MatrixXd F = f(g.points);   // one batched call for the whole grid
        cancel.throwIfCancelled();
        r.learned = streamlinesOf(g, F, rq.density);
        for (const auto& line : r.learned.lines) {
            double sum = 0;
            int n = 0;
            for (double s : line.speed)
                if (std::isfinite(s)) {
                    sum += s;
                    ++n;
                }
            r.lineSpeed.push_back(n ? sum / n : 0.0);
        }
        cancel.throwIfCancelled();
        const Eigen::MatrixXd U = analysis::toGrid(F, g.dimX, g.nx(), g.ny()), V = analysis::toGrid(F, g.dimY, g.nx(), g.ny());
        if (rq.nullclines) {
            r.nullclineX = analysis::nanSeparated(analysis::contourLines(g.x, g.y, U, 0.0).lines);
            r.nullclineY = analysis::nanSeparated(analysis::contourLines(g.x, g.y, V, 0.0).lines);
        }
        if (rq.equilibria) {
            cancel.throwIfCancelled();
            analysis::NewtonOptions options;
            options.maxStep = 0.25 * std::max(rq.box.xMax - rq.box.xMin, rq.box.yMax - rq.box.yMin);
            options.tolerance = 1e-8;
            const double merge = 1e-4 * std::max(rq.box.xMax - rq.box.xMin, rq.box.yMax - rq.box.yMin);
            for (auto& e : analysis::findEquilibria(f, analysis::equilibriumSeeds(g, U, V, 24), options, merge)) {
                const double x = e.x[rq.ix], y = e.x[rq.iy];
                if (x >= rq.box.xMin && x <= rq.box.xMax && y >= rq.box.yMin && y <= rq.box.yMax) r.equilibria.push_back(std::move(e));
            }
            if (rq.lyapunovOrigin) addLyapunovOrigin(rq, f, merge, r.equilibria);
        }
    }
    if (rq.truth) {
        cancel.throwIfCancelled();
        r.truth = streamlinesOf(g, rq.truth(g.points), rq.density);
    }
    return r;
}

}  // namespace sd::studio
