#pragma once
// Lbdn — a feed-forward Lipschitz-bounded deep network of sandwich layers (Wang & Manchester, ICML 2023;
// docs/methods/ren.md §12). For every parameter value the map u ↦ y satisfies ‖f(a) − f(b)‖ ≤ γ‖a − b‖:
//
//   h₀ = √γ·u;
//   h_{k+1} = √2 A_kᵀ Ψ_k σ(√2 Ψ_k⁻¹ B_k h_k + b_k)        (sandwich layer k, 1-Lipschitz)
//   y = √γ·B_out h_L + b_y                                  (‖B_out‖₂ ≤ 1)
//
// with σ slope-restricted (0 ≤ σ' ≤ 1), Ψ_k = diag(exp(d_k)) and [A_k B_k] with orthonormal rows from the
// Cayley transform of the free matrix XY_k = [X; Y] ((n_out + n_in) × n_out):
//   Z = X − Xᵀ + YᵀY,  A_kᵀ = (I − Z)(I + Z)⁻¹,  B_kᵀ = −2Y(I + Z)⁻¹   ([A_kᵀ; B_kᵀ] has orthonormal columns).
// The output layer uses the same transform of XY_out ((n_y + n_L) × n_y) and keeps only B_out.
// Parameters (names in the model file): "layer<k>.XY", "layer<k>.d", "layer<k>.b", "out.XY", "out.b".
#include "core/autodiff/var.h"
#include "core/common/rng.h"
#include "core/nn/parameters.h"
#include "plugins/ren/ren_config.h"

#include <utility>
#include <vector>

namespace sd::ren {

/// The Cayley factors of one sandwich layer as graph nodes: Aᵀ (n×n) and Bᵀ (m×n) for XY ((n + m)×n), as above.
std::pair<ad::Var, ad::Var> sandwichCayley(const ad::Var& XY, Eigen::Index n);
/// σ(v) elementwise as a graph node.
ad::Var activate(RenActivation act, const ad::Var& v);

class Lbdn {
public:
    /// nIn, nOut ≥ 1, hidden widths ≥ 1, γ > 0; throws sd::Error otherwise. XY Glorot-normal, d = 0,
    /// biases U(−1/√n_in, 1/√n_in), drawn from rng layer by layer.
    Lbdn(Eigen::Index nIn, const std::vector<Eigen::Index>& hidden, Eigen::Index nOut, double gamma, RenActivation activation,
         Rng& rng);

    /// y (nOut×B) for inputs U (nIn×B), as a graph over the parameters.
    ad::Var operator()(const ad::Var& U) const;
    /// The same map in plain matrices; optionally the Jacobian ∂y/∂u at column `jacobianColumn` of U.
    Eigen::MatrixXd evaluate(const Eigen::MatrixXd& U) const;
    Eigen::MatrixXd jacobian(const Eigen::VectorXd& u) const;

    /// max over the layers (output layer included) of ‖QᵀQ − I‖_max for the Cayley matrix Q = [Aᵀ; Bᵀ],
    /// recomputed from the parameters in plain Eigen (0 up to rounding for every parameter value).
    double orthogonalityResidual() const;

    Eigen::Index inputDim() const { return nIn_; }
    Eigen::Index outputDim() const { return nOut_; }
    double gamma() const { return gamma_; }
    const std::vector<Eigen::Index>& hidden() const { return hidden_; }
    RenActivation activation() const { return act_; }
    const nn::ParameterSet& parameters() const { return params_; }
    /// A deep copy with fresh leaves holding the same values.
    Lbdn clone() const;

private:
    struct Layer {
        ad::Var XY, d, b;
    };
    Lbdn() = default;

    Eigen::Index nIn_ = 0, nOut_ = 0;
    std::vector<Eigen::Index> hidden_;
    double gamma_ = 1.0;
    RenActivation act_ = RenActivation::ReLU;
    std::vector<Layer> layers_;
    ad::Var outXY_, outB_;
    nn::ParameterSet params_;
};

}  // namespace sd::ren
