#include "core/autodiff/backward.h"

#include "core/autodiff/ops.h"
#include "core/common/error.h"

#include <unordered_map>
#include <utility>

namespace sd::ad {

// Friend of Node: owns the traversal and the leaf gradient storage.
class GradientEngine {
public:
    /// Nodes that require grad and are reachable from root, inputs before consumers.
    static std::vector<Node*> topologicalOrder(Node* root, std::unordered_map<const Node*, int>& index) {
        std::vector<Node*> order;
        std::vector<std::pair<Node*, std::size_t>> stack;
        index.clear();
        index.emplace(root, -1);
        stack.emplace_back(root, 0);
        // Iterative DFS: deep graphs (unrolled recurrences) must not overflow the call stack.
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next < node->inputs_.size()) {
                Node* child = node->inputs_[next++].node();
                if (child->requiresGrad_ && index.emplace(child, -1).second) stack.emplace_back(child, 0);
            } else {
                index[node] = static_cast<int>(order.size());
                order.push_back(node);
                stack.pop_back();
            }
        }
        return order;
    }

    /// needed[i]: node i lies on a path to one of `targets` (nullptr targets = every leaf).
    static std::vector<char> neededMask(const std::vector<Node*>& order, const std::vector<const Node*>* targets) {
        std::vector<char> needed(order.size(), 0);
        std::unordered_map<const Node*, int> pos;
        for (std::size_t i = 0; i < order.size(); ++i) pos.emplace(order[i], static_cast<int>(i));
        for (std::size_t i = 0; i < order.size(); ++i) {
            Node* n = order[i];
            bool isTarget = false;
            if (targets) {
                for (const Node* t : *targets) if (t == n) { isTarget = true; break; }
            } else {
                isTarget = n->isLeaf_;
            }
            bool viaInput = false;
            for (const Var& in : n->inputs_) {
                auto it = pos.find(in.node());
                if (it != pos.end() && needed[it->second]) { viaInput = true; break; }
            }
            needed[i] = isTarget || viaInput;
        }
        return needed;
    }

    /// Fast sweep. Returns the adjoint of every needed node (empty matrix where none arrived).
    static std::vector<MatrixXd> sweep(Node* root, const MatrixXd& seed, const std::vector<const Node*>* targets,
                                       std::vector<Node*>& order, std::unordered_map<const Node*, int>& index,
                                       bool keepOnlyTargets) {
        order = topologicalOrder(root, index);
        const std::vector<char> needed = neededMask(order, targets);
        std::vector<MatrixXd> adj(order.size());
        std::vector<char> touched(order.size(), 0);
        adj.back() = seed;
        touched.back() = 1;
        std::vector<MatrixXd*> ptrs;
        for (std::size_t k = order.size(); k-- > 0;) {
            Node* n = order[k];
            if (!touched[k] || !needed[k] || n->isLeaf_) continue;
            ptrs.assign(n->inputs_.size(), nullptr);
            bool any = false;
            for (std::size_t j = 0; j < n->inputs_.size(); ++j) {
                const Node* in = n->inputs_[j].node();
                if (!in->requiresGrad_) continue;
                const int p = index.at(in);
                if (!needed[p]) continue;
                if (!touched[p]) {
                    adj[p].setZero(in->value_.rows(), in->value_.cols());
                    touched[p] = 1;
                }
                ptrs[j] = &adj[p];
                any = true;
            }
            if (any) n->backward(adj[k], ptrs);
            if (keepOnlyTargets) adj[k] = MatrixXd();  // free intermediates early
        }
        return adj;
    }

    static void backwardInto(const Var& output, const MatrixXd& seed) {
        if (!output.requiresGrad())
            throw Error("ad::backward", "the output does not depend on any tensor that requires gradients");
        std::vector<Node*> order;
        std::unordered_map<const Node*, int> index;
        std::vector<MatrixXd> adj = sweep(output.node(), seed, nullptr, order, index, true);
        for (std::size_t k = 0; k < order.size(); ++k) {
            Node* n = order[k];
            if (!n->isLeaf_ || adj[k].size() == 0) continue;
            if (n->grad_.rows() != adj[k].rows() || n->grad_.cols() != adj[k].cols()) n->grad_ = std::move(adj[k]);
            else n->grad_ += adj[k];
        }
    }

    static std::vector<Var> gradFast(const Var& output, const std::vector<Var>& inputs, const MatrixXd& seed) {
        std::vector<const Node*> targets;
        for (const Var& v : inputs) targets.push_back(v.node());
        std::vector<Node*> order;
        std::unordered_map<const Node*, int> index;
        std::vector<MatrixXd> adj = sweep(output.node(), seed, &targets, order, index, false);
        std::vector<Var> result;
        for (const Var& v : inputs) {
            auto it = index.find(v.node());
            if (it != index.end() && it->second >= 0 && adj[it->second].size() == v.value().size() &&
                adj[it->second].rows() == v.rows())
                result.push_back(Var::constant(adj[it->second]));
            else
                result.push_back(Var::constant(MatrixXd::Zero(v.rows(), v.cols())));
        }
        return result;
    }

    static std::vector<Var> gradGraph(const Var& output, const std::vector<Var>& inputs, const Var& seed) {
        std::vector<const Node*> targets;
        for (const Var& v : inputs) targets.push_back(v.node());
        std::unordered_map<const Node*, int> index;
        const std::vector<Node*> order = topologicalOrder(output.node(), index);
        const std::vector<char> needed = neededMask(order, &targets);
        std::vector<Var> adj(order.size());
        adj.back() = seed;
        for (std::size_t k = order.size(); k-- > 0;) {
            Node* n = order[k];
            if (!adj[k].defined() || !needed[k] || n->isLeaf_) continue;
            const Var self(n->shared_from_this());
            const std::vector<Var> g = n->backwardGraph(self, adj[k]);
            for (std::size_t j = 0; j < n->inputs_.size() && j < g.size(); ++j) {
                const Node* in = n->inputs_[j].node();
                if (!g[j].defined() || !in->requiresGrad_) continue;
                const int p = index.at(in);
                if (!needed[p]) continue;
                adj[p] = adj[p].defined() ? add(adj[p], g[j]) : g[j];
            }
            bool isTarget = false;
            for (const Node* t : targets) if (t == n) isTarget = true;
            if (!isTarget) adj[k] = Var();
        }
        std::vector<Var> result;
        for (const Var& v : inputs) {
            auto it = index.find(v.node());
            if (it != index.end() && it->second >= 0 && adj[it->second].defined()) result.push_back(adj[it->second]);
            else result.push_back(Var::constant(MatrixXd::Zero(v.rows(), v.cols())));
        }
        return result;
    }
};

void backward(const Var& loss) {
    if (!loss.defined()) throw Error("ad::backward", "undefined loss");
    if (loss.rows() != 1 || loss.cols() != 1)
        throw Error("ad::backward", "loss must be 1x1, got " + shapeString(loss.value()) + " (pass a seed for non-scalar outputs)");
    GradientEngine::backwardInto(loss, MatrixXd::Ones(1, 1));
}

void backward(const Var& output, const MatrixXd& seed) {
    if (!output.defined()) throw Error("ad::backward", "undefined output");
    if (seed.rows() != output.rows() || seed.cols() != output.cols())
        throw Error("ad::backward", "seed shape " + shapeString(seed) + " differs from output " + shapeString(output.value()));
    GradientEngine::backwardInto(output, seed);
}

std::vector<Var> grad(const Var& output, const std::vector<Var>& inputs, bool createGraph, const Var& seed) {
    if (!output.defined()) throw Error("ad::grad", "undefined output");
    for (const Var& v : inputs)
        if (!v.defined()) throw Error("ad::grad", "undefined input");
    if (seed.defined() && (seed.rows() != output.rows() || seed.cols() != output.cols()))
        throw Error("ad::grad", "seed shape " + shapeString(seed.value()) + " differs from output " + shapeString(output.value()));
    if (!output.requiresGrad()) {
        std::vector<Var> zeros;
        for (const Var& v : inputs) zeros.push_back(Var::constant(MatrixXd::Zero(v.rows(), v.cols())));
        return zeros;
    }
    if (createGraph) {
        const Var s = seed.defined() ? seed : Var::constant(MatrixXd::Ones(output.rows(), output.cols()));
        return GradientEngine::gradGraph(output, inputs, s);
    }
    return GradientEngine::gradFast(output, inputs,
                                    seed.defined() ? seed.value() : MatrixXd::Ones(output.rows(), output.cols()));
}

Var grad(const Var& output, const Var& input, bool createGraph, const Var& seed) {
    return grad(output, std::vector<Var>{input}, createGraph, seed)[0];
}

}  // namespace sd::ad
