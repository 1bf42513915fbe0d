#include "core/systems/generator_registry.h"

#include "core/common/error.h"
#include "core/data/hashing.h"
#include "core/systems/burgers_data.h"
#include "core/systems/pendulum_data.h"
#include "core/systems/quadratic_examples.h"
#include "core/systems/reaction_diffusion.h"
#include "core/systems/ripple_texture.h"

#include <cmath>
#include <numbers>
#include <optional>

namespace sd::systems {

namespace {

using json = nlohmann::json;

struct ParamSpec {
    const char* name;
    const char* type;   // int, number, bool, string
    json defaultValue;
    const char* description;
};

const std::vector<ParamSpec>& specsOf(const std::string& name) {
    static const std::vector<ParamSpec> pendulum = {
        {"links", "int", 1, "number of links n (≥ 1)"},
        {"mode", "string", "pairs", "\"pairs\" (x, ẋ regression sets) or \"trajectories\" (RK4)"},
        {"samples_per_link", "int", 200, "pairs per split = samples_per_link · n (200 or 1000 in the reference)"},
        {"float32", "bool", true, "round drawn states to float32 values"},
        {"low_energy", "bool", false, "angles in [−π/4, π/4], zero velocities"},
        {"train_trajectories", "int", 10, "trajectories mode: training trajectories"},
        {"test_trajectories", "int", 5, "trajectories mode: test trajectories"},
        {"validation_trajectories", "int", 0, "trajectories mode: how many training draws form the validation split"},
        {"t_end", "number", 10.0, "trajectories mode: final time"},
        {"step", "number", 0.01, "trajectories mode: RK4 step"},
        {"sample_time", "number", 0.01, "trajectories mode: output spacing"},
        {"range", "number", std::numbers::pi, "trajectories mode: initial states ~ U[−range, range]"},
    };
    static const std::vector<ParamSpec> quadratic = {
        {"preset", "string", "example1", "\"example1\" or \"example2\" (docs/methods/systems.md §3)"},
        {"t_end", "number", 20.0, "final time"},
        {"samples", "int", 2001, "samples per trajectory"},
        {"train_inputs", "int", 2, "number of training inputs"},
        {"noise_std", "number", -1.0, "training-state noise std; < 0 = preset default (0 / 0.01)"},
        {"derivatives", "bool", true, "store exact ẋ for noise-free trajectories"},
        {"rtol", "number", 1e-10, "Dopri5 relative tolerance"},
        {"atol", "number", 1e-12, "Dopri5 absolute tolerance"},
    };
    static const std::vector<ParamSpec> burgers = {
        {"nodes", "int", 250, "interior grid nodes N"},
        {"viscosity", "number", 0.02, "ν"},
        {"train_trajectories", "int", 10, "training trajectories (sum of sines)"},
        {"test_trajectories", "int", 10, "test trajectories (square waves)"},
        {"t_end", "number", 10.0, "final time"},
        {"samples", "int", 1001, "samples per trajectory"},
        {"rtol", "number", 1e-8, "rosenbrock4 relative tolerance"},
        {"atol", "number", 1e-10, "rosenbrock4 absolute tolerance"},
        {"derivatives", "bool", false, "store the exact FOM right-hand side as dxdt"},
    };
    static const std::vector<ParamSpec> reactionDiffusion = {
        {"samples", "int", 100000, "training samples"},
        {"test_samples", "int", 2000, "test samples (0 = none)"},
        {"nodes", "int", 51, "grid nodes"},
        {"measurement_node", "int", 24, "0-based index of the measured node (24 = reference, 25 = JAX port)"},
        {"walk_std", "number", 0.05, "random-walk step std of the boundary input"},
        {"test_drift", "number", -0.01, "drift of the test input walk"},
    };
    if (name == "pendulum") return pendulum;
    if (name == "quadratic") return quadratic;
    if (name == "burgers") return burgers;
    if (name == "reaction-diffusion") return reactionDiffusion;
    std::string known;
    for (const auto& n : generatorNames()) known += (known.empty() ? "" : ", ") + n;
    throw Error("generate " + name, "unknown generator (known: " + known + ")");
}

/// Validated, typed access to the parameters of one generator.
class Params {
public:
    Params(const std::string& generator, const json& given) : generator_(generator), specs_(specsOf(generator)) {
        if (!given.is_null() && !given.is_object())
            throw Error("generate " + generator, "parameters must be a JSON object");
        effective_ = json::object();
        for (const auto& s : specs_) effective_[s.name] = s.defaultValue;
        if (given.is_object())
            for (auto it = given.begin(); it != given.end(); ++it) {
                const ParamSpec* spec = find(it.key());
                if (!spec) {
                    std::string known;
                    for (const auto& s : specs_) known += (known.empty() ? "" : ", ") + std::string(s.name);
                    throw Error(where(it.key()), "unknown parameter (known: " + known + ")");
                }
                effective_[spec->name] = convert(*spec, it.value());
            }
    }

    long long integer(const char* name, long long lo, long long hi) const {
        const long long v = effective_.at(name).get<long long>();
        if (v < lo || v > hi)
            throw Error(where(name), "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(v));
        return v;
    }
    double number(const char* name, std::optional<double> lo = std::nullopt, bool strictLo = false) const {
        const double v = effective_.at(name).get<double>();
        if (!std::isfinite(v)) throw Error(where(name), "must be finite");
        if (lo && (strictLo ? !(v > *lo) : !(v >= *lo)))
            throw Error(where(name), std::string("must be ") + (strictLo ? "> " : "≥ ") + std::to_string(*lo) +
                                         ", got " + std::to_string(v));
        return v;
    }
    bool boolean(const char* name) const { return effective_.at(name).get<bool>(); }
    std::string string(const char* name, const std::vector<std::string>& allowed) const {
        const std::string v = effective_.at(name).get<std::string>();
        for (const auto& a : allowed)
            if (a == v) return v;
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw Error(where(name), "must be one of " + list + ", got '" + v + "'");
    }
    const json& effective() const { return effective_; }

private:
    std::string where(const std::string& param) const { return "generate " + generator_ + ": " + param; }
    const ParamSpec* find(const std::string& key) const {
        for (const auto& s : specs_)
            if (key == s.name) return &s;
        return nullptr;
    }
    json convert(const ParamSpec& spec, const json& v) const {
        const std::string type = spec.type;
        const std::string w = where(spec.name);
        if (type == "string") {
            if (!v.is_string()) throw Error(w, "expected a string");
            return v;
        }
        if (type == "bool") {
            if (v.is_boolean()) return v;
            if (v.is_string()) {
                const std::string s = v.get<std::string>();
                if (s == "true" || s == "1") return true;
                if (s == "false" || s == "0") return false;
            }
            if (v.is_number_integer() && (v.get<long long>() == 0 || v.get<long long>() == 1)) return v.get<long long>() == 1;
            throw Error(w, "expected a boolean (true/false), got " + v.dump());
        }
        double d = 0.0;
        if (v.is_number()) {
            d = v.get<double>();
        } else if (v.is_string()) {
            const std::string s = v.get<std::string>();
            std::size_t used = 0;
            try {
                d = std::stod(s, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != s.size()) throw Error(w, "expected a " + type + ", got '" + s + "'");
        } else {
            throw Error(w, "expected a " + type + ", got " + v.dump());
        }
        if (type == "int") {
            if (!std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9e15) throw Error(w, "expected an integer, got " + v.dump());
            return static_cast<long long>(d);
        }
        return d;
    }

    std::string generator_;
    const std::vector<ParamSpec>& specs_;
    json effective_;
};

data::Dataset generateImpl(const std::string& name, const Params& p, Rng& rng) {
    constexpr long long kMax = 1'000'000'000;
    if (name == "pendulum") {
        const int links = static_cast<int>(p.integer("links", 1, 64));
        if (p.string("mode", {"pairs", "trajectories"}) == "pairs") {
            PendulumPairOptions o;
            o.links = links;
            o.samplesPerLink = p.integer("samples_per_link", 1, kMax);
            o.float32 = p.boolean("float32");
            o.lowEnergy = p.boolean("low_energy");
            return generatePendulumPairs(o, rng);
        }
        PendulumTrajectoryOptions o;
        o.links = links;
        o.trainTrajectories = p.integer("train_trajectories", 0, kMax);
        o.testTrajectories = p.integer("test_trajectories", 0, kMax);
        o.validationTrajectories = p.integer("validation_trajectories", 0, kMax);
        o.tEnd = p.number("t_end", 0.0, true);
        o.step = p.number("step", 0.0, true);
        o.sampleTime = p.number("sample_time", 0.0, true);
        o.range = p.number("range", 0.0);
        return generatePendulumTrajectories(o, rng);
    }
    if (name == "quadratic") {
        QuadraticDataOptions o;
        o.preset = p.string("preset", {"example1", "example2"});
        o.tEnd = p.number("t_end", 0.0, true);
        o.samples = p.integer("samples", 2, kMax);
        o.trainInputs = static_cast<int>(p.integer("train_inputs", 1, 100000));
        o.noiseStd = p.number("noise_std");
        o.derivatives = p.boolean("derivatives");
        o.rtol = p.number("rtol", 0.0, true);
        o.atol = p.number("atol", 0.0, true);
        return generateQuadraticData(o, rng);
    }
    if (name == "burgers") {
        BurgersDataOptions o;
        o.model.nodes = p.integer("nodes", 3, 100000);
        o.model.viscosity = p.number("viscosity", 0.0, true);
        o.trainTrajectories = p.integer("train_trajectories", 0, kMax);
        o.testTrajectories = p.integer("test_trajectories", 0, kMax);
        o.tEnd = p.number("t_end", 0.0, true);
        o.samples = p.integer("samples", 2, kMax);
        o.solver.rtol = p.number("rtol", 0.0, true);
        o.solver.atol = p.number("atol", 0.0, true);
        o.derivatives = p.boolean("derivatives");
        return generateBurgersData(o, rng);
    }
    // reaction-diffusion (specsOf already rejected unknown names)
    ReactionDiffusionDataOptions o;
    o.samples = p.integer("samples", 2, kMax);
    o.testSamples = p.integer("test_samples", 0, kMax);
    o.model.nodes = p.integer("nodes", 3, 1'000'000);
    o.model.measurementNode = p.integer("measurement_node", 0, o.model.nodes - 1);
    o.walkStd = p.number("walk_std", 0.0);
    o.testDrift = p.number("test_drift");
    return generateReactionDiffusionData(o, rng);
}

data::Dataset finish(data::Dataset ds, const std::string& name, const Params& p, const std::string& seed) {
    ds.source = "stabledyn generate " + name + " " + p.effective().dump() + " seed: " + seed;
    ds.sha256 = data::sha256Dataset(ds);
    return ds;
}

}  // namespace

std::vector<std::string> generatorNames() { return {"pendulum", "quadratic", "burgers", "reaction-diffusion"}; }

nlohmann::json generatorParameters(const std::string& name) {
    json out = json::object();
    for (const auto& s : specsOf(name))
        out[s.name] = {{"type", s.type}, {"default", s.defaultValue}, {"description", s.description}};
    return out;
}

data::Dataset generate(const std::string& name, const nlohmann::json& params, std::uint64_t seed) {
    const Params p(name, params);
    Rng rng(seed);
    return finish(generateImpl(name, p, rng), name, p, std::to_string(seed));
}

data::Dataset generate(const std::string& name, const nlohmann::json& params, Rng& rng) {
    const Params p(name, params);
    return finish(generateImpl(name, p, rng), name, p, "caller rng");
}

data::Dataset generateForManifest(const std::string& name, const nlohmann::json& params) {
    if (isVideoGenerator(name)) return data::videoToDataset(generateVideo(name, params), name);
    const std::uint64_t seed = params.contains("seed") && params["seed"].is_number_unsigned() ? params["seed"].get<std::uint64_t>() : 0;
    nlohmann::json p = params;
    p.erase("seed");
    return generate(name, p, seed);
}

}  // namespace sd::systems
