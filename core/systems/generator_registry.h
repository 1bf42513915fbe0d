#pragma once
// The ground-truth generator registry behind `stabledyn generate <name> --param k=v`.
//
// Names and parameters (defaults in brackets; generatorParameters(name) lists them as JSON):
//   pendulum            links [1], mode ["pairs" | "trajectories"], samples_per_link [200] (pairs: 200n or 1000n),
//                       float32 [true], low_energy [false]; trajectories mode: train_trajectories [10],
//                       test_trajectories [5], t_end [10], step [0.01], sample_time [0.01], range [π]
//   quadratic           preset ["example1" | "example2"], t_end [20], samples [2001], train_inputs [2],
//                       noise_std [preset default: 0 / 0.01], derivatives [true], rtol [1e-10], atol [1e-12]
//   burgers             nodes [250], viscosity [0.02], train_trajectories [10], test_trajectories [10], t_end [10],
//                       samples [1001], rtol [1e-8], atol [1e-10], derivatives [false]
//   reaction-diffusion  samples [100000], test_samples [2000], nodes [51], measurement_node [24], walk_std [0.05],
//                       test_drift [-0.01]
// Parameter values may be JSON numbers/booleans/strings of the declared type, or strings that parse as that
// type ("200", "0.01", "true"), so CLI `k=v` pairs can be passed as strings. An unknown generator, unknown
// parameter, wrong type or out-of-range value throws sd::Error("generate <name>: <param>", …).
// The returned Dataset has name, source (generator, effective parameters, seed) and sha256
// (data::sha256Dataset) filled, plus the splits "train"/"test".
#include "core/common/rng.h"
#include "core/data/dataset.h"

#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace sd::systems {

/// {"pendulum", "quadratic", "burgers", "reaction-diffusion"}.
std::vector<std::string> generatorNames();

/// Parameters of a generator: {"<param>": {"type": "int"|"number"|"bool"|"string", "default": …,
/// "description": "…"}, …}. Throws sd::Error for an unknown name.
nlohmann::json generatorParameters(const std::string& name);

/// Generates a dataset with a fresh sd::Rng(seed).
data::Dataset generate(const std::string& name, const nlohmann::json& params, std::uint64_t seed);
/// Generates a dataset drawing from the caller's generator (source records "seed: caller rng").
data::Dataset generate(const std::string& name, const nlohmann::json& params, Rng& rng);

/// The generator of registry manifests of kind "generated" (data::LoadBenchmarkOptions::generator): a video
/// generator (ripple_texture.h) gives its video as a one-trajectory dataset (data::videoToDataset, trajectory
/// id = the generator name, its "seed" parameter inside params); any other name goes to generate() with
/// params["seed"] as the seed (0 when absent).
data::Dataset generateForManifest(const std::string& name, const nlohmann::json& params);

}  // namespace sd::systems
