#include "core/ode/batch_inputs.h"

#include "core/common/error.h"

namespace sd::ode {

Eigen::Index validateBatchInputs(const std::vector<InputSignal>& inputs, Eigen::Index B, const std::string& where) {
    const auto n = static_cast<Eigen::Index>(inputs.size());
    if (n != 0 && n != 1 && n != B)
        throw Error(where, "expected 0, 1 or " + std::to_string(B) + " input signals, got " + std::to_string(n));
    const Eigen::Index nu = n == 0 ? 0 : inputs.front().dim();
    for (Eigen::Index i = 1; i < n; ++i)
        if (inputs[static_cast<std::size_t>(i)].dim() != nu)
            throw Error(where, "input signal " + std::to_string(i) + " has dimension " +
                                   std::to_string(inputs[static_cast<std::size_t>(i)].dim()) + ", signal 0 has " +
                                   std::to_string(nu));
    return nu;
}

InputSignal inputOf(const std::vector<InputSignal>& inputs, Eigen::Index b) {
    if (inputs.empty()) return InputSignal();
    if (inputs.size() == 1) return inputs.front();
    return inputs[static_cast<std::size_t>(b)];
}

void evaluateBatchInputs(const std::vector<InputSignal>& inputs, const std::vector<Eigen::Index>& columns,
                         double t, Eigen::MatrixXd& U) {
    const auto B = static_cast<Eigen::Index>(columns.size());
    if (inputs.empty()) {
        U.resize(0, B);
        return;
    }
    const Eigen::Index nu = inputs.front().dim();
    U.resize(nu, B);
    Eigen::VectorXd u;
    if (inputs.size() == 1) {
        inputs.front().evaluate(t, u);
        U.colwise() = u;
        return;
    }
    for (Eigen::Index j = 0; j < B; ++j) {
        inputs[static_cast<std::size_t>(columns[static_cast<std::size_t>(j)])].evaluate(t, u);
        U.col(j) = u;
    }
}

}  // namespace sd::ode
