// Presenting lockstep runs to people and programs: the side-by-side trace
// line, the divergence report, and their JSON forms.
#pragma once

#include "diff/lockstep.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace popek::cli {

// A component's native and VMM values, as people read them.
std::string component_value(const model::Model& m, const diff::Component& c, bool vmm_side);

// One trace line: step, address, instruction, native changes | how the VMM ran it and its changes.
std::string trace_line(const diff::Lockstep& ls, uint64_t step, const diff::Lockstep::Step& s);

// The full report of a divergence (several lines).
std::string divergence_report(const model::Model& m, const diff::Divergence& d, vmm::Strategy s);
// The one-line summary: "rtu at 005 (step 3): equivalence broken in mode".
std::string divergence_summary(const model::Model& m, const diff::Divergence& d);

nlohmann::json divergence_json(const model::Model& m, const diff::Divergence& d);

} // namespace popek::cli
