#pragma once
// sd::parallelFor — the small compute thread pool behind the data-parallel kernels (sd::ad::gemm's column /
// row blocks, the per-image loops of the convolutions).
//
// Determinism by construction: a caller splits its work into tasks whose boundaries depend only on the
// problem's shape — never on the number of threads — and every task writes its own part of the result. The
// thread count then only decides who runs which task, so results are bit-identical for any thread count
// (docs/methods/core.md §1.6). With one thread the same tasks run one after the other on the caller.
//
// One process-wide pool of persistent workers, created lazily. A parallelFor called from inside a task, or
// while another thread's parallelFor holds the pool (the experiment runner's workers, the studio's GUI thread
// evaluating a field while a worker trains), runs its tasks serially on its own thread — same tasks, same
// results, no oversubscription.
#include <functional>

namespace sd {

/// The machine's hardware threads (std::thread::hardware_concurrency, at least 1).
int hardwareThreads();

/// The number of threads parallelFor may use on the calling thread: the innermost ComputeThreadsScope of
/// this thread if any, else the process default (setComputeThreads; initially hardwareThreads()).
int computeThreads();

/// Sets the process default. n ≤ 0 means hardwareThreads(). Values above 64 are clamped to 64.
void setComputeThreads(int n);

/// Overrides computeThreads() on the constructing thread for the scope's lifetime (a training run with its
/// own `threads` option). n ≤ 0 leaves the current value in force.
class ComputeThreadsScope {
public:
    explicit ComputeThreadsScope(int n);
    ~ComputeThreadsScope();
    ComputeThreadsScope(const ComputeThreadsScope&) = delete;
    ComputeThreadsScope& operator=(const ComputeThreadsScope&) = delete;

private:
    int previous_;
};

/// Runs task(0), …, task(count − 1), each exactly once, on up to computeThreads() threads (the caller is one
/// of them) and returns when all have finished. Tasks must not depend on each other's order and must write
/// disjoint data. The first exception a task throws is rethrown here after all tasks have stopped.
void parallelFor(int count, const std::function<void(int)>& task);

}  // namespace sd
