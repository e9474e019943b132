// The allocator (Popek & Goldberg's A): owns the VM's resources — a window
// [base, base+size) of the real code memory, and the real system state. It
// composes the guest's virtual system state with the allocation through the
// model's deprivileging map, and refuses any virtual state that would reach
// outside the allocation (one the model's `wellformed` rejects).
#pragma once

#include "machine/machine.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace popek::vmm {

struct Allocation {
  uint64_t base = 0; // first unit of the guest's storage in real memory
  uint64_t size = 0; // units of guest storage
  // Theorem 2, a VMM under a VMM: nonzero outer_size makes [base, base+size)
  // the inner VMM's window in its own "real" memory, which is itself the guest
  // storage of an outer VMM at [outer_base, outer_base+outer_size) of the
  // real memory. The guest runs on the map applied twice (docs/vmm.md).
  uint64_t outer_base = 0, outer_size = 0;

  bool nested() const { return outer_size != 0; }
  // Where the guest's storage lies in real memory.
  uint64_t window_base() const { return outer_base + base; }
  bool operator==(const Allocation&) const = default;
};

// The allocation popek uses unless told otherwise: the model's `allocate`, or
// else the middle half of the code memory, so the VMM's region lies below it
// (and above).
Allocation default_allocation(const model::Model& m);

// Words for an allocation: "base 256, size 512", "base 128, size 256 inside base 256, size 512".
std::string allocation_text(const Allocation& a);

// The allocation of the VMM at `alone` run under itself, in a real memory of
// `memory` units: the guest keeps its storage's base and size in the inner
// VMM's memory (so a guest that runs alone fits nested), and the outer VMM
// holds [0, base+size) of that memory at up to `base` further in. A VMM that
// keeps its guests at 0 (no relocation) is at 0 on both levels.
Allocation nested_allocation(const Allocation& alone, uint64_t memory);

class Allocator {
public:
  explicit Allocator(Allocation a) : a_(a) {}

  const Allocation& allocation() const { return a_; }
  bool in_window(uint64_t real_addr) const {
    return real_addr >= a_.window_base() && real_addr - a_.window_base() < a_.size;
  }

  // Installs real(V) on `real`: V's registers, with the system state and mode
  // the deprivileging map derives from V (nested: the map of the map's
  // result, which must be well formed for the outer allocation). Returns
  // false when V is not well formed for the allocation.
  bool install(machine::Machine& virt, machine::Machine& real);

  // The system bits (all bits of the mode) of a real register cell as last installed.
  uint64_t installed(uint32_t cell) const { return installed_[cell]; }

private:
  Allocation a_;
  std::vector<uint64_t> installed_;
  std::vector<uint64_t> saved_; // nested: the real registers while the outer VMM's wellformed is asked
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
