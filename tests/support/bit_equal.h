#pragma once
// Bit-for-bit equality of two matrices (same shape, same bytes: NaN payloads and signed zeros included), the
// comparison behind every "export → import gives identical predictions" test.
#include <Eigen/Core>
#include <cstring>

namespace sd::test {

inline bool bitEqual(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    // memcmp must not see the null data pointer of an empty matrix (undefined behaviour, found by UBSan).
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0);
}

}  // namespace sd::test
