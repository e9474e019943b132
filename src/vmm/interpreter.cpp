#include "vmm/interpreter.hpp"

namespace popek::vmm {

machine::Outcome Interpreter::execute(machine::Machine& virt) {
  machine::Outcome o = virt.execute();
  if (o.insn >= 0) ++runs_[static_cast<size_t>(o.insn)];
  return o;
}

} // namespace popek::vmm
