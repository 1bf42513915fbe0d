#include "core/common/error.h"

namespace sd {

Error::Error(std::string where, std::string what)
    : std::runtime_error(where.empty() ? what : where + ": " + what),
      where_(std::move(where)),
      detail_(std::move(what)) {}

}  // namespace sd
