#include "core/data/normalization.h"

#include "core/common/error.h"

#include <cmath>
#include <limits>

namespace sd::data {

using nlohmann::json;

std::string toString(NormalizationKind k) {
    switch (k) {
        case NormalizationKind::None: return "none";
        case NormalizationKind::Standard: return "standard";
        case NormalizationKind::MinMax: return "minmax";
    }
    return "none";
}

NormalizationKind normalizationKindFromString(const std::string& s, const std::string& where) {
    if (s == "none") return NormalizationKind::None;
    if (s == "standard") return NormalizationKind::Standard;
    if (s == "minmax") return NormalizationKind::MinMax;
    throw Error(where, "unknown normalisation \"" + s + "\" (expected none, standard or minmax)");
}

ChannelScaler ChannelScaler::identity(Eigen::Index n) {
    ChannelScaler s;
    s.offset = Eigen::VectorXd::Zero(n);
    s.scale = Eigen::VectorXd::Ones(n);
    return s;
}

ChannelScaler ChannelScaler::fit(const std::vector<const Eigen::MatrixXd*>& data, NormalizationKind kind) {
    Eigen::Index n = -1, count = 0;
    for (const auto* m : data) {
        if (m->rows() == 0) continue;
        if (n >= 0 && m->rows() != n)
            throw Error("normalisation", "channel counts differ between trajectories (" + std::to_string(n) + " vs " +
                                             std::to_string(m->rows()) + ")");
        n = m->rows();
        count += m->cols();
    }
    if (n < 0) return ChannelScaler{kind, {}, {}};
    ChannelScaler s = identity(n);
    s.kind = kind;
    if (kind == NormalizationKind::None) return s;
    if (count == 0) throw Error("normalisation", "no samples to fit on");
    if (kind == NormalizationKind::Standard) {
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(n);
        for (const auto* m : data)
            if (m->rows()) sum += m->rowwise().sum();
        s.offset = sum / static_cast<double>(count);
        Eigen::VectorXd sq = Eigen::VectorXd::Zero(n);   // two-pass for accuracy
        for (const auto* m : data)
            if (m->rows()) sq += (m->colwise() - s.offset).array().square().matrix().rowwise().sum();
        s.scale = (sq / static_cast<double>(count)).array().sqrt();
    } else {
        Eigen::VectorXd lo = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
        Eigen::VectorXd hi = -lo;
        for (const auto* m : data)
            if (m->rows() && m->cols()) {
                lo = lo.cwiseMin(m->rowwise().minCoeff());
                hi = hi.cwiseMax(m->rowwise().maxCoeff());
            }
        s.offset = lo;
        s.scale = hi - lo;
    }
    for (Eigen::Index i = 0; i < n; ++i)
        if (!(s.scale(i) > 0.0) || !std::isfinite(s.scale(i))) s.scale(i) = 1.0;
    return s;
}

namespace {
void checkRows(const ChannelScaler& s, const Eigen::MatrixXd& m) {
    if (m.rows() != s.offset.size())
        throw Error("normalisation", "data has " + std::to_string(m.rows()) + " channels, the normalisation " +
                                         std::to_string(s.offset.size()));
}
}  // namespace

Eigen::MatrixXd ChannelScaler::apply(const Eigen::MatrixXd& v) const {
    if (v.rows() == 0) return v;
    checkRows(*this, v);
    return (v.colwise() - offset).array().colwise() / scale.array();
}
Eigen::MatrixXd ChannelScaler::invert(const Eigen::MatrixXd& z) const {
    if (z.rows() == 0) return z;
    checkRows(*this, z);
    return (z.array().colwise() * scale.array()).matrix().colwise() + offset;
}
Eigen::MatrixXd ChannelScaler::applyToRate(const Eigen::MatrixXd& r) const {
    if (r.rows() == 0) return r;
    checkRows(*this, r);
    return r.array().colwise() / scale.array();
}
Eigen::MatrixXd ChannelScaler::invertRate(const Eigen::MatrixXd& r) const {
    if (r.rows() == 0) return r;
    checkRows(*this, r);
    return r.array().colwise() * scale.array();
}

json ChannelScaler::toJson() const {
    json j;
    j["kind"] = toString(kind);
    j["offset"] = std::vector<double>(offset.data(), offset.data() + offset.size());
    j["scale"] = std::vector<double>(scale.data(), scale.data() + scale.size());
    return j;
}

ChannelScaler ChannelScaler::fromJson(const json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where, "expected an object with kind, offset, scale");
    ChannelScaler s;
    if (!j.contains("kind") || !j.at("kind").is_string()) throw Error(where + ".kind", "missing or not a string");
    s.kind = normalizationKindFromString(j.at("kind").get<std::string>(), where + ".kind");
    auto vec = [&](const char* key) {
        const std::string field = where + "." + key;
        if (!j.contains(key) || !j.at(key).is_array()) throw Error(field, "missing or not an array");
        const json& a = j.at(key);
        Eigen::VectorXd v(static_cast<Eigen::Index>(a.size()));
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!a[i].is_number()) throw Error(field + "[" + std::to_string(i) + "]", "expected a number");
            v(static_cast<Eigen::Index>(i)) = a[i].get<double>();
            if (!std::isfinite(v(static_cast<Eigen::Index>(i))))
                throw Error(field + "[" + std::to_string(i) + "]", "expected a finite number");
        }
        return v;
    };
    s.offset = vec("offset");
    s.scale = vec("scale");
    if (s.offset.size() != s.scale.size())
        throw Error(where + ".scale", "has " + std::to_string(s.scale.size()) + " entries, offset has " +
                                          std::to_string(s.offset.size()));
    for (Eigen::Index i = 0; i < s.scale.size(); ++i)
        if (!(s.scale(i) > 0.0)) throw Error(where + ".scale[" + std::to_string(i) + "]", "must be > 0");
    return s;
}

DatasetNormalization DatasetNormalization::fit(const Dataset& ds, NormalizationKind kind, const std::string& splitName) {
    const auto trajs = ds.split(splitName, true);
    std::vector<const Eigen::MatrixXd*> xs, us, ys;
    for (const auto* tr : trajs) {
        xs.push_back(&tr->x);
        us.push_back(&tr->u);
        ys.push_back(&tr->y);
    }
    DatasetNormalization n;
    n.state = ChannelScaler::fit(xs, kind);
    n.input = ChannelScaler::fit(us, kind);
    n.output = ChannelScaler::fit(ys, kind);
    return n;
}

void DatasetNormalization::apply(Trajectory& tr) const {
    if (!state.empty()) {
        tr.x = state.apply(tr.x);
        tr.dxdt = state.applyToRate(tr.dxdt);
    }
    if (!input.empty()) tr.u = input.apply(tr.u);
    if (!output.empty()) tr.y = output.apply(tr.y);
}

void DatasetNormalization::invert(Trajectory& tr) const {
    if (!state.empty()) {
        tr.x = state.invert(tr.x);
        tr.dxdt = state.invertRate(tr.dxdt);
    }
    if (!input.empty()) tr.u = input.invert(tr.u);
    if (!output.empty()) tr.y = output.invert(tr.y);
}

void DatasetNormalization::apply(Dataset& ds) const {
    for (auto& tr : ds.trajectories) apply(tr);
}
void DatasetNormalization::invert(Dataset& ds) const {
    for (auto& tr : ds.trajectories) invert(tr);
}

json DatasetNormalization::toJson() const {
    json j = json::object();
    if (!state.empty()) j["state"] = state.toJson();
    if (!input.empty()) j["input"] = input.toJson();
    if (!output.empty()) j["output"] = output.toJson();
    return j;
}

DatasetNormalization DatasetNormalization::fromJson(const json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where, "expected an object with optional state, input, output");
    DatasetNormalization n;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string field = where + "." + it.key();
        if (it.key() == "state") n.state = ChannelScaler::fromJson(it.value(), field);
        else if (it.key() == "input") n.input = ChannelScaler::fromJson(it.value(), field);
        else if (it.key() == "output") n.output = ChannelScaler::fromJson(it.value(), field);
        else throw Error(field, "unknown key (expected state, input or output)");
    }
    return n;
}

}  // namespace sd::data
