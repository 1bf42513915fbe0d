#include "errors.h"

namespace sd::py {

namespace py = pybind11;

namespace {

// Owned by the module for the life of the process (never released: exception types outlive any
// static destructor that could run after the interpreter is gone).
PyObject* gStableDynError = nullptr;
PyObject* gInputError = nullptr;
PyObject* gTrainingInterrupted = nullptr;

PyObject* newType(py::module_& m, const char* name, const char* doc, PyObject* bases) {
    const std::string qualified = std::string("stabledyn.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
    if (!type) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(type));
    return type;
}

// Raises `type(message)` with .where and .detail set (the Python error indicator is set on return).
void raise(PyObject* type, const sd::Error& e) {
    py::object exc = py::reinterpret_borrow<py::object>(type)(e.what());
    exc.attr("where") = e.where();
    exc.attr("detail") = e.detail();
    PyErr_SetObject(type, exc.ptr());
}

}  // namespace

void registerErrors(py::module_& m) {
    gStableDynError = newType(m, "StableDynError",
                              "A failure reported by the StableDyn core. str(e) is the core's message \"<where>: <what>\";\n"
                              "e.where names the file, field, hyperparameter or plugin, e.detail says what was wrong.",
                              PyExc_RuntimeError);
    py::tuple inputBases = py::make_tuple(py::handle(gStableDynError), py::handle(PyExc_ValueError));
    gInputError = newType(m, "InputError",
                          "An argument refused before it reached the core (array shape or type, unknown option).",
                          inputBases.ptr());
    gTrainingInterrupted = newType(m, "TrainingInterrupted",
                                   "Ctrl-C (SIGINT) during stabledyn.train(). A KeyboardInterrupt, so scripts stop as usual;\n"
                                   "e.model is the model with the parameters of the last completed step.",
                                   PyExc_KeyboardInterrupt);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const InputError& e) {
            raise(gInputError, e);
        } catch (const sd::Error& e) {
            raise(gStableDynError, e);
        }
    });
}

py::handle trainingInterruptedType() { return gTrainingInterrupted; }

}  // namespace sd::py
