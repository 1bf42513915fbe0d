#include "core/common/json_number.h"

#include <cmath>

namespace sd {

nlohmann::json jsonNumber(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace sd
