#pragma once
// Test-only model: ẋ = A x + B u, trained on (x, ẋ) samples by full-batch gradient descent on the mean
// squared derivative error (one step per epoch, so a run has many observable epochs) or solved at once by
// ridge least squares. Optionally exposes V(x) = ‖x‖² so the Lyapunov view can be tested, and shifts A by
// s·I after training ("eigen_shift") so sweeps can produce unverified certificates.
#include "core/model/model.h"

namespace sd::testing {

class LinearModel : public model::Model {
public:
    LinearModel(nlohmann::json hyper, model::ModelDims dims);

    std::unique_ptr<model::Model> clone() const override { return std::make_unique<LinearModel>(*this); }
    std::string pluginId() const override { return "test-linear"; }
    std::string variant() const override { return hyper_.value("solver", "gradient"); }
    const nlohmann::json& hyperparameters() const override { return hyper_; }
    model::ModelDims dims() const override { return dims_; }
    model::TrainSummary train(const data::Dataset& ds, const model::TrainRequest& request,
                              const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) override;
    bool isContinuous() const override { return true; }
    Eigen::MatrixXd field(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U) const override;
    model::Prediction predict(const data::Trajectory& tr) const override;
    bool hasLyapunov() const override { return hyper_.value("quadratic_v", false); }
    Eigen::RowVectorXd lyapunov(const Eigen::MatrixXd& X) const override;
    Eigen::MatrixXd lyapunovGradient(const Eigen::MatrixXd& X) const override;
    model::Certificate certify() const override;
    nlohmann::json toJson() const override;

    static std::unique_ptr<LinearModel> fromJson(const nlohmann::json& doc);
    Eigen::MatrixXd A, B;

private:
    nlohmann::json hyper_;
    model::ModelDims dims_;
    nlohmann::json training_;
};

nlohmann::json linearModelSchema();

}  // namespace sd::testing
