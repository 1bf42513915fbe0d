#pragma once
// The on-disk results of a run (docs/experiment-plan.md, "Output folder"):
//   <out>/plan.json            the plan as run (ranges expanded)
//   <out>/results.jsonl        one JSON object per finished cell, appended
//   <out>/models/<id>.json     each finished cell's model document (written before its result line)
//   <out>/parts/*.jsonl        per-task result files of a Slurm array (merged by `experiment collect`)
//   <out>/.lock                held (flock) by a local run, so two runs cannot write one folder
//
// appendJsonLine is the one write path for result lines: the whole line goes out in one write() on an
// O_APPEND descriptor under an flock and is fsync'ed before it returns. A line counts once its '\n' is
// written, so a killed run leaves complete lines plus at most an unterminated torn tail, which readers skip
// and the next append cuts off (tests/cli/test_crash_safety.cpp kills writers to check this).
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sd::experiment {

/// Appends record.dump() + '\n' to `file` (created if absent), then fsyncs it. If the file does not end
/// in a newline (a torn line from a crash), that unterminated tail is removed first. Throws sd::Error
/// naming the file.
void appendJsonLine(const std::filesystem::path& file, const nlohmann::json& record);

/// Every parseable line of a JSON-lines file (an absent file has none); `skipped` counts lines that are
/// not a JSON object (garbage) and an unterminated last line (a torn append).
std::vector<nlohmann::json> readJsonLines(const std::filesystem::path& file, int* skipped = nullptr);

/// The latest record per cell id from results.jsonl and parts/*.jsonl of an output folder (later lines
/// win; within parts, files are read in name order after results.jsonl).
std::map<std::string, nlohmann::json> latestRecords(const std::filesystem::path& outputDir, int* skipped = nullptr);

/// A run's exclusive hold on its output folder (flock on <out>/.lock); released by the destructor.
class RunLock {
public:
    /// Throws sd::Error naming the folder if another process holds it.
    explicit RunLock(const std::filesystem::path& outputDir);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    int fd_ = -1;
};

inline std::filesystem::path resultsFile(const std::filesystem::path& outputDir) { return outputDir / "results.jsonl"; }
inline std::filesystem::path modelFile(const std::filesystem::path& outputDir, const std::string& id) {
    return outputDir / "models" / (id + ".json");
}

}  // namespace sd::experiment
