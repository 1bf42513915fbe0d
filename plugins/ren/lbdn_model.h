#pragma once
// LbdnModel — the ren plugin's feed-forward model class (`model_class = lbdn`, docs/methods/ren.md §12): a
// Lipschitz-bounded deep network (lbdn.h) applied at every time step to a window of the last `lbdn_window`
// standardised inputs (zero before the start), y_t = f(u_t, u_{t−1}, …, u_{t−k+1}). Memoryless for k = 1.
//
// Guarantee, for every parameter value: ‖f(a) − f(b)‖ ≤ γ‖a − b‖ (γ = lbdn_gamma, standardised units), hence
// for whole sequences ‖Δy‖_ℓ² ≤ γ√k‖Δu‖_ℓ². certify() recomputes from the parameters: the Cayley
// orthogonality of every layer, sampled difference quotients and Jacobian norms against γ (their maxima
// are the observed sensitivity), finiteness. Nothing is read back from a file.
// Trained by minibatch Adam on the per-step MSE of the standardised outputs.
#include "core/data/normalization.h"
#include "core/model/model.h"
#include "plugins/ren/lbdn.h"

#include <nlohmann/json.hpp>

namespace sd::ren {

class LbdnModel final : public model::Model {
public:
    /// `hyper` validated against the ren schema with model_class = "lbdn". Throws sd::Error for data without
    /// inputs or outputs.
    LbdnModel(nlohmann::json hyper, const data::DatasetInfo& info);
    LbdnModel(const LbdnModel& other);
    LbdnModel& operator=(const LbdnModel&) = delete;
    static std::unique_ptr<LbdnModel> fromJson(const nlohmann::json& doc);
    /// True when `doc` is an LBDN document: hyperparameters.model_class is the string "lbdn". Anything else
    /// (absent, another class, not a string) is left to RenModel::fromJson, whose validation names the field.
    static bool describes(const nlohmann::json& doc);

    std::unique_ptr<model::Model> clone() const override { return std::make_unique<LbdnModel>(*this); }
    std::string pluginId() const override;
    std::string variant() const override { return "lbdn"; }
    const nlohmann::json& hyperparameters() const override { return hyper_; }
    model::ModelDims dims() const override { return {0, nu_, ny_}; }

    model::TrainSummary train(const data::Dataset& ds, const model::TrainRequest& request,
                              const model::TrainCallback& onEpoch, const std::atomic<bool>& cancel) override;
    bool isContinuous() const override { return false; }
    /// y (ny×K, data units) for tr.u; x has zero rows.
    model::Prediction predict(const data::Trajectory& tr) const override;
    /// Kind Lipschitz, lipschitzBound = γ (the per-step map), observedSensitivity = the largest sampled
    /// difference quotient; details below.
    model::Certificate certify() const override;
    nlohmann::json toJson() const override;

    // ---- inspection (tests, benchmarks) ----
    const Lbdn& network() const { return net_; }
    Eigen::Index window() const { return window_; }
    /// The network inputs (nu·k × K, standardised) of an input sequence in data units.
    Eigen::MatrixXd windowedInputs(const Eigen::MatrixXd& u) const;

private:
    void initialise(std::uint64_t seed);

    nlohmann::json hyper_;
    Eigen::Index nu_ = 0, ny_ = 0, window_ = 1;
    Lbdn net_;
    data::ChannelScaler inScale_, outScale_;
    bool trained_ = false;
    nlohmann::json training_;
};

/// Windowed inputs of a standardised sequence U (nu×K): column t stacks u_t, u_{t−1}, …, u_{t−k+1} (zeros before 0).
Eigen::MatrixXd stackWindow(const Eigen::MatrixXd& U, Eigen::Index window);

}  // namespace sd::ren
