#pragma once
// The module's exception types and the translation of core errors into them.
//
//   stabledyn.StableDynError(RuntimeError)      every failure reported by the core (sd::Error); the message
//                                               is the core's "<where>: <what>", also split into the
//                                               attributes .where and .detail
//   stabledyn.InputError(StableDynError, ValueError)
//                                               an argument the binding refuses before calling the core
//                                               (wrong array shape, non-numeric data, unknown keyword)
//   stabledyn.TrainingInterrupted(KeyboardInterrupt)
//                                               Ctrl-C during train(); .model holds the model with the last
//                                               good parameters (training status "cancelled")
#include "core/common/error.h"

#include <pybind11/pybind11.h>
#include <string>

namespace sd::py {

/// Thrown by binding code for arguments refused before they reach the core; becomes stabledyn.InputError.
class InputError : public sd::Error {
public:
    using sd::Error::Error;
};

/// Creates the exception types in `m` and registers the C++ → Python translation.
void registerErrors(pybind11::module_& m);

/// stabledyn.TrainingInterrupted (valid after registerErrors).
pybind11::handle trainingInterruptedType();

}  // namespace sd::py
