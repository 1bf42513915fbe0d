#include "py_dataset.h"

#include "arrays.h"
#include "bindings.h"
#include "core/common/error.h"
#include "core/data/dataset_json.h"
#include "core/data/dataset_validate.h"
#include "core/data/hashing.h"
#include "core/data/sample_time.h"
#include "core/systems/generator_registry.h"
#include "errors.h"
#include "json_py.h"

#include <cmath>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace sd::py {

using nlohmann::json;

const catalog::DatasetCatalog& datasetCatalog() {
    static const auto* catalog = new catalog::DatasetCatalog();  // never destroyed (see host.cpp)
    return *catalog;
}

std::shared_ptr<const data::Dataset> datasetArgument(py::handle obj) {
    if (py::isinstance<PyDataset>(obj)) return obj.cast<const PyDataset&>().ds;
    if (py::isinstance<py::str>(obj) || py::hasattr(obj, "__fspath__"))
        return std::make_shared<const data::Dataset>(datasetCatalog().open(py::str(obj).cast<std::string>()));
    throw InputError("dataset", "expected a stabledyn.Dataset, a registry name or a file path, found " +
                                    std::string(py::str(py::type::of(obj).attr("__name__"))));
}

namespace {

// ---- Dataset.from_arrays ----------------------------------------------------------------------------

// One channel group of one trajectory: (K, n) → n×K (the same bytes), (K,) → 1×K.
Eigen::MatrixXd channels(py::handle obj, const std::string& what) {
    const DoubleArray a = toDoubleArray(obj, what);
    if (a.ndim() == 1) return Eigen::Map<const Eigen::MatrixXd>(a.data(), 1, a.shape(0));
    if (a.ndim() == 2) return Eigen::Map<const Eigen::MatrixXd>(a.data(), a.shape(1), a.shape(0));
    throw InputError(what, "expected shape (K, n) — one sample per row — or (K,), found " + shapeText(a));
}

bool isSequenceOfArrays(py::handle obj) {
    if (!(py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) || py::len(obj) == 0) return false;
    const py::handle first = obj.cast<py::sequence>()[0];
    return first.is_none() || py::hasattr(first, "__len__");
}

// The per-trajectory items of an argument given as one array or as a list of arrays (one per trajectory).
std::vector<py::object> perTrajectory(py::handle obj, std::size_t count, bool multi, const std::string& what) {
    std::vector<py::object> out(count, py::none());
    if (obj.is_none()) return out;
    if (!multi) {
        out[0] = py::reinterpret_borrow<py::object>(obj);
        return out;
    }
    if (!isSequenceOfArrays(obj) || py::len(obj) != count)
        throw InputError(what, "expected a list of " + std::to_string(count) + " arrays, one per trajectory (as t)");
    const auto seq = obj.cast<py::sequence>();
    for (std::size_t i = 0; i < count; ++i) out[i] = seq[i];
    return out;
}

std::vector<std::string> stringList(py::handle obj, const std::string& what) {
    if (py::isinstance<py::str>(obj)) throw InputError(what, "expected a list of names, found a string");
    try {
        return obj.cast<std::vector<std::string>>();
    } catch (const py::cast_error&) {
        throw InputError(what, "expected a list of names (strings)");
    }
}

std::vector<std::string> defaultNames(const std::string& prefix, Eigen::Index n) {
    std::vector<std::string> out;
    for (Eigen::Index i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i + 1));
    return out;
}

PyDataset fromArrays(py::handle t, py::handle x, py::handle u, py::handle y, py::handle dxdt, py::handle names,
                     const std::string& name, py::handle splits, py::handle dt) {
    data::Dataset ds;
    ds.name = name;
    ds.source = "numpy arrays";
    // Several trajectories: t (or, for pair sets without t, x) is a list of arrays.
    const bool multi = t.is_none() ? isSequenceOfArrays(x) : isSequenceOfArrays(t);
    const std::size_t count = multi ? py::len(t.is_none() ? x : t) : 1;
    if (count == 0) throw InputError("from_arrays", "no trajectories given");
    const auto ts = perTrajectory(t, count, multi, "t");
    const auto xs = perTrajectory(x, count, multi, "x"), us = perTrajectory(u, count, multi, "u");
    const auto ys = perTrajectory(y, count, multi, "y"), ds_ = perTrajectory(dxdt, count, multi, "dxdt");
    for (std::size_t i = 0; i < count; ++i) {
        const std::string at = multi ? "[" + std::to_string(i) + "]" : "";
        data::Trajectory tr;
        tr.id = "traj " + std::to_string(i);
        if (!ts[i].is_none()) {
            const DoubleArray ta = toDoubleArray(ts[i], "t" + at);
            if (ta.ndim() != 1) throw InputError("t" + at, "expected shape (K,), found " + shapeText(ta));
            tr.t = Eigen::Map<const Eigen::VectorXd>(ta.data(), ta.shape(0));
        }
        if (!xs[i].is_none()) tr.x = channels(xs[i], "x" + at);
        if (!us[i].is_none()) tr.u = channels(us[i], "u" + at);
        if (!ys[i].is_none()) tr.y = channels(ys[i], "y" + at);
        if (!ds_[i].is_none()) tr.dxdt = channels(ds_[i], "dxdt" + at);
        if (tr.t.size() == 0 && (tr.x.cols() == 0 || tr.dxdt.cols() == 0))
            throw InputError("t" + at, "without sample times the trajectory is a set of (x, dxdt) pairs: give both x and dxdt");
        ds.trajectories.push_back(std::move(tr));
    }
    const auto& first = ds.trajectories.front();
    ds.stateNames = defaultNames("x", std::max(first.x.rows(), first.dxdt.rows()));
    ds.inputNames = defaultNames("u", first.u.rows());
    ds.outputNames = defaultNames("y", first.y.rows());
    if (py::isinstance<py::dict>(names)) {
        for (const auto& [key, value] : names.cast<py::dict>()) {
            const std::string k = py::str(key);
            auto* target = k == "states" ? &ds.stateNames : k == "inputs" ? &ds.inputNames : k == "outputs" ? &ds.outputNames : nullptr;
            if (!target) throw InputError("names", "unknown key '" + k + "' (expected states, inputs, outputs)");
            const auto given = stringList(value, "names." + k);
            if (given.size() != target->size())
                throw InputError("names." + k, std::to_string(given.size()) + " names for " + std::to_string(target->size()) + " channels");
            *target = given;
        }
    } else if (!names.is_none()) {
        const auto given = stringList(names, "names");
        if (given.size() != ds.stateNames.size())
            throw InputError("names", std::to_string(given.size()) + " names for " + std::to_string(ds.stateNames.size()) + " states");
        ds.stateNames = given;
    }
    if (!splits.is_none()) {
        if (!py::isinstance<py::dict>(splits)) throw InputError("splits", "expected a dict such as {\"train\": [0, 1], \"test\": [2]}");
        for (const auto& [key, value] : splits.cast<py::dict>()) {
            try {
                ds.splits[py::str(key)] = value.cast<std::vector<int>>();
            } catch (const py::cast_error&) {
                throw InputError("splits." + std::string(py::str(key)), "expected a list of trajectory indices");
            }
        }
    }
    if (dt.is_none()) {
        ds.dt = data::nominalSampleTime(ds.trajectories);   // the CSV loader's rule
    } else {
        try {
            ds.dt = dt.cast<double>();
        } catch (const py::cast_error&) {
            throw InputError("dt", "expected a number");
        }
    }
    data::validateDataset(ds, "from_arrays");  // shapes, strictly increasing t, finite values, split indices
    ds.sha256 = data::sha256Dataset(ds);
    return {std::make_shared<const data::Dataset>(std::move(ds))};
}

// ---- open_dataset ----------------------------------------------------------------------------------

std::vector<data::ColumnRef> columnList(py::handle obj, const std::string& what) {
    std::vector<data::ColumnRef> out;
    if (obj.is_none()) return out;
    std::vector<std::string> names;
    if (py::isinstance<py::str>(obj)) {
        // "a,b" like the CLI's --csv-states
        std::string s = obj.cast<std::string>(), item;
        for (char c : s + ",") {
            if (c == ',') {
                if (!item.empty()) names.push_back(item);
                item.clear();
            } else {
                item += c;
            }
        }
    } else {
        names = stringList(obj, what);
    }
    for (auto& n : names) out.push_back(data::ColumnRef::byName(n));
    return out;
}

PyDataset openDataset(const std::string& spec, py::handle time, py::handle dt, py::handle trajectory, py::handle states,
                      py::handle inputs, py::handle outputs, py::handle derivatives) {
    std::optional<data::CsvMapping> mapping;
    if (!states.is_none() || !inputs.is_none() || !outputs.is_none()) {
        data::CsvMapping m;
        if (!time.is_none()) m.time = data::ColumnRef::byName(py::str(time));
        if (!trajectory.is_none()) m.trajectoryId = data::ColumnRef::byName(py::str(trajectory));
        m.dt = dt.is_none() ? 0.0 : dt.cast<double>();
        m.states = columnList(states, "states");
        m.inputs = columnList(inputs, "inputs");
        m.outputs = columnList(outputs, "outputs");
        m.derivatives = columnList(derivatives, "derivatives");
        mapping = m;
    }
    return {std::make_shared<const data::Dataset>(datasetCatalog().open(spec, mapping))};
}

py::list registryListing() {
    const auto& catalog = datasetCatalog();
    py::list out;
    for (const auto& m : catalog.entries()) {
        const auto avail = catalog.availability(m);
        py::dict d;
        d["name"] = m.name;
        d["title"] = m.title;
        d["kind"] = data::toString(m.kind);
        d["available"] = avail.available;
        d["message"] = avail.message;
        d["states"] = m.stateNames;
        d["inputs"] = m.inputNames;
        d["outputs"] = m.outputNames;
        d["dt"] = m.dt;
        d["citation"] = m.citation;
        out.append(d);
    }
    return out;
}

PyDataset generate(const std::string& system, std::uint64_t seed, const py::kwargs& params) {
    const json p = toJson(params, "generate " + system);
    return {std::make_shared<const data::Dataset>(systems::generate(system, p, seed))};
}

std::string describe(const data::Dataset& ds) {
    return "<stabledyn.Dataset '" + ds.name + "': " + std::to_string(ds.trajectories.size()) + " trajectories, " +
           std::to_string(ds.stateDim()) + " states, " + std::to_string(ds.inputDim()) + " inputs, " +
           std::to_string(ds.outputDim()) + " outputs>";
}

PyTrajectory trajectoryAt(const PyDataset& d, long long i) {
    const auto n = static_cast<long long>(d.ds->trajectories.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw py::index_error("trajectory index out of range (" + std::to_string(n) + " trajectories)");
    return {d.ds, static_cast<std::size_t>(i)};
}

}  // namespace

void bindDataset(py::module_& m) {
    py::class_<PyTrajectory>(m, "Trajectory",
                             "One experiment of a Dataset. Arrays are read-only views, one sample per row: t (K,), x (K, nx),\n"
                             "u (K, nu), y (K, ny), dxdt (K, nx); an absent channel group has 0 columns. A set of (x, dxdt)\n"
                             "pairs without time structure has an empty t.")
        .def_property_readonly("id", [](const PyTrajectory& t) { return t.get().id; })
        .def_property_readonly("t", [](py::object self) { return vectorView(self.cast<const PyTrajectory&>().get().t, self); })
        .def_property_readonly("x", [](py::object self) {
            const auto& tr = self.cast<const PyTrajectory&>().get();
            return samplesView(tr.x, tr.samples(), self);
        })
        .def_property_readonly("u", [](py::object self) {
            const auto& tr = self.cast<const PyTrajectory&>().get();
            return samplesView(tr.u, tr.samples(), self);
        })
        .def_property_readonly("y", [](py::object self) {
            const auto& tr = self.cast<const PyTrajectory&>().get();
            return samplesView(tr.y, tr.samples(), self);
        })
        .def_property_readonly("dxdt", [](py::object self) {
            const auto& tr = self.cast<const PyTrajectory&>().get();
            return samplesView(tr.dxdt, tr.samples(), self);
        })
        .def_property_readonly("samples", [](const PyTrajectory& t) { return t.get().samples(); })
        .def_property_readonly("is_pair_set", [](const PyTrajectory& t) { return t.get().isPairSet(); })
        .def("__repr__", [](const PyTrajectory& t) {
            return "<stabledyn.Trajectory '" + t.get().id + "': " + std::to_string(t.get().samples()) + " samples>";
        });

    py::class_<PyDataset>(m, "Dataset",
                          "An immutable dataset: trajectories, channel names and named splits (\"train\", \"validation\",\n"
                          "\"test\"). Make one with Dataset.from_arrays, open_dataset or generate. len(ds) trajectories;\n"
                          "ds[i] is a Trajectory.")
        .def_static("from_arrays", &fromArrays, py::arg("t"), py::arg("x") = py::none(), py::arg("u") = py::none(),
                    py::arg("y") = py::none(), py::arg("dxdt") = py::none(), py::kw_only(), py::arg("names") = py::none(),
                    py::arg("name") = "arrays", py::arg("splits") = py::none(), py::arg("dt") = py::none(),
                    "Builds a dataset from numpy arrays, one sample per row: t (K,), x (K, nx), u (K, nu),\n"
                    "y (K, ny), dxdt (K, nx); (K,) means one channel. Several trajectories: lists of arrays\n"
                    "(t = [t0, t1, …], x = [x0, x1, …]). t=None with x and dxdt: (x, dxdt) pairs without time.\n"
                    "names: {'states': [...], 'inputs': [...], 'outputs': [...]} or a list of state names\n"
                    "(default x1…, u1…, y1…). splits: {'train': [0, 1], 'validation': [2]} (training falls back\n"
                    "to all trajectories without a 'train' split). dt: the nominal sample time (default: the\n"
                    "common step of t when uniform, else 0). Validated like a dataset file (shapes, strictly\n"
                    "increasing t, finite values); the data are copied once into the dataset.")
        .def_property_readonly("name", [](const PyDataset& d) { return d.ds->name; })
        .def_property_readonly("source", [](const PyDataset& d) { return d.ds->source; })
        .def_property_readonly("sha256", [](const PyDataset& d) { return d.ds->sha256; })
        .def_property_readonly("dt", [](const PyDataset& d) { return d.ds->dt; })
        .def_property_readonly("state_names", [](const PyDataset& d) { return d.ds->stateNames; })
        .def_property_readonly("input_names", [](const PyDataset& d) { return d.ds->inputNames; })
        .def_property_readonly("output_names", [](const PyDataset& d) { return d.ds->outputNames; })
        .def_property_readonly("splits", [](const PyDataset& d) { return d.ds->splits; })
        .def("__len__", [](const PyDataset& d) { return d.ds->trajectories.size(); })
        .def("__getitem__", &trajectoryAt)
        .def("split", [](const PyDataset& d, const std::string& name) {
                 if (!d.ds->hasSplit(name)) throw InputError("split '" + name + "'", "not in dataset '" + d.ds->name + "'");
                 std::vector<PyTrajectory> out;
                 for (int i : d.ds->splits.at(name)) out.push_back({d.ds, static_cast<std::size_t>(i)});
                 return out;
             }, py::arg("name"), "The trajectories of a named split.")
        .def("save", [](const PyDataset& d, const std::filesystem::path& path) { data::saveDatasetJson(path, *d.ds); },
             py::arg("path"), "Writes the dataset as StableDyn dataset JSON (atomically), readable by the CLI and the studio.")
        .def("__repr__", [](const PyDataset& d) { return describe(*d.ds); });

    m.def("open_dataset", &openDataset, py::arg("spec"), py::kw_only(), py::arg("time") = py::none(), py::arg("dt") = py::none(),
          py::arg("trajectory") = py::none(), py::arg("states") = py::none(), py::arg("inputs") = py::none(),
          py::arg("outputs") = py::none(), py::arg("derivatives") = py::none(),
          "Opens a registry name (see datasets()) or a file: .json (StableDyn dataset), .npz (X/Y pair arrays) or\n"
          ".csv with a column mapping (states=['a', 'b'], time='t' or dt=0.01, inputs, outputs, trajectory,\n"
          "derivatives) — the same code path as the CLI's --data.");
    m.def("datasets", &registryListing, "The benchmark registry with what is available here (like `stabledyn datasets`).");
    m.def("generate", &generate, py::arg("system"), py::kw_only(), py::arg("seed") = 0,
          "Generates a ground-truth dataset like `stabledyn generate` (pendulum, quadratic, burgers,\n"
          "reaction-diffusion); parameters as keywords, e.g. generate('burgers', nodes=80, samples=301).");
}

}  // namespace sd::py
