#include "py_model.h"

#include "arrays.h"
#include "bindings.h"
#include "core/common/error.h"
#include "core/common/json_reader.h"
#include "core/model/evaluation.h"
#include "core/model/hyperparameters.h"
#include "core/model/model_document.h"
#include "core/model/model_file.h"
#include "core/model/model_plugin.h"
#include "errors.h"
#include "host.h"
#include "json_py.h"
#include "py_dataset.h"

#include <cmath>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace sd::py {

using nlohmann::json;

namespace {

/// What simulate() and predict() return.
struct Simulation {
    std::string trajectory;
    py::object t, x, y;
    bool diverged = false;
    py::object divergenceTime = py::none();
    bool stalled = false;
    py::object stallTime = py::none(), restTime = py::none();
};

// Inputs for B samples: None → zeros (as the CLI's simulate without --input), (nu,) → the same input for
// every sample, (B, nu) → one per sample. Returns nu×B.
Eigen::MatrixXd inputBatch(py::handle U, Eigen::Index nu, Eigen::Index B, const std::string& what) {
    if (U.is_none()) return Eigen::MatrixXd::Zero(nu, B);
    const SampleBatch u = sampleBatch(U, nu, what);
    if (u.single) return u.columns().replicate(1, B);
    if (u.count != B)
        throw InputError(what, std::to_string(u.count) + " rows of inputs for " + std::to_string(B) + " samples");
    return u.columns();
}

py::array field(const PyModel& self, py::handle X, py::handle U) {
    const auto dims = self.peek().dims();
    const SampleBatch x = sampleBatch(X, dims.state, "X");
    const Eigen::MatrixXd u = inputBatch(U, dims.input, x.count, "U");
    // The contract takes const MatrixXd&, so the mapped numpy data are copied once (inside the GIL-free region).
    Eigen::MatrixXd f = self.run([&](const model::Model& m) { return m.field(Eigen::MatrixXd(x.columns()), u); });
    return samplesFromColumns(std::move(f), x.single);
}

py::object lyapunov(const PyModel& self, py::handle X) {
    const SampleBatch x = sampleBatch(X, self.peek().dims().state, "X");
    Eigen::RowVectorXd v = self.run([&](const model::Model& m) { return m.lyapunov(Eigen::MatrixXd(x.columns())); });
    return valuesFromRow(std::move(v), x.single);
}

py::array lyapunovGradient(const PyModel& self, py::handle X) {
    const SampleBatch x = sampleBatch(X, self.peek().dims().state, "X");
    Eigen::MatrixXd g = self.run([&](const model::Model& m) { return m.lyapunovGradient(Eigen::MatrixXd(x.columns())); });
    return samplesFromColumns(std::move(g), x.single);
}

Simulation simulationOf(const data::Trajectory& tr, model::Prediction&& p) {
    Simulation s;
    s.trajectory = tr.id;
    s.t = arrayFromVector(Eigen::VectorXd(tr.t));
    s.x = samplesFromColumns(std::move(p.x), false);
    s.y = samplesFromColumns(std::move(p.y), false);
    s.diverged = p.diverged;
    if (std::isfinite(p.divergenceTime)) s.divergenceTime = py::float_(p.divergenceTime);
    s.stalled = p.stalled;
    if (std::isfinite(p.stallTime)) s.stallTime = py::float_(p.stallTime);
    if (std::isfinite(p.restTime)) s.restTime = py::float_(p.restTime);
    return s;
}

// Mirrors `stabledyn simulate --x0 … --t-end … [--input …]`: the trajectory the CLI builds, for any times t.
Simulation simulate(const PyModel& self, py::handle x0, py::handle t, py::handle u) {
    const auto dims = self.peek().dims();
    const DoubleArray times = toDoubleArray(t, "t");
    if (times.ndim() != 1) throw InputError("t", "expected sample times of shape (K,), found " + shapeText(times));
    data::Trajectory tr;
    tr.id = "simulation";
    tr.t = Eigen::Map<const Eigen::VectorXd>(times.data(), times.shape(0));
    if (x0.is_none()) {
        if (dims.state > 0) throw InputError("x0", "the model has " + std::to_string(dims.state) + " states: give the initial state");
        tr.x = Eigen::MatrixXd(0, 1);
    } else {
        const SampleBatch x = sampleBatch(x0, dims.state, "x0");
        if (!x.single) throw InputError("x0", "expected one initial state of shape (" + std::to_string(dims.state) + ",)");
        tr.x = x.columns();
    }
    tr.u = inputBatch(u, dims.input, tr.t.size(), "u");
    model::Prediction p = self.run([&](const model::Model& m) { return m.predict(tr); });
    return simulationOf(tr, std::move(p));
}

// Mirrors `stabledyn simulate --data D [--split S] [--trajectory i]`.
Simulation predict(const PyModel& self, py::handle dataset, long long index, const std::string& split) {
    const auto ds = datasetArgument(dataset);
    if (!split.empty() && !ds->hasSplit(split)) throw InputError("split '" + split + "'", "not in dataset '" + ds->name + "'");
    const auto set = ds->split(split, /*fallbackToAll=*/true);
    if (index < 0 || index >= static_cast<long long>(set.size()))
        throw InputError("trajectory", "index " + std::to_string(index) + " out of range (0.." + std::to_string(set.size()) + ")");
    const data::Trajectory& tr = *set[static_cast<std::size_t>(index)];
    model::Prediction p = self.run([&](const model::Model& m) { return m.predict(tr); });
    return simulationOf(tr, std::move(p));
}

py::object evaluate(const PyModel& self, py::handle dataset, py::handle splitArg, long long washout) {
    const auto ds = datasetArgument(dataset);
    const std::string split = splitArg.is_none() ? (ds->hasSplit("test") ? "test" : "") : splitArg.cast<std::string>();
    const json report = self.run([&](const model::Model& m) { return model::evaluate(m, *ds, split, washout).toJson(); });
    py::dict out = toPython(report).cast<py::dict>();
    out["plugin"] = self.peek().pluginId();
    out["variant"] = self.peek().variant();
    out["dataset"] = ds->name;
    return out;
}

json document(const PyModel& self) {
    return self.run([](const model::Model& m) { return m.toJson(); });
}

std::unique_ptr<PyModel> fromDocument(const json& doc) { return std::make_unique<PyModel>(pluginHost().loadModel(doc)); }

std::unique_ptr<PyModel> modelFromJson(py::handle obj) {
    if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj)) {
        const std::string text = obj.cast<std::string>();
        return fromDocument(parseJsonStrict(text, "model JSON"));
    }
    return fromDocument(toJson(obj, "model JSON"));
}

std::unique_ptr<PyModel> createModel(const std::string& pluginId, py::handle dataset, py::handle hyper, py::handle seed) {
    const auto& plugin = pluginHost().require(pluginId);
    const auto ds = datasetArgument(dataset);
    const json h = model::validateHyperparameters(plugin.plugin->hyperparameterSchema(),
                                                  hyper.is_none() ? json::object() : toJson(hyper, "hyper"));
    const auto info = data::DatasetInfo::of(*ds);
    if (seed.is_none()) return std::make_unique<PyModel>(plugin.plugin->create(h, info));
    long long s = 0;
    try {
        s = seed.cast<long long>();
    } catch (const py::cast_error&) {
        throw InputError("seed", "expected an integer");
    }
    if (s < 0 || static_cast<std::uint64_t>(s) > model::kMaxRandomSeed)
        throw InputError("seed", "expected 0 … " + std::to_string(model::kMaxRandomSeed) + ", found " + std::to_string(s));
    return std::make_unique<PyModel>(plugin.plugin->createRandomised(h, info, static_cast<std::uint64_t>(s)));
}

std::string describe(const model::Model& m) {
    const auto d = m.dims();
    return "<stabledyn.Model " + m.pluginId() + "/" + m.variant() + ": " + std::to_string(d.state) + " states, " +
           std::to_string(d.input) + " inputs, " + std::to_string(d.output) + " outputs>";
}

}  // namespace

void bindModel(py::module_& m) {
    py::class_<Simulation>(m, "Simulation",
                           "The result of Model.simulate / Model.predict: t (K,), x (K, nx) predicted states, y (K, ny)\n"
                           "predicted outputs (0 columns when the model has none), diverged (NaN or |x| > 1e6 stopped the\n"
                           "run; later samples are NaN) and divergence_time (None unless diverged), stalled (the integrator\n"
                           "gave up at its step limit while bounded; later samples are NaN) and stall_time, rest_time (the\n"
                           "time the state entered the model's invariant rest set; later samples hold it; else None).")
        .def_readonly("trajectory", &Simulation::trajectory)
        .def_readonly("t", &Simulation::t)
        .def_readonly("x", &Simulation::x)
        .def_readonly("y", &Simulation::y)
        .def_readonly("diverged", &Simulation::diverged)
        .def_readonly("divergence_time", &Simulation::divergenceTime)
        .def_readonly("stalled", &Simulation::stalled)
        .def_readonly("stall_time", &Simulation::stallTime)
        .def_readonly("rest_time", &Simulation::restTime)
        .def("__repr__", [](const Simulation& s) {
            return "<stabledyn.Simulation '" + s.trajectory + "': " + std::to_string(py::len(s.t)) + " samples" +
                   (s.diverged ? ", diverged>" : s.stalled ? ", stalled>" : ">");
        });

    py::class_<PyModel>(m, "Model",
                        "A learned model from a plugin: load_model(), model_from_json(), create_model() or train().\n"
                        "Batches have one sample per row: X (B, nx), U (B, nu); a single (nx,) vector gives a single result.")
        .def_property_readonly("plugin", [](const PyModel& p) { return p.peek().pluginId(); }, "Plugin id, e.g. 'stable-opinf'.")
        .def_property_readonly("variant", [](const PyModel& p) { return p.peek().variant(); })
        .def_property_readonly("state_dim", [](const PyModel& p) { return p.peek().dims().state; })
        .def_property_readonly("input_dim", [](const PyModel& p) { return p.peek().dims().input; })
        .def_property_readonly("output_dim", [](const PyModel& p) { return p.peek().dims().output; })
        .def_property_readonly("hyperparameters", [](const PyModel& p) { return toPython(p.peek().hyperparameters()); },
                               "Validated hyperparameters with every default filled in (dict).")
        .def_property_readonly("is_continuous", [](const PyModel& p) { return p.peek().isContinuous(); },
                               "True for ẋ = f(x, u) models (field() works); False for discrete-time ones (ren, vae-latent).")
        .def_property_readonly("has_lyapunov", [](const PyModel& p) { return p.peek().hasLyapunov(); })
        .def_property_readonly("lyapunov_decrease_rate", [](const PyModel& p) { return p.peek().lyapunovDecreaseRate(); },
                               "α ≥ 0 of the decrease V̇ ≤ −αV the model guarantees for lyapunov() (u = 0); 0 when it guarantees none.")
        .def_property_readonly("training", [](const PyModel& p) { return toPython(document(p).value("training", json())); },
                               "The training record (seed, epochs_run, status, final losses, dataset name and SHA-256), or None.")
        .def("field", &field, py::arg("X"), py::arg("U") = py::none(),
             "ẋ = f(x, u) at the rows of X (B, nx) → (B, nx); X of shape (nx,) → (nx,). U: None (zero input),\n"
             "(nu,) for every row, or (B, nu). Discrete-time models raise StableDynError.")
        .def("lyapunov", &lyapunov, py::arg("X"), "V at the rows of X (B, nx) → (B,); X of shape (nx,) → float.")
        .def("lyapunov_gradient", &lyapunovGradient, py::arg("X"), "∇V at the rows of X (B, nx) → (B, nx).")
        .def("simulate", &simulate, py::arg("x0"), py::arg("t"), py::arg("u") = py::none(),
             "Integrates from x0 (nx,) over the sample times t (K,) → Simulation (x: (K, nx)). u: None (zero\n"
             "input), (nu,) constant, or (K, nu) sampled at t (linear in between). Same path as `stabledyn simulate\n"
             "--x0`: integration with the divergence guard (continuous models), the model's own rollout over u\n"
             "(discrete ones; x0=None when the model has no state of its own).")
        .def("predict", &predict, py::arg("dataset"), py::arg("trajectory") = 0, py::arg("split") = "",
             "Predicts trajectory `trajectory` of `split` (all trajectories if empty) from its first state and its\n"
             "inputs → Simulation. Same path as `stabledyn simulate --data`.")
        .def("evaluate", &evaluate, py::arg("dataset"), py::arg("split") = py::none(), py::arg("washout") = 0,
             "Scores the model on a split (default 'test' if present, else all) → dict, like `stabledyn eval`.")
        .def("certify", [](const PyModel& p) { return p.run([](const model::Model& mm) { return mm.certify(); }); },
             "The typed Certificate (kind, verified, checks, decrease_rate, bibs, lipschitz_bound, observed_sensitivity,\n"
             "eigenvalues, details), recomputed from the parameters evaluation uses.")
        .def("certificate", [](const PyModel& p) { return toPython(p.run([](const model::Model& mm) { return mm.certificate(); })); },
             "The certificate as the model document's dict (certify().to_dict(): 'guarantee', 'verified', 'kind',\n"
             "'checks' and the plugin's own numbers), recomputed from the parameters evaluation uses.")
        .def("to_json", [](const PyModel& p, py::handle indent) { return document(p).dump(indent.is_none() ? -1 : indent.cast<int>()); },
             py::arg("indent") = py::none(), "The model document (schema v1, docs/model-schema.md) as a JSON string.")
        .def("to_dict", [](const PyModel& p) { return toPython(document(p)); }, "The model document as a dict.")
        .def("save", [](const PyModel& p, const std::filesystem::path& path) { model::saveModelFile(path, document(p)); },
             py::arg("path"), "Writes the model document atomically; the CLI, the studio and load_model read it back bit-exactly.")
        .def("copy", [](const PyModel& p) { return std::make_unique<PyModel>(p.run([](const model::Model& mm) { return mm.clone(); })); },
             "An independent deep copy.")
        .def("__copy__", [](const PyModel& p) { return std::make_unique<PyModel>(p.run([](const model::Model& mm) { return mm.clone(); })); })
        .def("__deepcopy__", [](const PyModel& p, py::handle) {
            return std::make_unique<PyModel>(p.run([](const model::Model& mm) { return mm.clone(); }));
        })
        .def(py::pickle([](const PyModel& p) { return document(p).dump(); },
                        [](const std::string& text) { return fromDocument(parseJsonStrict(text, "pickled model")); }))
        .def("__repr__", [](const PyModel& p) { return describe(p.peek()); });

    m.def("load_model", [](const std::filesystem::path& path) { return std::make_unique<PyModel>(model::loadModelFile(pluginHost(), path)); }, py::arg("path"),
          "Loads a model file written by the CLI, the studio or Model.save, through the plugin named in it.");
    m.def("model_from_json", &modelFromJson, py::arg("document"), "A model from its document (JSON string or dict).");
    m.def("create_model", &createModel, py::arg("plugin"), py::arg("dataset"), py::arg("hyper") = py::none(),
          py::kw_only(), py::arg("seed") = py::none(),
          "An untrained model of `plugin` for the dimensions of `dataset` (hyperparameters validated, defaults filled).\n"
          "seed: a random draw of the method's initial parameters (plugins whose 'randomisable' is True in plugins();\n"
          "0 ≤ seed ≤ 2147483647, the same seed gives the same model).");
}

}  // namespace sd::py
