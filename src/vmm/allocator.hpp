// The allocator (Popek & Goldberg's A): owns the VM's resources — a window
// [base, base+size) of the real code memory, and the real system state. It
// composes the guest's virtual system state with the allocation through the
// model's deprivileging map, and refuses any virtual state that would reach
// outside the allocation (one the model's `wellformed` rejects).
#pragma once

#include "machine/machine.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace popek::vmm {

struct Allocation {
  uint64_t base = 0; // first unit of the guest's storage in real memory
  uint64_t size = 0; // units of guest storage
};

class Allocator {
public:
  explicit Allocator(Allocation a) : a_(a) {}

  const Allocation& allocation() const { return a_; }
  bool in_window(uint64_t real_addr) const { return real_addr >= a_.base && real_addr - a_.base < a_.size; }

  // Installs real(V) on `real`: V's registers, with the system state and mode
  // the deprivileging map derives from V. Returns false, installing nothing,
  // when V is not well formed for the allocation.
  bool install(machine::Machine& virt, machine::Machine& real);

  // The system bits (all bits of the mode) of a real register cell as last installed.
  uint64_t installed(uint32_t cell) const { return installed_[cell]; }

private:
  Allocation a_;
  std::vector<uint64_t> installed_;
  // The last few virtual register sets installed (or refused) and what they
  // gave: when the model's vmm routines read registers only
  // (Machine::vmm_reads_memory), the result is a function of them. Entry e
  // holds cells [e * n, (e + 1) * n) of each array, n cells a register set.
  static constexpr size_t kMemo = 4;
  bool remember_ = false;
  size_t last_ = 0, next_ = 0; // the entry used last; the one to replace next
  std::array<bool, kMemo> memo_used_{}, memo_wellformed_{};
  std::vector<uint64_t> memo_virt_, memo_real_, memo_installed_;
};

} // namespace popek::vmm
