// What-if hardware (popek check --trap): the model as if some instructions
// trapped whenever executed below the most privileged mode, the way a
// hardware extension such as x86's UMIP makes SGDT and SIDT trap outside
// ring 0. The trap is the model's default trap, with argument 0. Nothing else
// of the model changes, so every other instruction's answers stay the same.
#pragma once

#include "model/model.hpp"

#include <memory>
#include <string>
#include <vector>

namespace popek::model {

// The model with instructions `insns` (indices) trapping below the first
// mode. Throws std::invalid_argument when the model has no default trap.
std::shared_ptr<const Model> with_traps(const Model& m, const std::vector<int>& insns);

} // namespace popek::model
