#include "core/systems/input_signals.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sd::systems {

namespace {
Eigen::VectorXd scalar(double v) { return Eigen::VectorXd::Constant(1, v); }
}  // namespace

ode::InputSignal sumOfSines(const Eigen::VectorXd& amplitudes, const Eigen::VectorXd& omegas,
                            const Eigen::VectorXd& phases) {
    if (amplitudes.size() == 0 || amplitudes.size() != omegas.size() || amplitudes.size() != phases.size())
        throw Error("systems::sumOfSines", "amplitudes, omegas and phases must have the same length ≥ 1");
    return ode::InputSignal::fromFunction(1, [a = amplitudes, w = omegas, p = phases](double t) {
        double s = 0.0;
        for (Eigen::Index j = 0; j < a.size(); ++j) s += a[j] * std::sin(w[j] * t + p[j]);
        return scalar(s);
    });
}

ode::InputSignal randomSumOfSines(Rng& rng, int terms, double ampLo, double ampHi, double omegaLo, double omegaHi) {
    if (terms < 1) throw Error("systems::randomSumOfSines", "terms must be at least 1");
    Eigen::VectorXd a(terms), w(terms), p(terms);
    for (int j = 0; j < terms; ++j) {
        a[j] = rng.uniform(ampLo, ampHi);
        w[j] = rng.uniform(omegaLo, omegaHi);
        p[j] = rng.uniform(0.0, 2.0 * std::numbers::pi);
    }
    return sumOfSines(a, w, p);
}

ode::InputSignal stepInput(double level, double stepTime, double before) {
    return ode::InputSignal::fromFunction(1, [=](double t) { return scalar(t < stepTime ? before : level); });
}

ode::InputSignal randomSteps(Rng& rng, double tEnd, double holdTime, double lo, double hi) {
    if (!(holdTime > 0.0) || !(tEnd >= 0.0)) throw Error("systems::randomSteps", "need holdTime > 0 and tEnd ≥ 0");
    const auto count = static_cast<Eigen::Index>(std::floor(tEnd / holdTime)) + 1;
    Eigen::VectorXd levels(count);
    for (Eigen::Index k = 0; k < count; ++k) levels[k] = rng.uniform(lo, hi);
    return ode::InputSignal::fromFunction(1, [levels, holdTime](double t) {
        const auto k = static_cast<Eigen::Index>(std::floor(std::max(t, 0.0) / holdTime));
        return scalar(levels[std::min(k, levels.size() - 1)]);
    });
}

ode::InputSignal multisine(Rng& rng, int harmonics, double baseFrequencyHz, double rms) {
    if (harmonics < 1) throw Error("systems::multisine", "harmonics must be at least 1");
    Eigen::VectorXd phases(harmonics);
    for (int k = 0; k < harmonics; ++k) phases[k] = rng.uniform(0.0, 2.0 * std::numbers::pi);
    const double a = rms * std::sqrt(2.0 / harmonics);
    return ode::InputSignal::fromFunction(1, [phases, a, f0 = baseFrequencyHz](double t) {
        double s = 0.0;
        for (Eigen::Index k = 0; k < phases.size(); ++k)
            s += std::cos(2.0 * std::numbers::pi * static_cast<double>(k + 1) * f0 * t + phases[k]);
        return scalar(a * s);
    });
}

ode::InputSignal squareWave(double amplitude, double omega, double phase) {
    return ode::InputSignal::fromFunction(1, [=](double t) {
        const double s = std::sin(omega * t + phase);
        return scalar(amplitude * static_cast<double>((s > 0.0) - (s < 0.0)));
    });
}

Eigen::VectorXd clippedRandomWalk(Rng& rng, Eigen::Index count, double start, double stepStd, double lo, double hi,
                                  double drift) {
    if (count < 0 || !(lo <= hi)) throw Error("systems::clippedRandomWalk", "need count ≥ 0 and lo ≤ hi");
    Eigen::VectorXd b(count);
    if (count == 0) return b;
    b[0] = std::clamp(start, lo, hi);
    for (Eigen::Index k = 0; k + 1 < count; ++k) b[k + 1] = std::clamp(b[k] + stepStd * (rng.normal() + drift), lo, hi);
    return b;
}

}  // namespace sd::systems
