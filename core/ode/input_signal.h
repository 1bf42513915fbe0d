#pragma once
// sd::ode::InputSignal — a time-varying input u(t) ∈ R^nu for controlled ODEs ẋ = f(t, x, u(t)).
//
// An InputSignal is a cheap-to-copy value (shared immutable state). Three kinds exist:
//   * none        — nu = 0; u(t) is the empty vector (autonomous systems);
//   * samples     — u given at strictly increasing times t_0 < … < t_{K−1} as an nu×K matrix (column k = u(t_k));
//                   between samples u is LINEARLY INTERPOLATED, before t_0 it HOLDS u(t_0), after t_{K−1} it
//                   HOLDS u(t_{K−1}). A single sample (K = 1) is a constant;
//   * function    — u(t) = g(t) for a user callable returning an nu-vector (e.g. the generators of
//                   core/systems/input_signals.h). g must be safe to call concurrently if the signal is shared
//                   between threads.
// Evaluation never allocates for the "none" kind and costs O(log K) for samples.
#include <Eigen/Core>
#include <functional>
#include <memory>

namespace sd::ode {

class InputSignal {
public:
    using Function = std::function<Eigen::VectorXd(double t)>;

    /// The empty input (nu = 0).
    InputSignal();
    static InputSignal none() { return InputSignal(); }
    /// u(t) ≡ value.
    static InputSignal constant(const Eigen::VectorXd& value);
    /// Piecewise-linear interpolation of samples (hold at both ends). `times` (K) strictly increasing and
    /// finite, `values` nu×K with nu ≥ 1, K ≥ 1. Throws sd::Error("InputSignal::fromSamples", …) otherwise.
    static InputSignal fromSamples(const Eigen::VectorXd& times, const Eigen::MatrixXd& values);
    /// u(t) = g(t); g must return exactly `dim` entries (checked at every evaluation; a wrong size throws
    /// sd::Error("InputSignal", …)). dim ≥ 1 and g non-empty, else sd::Error.
    static InputSignal fromFunction(Eigen::Index dim, Function g);

    /// nu, the number of input channels (0 for none()).
    Eigen::Index dim() const { return dim_; }
    bool empty() const { return dim_ == 0; }

    /// u(t) as a new vector of length dim().
    Eigen::VectorXd operator()(double t) const;
    /// u(t) written into `out` (resized to dim()).
    void evaluate(double t, Eigen::VectorXd& out) const;
    /// u at each of `times`: nu×K matrix, column k = u(times[k]).
    Eigen::MatrixXd sample(const Eigen::VectorXd& times) const;

private:
    struct Samples {
        Eigen::VectorXd t;
        Eigen::MatrixXd u;
    };
    Eigen::Index dim_ = 0;
    std::shared_ptr<const Samples> samples_;
    std::shared_ptr<const Function> function_;
};

}  // namespace sd::ode
