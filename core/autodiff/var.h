#pragma once
// sd::ad::Var and sd::ad::Node — the reverse-mode automatic-differentiation graph.
//
// A Var is a cheap, shared handle to a Node. Every node holds one Eigen::MatrixXd value, computed
// eagerly when the node is built (define-by-run), and the Vars it was computed from. A batch of
// vectors is the COLUMNS of one matrix (x is n×B). Gradients flow back with backward()/grad()
// (backward.h).
//
// Extending the engine: derive from Node, compute the value in the constructor, and override
//   * backward()      — the fast pure-Eigen adjoint (used when create_graph is false), and/or
//   * backwardGraph() — the adjoint written with ops on Vars (used when create_graph is true; this is
//                       what makes second-order derivatives possible).
// Overriding only backwardGraph() gives both (the default backward() evaluates it without tracking).
// Overriding only backward() gives first-order gradients; create_graph then throws sd::Error.
// Build the node with makeVar<MyNode>(args...).
#include <Eigen/Core>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sd::ad {

using Eigen::Index;
using Eigen::MatrixXd;

class Node;

/// Handle to a graph node. Copying a Var shares the node; a default-constructed Var is undefined.
/// Like a shared_ptr, a const Var still gives mutable access to a leaf's value and gradient.
class Var {
public:
    Var() = default;
    explicit Var(std::shared_ptr<Node> node) : node_(std::move(node)) {}

    /// A leaf that never receives gradients.
    static Var constant(MatrixXd value);
    /// A trainable leaf: requiresGrad() is true and grad() accumulates over backward() calls
    /// (zero-initialised, reset with zeroGrad()).
    static Var parameter(MatrixXd value);
    /// A leaf with explicit gradient tracking (e.g. an input x whose ∇ₓ is needed).
    static Var leaf(MatrixXd value, bool requiresGrad);
    /// Constant 1×1.
    static Var scalar(double v);

    bool defined() const { return static_cast<bool>(node_); }
    const MatrixXd& value() const;
    Index rows() const { return value().rows(); }
    Index cols() const { return value().cols(); }
    /// The single entry of a 1×1 value; throws sd::Error otherwise.
    double item() const;
    bool requiresGrad() const;
    bool isLeaf() const;

    /// Leaf only: the stored value, for optimisers and parameter loading. Changing its shape also
    /// resets the gradient. Throws sd::Error on an op node.
    MatrixXd& mutableValue() const;
    /// Leaf only: accumulated gradient (same shape as value; zeros until a backward() reaches it).
    const MatrixXd& grad() const;
    MatrixXd& mutableGrad() const;
    void zeroGrad() const;

    /// A constant holding a copy of the value (cuts the graph).
    Var detach() const { return constant(value()); }

    Node* node() const { return node_.get(); }
    const std::shared_ptr<Node>& shared() const { return node_; }

private:
    friend class Node;
    std::shared_ptr<Node> node_;
};

/// Base class of every graph node (built-in ops and user-defined custom nodes).
class Node : public std::enable_shared_from_this<Node> {
public:
    /// Op node: requiresGrad() is true iff some input requires it and no NoGradGuard is active.
    Node(std::vector<Var> inputs, MatrixXd value);
    /// Releases long input chains iteratively (no recursion depth limit for unrolled graphs).
    virtual ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    /// Short op name for error messages ("matmul", "solve", "ren-equilibrium").
    virtual const char* name() const = 0;

    /// Fast adjoint: for every i with gradInputs[i] != nullptr, adds ∂L/∂inputs[i] (given
    /// gradOutput = ∂L/∂value) into *gradInputs[i], which is already sized like inputs[i].
    /// Null entries are inputs that need no gradient; skip them.
    virtual void backward(const MatrixXd& gradOutput, std::span<MatrixXd* const> gradInputs) const;

    /// Differentiable adjoint: returns one Var per input (undefined Var = no gradient) with
    /// ∂L/∂inputs[i], built from ops on `gradOutput` and on `self` (the Var of this node) and inputs.
    virtual std::vector<Var> backwardGraph(const Var& self, const Var& gradOutput) const;

    const MatrixXd& value() const { return value_; }
    const std::vector<Var>& inputs() const { return inputs_; }
    bool requiresGrad() const { return requiresGrad_; }
    bool isLeaf() const { return isLeaf_; }

protected:
    struct LeafTag {};
    Node(LeafTag, MatrixXd value, bool requiresGrad);

    MatrixXd value_;
    std::vector<Var> inputs_;
    bool requiresGrad_ = false;

private:
    friend class Var;
    friend class GradientEngine;
    bool isLeaf_ = false;
    MatrixXd grad_;  // leaves with requiresGrad only
};

/// Builds a node of type N (a Node subclass) and returns its Var.
template <class N, class... Args>
Var makeVar(Args&&... args) {
    return Var(std::make_shared<N>(std::forward<Args>(args)...));
}

/// While alive on this thread, new op nodes do not track gradients (evaluation without graph cost).
class NoGradGuard {
public:
    NoGradGuard();
    ~NoGradGuard();
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;
    /// True while some NoGradGuard is alive on this thread.
    static bool active();

private:
    bool previous_;
};

/// "3x4" — for shape messages.
std::string shapeString(const MatrixXd& m);
std::string shapeString(Index rows, Index cols);

}  // namespace sd::ad
