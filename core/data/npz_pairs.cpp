#include "core/data/npz_pairs.h"

#include "core/common/error.h"
#include "core/data/hashing.h"

namespace sd::data {

namespace {

std::string shapeOf(const NpyArray& a) {
    std::string s = "(";
    for (std::size_t i = 0; i < a.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(a.shape[i]);
    return s + ")";
}

}  // namespace

Trajectory pairSetFromArrays(const NpyArray& X, const NpyArray& Y, const std::string& id, const std::string& where) {
    if (X.shape.size() != 2 || Y.shape.size() != 2)
        throw Error(where, "pair-set arrays must be 2-D (samples × state dimension); found X " + shapeOf(X) + " and Y " +
                               shapeOf(Y));
    if (X.shape != Y.shape)
        throw Error(where, "X " + shapeOf(X) + " and Y " + shapeOf(Y) + " must have the same shape");
    if (X.shape[0] == 0 || X.shape[1] == 0) throw Error(where, "pair-set arrays are empty " + shapeOf(X));
    Trajectory tr;
    tr.id = id;
    tr.x = X.matrix().transpose();      // rows are samples in the file; columns in the project
    tr.dxdt = Y.matrix().transpose();
    if (!tr.x.allFinite()) throw Error(where, "X contains NaN or Inf");
    if (!tr.dxdt.allFinite()) throw Error(where, "Y contains NaN or Inf");
    return tr;
}

Trajectory loadNpzPairSet(const std::filesystem::path& path, const std::string& xKey, const std::string& yKey,
                          const std::string& id) {
    const auto arrays = loadNpz(path);
    auto find = [&](const std::string& key) -> const NpyArray& {
        auto it = arrays.find(key);
        if (it == arrays.end()) {
            std::string have;
            for (const auto& [k, v] : arrays) have += (have.empty() ? "" : ", ") + k;
            throw Error(path.string(), "missing array '" + key + "' (the archive has: " + have + ")");
        }
        return it->second;
    };
    return pairSetFromArrays(find(xKey), find(yKey), id.empty() ? path.stem().string() : id, path.string());
}

Dataset loadNpzPairs(const std::filesystem::path& path, const std::string& xKey, const std::string& yKey,
                     const std::vector<std::string>& stateNames) {
    Dataset ds;
    ds.name = path.stem().string();
    ds.source = path.string();
    ds.trajectories.push_back(loadNpzPairSet(path, xKey, yKey));
    const auto n = static_cast<std::size_t>(ds.trajectories.front().x.rows());
    if (!stateNames.empty() && stateNames.size() != n)
        throw Error(path.string(), std::to_string(stateNames.size()) + " state names given for " + std::to_string(n) +
                                       " state components");
    ds.stateNames = stateNames;
    for (std::size_t i = stateNames.size(); i < n; ++i) ds.stateNames.push_back("x" + std::to_string(i + 1));
    ds.sha256 = sha256File(path);
    return ds;
}

}  // namespace sd::data
