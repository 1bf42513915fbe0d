#include "core/autodiff/gradcheck.h"

#include "core/autodiff/backward.h"
#include "core/autodiff/ops.h"
#include "core/common/rng.h"

#include <cmath>
#include <sstream>

namespace sd::ad {

namespace {

std::vector<Var> makeLeaves(const std::vector<MatrixXd>& inputs) {
    std::vector<Var> leaves;
    for (const MatrixXd& m : inputs) leaves.push_back(Var::leaf(m, true));
    return leaves;
}

// L = f(x) if 1×1, else Σ w ⊙ f(x) with weights drawn from `seed` (the same for every evaluation).
Var scalarise(const Var& y, std::uint64_t seed) {
    if (y.rows() == 1 && y.cols() == 1) return y;
    Rng rng(seed);
    return sum(mul(y, Var::constant(rng.uniformMatrix(y.rows(), y.cols(), -1.0, 1.0))));
}

void compare(GradCheckResult& r, const char* what, std::size_t input, const MatrixXd& analytic, const MatrixXd& numeric,
             const GradCheckOptions& o) {
    if (analytic.rows() != numeric.rows() || analytic.cols() != numeric.cols()) {
        r.ok = false;
        if (r.message.empty())
            r.message = std::string(what) + ": input " + std::to_string(input) + " gradient has shape " +
                        shapeString(analytic) + ", expected " + shapeString(numeric);
        return;
    }
    for (Index j = 0; j < analytic.cols(); ++j)
        for (Index i = 0; i < analytic.rows(); ++i) {
            const double a = analytic(i, j), n = numeric(i, j);
            const double err = std::abs(a - n);
            const double scale = std::max({std::abs(a), std::abs(n)});
            r.maxAbsError = std::max(r.maxAbsError, err);
            r.maxRelError = std::max(r.maxRelError, err / std::max(scale, 1e-12));
            if (!(err <= o.absTol + o.relTol * scale)) {
                if (r.message.empty()) {
                    std::ostringstream s;
                    s.precision(10);
                    s << what << ": input " << input << " (" << i << "," << j << "): analytic " << a << " numeric " << n;
                    r.message = s.str();
                }
                r.ok = false;
            }
        }
}

}  // namespace

MatrixXd numericalGradient(const std::function<double(const std::vector<MatrixXd>&)>& f, std::vector<MatrixXd> inputs,
                           std::size_t which, double step) {
    MatrixXd g(inputs[which].rows(), inputs[which].cols());
    for (Index k = 0; k < g.size(); ++k) {
        double& x = inputs[which].data()[k];
        const double x0 = x;
        x = x0 + step;
        const double fp = f(inputs);
        x = x0 - step;
        const double fm = f(inputs);
        x = x0;
        g.data()[k] = (fp - fm) / (2.0 * step);
    }
    return g;
}

GradCheckResult checkGradient(const CheckedFunction& f, const std::vector<MatrixXd>& inputs,
                              const GradCheckOptions& o) {
    GradCheckResult r;
    const auto value = [&](const std::vector<MatrixXd>& xs) {
        std::vector<Var> c;
        for (const MatrixXd& m : xs) c.push_back(Var::constant(m));
        return scalarise(f(c), o.seed).item();
    };
    const std::vector<Var> x = makeLeaves(inputs);
    const Var L = scalarise(f(x), o.seed);
    const std::vector<Var> fast = grad(L, x, false);
    const std::vector<Var> graph = grad(L, x, true);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const MatrixXd numeric = numericalGradient(value, inputs, i, o.step);
        compare(r, "first order (fast)", i, fast[i].value(), numeric, o);
        compare(r, "first order (create_graph)", i, graph[i].value(), numeric, o);
    }
    return r;
}

GradCheckResult checkSecondOrder(const CheckedFunction& f, const std::vector<MatrixXd>& inputs,
                                 const GradCheckOptions& o) {
    GradCheckResult r;
    Rng rng(o.seed ^ 0x5bd1e995u);
    std::vector<MatrixXd> dirs;
    for (const MatrixXd& m : inputs) dirs.push_back(rng.uniformMatrix(m.rows(), m.cols(), -1.0, 1.0));

    // h(x) through first-order (fast) gradients, for the finite differences.
    const auto h = [&](const std::vector<MatrixXd>& xs) {
        const std::vector<Var> leaves = makeLeaves(xs);
        const Var L = scalarise(f(leaves), o.seed);
        const std::vector<Var> g = grad(L, leaves, false);
        double s = 0.0;
        for (std::size_t i = 0; i < xs.size(); ++i) s += g[i].value().cwiseProduct(dirs[i]).sum();
        return s;
    };

    const std::vector<Var> x = makeLeaves(inputs);
    const Var L = scalarise(f(x), o.seed);
    const std::vector<Var> g = grad(L, x, true);
    Var H = Var::scalar(0.0);
    for (std::size_t i = 0; i < inputs.size(); ++i) H = add(H, sum(mul(g[i], Var::constant(dirs[i]))));
    const std::vector<Var> hessVec = grad(H, x, false);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const MatrixXd numeric = numericalGradient(h, inputs, i, o.step);
        compare(r, "second order", i, hessVec[i].value(), numeric, o);
    }
    return r;
}

}  // namespace sd::ad
