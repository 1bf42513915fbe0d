#pragma once
// stabledyn.Dataset and stabledyn.Trajectory: immutable views of an sd::data::Dataset.
//
// Arrays read from a Dataset are read-only numpy views of the core's matrices (one sample per row, no
// copy); the views keep the dataset alive.
#include "core/catalog/dataset_catalog.h"
#include "core/data/dataset.h"

#include <memory>
#include <pybind11/pybind11.h>

namespace sd::py {

namespace py = pybind11;

struct PyDataset {
    std::shared_ptr<const data::Dataset> ds;
};

struct PyTrajectory {
    std::shared_ptr<const data::Dataset> ds;
    std::size_t index = 0;
    const data::Trajectory& get() const { return ds->trajectories[index]; }
};

/// The module's dataset catalog (registry in datasets/, data roots), created on first use.
const catalog::DatasetCatalog& datasetCatalog();

/// A dataset argument: a stabledyn.Dataset, or a registry name / file path opened with the catalog.
std::shared_ptr<const data::Dataset> datasetArgument(py::handle obj);


}  // namespace sd::py
