#include "core/nn/optimizer.h"

#include "core/common/error.h"
#include "core/nn/adam.h"
#include "core/nn/sgd.h"

#include <cmath>

namespace sd::nn {

Optimizer::Optimizer(std::vector<ad::Var> parameters, double learningRate)
    : params_(std::move(parameters)), lr_(learningRate) {
    for (const ad::Var& p : params_)
        if (!p.defined() || !p.isLeaf()) throw Error("nn::Optimizer", "parameters must be leaf Vars");
    if (!(learningRate >= 0)) throw Error("nn::Optimizer", "learning rate must be >= 0, got " + std::to_string(learningRate));
}

void Optimizer::zeroGrad() const {
    for (const ad::Var& p : params_) p.zeroGrad();
}

// ---- Adam -------------------------------------------------------------------------------------------

Adam::Adam(std::vector<ad::Var> parameters, AdamOptions o) : Optimizer(std::move(parameters), o.learningRate), opt_(o) {
    if (!(o.beta1 >= 0 && o.beta1 < 1) || !(o.beta2 >= 0 && o.beta2 < 1))
        throw Error("nn::Adam", "betas must lie in [0, 1)");
    if (!(o.eps >= 0) || !(o.weightDecay >= 0)) throw Error("nn::Adam", "eps and weight decay must be >= 0");
    reset();
}

void Adam::reset() {
    t_ = 0;
    m_.clear();
    v_.clear();
    for (const ad::Var& p : params_) {
        m_.push_back(Eigen::MatrixXd::Zero(p.rows(), p.cols()));
        v_.push_back(Eigen::MatrixXd::Zero(p.rows(), p.cols()));
    }
}

void Adam::step() {
    ++t_;
    const double bc1 = 1.0 - std::pow(opt_.beta1, static_cast<double>(t_));
    const double bc2 = 1.0 - std::pow(opt_.beta2, static_cast<double>(t_));
    const double stepSize = lr_ / bc1;
    const double sqrtBc2 = std::sqrt(bc2);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Eigen::MatrixXd& theta = params_[i].mutableValue();
        const Eigen::MatrixXd& grad = params_[i].grad();
        auto m = m_[i].array();
        auto v = v_[i].array();
        if (opt_.weightDecay != 0.0) {
            const Eigen::ArrayXXd g = grad.array() + opt_.weightDecay * theta.array();
            m = opt_.beta1 * m + (1.0 - opt_.beta1) * g;
            v = opt_.beta2 * v + (1.0 - opt_.beta2) * g.square();
        } else {
            m = opt_.beta1 * m + (1.0 - opt_.beta1) * grad.array();
            v = opt_.beta2 * v + (1.0 - opt_.beta2) * grad.array().square();
        }
        theta.array() -= stepSize * m / (v.sqrt() / sqrtBc2 + opt_.eps);
    }
}

// ---- SGD --------------------------------------------------------------------------------------------

Sgd::Sgd(std::vector<ad::Var> parameters, SgdOptions o) : Optimizer(std::move(parameters), o.learningRate), opt_(o) {
    if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
        throw Error("nn::Sgd", "nesterov momentum requires momentum > 0 and zero dampening");
    reset();
}

void Sgd::reset() {
    started_ = false;
    buf_.clear();
    for (const ad::Var& p : params_) buf_.push_back(Eigen::MatrixXd::Zero(p.rows(), p.cols()));
}

void Sgd::step() {
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Eigen::MatrixXd& theta = params_[i].mutableValue();
        Eigen::MatrixXd d = params_[i].grad();
        if (opt_.weightDecay != 0.0) d += opt_.weightDecay * theta;
        if (opt_.momentum != 0.0) {
            if (!started_) buf_[i] = d;
            else buf_[i] = opt_.momentum * buf_[i] + (1.0 - opt_.dampening) * d;
            if (opt_.nesterov) d += opt_.momentum * buf_[i];
            else d = buf_[i];
        }
        theta -= lr_ * d;
    }
    started_ = true;
}

}  // namespace sd::nn
