// stabledyn.Certificate — the typed certificate of core/model/certificate.h (Model.certify()).
#include "arrays.h"
#include "bindings.h"
#include "json_py.h"

#include "core/model/certificate.h"

#include <cmath>
#include <pybind11/complex.h>
#include <pybind11/stl.h>

namespace sd::py {

namespace {

// NaN marks "does not apply" in the core; Python gets None.
py::object optionalNumber(double v) { return std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v)); }

}  // namespace

void bindCertificate(py::module_& m) {
    py::class_<model::BibsBound>(m, "BibsBound",
                                 "The bounded-input bounded-state bound of a stable-opinf model (docs/methods/stable-opinf.md):\n"
                                 "for every input with ‖u(t)‖₂ ≤ U, ‖x(t)‖ ≤ state_norm_bound(‖x(0)‖, U).")
        .def_readonly("sigma_min_r", &model::BibsBound::sigmaMinR)
        .def_readonly("norm_b", &model::BibsBound::normB)
        .def_readonly("norm_c", &model::BibsBound::normC)
        .def_readonly("identity_form", &model::BibsBound::identityForm)
        .def_readonly("lambda_min_q", &model::BibsBound::lambdaMinQ)
        .def_readonly("lambda_max_q", &model::BibsBound::lambdaMaxQ)
        .def("radius", &model::BibsBound::radius, py::arg("input_bound"), "ρ(U) = (‖B‖·U + ‖c‖) / σ_min(R).")
        .def("state_norm_bound", &model::BibsBound::stateNormBound, py::arg("x0_norm"), py::arg("input_bound"),
             "The bound on ‖x(t)‖ for t ≥ 0 from ‖x(0)‖ under ‖u‖∞ ≤ input_bound.");

    py::class_<model::Certificate>(m, "Certificate",
                                   "What a model guarantees, as typed fields (Model.certify()). kind names the property\n"
                                   "('none', 'exponential-stability', 'bibs', 'local-stability', 'contraction', 'lipschitz',\n"
                                   "'incremental-dissipativity', 'incremental-passivity'); verified says whether this model's\n"
                                   "numbers establish it, checks are the numerical checks behind it. Fields that do not belong\n"
                                   "to the kind are None (or empty). Recomputed from the parameters evaluation uses.")
        .def_property_readonly("kind", [](const model::Certificate& c) { return model::toString(c.kind); })
        .def_readonly("guarantee", &model::Certificate::guarantee)
        .def_readonly("verified", &model::Certificate::verified)
        .def_property_readonly("checks", [](const model::Certificate& c) {
            py::list out;
            for (const auto& k : c.checks) {
                py::dict d;
                d["name"] = k.name;
                d["passed"] = k.passed;
                d["value"] = k.value ? py::object(py::float_(*k.value)) : py::object(py::none());
                d["limit"] = k.limit ? py::object(py::float_(*k.limit)) : py::object(py::none());
                out.append(d);
            }
            return out;
        }, "[{'name', 'passed', 'value', 'limit'}]: the condition, whether it held, the measured number and its limit.")
        .def_property_readonly("decrease_rate", [](const model::Certificate& c) { return optionalNumber(c.decreaseRate); },
                               "α of V̇ ≤ −αV (exponential-stability), else None.")
        .def_readonly("bibs", &model::Certificate::bibs, "The BibsBound (bibs), else None.")
        .def_property_readonly("lipschitz_bound", [](const model::Certificate& c) { return optionalNumber(c.lipschitzBound); },
                               "γ of ‖Δy‖ ≤ γ‖Δu‖ (lipschitz), else None.")
        .def_property_readonly("observed_sensitivity", [](const model::Certificate& c) { return optionalNumber(c.observedSensitivity); },
                               "A measured lower bound on the incremental gain (ren after training), else None.")
        .def_property_readonly("eigenvalues", [](const model::Certificate& c) {
            py::array_t<std::complex<double>> out(static_cast<py::ssize_t>(c.eigenvalues.size()));
            std::copy(c.eigenvalues.begin(), c.eigenvalues.end(), out.mutable_data());
            return out;
        }, "Eigenvalues of the linear part A (complex array; empty where the model has none).")
        .def_readonly("discrete_time", &model::Certificate::discreteTime,
                      "True when the eigenvalues are of x⁺ = Ax (stable: |λ| < 1), False for ẋ = Ax (Re λ < 0).")
        .def_property_readonly("details", [](const model::Certificate& c) { return toPython(c.details); },
                               "The plugin's own numbers (dict).")
        .def("to_dict", [](const model::Certificate& c) { return toPython(c.toJson()); },
             "The document's 'certificate' object (what Model.certificate() returns).")
        .def("__repr__", [](const model::Certificate& c) {
            return "<stabledyn.Certificate " + model::toString(c.kind) + (c.verified ? ", verified>" : ", not verified>");
        });
}

}  // namespace sd::py
