#include "vmm/dispatcher.hpp"

namespace popek::vmm {

Dispatcher::Decision Dispatcher::dispatch(machine::Machine& virt, Interpreter& interp) {
  const machine::Outcome& o = interp.execute(virt);
  if (o.kind != machine::Outcome::Trapped) return {Action::Interpreted, o};
  interp.deliver(virt, o);
  return {Action::Reflected, o};
}

} // namespace popek::vmm
