// Human- and machine-readable views of a machine's state: register values with
// their fields, the mode by name, and the changes one step made.
#pragma once

#include "machine/machine.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace popek::cli {

// "R" for a register, "r[3]" for a file entry.
std::string reg_name(const model::Model& m, unsigned r, unsigned i);
// The value as people read it: the mode's name, hex with named fields.
std::string reg_value(const model::Model& m, unsigned r, uint64_t v);
// "mode=user P=0x000 E[200]=0x..." for everything the last step changed.
std::string describe_changes(const machine::Machine& mc);
// Final registers and mode, one per line, indented.
std::string describe_registers(const machine::Machine& mc);
// What happened in one outcome, e.g. "trap svc" or "halt".
std::string describe_outcome(const model::Model& m, const machine::Outcome& o);

nlohmann::json registers_json(const machine::Machine& mc);
nlohmann::json changes_json(const machine::Machine& mc);

} // namespace popek::cli
