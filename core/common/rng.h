#pragma once
// sd::Rng — the caller-owned, seeded random generator. There is no global RNG anywhere in the project:
// every function that draws random numbers takes an Rng& (or a seed), so runs are reproducible bit for bit.
//
// The distributions are implemented here (not with <random>'s distributions, whose algorithms are
// implementation-defined), so a seed gives the same numbers with any standard library.
#include <Eigen/Core>
#include <cstdint>
#include <random>

namespace sd {

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

    /// Uniform integer in [0, 2^64).
    std::uint64_t nextU64() { return engine_(); }
    /// Uniform double in [0, 1) with 53 random bits.
    double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    /// Uniform double in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
    /// Uniform integer in [lo, hi] (inclusive).
    std::int64_t uniformInt(std::int64_t lo, std::int64_t hi);
    /// Standard normal (Box–Muller; the second value of each pair is cached).
    double normal();
    double normal(double mean, double stddev) { return mean + stddev * normal(); }

    /// Matrices filled with i.i.d. draws.
    Eigen::MatrixXd uniformMatrix(Eigen::Index rows, Eigen::Index cols, double lo, double hi);
    Eigen::MatrixXd normalMatrix(Eigen::Index rows, Eigen::Index cols, double mean = 0.0, double stddev = 1.0);

    /// A fresh independent generator derived from this one (for per-component streams).
    Rng split() { return Rng(engine_() ^ 0x9E3779B97F4A7C15ull); }

private:
    std::mt19937_64 engine_;
    bool hasSpare_ = false;
    double spare_ = 0.0;
};

}  // namespace sd
