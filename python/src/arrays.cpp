#include "arrays.h"

#include "errors.h"

namespace sd::py {

DoubleArray toDoubleArray(py::handle obj, const std::string& what) {
    if (obj.is_none()) throw InputError(what, "expected an array of numbers, found None");
    auto arr = DoubleArray::ensure(obj);
    if (!arr) {
        PyErr_Clear();
        throw InputError(what, "expected an array of numbers, found " + std::string(py::str(py::type::of(obj).attr("__name__"))));
    }
    return arr;
}

Eigen::Map<const Eigen::MatrixXd> SampleBatch::columns() const {
    return Eigen::Map<const Eigen::MatrixXd>(array.data(), dim, count);
}

std::string shapeText(const py::array& a) {
    std::string s = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
    return s + (a.ndim() == 1 ? ",)" : ")");
}

SampleBatch sampleBatch(py::handle obj, Eigen::Index n, const std::string& what) {
    SampleBatch b;
    b.array = toDoubleArray(obj, what);
    b.dim = n;
    const std::string want = "shape (B, " + std::to_string(n) + ") — one sample per row — or (" + std::to_string(n) + ",)";
    if (b.array.ndim() == 1 && b.array.shape(0) == n) {
        b.single = true;
        b.count = 1;
    } else if (b.array.ndim() == 2 && b.array.shape(1) == n) {
        b.count = b.array.shape(0);
    } else {
        throw InputError(what, "expected " + want + ", found shape " + shapeText(b.array));
    }
    return b;
}

namespace {

template <typename M>
py::capsule owner(M* p) {
    return py::capsule(p, [](void* q) { delete static_cast<M*>(q); });
}

void makeReadOnly(py::array& a) { a.attr("setflags")(py::arg("write") = false); }

}  // namespace

py::array samplesFromColumns(Eigen::MatrixXd&& m, bool single) {
    auto* held = new Eigen::MatrixXd(std::move(m));
    const auto n = static_cast<py::ssize_t>(held->rows()), B = static_cast<py::ssize_t>(held->cols());
    const py::capsule base = owner(held);
    if (single) return py::array_t<double>({n}, {py::ssize_t(sizeof(double))}, held->data(), base);
    return py::array_t<double>({B, n}, {n * py::ssize_t(sizeof(double)), py::ssize_t(sizeof(double))}, held->data(), base);
}

py::object valuesFromRow(Eigen::RowVectorXd&& v, bool single) {
    if (single) return py::float_(v.size() ? v[0] : std::numeric_limits<double>::quiet_NaN());
    auto* held = new Eigen::RowVectorXd(std::move(v));
    return py::array_t<double>({py::ssize_t(held->size())}, {py::ssize_t(sizeof(double))}, held->data(), owner(held));
}

py::array arrayFromVector(Eigen::VectorXd&& v) {
    auto* held = new Eigen::VectorXd(std::move(v));
    return py::array_t<double>({py::ssize_t(held->size())}, {py::ssize_t(sizeof(double))}, held->data(), owner(held));
}

py::array samplesView(const Eigen::MatrixXd& m, Eigen::Index samples, py::handle base) {
    const auto n = static_cast<py::ssize_t>(m.rows()), K = static_cast<py::ssize_t>(m.size() ? m.cols() : samples);
    py::array a = py::array_t<double>({K, n}, {n * py::ssize_t(sizeof(double)), py::ssize_t(sizeof(double))}, m.data(), base);
    makeReadOnly(a);
    return a;
}

py::array vectorView(const Eigen::VectorXd& v, py::handle base) {
    py::array a = py::array_t<double>({py::ssize_t(v.size())}, {py::ssize_t(sizeof(double))}, v.data(), base);
    makeReadOnly(a);
    return a;
}

}  // namespace sd::py
