// The initial virtual state of a run: the model's reset state, the VM's reset
// for its allocation (the model's `vmm reset`), the settings a case or the
// user gives, and the program in the guest's storage.
#pragma once

#include "asm/image.hpp"
#include "machine/machine.hpp"
#include "vmm/allocator.hpp"

#include <string>
#include <vector>

namespace popek::diff {

// One setting of the initial state, e.g. `R.b = 63`, `mode = user`, `E[7] = 5`.
struct Setting {
  bool memory = false;
  uint32_t cell = 0;       // register cell
  unsigned hi = 0, lo = 0; // bits of the cell (a field)
  unsigned mem = 0;
  uint64_t addr = 0;
  uint64_t value = 0;
};

// Parses `NAME` (mode, R, R.l, r[3], r[3].f, E[12]) against the model. On
// failure returns false with `error` saying why.
bool parse_target(const model::Model& m, const std::string& name, Setting& s, std::string& error);
// The width in bits of what a setting writes.
unsigned setting_width(const model::Model& m, const Setting& s);
// Parses a whole setting: `name` as parse_target, `value` a number (decimal,
// 0x, 0b; negative values in two's complement) that fits, or a mode's name.
bool parse_setting(const model::Model& m, const std::string& name, const std::string& value, Setting& s,
                   std::string& error);

// Builds the initial virtual state in `out` (a freshly constructed machine of the
// model). False, with a reason, if the model has no vmm block, the allocation
// does not fit in memory, or the program or a setting lies outside it.
bool initial_state(machine::Machine& out, const vmm::Allocation& a, const std::vector<Setting>& settings,
                   const assembler::Image& program, std::string& error);

} // namespace popek::diff
