#include "plugins/stable-opinf/opinf_hyperparameters.h"

namespace sd::opinf {

const nlohmann::json& hyperparameterSchema() {
    static const nlohmann::json schema = nlohmann::json::parse(R"json({"params": [
  {"key": "variant", "type": "enum", "values": ["least-squares"], "default": "least-squares",
   "label": "Variant", "group": "Model",
   "doc": "least-squares: classical operator inference (OpInfc), no stability guarantee."},
  {"key": "operators", "type": "string", "default": "auto", "label": "Operators", "group": "Model",
   "doc": "Letters from cAHB for ẋ = c + A x + H(x⊗x) + B u; 'auto' = AHB with inputs, AH without."},
  {"key": "basis", "type": "enum", "values": ["none", "pod"], "default": "none", "label": "Basis", "group": "Reduction",
   "doc": "pod: learn in the span of the leading POD modes of the training states (Galerkin-free OpInf)."},
  {"key": "pod_rank", "type": "int", "default": 0, "min": 0, "max": 10000, "label": "POD rank", "group": "Reduction",
   "doc": "Number of POD modes; 0 chooses the smallest rank reaching 'pod_energy'.", "visible_if": {"basis": ["pod"]}},
  {"key": "pod_energy", "type": "number", "default": 0.9999, "min": 0, "exclusive_min": true, "max": 1,
   "label": "POD energy", "group": "Reduction", "visible_if": {"basis": ["pod"]},
   "doc": "Cumulative energy (sum of squared singular values) the basis must capture when pod_rank is 0."},
  {"key": "derivatives", "type": "enum", "values": ["auto", "given", "ord4", "ord4-pred", "ord2", "ord6"], "default": "auto",
   "label": "Derivatives", "group": "Data",
   "doc": "auto: use ẋ from the data when present, else the 4th-order 5-point stencil (opinf end rule). ord4-pred: predecessor-code end rule."},
  {"key": "reg_c", "type": "number", "default": 0.0, "min": 0, "max": 1e12, "label": "λ c", "group": "Regularisation", "log": true,
   "doc": "Tikhonov weight on the constant term."},
  {"key": "reg_A", "type": "number", "default": 0.0, "min": 0, "max": 1e12, "label": "λ A", "group": "Regularisation", "log": true,
   "doc": "Tikhonov weight on the linear operator."},
  {"key": "reg_H", "type": "number", "default": 0.0, "min": 0, "max": 1e12, "label": "λ H", "group": "Regularisation", "log": true,
   "doc": "Tikhonov weight on the quadratic operator."},
  {"key": "reg_B", "type": "number", "default": 0.0, "min": 0, "max": 1e12, "label": "λ B", "group": "Regularisation", "log": true,
   "doc": "Tikhonov weight on the input operator."},
  {"key": "rtol", "type": "number", "default": 1e-6, "min": 1e-14, "max": 1e-1, "label": "Simulation rtol", "group": "Simulation",
   "doc": "Relative tolerance of the Dopri5 integrator used for prediction."},
  {"key": "atol", "type": "number", "default": 1e-8, "min": 1e-16, "max": 1e-1, "label": "Simulation atol", "group": "Simulation",
   "doc": "Absolute tolerance of the Dopri5 integrator used for prediction."},
  {"key": "divergence_bound", "type": "number", "default": 1e6, "min": 1, "max": 1e300, "label": "Divergence bound", "group": "Simulation",
   "doc": "A simulation whose state norm exceeds this stops and is reported as diverged (unstable)."}
]})json");
    return schema;
}

}  // namespace sd::opinf
