#pragma once
// OpInfModel — a quadratic control model ẋ = c + A x̂ + H(x̂⊗x̂) + B u learned by operator inference,
// optionally in a POD basis (x ≈ V x̂). This file holds the least-squares variant; the stable variant
// (issue "stable-opinf, variant stable") extends the same model.
#include "core/model/model.h"
#include "plugins/stable-opinf/quadratic_operators.h"

#include <nlohmann/json.hpp>

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

    bool isContinuous() const override { return true; }
    /// ẋ in the data coordinates: V f(Vᵀ X, U) with a basis, f(X, U) without.
    Eigen::MatrixXd field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const override;
    model::Prediction predict(const data::Trajectory& tr) const override;
    nlohmann::json certificate() const override;
    nlohmann::json toJson() const override;

    // ---- inspection (CLI, tests, certificate tab) ----
    bool isTrained() const { return trained_; }
    const QuadraticOperators& operators() const { return ops_; }
    const Eigen::MatrixXd& basis() const { return basis_; }      ///< N×r, empty without POD
    Eigen::Index reducedDim() const { return ops_.r; }

private:
    void requireTrained(const char* what) const;
    /// Data-coordinates → reduced coordinates.
    Eigen::MatrixXd reduce(const Eigen::MatrixXd& X) const;
    Eigen::MatrixXd lift(const Eigen::MatrixXd& Xhat) const;

    nlohmann::json hyper_;
    Eigen::Index fullDim_ = 0, inputDim_ = 0;
    bool trained_ = false;
    QuadraticOperators ops_;
    Eigen::MatrixXd basis_;
    nlohmann::json training_;        ///< training record (null until trained)
};

}  // namespace sd::opinf
