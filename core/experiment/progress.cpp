#include "core/experiment/progress.h"

#include <cmath>
#include <cstdio>

namespace sd::experiment {

std::string formatDuration(double seconds) {
    if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
    char buf[48];
    const long long s = std::llround(seconds);
    if (s < 60) std::snprintf(buf, sizeof buf, "%lld s", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%lld min %02lld s", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
    return buf;
}

std::string Progress::text() const {
    std::string s = std::to_string(skipped + done) + "/" + std::to_string(total) + " done";
    if (skipped > 0) s += " (" + std::to_string(skipped) + " resumed)";
    s += ", " + std::to_string(running) + " running, " + std::to_string(failed) + " failed";
    if (diverged > 0) s += ", " + std::to_string(diverged) + " diverged/NaN";
    if (remaining() > 0) s += ", ETA " + (etaSeconds < 0 ? std::string("?") : formatDuration(etaSeconds));
    return s;
}

}  // namespace sd::experiment
