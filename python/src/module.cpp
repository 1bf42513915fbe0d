// The `stabledyn` Python module: the StableDyn core and its model plugins from numpy (docs/python.md).
#include "bindings.h"
#include "errors.h"

PYBIND11_MODULE(stabledyn, m) {
    m.doc() = "StableDyn: learn dynamical systems with stability guaranteed by construction (docs/python.md).\n\n"
              "Arrays have ONE SAMPLE PER ROW: a batch of B states is X.shape == (B, nx); a trajectory of K samples\n"
              "is t (K,), x (K, nx), u (K, nu). C-contiguous float64 arrays are passed to the core without copies.";
    m.attr("__version__") = STABLEDYN_VERSION;
    sd::py::registerErrors(m);
    sd::py::bindPlugins(m);
    sd::py::bindDataset(m);
    sd::py::bindModel(m);
    sd::py::bindTrain(m);
}
