// The dispatcher (Popek & Goldberg's D): entered on every trap out of direct
// execution (and, in the hybrid VMM, for every instruction of virtual
// supervisor mode). It decides between interpreting the instruction for the
// guest and reflecting a trap into the guest: the interpreter runs the
// instruction on the virtual state; if it traps there too, the guest would
// have taken that trap on its own machine, so the trap is reflected.
#pragma once

#include "vmm/interpreter.hpp"

namespace popek::vmm {

class Dispatcher {
public:
  enum class Action { Interpreted, Reflected };
  struct Decision {
    Action action;
    const machine::Outcome& outcome; // what the instruction did on the virtual state (its record there)
  };

  Decision dispatch(machine::Machine& virt, Interpreter& interp);
};

} // namespace popek::vmm
