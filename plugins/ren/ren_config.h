#pragma once
// RenConfig — the structure of one recurrent equilibrium network (docs/methods/ren.md §1–§4): sizes, guarantee class,
// activation, equilibrium type and the fixed (not trained) constants of the direct parameterisation.
#include <Eigen/Core>
#include <string>

namespace sd::ren {

/// The behavioural guarantee the direct parameterisation enforces (docs/methods/ren.md §4.2).
enum class RenClass {
    Contracting,   ///< C-REN: contracting with rate ᾱ
    Lipschitz,     ///< incremental ℓ² gain ≤ γ (Q = −I/γ, S = 0, R = γI)
    General,       ///< incremental IQC with user (Q, S, R), Q ≺ 0, R − SQ⁻¹Sᵀ ≻ 0
    Passive        ///< incrementally passive (Q = −2ρI, S = I, R = −2νI; nu = ny)
};

/// Slope-restricted activation σ with 0 ≤ σ' ≤ 1 (docs/methods/ren.md §1.1).
enum class RenActivation { ReLU, Tanh, Sigmoid };

/// σ(a) and σ'(a) elementwise.
double activate(RenActivation act, double a);
double activateSlope(RenActivation act, double a);
std::string toString(RenActivation act);            ///< "relu", "tanh", "sigmoid"
RenActivation activationFromString(const std::string& name);
std::string toString(RenClass c);                   ///< "contracting", "lipschitz", "general", "passive"
RenClass renClassFromString(const std::string& name);

struct RenConfig {
    Eigen::Index nu = 0, nx = 0, nv = 0, ny = 0;
    RenClass renClass = RenClass::Contracting;
    RenActivation activation = RenActivation::ReLU;
    double alphaBar = 1.0;       ///< contraction-rate bound ᾱ ∈ (0, 1]
    double epsilon = 1e-12;      ///< ε in H_X = … + εI
    bool polar = true;           ///< H_X = ρ² XᵀX/‖X‖²_F + εI with trainable ρ
    bool acyclic = true;         ///< strictly lower-triangular D₁₁ (row-by-row solve); else full D₁₁ (Peaceman–Rachford)
    bool d22Zero = false;        ///< D₂₂ = 0 (Lipschitz, contracting); ignored for general/passive
    bool d22Free = true;         ///< contracting only: D₂₂ trained (false: D₂₂ = 0)
    double gamma = 1.0;          ///< Lipschitz bound
    Eigen::MatrixXd Q, S, R;     ///< general: ny×ny, nu×ny, nu×nu (set for every class by supplyMatrices())
    double passiveNu = 0.0;      ///< passive: input-passivity index ν ≥ 0
    double passiveRho = 0.0;     ///< passive: output-passivity index ρ ≥ 0 (0 = input passive form)
    // Peaceman–Rachford (full D₁₁) settings, docs/methods/ren.md §5.2.
    double prAlpha = 1.0;
    double prTol = 1e-6;
    int prMaxIter = 2000;

    /// Fills Q, S, R for the Lipschitz and passive classes and checks every constraint: sizes ≥ 0,
    /// ᾱ ∈ (0, 1], ε > 0, γ > 0, passive needs nu = ny, general needs Q ≺ 0 and R − SQ⁻¹Sᵀ ≻ 0 with the
    /// right shapes. Throws sd::Error("ren: <field>", …).
    void validate();
    /// True for the IQC classes (Lipschitz, general, passive): D₂₂ and H depend on (Q, S, R).
    bool isRobust() const { return renClass != RenClass::Contracting; }
};

}  // namespace sd::ren
