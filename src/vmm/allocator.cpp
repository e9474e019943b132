#include "vmm/allocator.hpp"

#include <algorithm>

namespace popek::vmm {

bool Allocator::install(machine::Machine& virt, machine::Machine& real) {
  auto v = virt.reg_cells();
  // A guest caught in a trap loop loads the same PSW again and again: the
  // same virtual registers give the same real ones, without running the
  // model's wellformed and map again.
  if (memo_ok_ && std::equal(v.begin(), v.end(), memo_virt_.begin(), memo_virt_.end())) {
    if (!memo_wellformed_) return false;
    real.set_register_cells(memo_real_);
    installed_ = memo_installed_;
    return true;
  }
  memo_ok_ = !virt.vmm_reads_memory();
  memo_virt_.assign(v.begin(), v.end());
  memo_wellformed_ = virt.vmm_wellformed(a_.base, a_.size);
  if (!memo_wellformed_) return false;
  real.copy_registers(virt);
  real.apply_vmm_map(a_.base, a_.size);
  auto cells = real.reg_cells();
  installed_.resize(cells.size());
  for (uint32_t c = 0; c < cells.size(); ++c) installed_[c] = cells[c] & real.system_mask(c);
  memo_real_.assign(cells.begin(), cells.end());
  memo_installed_ = installed_;
  return true;
}

} // namespace popek::vmm
