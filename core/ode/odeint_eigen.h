#pragma once
// Internal (include only from .cpp files): makes Eigen::Matrix usable as a Boost.Odeint state type with
// odeint::vector_space_algebra (expression-template arithmetic, inf-norm, resizing).
//
// Boost 1.74's external/eigen/eigen.hpp pulls in eigen_algebra_dispatcher.hpp, which does not compile
// (it references the removed algebra_dispatcher_sfinae). We therefore include only the algebra and
// resize adapters and always name vector_space_algebra explicitly in stepper types.
#include <Eigen/Core>
#include <boost/numeric/odeint/algebra/default_operations.hpp>
#include <boost/numeric/odeint/algebra/vector_space_algebra.hpp>
#include <boost/numeric/odeint/external/eigen/eigen_algebra.hpp>
#include <boost/numeric/odeint/external/eigen/eigen_resize.hpp>
