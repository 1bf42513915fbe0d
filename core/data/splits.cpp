#include "core/data/splits.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sd::data {

namespace {

void checkFractions(const SplitFractions& f) {
    if (f.empty()) throw Error("splits", "no split names given");
    double sum = 0.0;
    for (const auto& [name, frac] : f) {
        if (name.empty()) throw Error("splits", "split names must not be empty");
        if (!(frac > 0.0) || !std::isfinite(frac))
            throw Error("splits." + name, "fraction must be > 0, found " + std::to_string(frac));
        sum += frac;
    }
    if (std::abs(sum - 1.0) > 1e-9) throw Error("splits", "fractions must sum to 1, found " + std::to_string(sum));
    for (std::size_t i = 0; i < f.size(); ++i)
        for (std::size_t j = i + 1; j < f.size(); ++j)
            if (f[i].first == f[j].first) throw Error("splits." + f[i].first, "split name given twice");
}

std::vector<std::size_t> permutation(std::size_t n, Rng& rng, bool shuffle) {
    std::vector<std::size_t> p(n);
    std::iota(p.begin(), p.end(), 0);
    if (shuffle)
        for (std::size_t i = n; i > 1; --i)
            std::swap(p[i - 1], p[static_cast<std::size_t>(rng.uniformInt(0, static_cast<std::int64_t>(i - 1)))]);
    return p;
}

}  // namespace

std::vector<std::size_t> splitCounts(std::size_t total, const SplitFractions& f) {
    checkFractions(f);
    std::vector<std::size_t> counts(f.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    std::size_t assigned = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
        const double exact = f[i].second * static_cast<double>(total);
        counts[i] = static_cast<std::size_t>(std::floor(exact));
        assigned += counts[i];
        remainders.emplace_back(exact - std::floor(exact), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; assigned < total; ++k, ++assigned) ++counts[remainders[k % remainders.size()].second];
    return counts;
}

void splitTrajectories(Dataset& ds, const SplitFractions& f, Rng& rng, bool shuffle) {
    const auto counts = splitCounts(ds.trajectories.size(), f);
    const auto order = permutation(ds.trajectories.size(), rng, shuffle);
    std::size_t pos = 0;
    for (std::size_t s = 0; s < f.size(); ++s) {
        std::vector<int> idx;
        for (std::size_t k = 0; k < counts[s]; ++k) idx.push_back(static_cast<int>(order[pos++]));
        std::sort(idx.begin(), idx.end());
        ds.splits[f[s].first] = std::move(idx);
    }
}

std::vector<Trajectory> splitPairSet(const Trajectory& pairs, const SplitFractions& f, Rng& rng, bool shuffle) {
    if (!pairs.isPairSet())
        throw Error("trajectory \"" + pairs.id + "\"", "not an unordered pair set (it has a time axis); split whole "
                                                       "trajectories instead");
    const auto K = static_cast<std::size_t>(pairs.x.cols());
    const auto counts = splitCounts(K, f);
    const auto order = permutation(K, rng, shuffle);
    std::vector<Trajectory> out;
    std::size_t pos = 0;
    auto take = [](const Eigen::MatrixXd& m, const std::vector<Eigen::Index>& cols) {
        if (m.rows() == 0) return Eigen::MatrixXd();
        Eigen::MatrixXd r(m.rows(), static_cast<Eigen::Index>(cols.size()));
        for (std::size_t k = 0; k < cols.size(); ++k) r.col(static_cast<Eigen::Index>(k)) = m.col(cols[k]);
        return r;
    };
    for (std::size_t s = 0; s < f.size(); ++s) {
        std::vector<Eigen::Index> cols;
        for (std::size_t k = 0; k < counts[s]; ++k) cols.push_back(static_cast<Eigen::Index>(order[pos++]));
        Trajectory part;
        part.id = pairs.id + "/" + f[s].first;
        part.x = take(pairs.x, cols);
        part.u = take(pairs.u, cols);
        part.y = take(pairs.y, cols);
        part.dxdt = take(pairs.dxdt, cols);
        out.push_back(std::move(part));
    }
    return out;
}

void splitPairSetInDataset(Dataset& ds, std::size_t index, const SplitFractions& f, Rng& rng, bool shuffle) {
    if (index >= ds.trajectories.size())
        throw Error("splits", "trajectory index " + std::to_string(index) + " out of range");
    auto parts = splitPairSet(ds.trajectories[index], f, rng, shuffle);
    // The first part takes the original slot; the others are appended, so existing indices stay valid.
    ds.trajectories[index] = std::move(parts[0]);
    ds.splits[f[0].first].push_back(static_cast<int>(index));
    for (std::size_t s = 1; s < parts.size(); ++s) {
        ds.trajectories.push_back(std::move(parts[s]));
        ds.splits[f[s].first].push_back(static_cast<int>(ds.trajectories.size() - 1));
    }
}

}  // namespace sd::data
