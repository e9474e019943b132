// The interpreter (Popek & Goldberg's v_i): executes one guest instruction on
// the *virtual* state with the model's own semantics — the same compiled
// routines the bare-metal reference runs, never a hand-written copy — and
// delivers a trap the instruction raises there through the model's trap
// entry applied to the virtual state.
#pragma once

#include "machine/machine.hpp"

#include <vector>

namespace popek::vmm {

class Interpreter {
public:
  explicit Interpreter(const model::Model& m) : runs_(m.insns.size(), 0) {}

  // Fetches, decodes and executes the next instruction of the virtual state.
  // The outcome is virt's own record (valid until it executes again).
  const machine::Outcome& execute(machine::Machine& virt);
  // Applies the model's trap entry to the virtual state.
  void deliver(machine::Machine& virt, const machine::Outcome& trap) { virt.enter_trap(trap); }

  // How many times each instruction of the model was interpreted.
  const std::vector<uint64_t>& runs() const { return runs_; }

private:
  std::vector<uint64_t> runs_;
};

} // namespace popek::vmm
