// A machine's values as people read them: register names and values (the
// mode by name, hex with named fields), memory units, and outcomes. The CLI's
// text and the reports' tables say the same things with these.
#pragma once

#include "machine/machine.hpp"

#include <string>

namespace popek::machine {

// "R" for a register, "r[3]" for a file entry.
std::string reg_name(const model::Model& m, unsigned r, unsigned i);
// The value as people read it: the mode's name, hex with named fields.
std::string reg_value(const model::Model& m, unsigned r, uint64_t v);
// A unit of memory `mem`, in hex of its width.
std::string mem_value(const model::Model& m, unsigned mem, uint64_t v);
// How an outcome ended: "" (completed), "halt", "trap svc", "trap mem (memory trap)".
std::string outcome_words(const model::Model& m, const Outcome& o);

} // namespace popek::machine
