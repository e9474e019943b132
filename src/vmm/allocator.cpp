#include "vmm/allocator.hpp"

namespace popek::vmm {

bool Allocator::install(machine::Machine& virt, machine::Machine& real) {
  if (!virt.vmm_wellformed(a_.base, a_.size)) return false;
  real.copy_registers(virt);
  real.apply_vmm_map(a_.base, a_.size);
  auto cells = real.reg_cells();
  installed_.resize(cells.size());
  for (uint32_t c = 0; c < cells.size(); ++c) installed_[c] = cells[c] & real.system_mask(c);
  return true;
}

} // namespace popek::vmm
