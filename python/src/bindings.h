#pragma once
// The parts of the stabledyn module, each adding its functions and classes (module.cpp calls them in order).
#include <pybind11/pybind11.h>

namespace sd::py {

void bindPlugins(pybind11::module_& m);   // host.cpp: plugins(), plugin_failures(), plugin_path(), add_plugin_dir()
void bindDataset(pybind11::module_& m);   // py_dataset.cpp: Dataset, Trajectory, open_dataset(), datasets(), generate()
void bindCertificate(pybind11::module_& m);  // py_certificate.cpp: Certificate, BibsBound (typed, from Model.certify())
void bindModel(pybind11::module_& m);     // py_model.cpp: Model, Simulation, load_model(), model_from_json(), create_model()
void bindTrain(pybind11::module_& m);     // py_train.cpp: train()

}  // namespace sd::py
