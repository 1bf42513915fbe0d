#pragma once
// Argument checks shared by the grid algorithms of sd::analysis (streamplot, marching squares,
// certified sublevel sets). Each throws sd::Error("<where>: <what>") naming the offending argument.
#include <Eigen/Core>
#include <string>

namespace sd::analysis {

/// Throws unless `axis` has at least `minSize` entries, all finite and strictly increasing.
/// `where` names the caller and argument, e.g. "streamplot: x".
void requireStrictlyIncreasing(const std::string& where, const Eigen::Ref<const Eigen::VectorXd>& axis,
                               Eigen::Index minSize = 2);

/// Throws unless `axis` is strictly increasing (as above) and equally spaced: every difference equals
/// (last − first)/(n − 1) within a relative tolerance of 1e-5 (numpy.allclose's rtol, as matplotlib).
void requireUniform(const std::string& where, const Eigen::Ref<const Eigen::VectorXd>& axis,
                    Eigen::Index minSize = 2);

/// Throws unless `field` is ny × nx (rows follow y, columns follow x). `name` names the field.
void requireGridShape(const std::string& where, const std::string& name, const Eigen::MatrixXd& field,
                      Eigen::Index nx, Eigen::Index ny);

}  // namespace sd::analysis
