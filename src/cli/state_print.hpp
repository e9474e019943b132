// Human- and machine-readable views of a machine's state: register values with
// their fields, the mode by name, and the changes one step made.
#pragma once

#include "machine/words.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace popek::cli {

using machine::reg_name;
using machine::reg_value;
// "mode=user P=0x000 E[200]=0x..." for everything the last step changed.
std::string describe_changes(const machine::Machine& mc);
// Final registers and mode, one per line, indented.
std::string describe_registers(const machine::Machine& mc);
// What happened in one outcome, e.g. "trap svc" or "halt".
inline std::string describe_outcome(const model::Model& m, const machine::Outcome& o) {
  return machine::outcome_words(m, o);
}

nlohmann::json registers_json(const machine::Machine& mc);
nlohmann::json changes_json(const machine::Machine& mc);

} // namespace popek::cli
