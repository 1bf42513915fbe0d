#pragma once
// (x, ẋ) pair sets stored as NPZ arrays with one SAMPLE PER ROW (the numpy convention, e.g. the pendulum
// parity sets: X is N×n states, Y is N×n derivatives). They become a pair-set Trajectory (empty t,
// x and dxdt n×N — samples as columns, the project convention).
#include "core/data/dataset.h"
#include "core/data/npz.h"

#include <filesystem>
#include <string>

namespace sd::data {

/// Transposes row-sample arrays X (N×n) and Y (N×n) into a pair-set trajectory named `id`.
/// Throws sd::Error (location `where`) unless both are 2-D with the same shape and all values are finite.
Trajectory pairSetFromArrays(const NpyArray& X, const NpyArray& Y, const std::string& id, const std::string& where);

/// Loads one pair-set trajectory from `path` using the arrays `xKey` and `yKey` (default "X" and "Y").
/// Throws naming the file when an array is missing or shapes differ.
Trajectory loadNpzPairSet(const std::filesystem::path& path, const std::string& xKey = "X",
                          const std::string& yKey = "Y", const std::string& id = {});

/// A whole Dataset from one pair-set NPZ: name = file stem, one trajectory (id = file stem), state names
/// "x1".."xn" unless `stateNames` is given (its size must match n), sha256 of the file.
Dataset loadNpzPairs(const std::filesystem::path& path, const std::string& xKey = "X", const std::string& yKey = "Y",
                     const std::vector<std::string>& stateNames = {});

}  // namespace sd::data
