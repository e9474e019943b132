#include "vmm/allocator.hpp"

#include <algorithm>

namespace popek::vmm {

Allocation default_allocation(const model::Model& m) {
  if (m.vmm.allocation) return {m.vmm.allocation->first, m.vmm.allocation->second};
  uint64_t q = m.mems[m.code_mem].size;
  return {q / 4, q / 2};
}

std::string allocation_text(const Allocation& a) {
  std::string s = "base " + std::to_string(a.base) + ", size " + std::to_string(a.size);
  if (a.nested()) s += " inside base " + std::to_string(a.outer_base) + ", size " + std::to_string(a.outer_size);
  return s;
}

Allocation nested_allocation(const Allocation& alone, uint64_t memory) {
  const uint64_t outer_size = alone.base + alone.size;
  const uint64_t spare = memory > outer_size ? memory - outer_size : 0;
  return {alone.base, alone.size, alone.base == 0 ? 0 : std::min(alone.base, spare), outer_size};
}

bool Allocator::install(machine::Machine& virt, machine::Machine& real) {
  auto v = virt.reg_cells();
  const size_t n = v.size();
  // A guest caught in a trap loop loads the same PSW again and again, and
  // most fuzz inputs leave the same PSW for their trap entry: the same virtual
  // registers give the same real ones, without running the model's wellformed
  // and map (interpreted) again.
  if (remember_ && memo_virt_.size() == kMemo * n) {
    for (size_t k = 0, e = last_; k < kMemo; ++k, e = (e + kMemo - 1) % kMemo) {
      const uint64_t* key = memo_virt_.data() + e * n;
      size_t i = 0;
      while (i < n && key[i] == v[i]) ++i;
      if (i < n || !memo_used_[e]) continue;
      last_ = e;
      if (!memo_wellformed_[e]) return false;
      real.set_register_cells({memo_real_.data() + e * n, n});
      std::copy(memo_installed_.begin() + static_cast<long>(e * n),
                memo_installed_.begin() + static_cast<long>((e + 1) * n), installed_.begin());
      return true;
    }
  }
  bool ok = virt.vmm_wellformed(a_.base, a_.size);
  if (ok) {
    // Nested, what the inner VMM would install is the outer VMM's guest;
    // refused, the real machine keeps its registers, as when V itself is.
    if (a_.nested()) saved_.assign(real.reg_cells().begin(), real.reg_cells().end());
    real.copy_registers(virt);
    real.apply_vmm_map(a_.base, a_.size);
    if (a_.nested()) {
      ok = real.vmm_wellformed(a_.outer_base, a_.outer_size);
      if (ok)
        real.apply_vmm_map(a_.outer_base, a_.outer_size);
      else
        real.set_register_cells(saved_);
    }
  }
  if (ok) {
    auto cells = real.reg_cells();
    installed_.resize(cells.size());
    for (uint32_t c = 0; c < cells.size(); ++c) installed_[c] = cells[c] & real.system_mask(c);
  }
  remember_ = !virt.vmm_reads_memory();
  if (remember_) {
    if (memo_virt_.size() != kMemo * n) {
      memo_virt_.assign(kMemo * n, 0);
      memo_real_.assign(kMemo * n, 0);
      memo_installed_.assign(kMemo * n, 0);
      memo_used_.fill(false);
    }
    last_ = next_;
    next_ = (next_ + 1) % kMemo;
    std::copy(v.begin(), v.end(), memo_virt_.begin() + static_cast<long>(last_ * n));
    memo_used_[last_] = true;
    memo_wellformed_[last_] = ok;
    if (ok) {
      auto cells = real.reg_cells();
      std::copy(cells.begin(), cells.end(), memo_real_.begin() + static_cast<long>(last_ * n));
      std::copy(installed_.begin(), installed_.end(), memo_installed_.begin() + static_cast<long>(last_ * n));
    }
  }
  return ok;
}

} // namespace popek::vmm
