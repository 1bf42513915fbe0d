#pragma once
// OpInfModel — a polynomial control model ẋ̂ = c + A x̂ + H(x̂⊗x̂) + G(x̂⊗x̂⊗x̂) + B u + N(u⊗x̂) learned by
// operator inference, optionally in a POD basis (x ≈ V x̂). Variants:
//   least-squares   classical OpInf (one regularised least-squares solve), no guarantee;
//   discrete        the map x̂_{k+1} = (same right-hand side) fitted by least squares on consecutive samples of
//                   uniformly sampled data and simulated by iteration at that step; certificate: ρ(A) < 1
//                   (local stability of x = 0) plus a bounded-rollout check (docs/methods/stable-opinf.md §12);
//   stable          stable-OpInfc: A = (J − R)Q, energy-preserving H, trained by gradient descent;
//                   bounded-input bounded-state stable for every parameter value (certificate());
//   locally-stable  A = (J − R)Q with a free H: x = 0 locally asymptotically stable only.
// The stable variants use c, A, H, B only.
// All variants evaluate and simulate the same operators; the stable ones also keep their free
// parameters (S, L_R, L_Q, T / H) for the certificate and export.
#include "core/model/model.h"
#include "plugins/stable-opinf/quadratic_operators.h"
#include "plugins/stable-opinf/rollout_validation.h"
#include "plugins/stable-opinf/stability_certificate.h"
#include "plugins/stable-opinf/stable_parameterisation.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace sd::opinf {

class OpInfModel final : public model::Model {
public:
    /// Untrained model for data with `info`'s dimensions. `hyper` must already be validated.
    OpInfModel(nlohmann::json hyper, const data::DatasetInfo& info);
    /// Re-creates a model from its document (already envelope-checked). Throws sd::Error naming fields.
    static std::unique_ptr<OpInfModel> fromJson(const nlohmann::json& doc);

    std::unique_ptr<model::Model> clone() const override { return std::make_unique<OpInfModel>(*this); }
    std::string pluginId() const override;
    std::string variant() const override { return hyper_.at("variant").get<std::string>(); }
    const nlohmann::json& hyperparameters() const override { return hyper_; }
    model::ModelDims dims() const override { return {fullDim_, inputDim_, 0}; }

    model::TrainSummary train(const data::Dataset& ds, const model::TrainRequest& request,
                              const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) override;

    bool isContinuous() const override { return !isDiscrete(); }
    bool isDiscrete() const { return variant() == "discrete"; }
    /// ẋ in the data coordinates: V f(Vᵀ X, U) with a basis, f(X, U) without. The discrete variant has no
    /// vector field and throws sd::Error.
    Eigen::MatrixXd field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const override;
    model::Prediction predict(const data::Trajectory& tr) const override;
    /// The stable variant (global certificate): V(x) = ½ x̂ᵀQx̂ with x̂ the reduced state (Q = I for the
    /// identity form); it decreases outside the certified ball. Other variants have no Lyapunov view.
    bool hasLyapunov() const override;
    Eigen::RowVectorXd lyapunov(const Eigen::MatrixXd& X) const override;
    Eigen::MatrixXd lyapunovGradient(const Eigen::MatrixXd& X) const override;
    /// stable: BoundedInputBoundedState (bibs, eigenvalues, structural checks); locally-stable:
    /// LocalStability; discrete: LocalStability of the map (ρ(A) < 1, discreteTime); least-squares and untrained
    /// models: None (least-squares still reports A's eigenvalues).
    model::Certificate certify() const override;
    nlohmann::json toJson() const override;

    // ---- inspection (CLI, tests, certificate tab) ----
    bool isTrained() const { return trained_; }
    const QuadraticOperators& operators() const { return ops_; }
    const Eigen::MatrixXd& basis() const { return basis_; }      ///< N×r, empty without POD
    Eigen::Index reducedDim() const { return ops_.r; }
    bool isStableVariant() const { return stable_.has_value(); }
    /// The free parameters of a trained stable / locally-stable model (nullptr otherwise).
    const StableParameters* stableParameters() const { return stable_ ? &*stable_ : nullptr; }
    /// max_k ‖u_k‖₂ over the training samples (0 without inputs or before training).
    double trainingInputBound() const { return trainingInputBound_; }
    /// The stable variants' certificate numbers; throws sd::Error for the least-squares variant.
    StabilityCertificate stabilityCertificate() const;
    /// Simulates each trajectory (predict) and checks it against the certificate ("global" models only;
    /// sd::Error otherwise). Returns {"all_satisfied": bool, "checks": [toJson(TrajectoryBoundCheck), …]}.
    /// Training runs it on held-out trajectories and keeps the result in the training record.
    nlohmann::json checkCertificate(const std::vector<const data::Trajectory*>& trajectories) const;

private:
    void requireTrained(const char* what) const;
    model::TrainSummary trainLeastSquares(const data::Dataset& ds, const model::TrainRequest& request,
                                          const model::TrainCallback& onEpoch,
                                          const std::vector<const data::Trajectory*>& trainSet);
    model::TrainSummary trainStable(const data::Dataset& ds, const model::TrainRequest& request,
                                    const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel,
                                    const std::vector<const data::Trajectory*>& trainSet);
    model::Certificate leastSquaresCertificate() const;
    model::Certificate discreteCertificate() const;
    /// The discrete certificate's rollout check: iterations of the map from fixed-seed states at the training scale.
    nlohmann::json discreteRolloutCheck() const;
    model::Prediction predictDiscrete(const data::Trajectory& tr) const;
    /// Rollout settings of automatic λ selection (rollout_margin, rtol, atol).
    RolloutOptions rolloutOptions() const;
    static std::string rolloutSource(const model::TrainRequest& request, bool noValidation);
    StableStructure stableStructure() const;
    /// Throws sd::Error("<source>: parameters.A" / ".H", …) when the stored A or H differs from the one the
    /// factors give by more than kFactorConsistencyTolerance relative to its largest entry.
    void checkOperatorsMatchFactors(const std::string& source) const;
    /// The certificate's simulation check, recomputed: trajectories from fixed-seed initial states under
    /// constant inputs of norm `inputBound`, checked against `cert` ("global" models only).
    nlohmann::json simulationCheck(const StabilityCertificate& cert, double inputBound) const;

    static constexpr double kFactorConsistencyTolerance = 1e-10;
    static constexpr double kSimulationCheckHorizon = 10.0;
    static constexpr Eigen::Index kRolloutCheckSteps = 1000;
    /// Data-coordinates → reduced coordinates.
    Eigen::MatrixXd reduce(const Eigen::MatrixXd& X) const;
    Eigen::MatrixXd lift(const Eigen::MatrixXd& Xhat) const;

    nlohmann::json hyper_;
    Eigen::Index fullDim_ = 0, inputDim_ = 0;
    bool trained_ = false;
    QuadraticOperators ops_;
    Eigen::MatrixXd basis_;
    nlohmann::json training_;        ///< training record (null until trained)
    std::optional<StableParameters> stable_;   ///< stable variants, once trained
    double trainingInputBound_ = 0.0;
    double sampleStep_ = 0.0;           ///< discrete: the step Δt the map advances
    double trainingStateBound_ = 0.0;   ///< discrete: max_k ‖x̂_k‖ over the training samples
};

}  // namespace sd::opinf
