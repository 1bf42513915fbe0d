#pragma once
// The loader table of benchmark manifests: for each loader type ("csv", "npz-pairs", "video",
// "dataset-json"; BenchmarkLoader in registry.h) the function that turns one manifest trajectory entry and
// its resolved file into trajectories.
#include "core/data/csv.h"
#include "core/data/registry.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sd::data {

/// What the loaders share while one benchmark loads.
struct BenchmarkLoadState {
    const BenchmarkManifest& manifest;
    Dataset& dataset;                        ///< receives the channel names of the first file unless namesSet
    bool namesSet = false;                   ///< the manifest gave names, or a file already did
    std::map<std::string, CsvTable> tables;  ///< each CSV file is read once (by BenchmarkFile id)
};

/// Loads the trajectories of `entry` from `file`; ids are the entry id, or "<entry id>/<id>" where a file
/// holds several trajectories.
using BenchmarkTrajectoryLoader = std::vector<Trajectory> (*)(const BenchmarkTrajectory& entry,
                                                              const std::filesystem::path& file, BenchmarkLoadState& state);

/// The loader of a manifest loader type. Throws sd::Error for a type without one (manifestFromJson accepts
/// only types that have one).
BenchmarkTrajectoryLoader benchmarkTrajectoryLoader(const std::string& type);

}  // namespace sd::data
