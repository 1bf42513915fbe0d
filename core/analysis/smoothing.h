#pragma once
// sd::analysis::smoothTensorBoard — TensorBoard's debiased exponential moving average for training
// curves (docs/methods/studio-views.md §5.2), so the studio shows the same smoothed numbers as TensorBoard.
#include <span>
#include <vector>

namespace sd::analysis {

/// TensorBoard's smoothing with weight w ∈ [0, 1) (slider default 0.6). With an accumulator a = 0 and a
/// counter k = 0, for each value y in order: a non-finite y (NaN, ±Inf) is output unchanged and leaves
/// a and k alone; otherwise a ← w·a + (1 − w)·y, k ← k + 1, and the output is the debiased a/(1 − w^k).
/// The first finite output equals its raw value; w = 0 returns the input.
/// Throws sd::Error("smoothTensorBoard: ...") unless 0 ≤ w < 1.
std::vector<double> smoothTensorBoard(std::span<const double> values, double weight = 0.6);

/// The same smoothing one value at a time, for curves that grow (a live training curve appends points
/// without re-smoothing its history): push(y) returns what smoothTensorBoard gives for y at that position.
/// Throws sd::Error("TensorBoardSmoother: ...") unless 0 ≤ weight < 1.
class TensorBoardSmoother {
public:
    explicit TensorBoardSmoother(double weight = 0.6);
    double push(double y);

private:
    double weight_;
    double accumulator_ = 0.0;
    int count_ = 0;
};

}  // namespace sd::analysis
