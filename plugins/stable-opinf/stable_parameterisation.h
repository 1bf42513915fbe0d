#pragma once
// The stable parameterisation of a quadratic control model (docs/methods/stable-opinf.md §6):
//
//   ẋ = A x + H (x⊗x) + B u (+ c),   A = J − R            (LyapunovForm::Identity, V = ½‖x‖²)
//                                    A = (J − R) Q        (LyapunovForm::Quadratic, V = ½ xᵀQx)
//   J = S − Sᵀ,  R = L_R L_Rᵀ + ε_R I,  Q = L_Q L_Qᵀ + ε_Q I   (S, L_R, L_Q free n×n),
//   H: EnergyPreserving  H = [T₁−T₁ᵀ … Tₙ−Tₙᵀ]          (Identity form; xᵀH(x⊗x) = 0)
//                        H = [(T₁−T₁ᵀ)Q … (Tₙ−Tₙᵀ)Q]    (Quadratic form, construction 1; xᵀQH(x⊗x) = 0)
//      Free              H unconstrained (the "locally stable" model: no global guarantee)
//      None              no quadratic term.
// B and c are free. With ε_R > 0, R ≻ 0 and A is Hurwitz for every parameter value.
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "plugins/stable-opinf/quadratic_operators.h"

#include <Eigen/Core>

namespace sd::opinf {

enum class LyapunovForm { Identity, Quadratic };
enum class QuadraticStructure { None, EnergyPreserving, Free };

/// Sizes and fixed choices of a stable model.
struct StableStructure {
    Eigen::Index n = 0, m = 0;          ///< reduced state and input dimensions (m = 0: no B)
    bool constant = false;              ///< has c
    LyapunovForm form = LyapunovForm::Identity;
    QuadraticStructure quadratic = QuadraticStructure::EnergyPreserving;
    double epsR = 1e-6, epsQ = 1e-6;    ///< ≥ 0

    /// The operator letters ("AHB", "cAH", …) of this structure.
    OperatorSet operatorSet() const;
};

/// The free parameters. Absent ones are 0×0 (L_Q without the Quadratic form, T/Hfree by structure,
/// B when m = 0, c without a constant).
struct StableParameters {
    StableStructure structure;
    Eigen::MatrixXd S, LR, LQ;          ///< n×n
    Eigen::MatrixXd T;                  ///< n×n² (EnergyPreserving)
    Eigen::MatrixXd Hfree;              ///< n×n² (Free)
    Eigen::MatrixXd B;                  ///< n×m
    Eigen::MatrixXd c;                  ///< n×1

    /// All parameters zero except L_Q = I (so Q = (1 + ε_Q) I). Throws sd::Error for n < 1 or ε < 0.
    static StableParameters zeros(const StableStructure& structure);
    /// PRED-CODE initialisation: S, L_R, L_Q ~ N(0, std²); T, H, B, c zero.
    static StableParameters random(const StableStructure& structure, double std, Rng& rng);
    /// A starting point near given operators (e.g. a least-squares fit): J and R from the skew and
    /// negative-symmetric parts of A (R's eigenvalues floored so that no factor column starts at zero),
    /// Q = I; T = ½·(each block of H) (i.e. the skew part of every block), Hfree = H; B and c copied.
    static StableParameters nearOperators(const StableStructure& structure, const QuadraticOperators& ops);

    /// The named, non-empty parameters in a fixed order (S, L_R, L_Q, T, H, B, c), for export.
    std::vector<std::pair<std::string, const Eigen::MatrixXd*>> named() const;
    std::vector<std::pair<std::string, Eigen::MatrixXd*>> named();

    Eigen::MatrixXd J() const;   ///< S − Sᵀ
    Eigen::MatrixXd R() const;   ///< L_R L_Rᵀ + ε_R I
    Eigen::MatrixXd Q() const;   ///< L_Q L_Qᵀ + ε_Q I, or I for the Identity form
    /// The operators A, H, B, c (H in full Kronecker form), evaluated by the same graph as training.
    QuadraticOperators operators() const;
};

/// The parameters as autodiff Vars (undefined where absent).
struct StableParameterVars {
    ad::Var S, LR, LQ, T, Hfree, B, c;

    /// Trainable leaves holding copies of p's values.
    static StableParameterVars parametersOf(const StableParameters& p);
    /// The defined Vars in the order of StableParameters::named().
    std::vector<ad::Var> list() const;
    /// Copies the Vars' current values into p (shapes must match).
    void copyTo(StableParameters& p) const;
};

/// The operators as graph nodes (H, B, c undefined where absent).
struct OperatorVars {
    ad::Var A, H, B, c;
};

/// Builds A (and H, B, c) from the parameters by the formulas above.
OperatorVars buildOperators(const StableStructure& structure, const StableParameterVars& p);

}  // namespace sd::opinf
