#include "vmm/interpreter.hpp"

namespace popek::vmm {

const machine::Outcome& Interpreter::execute(machine::Machine& virt) {
  const machine::Outcome& o = virt.execute_in_place();
  if (o.insn >= 0) ++runs_[static_cast<size_t>(o.insn)];
  return o;
}

} // namespace popek::vmm
