#pragma once
// RenModel — the ren plugin's model: a recurrent equilibrium network (C-REN, Lipschitz, general IQC or
// passive; acyclic or full D₁₁) or one of the unconstrained baselines (RNN, LSTM), trained by simulation
// error (truncated BPTT), as a state observer, or as an echo-state network.
//
// Discrete time: isContinuous() is false and field() throws. predict(tr) simulates over tr.u (standardised
// with the exported statistics) from the model's initial state (zero, learned, or estimated from tr.y)
// and returns y (ny×K) in data units; x has zero rows. In observer mode the REN state IS the data state:
// the model is driven by [u; y], starts from x̂₀ = 0, and predict returns the estimates x̂ (nx×K) and no y.
#include "core/data/normalization.h"
#include "core/model/model.h"
#include "core/model/nn_training.h"
#include "core/nn/lr_schedule.h"
#include "core/nn/parameters.h"
#include "plugins/ren/baselines.h"
#include "plugins/ren/direct_params.h"
#include "plugins/ren/lmi_check.h"
#include "plugins/ren/r2dn_params.h"

#include <nlohmann/json.hpp>

namespace sd::ren {

class RenModel final : public model::Model {
public:
    enum class Mode { Simulation, Observer, EchoState };

    /// Untrained model for data with `info`'s dimensions. `hyper` must already be validated. Throws
    /// sd::Error for combinations that cannot work (passive with n_u ≠ n_y, observer without states, …).
    RenModel(nlohmann::json hyper, const data::DatasetInfo& info);
    RenModel(const RenModel& other);
    RenModel& operator=(const RenModel&) = delete;
    /// Re-creates a model from its document. Throws sd::Error naming fields.
    static std::unique_ptr<RenModel> fromJson(const nlohmann::json& doc);

    std::unique_ptr<model::Model> clone() const override { return std::make_unique<RenModel>(*this); }
    std::string pluginId() const override;
    std::string variant() const override;
    const nlohmann::json& hyperparameters() const override { return hyper_; }
    model::ModelDims dims() const override;

    model::TrainSummary train(const data::Dataset& ds, const model::TrainRequest& request,
                              const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) override;

    bool isContinuous() const override { return false; }
    model::Prediction predict(const data::Trajectory& tr) const override;
    /// Kind by REN class (contracting → Contraction, lipschitz → Lipschitz with γ, general →
    /// IncrementalDissipativity, passive → IncrementalPassivity; baselines → None), the LMI checks, the
    /// eigenvalues of A (discrete time) and, after simulation training, the observed sensitivity.
    model::Certificate certify() const override;
    nlohmann::json toJson() const override;

    // ---- inspection (tests, studies through the concrete type, benchmarks) ----
    bool isBaseline() const { return baseline_; }
    /// model_class = r2dn: the explicit-loop variant of docs/methods/ren.md §13 (r2dn_params.h).
    bool isR2dn() const { return r2dn_; }
    const RenConfig& config() const { return config_; }
    const nn::ParameterSet& parameters() const { return params_; }
    Eigen::Index parameterCount() const { return params_.totalSize(); }
    /// Recurrent state rows (REN n_x, RNN hidden, LSTM 2·hidden).
    Eigen::Index recurrentStateDim() const;
    /// Builds the explicit REN from the current parameters (REN models only).
    ExplicitRen explicitModel(ImplicitRen* implicit = nullptr) const;
    /// Builds the explicit R2DN from the current parameters (R2DN models only).
    ExplicitR2dn explicitR2dn() const;
    /// Output sequence (ny×K, standardised units) for standardised inputs U (nu×K) from x0 (as a graph).
    ad::Var simulateStandardised(const ad::Var& x0, const ad::Var& U) const;
    /// Observed sensitivity (docs/methods/ren.md §9.3) in standardised units.
    double observedSensitivity(Eigen::Index length, int iterations, std::uint64_t seed) const;

private:
    struct Chunked;   ///< per-run state of simulation training (ren_training.cpp)
    void initialise(std::uint64_t seed);
    Eigen::MatrixXd rennInputs(const data::Trajectory& tr, const std::string& where) const;  // standardised model inputs
    Eigen::MatrixXd initialStateFor(const Eigen::MatrixXd& U, const Eigen::MatrixXd* Y) const;
    void checkData(const data::Dataset& ds) const;

    // ---- training (ren_training.cpp) ----
    /// Standardisation from the training set, then fresh parameters from the seed.
    void prepareTraining(const data::Dataset& ds, const std::vector<const data::Trajectory*>& trainSet, std::uint64_t seed);
    /// "initial_state": "learned" outside observer mode: x₀ is trained with the parameters.
    bool learnsInitialState() const;
    /// The per-mode training problems; `parity` (non-null for "optimiser": "parity") scales each gradient by
    /// the decayed rate of its epoch.
    model::NnTrainingProblem observerProblem(const data::Dataset& ds, const model::TrainingSets& sets, const nn::StepDecayLr* parity);
    model::NnTrainingProblem simulationProblem(const data::Dataset& ds, const model::TrainingSets& sets, const nn::StepDecayLr* parity);
    model::TrainSummary trainEchoState(const data::Dataset& ds, const std::vector<const data::Trajectory*>& trainSet,
                                       const model::TrainRequest& request, const model::TrainCallback& onEpoch,
                                       const std::atomic<bool>& cancel);

    nlohmann::json hyper_;
    Mode mode_ = Mode::Simulation;
    bool baseline_ = false;
    bool r2dn_ = false;
    BaselineKind baselineKind_ = BaselineKind::Rnn;
    Eigen::Index hidden_ = 0;
    Eigen::Index nuData_ = 0, nyData_ = 0, nxData_ = 0;
    RenConfig config_;
    nn::ParameterSet params_;
    ad::Var x0_;                          ///< learned initial state (recurrentStateDim × 1)
    data::ChannelScaler inScale_, outScale_;
    bool trained_ = false;
    nlohmann::json training_;
    nlohmann::json sensitivity_;          ///< null, or {"observed": γ̲, "length", "iterations"}
};

}  // namespace sd::ren
