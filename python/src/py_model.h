#pragma once
// stabledyn.Model: a learned model (sd::model::Model) with numpy in and out.
//
// Every evaluation releases the GIL and holds the model's own mutex, so calls on different models run in
// parallel from Python threads and calls on one model are serialised (plugins may cache, e.g. the
// certificate). A model being trained is never visible to Python: train() returns it when done.
#include "core/model/model.h"

#include <memory>
#include <mutex>
#include <pybind11/pybind11.h>
#include <utility>

namespace sd::py {

namespace py = pybind11;

class PyModel {
public:
    explicit PyModel(std::unique_ptr<model::Model> m) : model_(std::move(m)) {}

    /// Calls f(const Model&) with the GIL released and the model locked.
    template <typename F>
    auto run(F&& f) const {
        py::gil_scoped_release release;
        std::lock_guard<std::mutex> lock(mutex_);
        return f(static_cast<const model::Model&>(*model_));
    }
    /// Cheap, non-blocking accessors (identity, dimensions) that never touch a cache.
    const model::Model& peek() const { return *model_; }

private:
    std::unique_ptr<model::Model> model_;
    mutable std::mutex mutex_;
};


}  // namespace sd::py
