#pragma once
// The Lyapunov decrease condition V̇(x) = ∇V(x)·f(x) ≤ −αV(x), checked pointwise on a batch of states.
//
// Widget-free, so the Lyapunov tab and the tests share one definition. A point "holds" when
// V̇ + αV ≤ tol, with tol = relativeTolerance · (|∇V|·|f| + α|V|) + absoluteTolerance: a stable-by-construction
// model (lyapunov-net) sits exactly on V̇ = −αV wherever its projection is active, so rounding must not
// count as a violation.
#include <Eigen/Core>

namespace sd::model {
class Model;
}

namespace sd::studio {

struct DecreaseCheck {
    Eigen::RowVectorXd vdot;        ///< ∇V·f at each point (1×B)
    Eigen::RowVectorXd margin;      ///< V̇ + αV (≤ 0 where the condition holds), 1×B; NaN where not finite
    Eigen::Array<bool, 1, Eigen::Dynamic> holds;   ///< V̇ ≤ −αV up to the tolerance (false where not finite)
    double alpha = 0.0;
    double fraction = 0.0;          ///< share of points where it holds (0 for an empty batch)
};

/// Pointwise check from V (1×B), ∇V (n×B) and f (n×B).
DecreaseCheck checkDecrease(const Eigen::RowVectorXd& V, const Eigen::MatrixXd& gradV, const Eigen::MatrixXd& F, double alpha,
                            double relativeTolerance = 1e-6, double absoluteTolerance = 1e-12);

/// The same for a model with hasLyapunov() and a continuous field at the columns of X (autonomous: u = 0),
/// with the model's own α (Model::lyapunovDecreaseRate).
/// Throws sd::Error (from the model) when it has no Lyapunov function or no field.
DecreaseCheck checkDecrease(const model::Model& model, const Eigen::MatrixXd& X);

}  // namespace sd::studio
