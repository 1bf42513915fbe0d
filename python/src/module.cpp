// The `stabledyn` Python module: the StableDyn core and its model plugins from numpy (docs/python.md).
#include "bindings.h"
#include "core/common/allocator_tuning.h"
#include "errors.h"

#include <cstdlib>
#include <cstring>

namespace {

// The allocator settings of the CLI and the studio (core/common/allocator_tuning.h): the core's training
// speed depends on them (bench/RESULTS.md). Process-wide; STABLEDYN_DEFAULT_ALLOCATOR=1 keeps glibc's defaults.
bool tuneAllocatorUnlessAskedNot() {
    const char* keep = std::getenv("STABLEDYN_DEFAULT_ALLOCATOR");
    if (keep && *keep && std::strcmp(keep, "0") != 0) return false;
    return sd::tuneAllocatorForTensors();
}

}  // namespace

PYBIND11_MODULE(stabledyn, m) {
    m.doc() = "StableDyn: learn dynamical systems with stability guaranteed by construction (docs/python.md).\n\n"
              "Arrays have ONE SAMPLE PER ROW: a batch of B states is X.shape == (B, nx); a trajectory of K samples\n"
              "is t (K,), x (K, nx), u (K, nu). That is the core's own memory layout, so C-contiguous float64 arrays\n"
              "are read in place and results are returned without copying (docs/python.md, \"Arrays\").";
    m.attr("__version__") = STABLEDYN_VERSION;
    m.attr("allocator_tuned") = tuneAllocatorUnlessAskedNot();
    sd::py::registerErrors(m);
    sd::py::bindPlugins(m);
    sd::py::bindDataset(m);
    sd::py::bindCertificate(m);
    sd::py::bindModel(m);
    sd::py::bindTrain(m);
}
