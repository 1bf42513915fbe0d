#pragma once
// LyapunovNetModel — the Model of the lyapunov-net plugin: a continuous-time autonomous field ẋ = f(x).
//   variant "stable": lyap::StableDynamics (f̂ projected with a learned Lyapunov function V; stable for every
//                     parameter value, so an untrained model is already a valid random stable system);
//   variant "known_v": the same projection with a user-supplied V (pendulum energy or xᵀPx; known_v_dynamics.h);
//   variant "simple": an unconstrained MLP (the paper's baseline; no guarantee, no V).
// Parameters are drawn at construction from hyperparameter init_seed; train() only changes them (its
// request seed drives minibatch shuffling). Training: MSE(f(x), ẋ) with Adam through nn::trainLoop.
#include "core/model/model.h"
#include "core/lyapunov/field_evaluator.h"
#include "core/lyapunov/stable_dynamics.h"
#include "plugins/lyapunov-net/known_v_dynamics.h"
#include "plugins/lyapunov-net/stability_certificate.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace sd::lyapnet {

class LyapunovNetModel final : public model::Model {
public:
    /// Untrained (random) model. `hyper` must already be validated. Throws sd::Error if the data have inputs
    /// (the model is autonomous) or no states.
    LyapunovNetModel(nlohmann::json hyper, const data::DatasetInfo& info);
    /// Re-creates a model from its document. Throws sd::Error naming the field.
    static std::unique_ptr<LyapunovNetModel> fromJson(const nlohmann::json& doc);

    LyapunovNetModel(const LyapunovNetModel& other);
    LyapunovNetModel& operator=(const LyapunovNetModel&) = delete;

    std::unique_ptr<model::Model> clone() const override { return std::make_unique<LyapunovNetModel>(*this); }
    std::string pluginId() const override;
    std::string variant() const override { return hyper_.at("variant").get<std::string>(); }
    const nlohmann::json& hyperparameters() const override { return hyper_; }
    model::ModelDims dims() const override { return {n_, 0, 0}; }

    model::TrainSummary train(const data::Dataset& ds, const model::TrainRequest& request,
                              const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) override;

    bool isContinuous() const override { return true; }
    /// f(X) (n×B); U must have 0 rows (autonomous).
    Eigen::MatrixXd field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const override;
    /// Dopri5 from tr.x.col(0) over tr.t (rtol/atol/divergence_bound hyperparameters). A trajectory that
    /// enters the rest set {V ≤ restLevel()} ends there (Prediction::restTime; later states hold it); a step
    /// limit is reported as a stall, not a divergence. For an unordered pair set (no times) there is nothing
    /// to integrate: the prediction is the given states themselves.
    model::Prediction predict(const data::Trajectory& tr) const override;

    bool hasLyapunov() const override { return stable_.has_value() || known_.has_value(); }
    Eigen::RowVectorXd lyapunov(const Eigen::MatrixXd& X) const override;
    Eigen::MatrixXd lyapunovGradient(const Eigen::MatrixXd& X) const override;
    /// α of V̇ ≤ −αV ("stable"; 0 for "simple", which has no V).
    double lyapunovDecreaseRate() const override;
    /// "stable": ExponentialStability with decreaseRate α and the checks of stability_certificate.h
    /// (cached until the parameters change); "simple": kind None.
    model::Certificate certify() const override;
    nlohmann::json toJson() const override;

    // ---- inspection (tests, CLI studies, GUI extras) ----
    /// The nominal field f̂ (stable variant; throws for simple).
    Eigen::MatrixXd nominalField(const Eigen::MatrixXd& X) const;
    const lyap::StableDynamics* stableDynamics() const { return stable_ ? &*stable_ : nullptr; }
    const KnownVDynamics* knownVDynamics() const { return known_ ? &*known_ : nullptr; }
    /// w·r² of the rest set {V ≤ w·r²} ⊂ {‖x‖ ≤ r} (r = rest_radius, w of V ≥ w‖x‖²); 0 = no rest test (variant
    /// simple, r = 0, proj_denominator_eps > 0 where V need not decrease, or no quadratic lower bound w).
    double restLevel() const;
    /// All trainable parameters ("fhat.…", "V.…" or "mlp.…").
    nn::ParameterSet parameters() const;
    /// Region of interest of the certificate: the training states' bounding box (containing 0), [−1, 1]ⁿ untrained.
    const Eigen::VectorXd& regionLo() const { return lo_; }
    const Eigen::VectorXd& regionHi() const { return hi_; }

private:
    void requireLyapunov(const char* what) const;
    /// Rebuilds the plain-Eigen evaluator after the parameters changed (construction, training, loading).
    void refreshEvaluator();
    CertificateOptions certificateOptions() const;
    ad::Var forward(const ad::Var& x) const;

    nlohmann::json hyper_;
    Eigen::Index n_ = 0;
    std::optional<lyap::StableDynamics> stable_;
    std::optional<KnownVDynamics> known_;           ///< variant "known_v"
    std::optional<nn::MLP> simple_;
    std::optional<lyap::FieldEvaluator> evaluator_; ///< stable variant: what field/V/∇V/predict evaluate
    Eigen::VectorXd lo_, hi_;
    nlohmann::json training_;                       ///< training record (null until trained)
    mutable std::optional<model::Certificate> certificate_;
};

}  // namespace sd::lyapnet
