// A lockstep run's events as people read them: the instruction, how the VMM
// ran it, and a divergent component's value. `popek diff` prints them; the
// reports show them beside the states.
#pragma once

#include "diff/lockstep.hpp"

#include <string>
#include <utility>

namespace popek::diff {

// "rtu 0", "(fetch)", "(undefined 0x...)".
std::string insn_text(const model::Model& m, const machine::Outcome& o);
// "executed directly, without a trap", "interpreted after real trap priv", "reflected trap svc (hybrid)".
std::string how_words(const model::Model& m, const vmm::VmmStep& s);
// One side's value `v` of a component: a register's as reg_value, a unit in hex, "halted"/"running".
std::string component_value(const model::Model& m, const Component& c, uint64_t v);

// What a divergence of kind `k` compares on each side: "native"/"vmm",
// "installed"/"after, without a trap" (resource control), "before"/"after, without a trap" (isolation).
std::pair<const char*, const char*> compared_sides(Divergence::Kind k);

} // namespace popek::diff
