#pragma once
// sd::nn::ParameterSet — an ordered, named list of trainable leaves (for optimisers, snapshots, export).
//
// Entries share their nodes with the layers they came from: set() and unflatten() change the layer.
// Names are dot-separated paths ("fhat.0.weight", "V.U1"), unique within a set.
#include "core/autodiff/var.h"

#include <Eigen/Core>
#include <string>
#include <vector>

namespace sd::nn {

struct NamedParameter {
    std::string name;
    ad::Var var;
};

class ParameterSet {
public:
    /// Adds a trainable leaf. Throws sd::Error on a duplicate name or a Var that is not a leaf.
    void add(const std::string& name, const ad::Var& parameter);
    /// Adds every entry of other as "<prefix>.<name>" (plain name if prefix is empty).
    void append(const std::string& prefix, const ParameterSet& other);

    std::size_t size() const { return entries_.size(); }
    const std::vector<NamedParameter>& entries() const { return entries_; }
    std::vector<std::string> names() const;
    /// The Vars in order (what optimisers take).
    std::vector<ad::Var> vars() const;
    bool contains(const std::string& name) const;

    /// The named parameter; throws sd::Error("ParameterSet: <name>", "no such parameter") if absent.
    const ad::Var& var(const std::string& name) const;
    const Eigen::MatrixXd& get(const std::string& name) const { return var(name).value(); }
    /// Replaces a value; the shape must match exactly (sd::Error naming both shapes otherwise).
    void set(const std::string& name, const Eigen::MatrixXd& value) const;

    /// Total number of scalars.
    Eigen::Index totalSize() const;
    /// All values, each column-major, concatenated in entry order.
    Eigen::VectorXd flatten() const;
    /// Inverse of flatten(); throws sd::Error if the length differs from totalSize().
    void unflatten(const Eigen::VectorXd& flat) const;
    /// Same layout as flatten(), for gradients.
    Eigen::VectorXd flattenGradients() const;

    /// Deep copies of all values (a snapshot) and their restoration (shapes must match).
    std::vector<Eigen::MatrixXd> snapshot() const;
    void restore(const std::vector<Eigen::MatrixXd>& values) const;

    void zeroGrad() const;
    /// True if every value is finite.
    bool allFinite() const;

private:
    std::vector<NamedParameter> entries_;
};

}  // namespace sd::nn
