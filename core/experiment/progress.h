#pragma once
// Progress of a run as the runner reports it: cells done / running / failed out of the total, and the
// estimated time left (wall time so far × cells left / cells finished in this run — it includes the
// parallelism actually achieved).
#include <string>

namespace sd::experiment {

struct Progress {
    int total = 0;          ///< cells of the plan (or of the requested subset)
    int skipped = 0;        ///< already recorded before this run (resumed)
    int done = 0;           ///< finished in this run (any status)
    int failed = 0;         ///< of those: failed (an exception)
    int diverged = 0;       ///< of those: stopped on NaN or with diverged predictions (recorded, with values where defined)
    int running = 0;
    double elapsedSeconds = 0.0;
    double etaSeconds = -1.0;   ///< < 0: unknown (nothing finished yet)

    int remaining() const { return total - skipped - done; }
    /// "12/48 done (3 resumed), 2 running, 1 failed, 2 diverged/NaN, ETA 3 min 20 s"
    std::string text() const;
};

/// "45 s", "3 min 20 s", "2 h 05 min".
std::string formatDuration(double seconds);

}  // namespace sd::experiment
