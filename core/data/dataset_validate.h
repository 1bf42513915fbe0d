#pragma once
// Consistency check of a Dataset's shapes and values, shared by every loader and writer.
#include "core/data/dataset.h"

#include <string>

namespace sd::data {

/// Throws sd::Error("<where>: trajectories[i].<field>", ...) unless: every present x/dxdt has stateDim rows,
/// u inputDim rows, y outputDim rows; every present matrix has samples() columns; t is strictly increasing
/// (or empty for a pair set, which then needs x); all values are finite; split indices are in range; and
/// a channel present in one trajectory (rows > 0) is present in all. Field names follow the JSON format.
void validateDataset(const Dataset& dataset, const std::string& where);

}  // namespace sd::data
