#include "core/systems/ripple_texture.h"

#include "core/common/error.h"
#include "core/common/rng.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace sd::systems {

using data::Video;
using Eigen::Index;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Video generateRippleTexture(const RippleTextureOptions& o) {
    const std::string where = "generate ripples";
    if (o.height < 4 || o.width < 4) throw Error(where + ": height", "frames must be at least 4x4");
    if (o.frames < 1) throw Error(where + ": frames", "must be >= 1");
    if (o.channels != 1 && o.channels != 3) throw Error(where + ": channels", "must be 1 or 3");
    if (o.substeps < 1) throw Error(where + ": substeps", "must be >= 1");
    if (!(o.damping >= 0.0 && o.damping < 1.0)) throw Error(where + ": damping", "must be in [0, 1)");
    if (!(o.dropRate >= 0.0)) throw Error(where + ": drop_rate", "must be >= 0");
    if (!(o.dropRadius > 0.0)) throw Error(where + ": drop_radius", "must be > 0");
    if (!std::isfinite(o.dropAmplitude)) throw Error(where + ": drop_amplitude", "must be finite");
    if (o.warmup < 0) throw Error(where + ": warmup", "must be >= 0");
    if (!(o.fps > 0.0)) throw Error(where + ": fps", "must be > 0");

    const Index H = o.height, W = o.width;
    RowMajor u = RowMajor::Zero(H, W), vel = RowMajor::Zero(H, W);
    Rng rng(o.seed);
    const double c2 = 0.25;   // (c·Δt/Δx)² with c·Δt/Δx = 0.5 (stable below 1/√2)
    const auto wrap = [](Index i, Index n) { return ((i % n) + n) % n; };
    const auto drop = [&] {
        const double cy = rng.uniform(0.0, double(H)), cx = rng.uniform(0.0, double(W));
        const double amp = o.dropAmplitude * rng.uniform(0.5, 1.0);
        const Index r = static_cast<Index>(std::ceil(3.0 * o.dropRadius));
        for (Index dy = -r; dy <= r + 1; ++dy)
            for (Index dx = -r; dx <= r + 1; ++dx) {
                const Index y = static_cast<Index>(std::floor(cy)) + dy, x = static_cast<Index>(std::floor(cx)) + dx;
                const double ry = y - cy, rx = x - cx;
                u(wrap(y, H), wrap(x, W)) += amp * std::exp(-(ry * ry + rx * rx) / (2.0 * o.dropRadius * o.dropRadius));
            }
    };
    const auto step = [&] {
        // Drops arrive as a Poisson process: the number per frame is drawn by inversion.
        double p = std::exp(-o.dropRate), cdf = p, r = rng.uniform01();
        int n = 0;
        while (r > cdf && n < 100) {
            ++n;
            p *= o.dropRate / n;
            cdf += p;
        }
        for (int k = 0; k < n; ++k) drop();
        for (Index s = 0; s < o.substeps; ++s) {
            for (Index y = 0; y < H; ++y)
                for (Index x = 0; x < W; ++x) {
                    const double lap = u(wrap(y - 1, H), x) + u(wrap(y + 1, H), x) + u(y, wrap(x - 1, W)) +
                                       u(y, wrap(x + 1, W)) - 4.0 * u(y, x);
                    vel(y, x) = (1.0 - o.damping) * vel(y, x) + c2 * lap;
                }
            u += vel;
        }
    };

    Video v;
    v.name = "ripples";
    v.source = "generator ripples (seed " + std::to_string(o.seed) + ")";
    v.channels = o.channels;
    v.height = H;
    v.width = W;
    v.fps = o.fps;
    v.frames.resize(v.frameSize(), o.frames);
    for (Index k = 0; k < o.warmup; ++k) step();
    const double tint[3] = {0.10, 0.35, 0.55}, light[3] = {0.85, 0.95, 1.0};
    for (Index t = 0; t < o.frames; ++t) {
        step();
        double* f = v.frames.col(t).data();
        for (Index y = 0; y < H; ++y)
            for (Index x = 0; x < W; ++x) {
                // Light from the top left: brightness follows the surface slope towards it.
                const double slope = (u(wrap(y - 1, H), x) - u(wrap(y + 1, H), x)) + (u(y, wrap(x - 1, W)) - u(y, wrap(x + 1, W)));
                const double shade = std::tanh(4.0 * slope);   // in (−1, 1)
                const double spec = 0.35 * std::pow(std::max(shade, 0.0), 3.0);   // highlights on slopes facing the light
                if (o.channels == 1) {
                    f[y * W + x] = std::clamp(0.45 + 0.3 * shade + spec, 0.0, 1.0);
                } else {
                    for (int c = 0; c < 3; ++c)
                        f[(c * H + y) * W + x] = std::clamp(tint[c] + light[c] * (0.2 + 0.25 * shade + spec), 0.0, 1.0);
                }
            }
    }
    return v;
}

std::vector<std::string> videoGeneratorNames() { return {"ripples"}; }

bool isVideoGenerator(const std::string& name) { return name == "ripples"; }

Video generateVideo(const std::string& name, const nlohmann::json& params) {
    if (!isVideoGenerator(name)) throw Error("generate " + name, "unknown video generator (known: ripples)");
    const std::string where = "generate " + name;
    if (!params.is_object()) throw Error(where, "parameters must be a JSON object");
    RippleTextureOptions o;
    const std::set<std::string> ints = {"height", "width", "frames", "channels", "seed", "substeps", "warmup"};
    const std::set<std::string> reals = {"damping", "drop_rate", "drop_amplitude", "drop_radius", "fps"};
    for (auto it = params.begin(); it != params.end(); ++it) {
        const std::string& k = it.key();
        const auto& j = it.value();
        if (ints.count(k)) {
            if (!j.is_number_integer() || (k == "seed" ? false : j.get<long long>() < 0))
                throw Error(where + ": " + k, "expected a non-negative integer, found " + j.dump());
            const long long val = j.get<long long>();
            if (k == "seed") {
                if (!j.is_number_unsigned() && val < 0) throw Error(where + ": seed", "expected an integer >= 0");
                o.seed = j.get<std::uint64_t>();
            } else if (k == "height") o.height = val;
            else if (k == "width") o.width = val;
            else if (k == "frames") o.frames = val;
            else if (k == "channels") o.channels = val;
            else if (k == "substeps") o.substeps = val;
            else o.warmup = val;
        } else if (reals.count(k)) {
            if (!j.is_number()) throw Error(where + ": " + k, "expected a number, found " + j.dump());
            const double val = j.get<double>();
            if (k == "damping") o.damping = val;
            else if (k == "drop_rate") o.dropRate = val;
            else if (k == "drop_amplitude") o.dropAmplitude = val;
            else if (k == "drop_radius") o.dropRadius = val;
            else o.fps = val;
        } else {
            throw Error(where + ": " + k, "unknown parameter (known: height, width, frames, channels, seed, substeps, "
                                          "damping, drop_rate, drop_amplitude, drop_radius, warmup, fps)");
        }
    }
    Video v = generateRippleTexture(o);
    v.source = "generator ripples " + params.dump();
    return v;
}

}  // namespace sd::systems
