#pragma once
// numpy ↔ Eigen at the module boundary.
//
// Layout (docs/python.md): in Python a batch of vectors has ONE SAMPLE PER ROW — X.shape == (B, n), the
// numpy/scikit-learn convention. The core stores a batch as the COLUMNS of a column-major n×B matrix
// (core/data/dataset.h). A C-contiguous float64 (B, n) array has exactly the bytes of that n×B matrix,
// so arrays cross the boundary as a reinterpretation, not a transpose:
//   * in:  a C-contiguous float64 array is mapped where it lies; anything else (other dtype, strides,
//          a list) is converted once by numpy;
//   * out: the core's result matrix is moved into a heap block that the returned array owns (no copy).
#include <Eigen/Core>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <string>

namespace sd::py {

namespace py = pybind11;

/// A float64 C-contiguous numpy array (numpy converts other input once).
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// `obj` as a DoubleArray; throws InputError("<what>", …) if it is not numeric.
DoubleArray toDoubleArray(py::handle obj, const std::string& what);

/// A batch of n-vectors given as (B, n) — or as one vector (n,) when `single` — seen as the core's n×B
/// column batch. The map points into `array`, which must outlive it.
struct SampleBatch {
    DoubleArray array;
    Eigen::Index dim = 0, count = 0;
    bool single = false;    ///< given as one (n,) vector
    Eigen::Map<const Eigen::MatrixXd> columns() const;
};

/// Checks shape (B, n) or (n,) and returns the batch. Throws InputError naming `what` and the shapes.
SampleBatch sampleBatch(py::handle obj, Eigen::Index n, const std::string& what);

/// Moves an n×B result into a (B, n) array — (n,) when `single` — that owns the memory.
py::array samplesFromColumns(Eigen::MatrixXd&& m, bool single);
/// Moves a 1×B row (e.g. V at B points) into a (B,) array, or a Python float when `single`.
py::object valuesFromRow(Eigen::RowVectorXd&& v, bool single);
/// Moves a vector into a (K,) array that owns it.
py::array arrayFromVector(Eigen::VectorXd&& v);

/// A read-only (K, n) view of an n×K matrix (a (K,) view of a vector) kept alive by `owner`. An empty
/// matrix (an absent channel group) becomes shape (samples, 0).
py::array samplesView(const Eigen::MatrixXd& m, Eigen::Index samples, py::handle owner);
py::array vectorView(const Eigen::VectorXd& v, py::handle owner);

/// "(3, 2)" — the shape of an array for messages.
std::string shapeText(const py::array& a);

}  // namespace sd::py
