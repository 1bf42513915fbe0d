#include "core/autodiff/var.h"

#include "core/common/error.h"

namespace sd::ad {

namespace {

thread_local bool tNoGrad = false;

class LeafNode final : public Node {
public:
    LeafNode(MatrixXd value, bool requiresGrad) : Node(LeafTag{}, std::move(value), requiresGrad) {}
    const char* name() const override { return "leaf"; }
    void backward(const MatrixXd&, std::span<MatrixXd* const>) const override {}
    std::vector<Var> backwardGraph(const Var&, const Var&) const override { return {}; }
};

}  // namespace

// ---- Var ------------------------------------------------------------------------------------------

Var Var::constant(MatrixXd value) { return makeVar<LeafNode>(std::move(value), false); }
Var Var::parameter(MatrixXd value) { return makeVar<LeafNode>(std::move(value), true); }
Var Var::leaf(MatrixXd value, bool requiresGrad) { return makeVar<LeafNode>(std::move(value), requiresGrad); }
Var Var::scalar(double v) { return constant(MatrixXd::Constant(1, 1, v)); }

const MatrixXd& Var::value() const {
    if (!node_) throw Error("ad::Var", "use of an undefined Var");
    return node_->value_;
}

double Var::item() const {
    const MatrixXd& v = value();
    if (v.rows() != 1 || v.cols() != 1) throw Error("ad::Var::item", "expected a 1x1 value, got " + shapeString(v));
    return v(0, 0);
}

bool Var::requiresGrad() const { return node_ && node_->requiresGrad_; }
bool Var::isLeaf() const { return node_ && node_->isLeaf_; }

MatrixXd& Var::mutableValue() const {
    if (!node_) throw Error("ad::Var::mutableValue", "undefined Var");
    if (!node_->isLeaf_) throw Error("ad::Var::mutableValue", std::string("not a leaf (op ") + node_->name() + ")");
    return node_->value_;
}

const MatrixXd& Var::grad() const {
    if (!node_ || !node_->isLeaf_) throw Error("ad::Var::grad", "gradients are stored on leaves only");
    auto& n = *node_;
    if (n.grad_.rows() != n.value_.rows() || n.grad_.cols() != n.value_.cols())
        n.grad_.setZero(n.value_.rows(), n.value_.cols());
    return n.grad_;
}

MatrixXd& Var::mutableGrad() const {
    grad();  // sizes it
    return node_->grad_;
}

void Var::zeroGrad() const { mutableGrad().setZero(); }

// ---- Node -----------------------------------------------------------------------------------------

Node::Node(std::vector<Var> inputs, MatrixXd value) : value_(std::move(value)), inputs_(std::move(inputs)) {
    if (!tNoGrad)
        for (const Var& in : inputs_)
            if (in.requiresGrad()) { requiresGrad_ = true; break; }
}

Node::Node(LeafTag, MatrixXd value, bool requiresGrad)
    : value_(std::move(value)), requiresGrad_(requiresGrad), isLeaf_(true) {
    if (requiresGrad) grad_.setZero(value_.rows(), value_.cols());
}

Node::~Node() {
    // Steal inputs that would die with this node, so destroying a 10⁵-deep chain does not recurse.
    std::vector<std::shared_ptr<Node>> pending;
    const auto release = [&pending](std::vector<Var>& inputs) {
        for (Var& v : inputs)
            if (v.node_ && v.node_.use_count() == 1) pending.push_back(std::move(v.node_));
    };
    release(inputs_);
    while (!pending.empty()) {
        std::shared_ptr<Node> n = std::move(pending.back());
        pending.pop_back();
        release(n->inputs_);
    }
}

void Node::backward(const MatrixXd& gradOutput, std::span<MatrixXd* const> gradInputs) const {
    // Default: evaluate the graph adjoint on constants, without building a tracked graph.
    NoGradGuard noGrad;
    auto self = std::const_pointer_cast<Node>(shared_from_this());
    const std::vector<Var> g = backwardGraph(Var(self), Var::constant(gradOutput));
    for (std::size_t i = 0; i < gradInputs.size(); ++i)
        if (gradInputs[i] && i < g.size() && g[i].defined()) *gradInputs[i] += g[i].value();
}

std::vector<Var> Node::backwardGraph(const Var&, const Var&) const {
    throw Error(std::string("ad::") + name(), "this op has no differentiable backward (create_graph unsupported)");
}

// ---- NoGradGuard ----------------------------------------------------------------------------------

NoGradGuard::NoGradGuard() : previous_(tNoGrad) { tNoGrad = true; }
NoGradGuard::~NoGradGuard() { tNoGrad = previous_; }
bool NoGradGuard::active() { return tNoGrad; }

std::string shapeString(Index rows, Index cols) { return std::to_string(rows) + "x" + std::to_string(cols); }
std::string shapeString(const MatrixXd& m) { return shapeString(m.rows(), m.cols()); }

}  // namespace sd::ad
