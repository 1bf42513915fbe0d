#include "core/nn/parameters.h"

#include "core/common/error.h"

namespace sd::nn {

void ParameterSet::add(const std::string& name, const ad::Var& parameter) {
    if (name.empty()) throw Error("ParameterSet", "empty parameter name");
    if (!parameter.defined() || !parameter.isLeaf())
        throw Error("ParameterSet: " + name, "a parameter must be a leaf Var");
    if (contains(name)) throw Error("ParameterSet: " + name, "duplicate parameter name");
    entries_.push_back({name, parameter});
}

void ParameterSet::append(const std::string& prefix, const ParameterSet& other) {
    for (const auto& e : other.entries_) add(prefix.empty() ? e.name : prefix + "." + e.name, e.var);
}

std::vector<std::string> ParameterSet::names() const {
    std::vector<std::string> n;
    for (const auto& e : entries_) n.push_back(e.name);
    return n;
}

std::vector<ad::Var> ParameterSet::vars() const {
    std::vector<ad::Var> v;
    for (const auto& e : entries_) v.push_back(e.var);
    return v;
}

bool ParameterSet::contains(const std::string& name) const {
    for (const auto& e : entries_)
        if (e.name == name) return true;
    return false;
}

const ad::Var& ParameterSet::var(const std::string& name) const {
    for (const auto& e : entries_)
        if (e.name == name) return e.var;
    throw Error("ParameterSet: " + name, "no such parameter");
}

void ParameterSet::set(const std::string& name, const Eigen::MatrixXd& value) const {
    const ad::Var& v = var(name);
    if (v.rows() != value.rows() || v.cols() != value.cols())
        throw Error("ParameterSet: " + name,
                    "expected shape " + ad::shapeString(v.value()) + ", got " + ad::shapeString(value));
    v.mutableValue() = value;
}

Eigen::Index ParameterSet::totalSize() const {
    Eigen::Index n = 0;
    for (const auto& e : entries_) n += e.var.value().size();
    return n;
}

Eigen::VectorXd ParameterSet::flatten() const {
    Eigen::VectorXd flat(totalSize());
    Eigen::Index off = 0;
    for (const auto& e : entries_) {
        const auto& m = e.var.value();
        flat.segment(off, m.size()) = m.reshaped();
        off += m.size();
    }
    return flat;
}

Eigen::VectorXd ParameterSet::flattenGradients() const {
    Eigen::VectorXd flat(totalSize());
    Eigen::Index off = 0;
    for (const auto& e : entries_) {
        const auto& g = e.var.grad();
        flat.segment(off, g.size()) = g.reshaped();
        off += g.size();
    }
    return flat;
}

void ParameterSet::unflatten(const Eigen::VectorXd& flat) const {
    if (flat.size() != totalSize())
        throw Error("ParameterSet::unflatten", "expected " + std::to_string(totalSize()) + " values, got " +
                                                   std::to_string(flat.size()));
    Eigen::Index off = 0;
    for (const auto& e : entries_) {
        auto& m = e.var.mutableValue();
        m.reshaped() = flat.segment(off, m.size());
        off += m.size();
    }
}

std::vector<Eigen::MatrixXd> ParameterSet::snapshot() const {
    std::vector<Eigen::MatrixXd> s;
    s.reserve(entries_.size());
    for (const auto& e : entries_) s.push_back(e.var.value());
    return s;
}

void ParameterSet::restore(const std::vector<Eigen::MatrixXd>& values) const {
    if (values.size() != entries_.size())
        throw Error("ParameterSet::restore", "expected " + std::to_string(entries_.size()) + " matrices, got " +
                                                 std::to_string(values.size()));
    for (std::size_t i = 0; i < values.size(); ++i) set(entries_[i].name, values[i]);
}

void ParameterSet::zeroGrad() const {
    for (const auto& e : entries_) e.var.zeroGrad();
}

bool ParameterSet::allFinite() const {
    for (const auto& e : entries_)
        if (!e.var.value().allFinite()) return false;
    return true;
}

}  // namespace sd::nn
