#pragma once
// Input signals of a batch of states: none, one shared signal, or one signal per state.
#include "core/ode/input_signal.h"

#include <string>
#include <vector>

namespace sd::ode {

/// Checks `inputs` for a batch of B states (size 0, 1 or B; all signals of equal dimension) and returns nu.
/// Throws sd::Error(where, …) otherwise.
Eigen::Index validateBatchInputs(const std::vector<InputSignal>& inputs, Eigen::Index B, const std::string& where);

/// The signal driving state b: inputs[0] when shared, inputs[b] when per state, none() when empty.
InputSignal inputOf(const std::vector<InputSignal>& inputs, Eigen::Index b);

/// U(t) for the states `columns` (indices into the original batch): nu×columns.size(), written into U.
void evaluateBatchInputs(const std::vector<InputSignal>& inputs, const std::vector<Eigen::Index>& columns,
                         double t, Eigen::MatrixXd& U);

}  // namespace sd::ode
