// A virtual machine monitor for any model (docs/theory.md §3 and §5), built from
// the paper's three modules. The VMM keeps the virtual state V — ordinary
// registers, the virtual system state and mode, guest storage — in its own
// data (a machine of the model), and runs the guest directly on the real
// machine under the model's deprivileging map, the guest's storage at
// [base, base+size) of real memory with the VMM's own region around it.
//
// Strategies: trap-and-emulate runs every instruction directly unless the
// real machine traps; the hybrid VMM of Theorem 3 interprets every
// instruction of a virtual mode other than the least privileged one.
#pragma once

#include "vmm/allocator.hpp"
#include "vmm/dispatcher.hpp"
#include "vmm/interpreter.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace popek::vmm {

enum class Strategy { TrapAndEmulate, Hybrid };
const char* strategy_name(Strategy s); // "trap-emulate", "hybrid"

// A broken VMM property seen while the VMM ran a step.
struct Violation {
  enum Kind {
    ResourceControl, // direct execution changed the real system state or mode without a trap
    Isolation,       // direct execution wrote real memory outside the allocation
    Allocation,      // the virtual state left what the allocation can hold; the allocator refused it
  } kind;
  bool memory = false;
  uint32_t cell = 0; // register cell (ResourceControl)
  unsigned mem = 0;  // memory index (Isolation, Allocation)
  uint64_t addr = 0; // real address (Isolation), virtual address (Allocation)
  uint64_t before = 0, after = 0;
};
const char* violation_name(Violation::Kind k); // "resource control", "isolation", "allocation"

struct VmmStep {
  enum How { Direct, Interpreted, Reflected } how = Direct;
  bool tried_direct = false; // direct execution was tried (and `real` is its outcome)
  machine::Outcome real;     // outcome of direct execution on the real machine
  machine::Outcome virt;     // outcome on the virtual state (Interpreted, Reflected)
  bool halted = false;
  std::vector<Violation> violations;
  // Guest storage and other memory units this step wrote in V (memory, virtual address).
  std::vector<std::pair<unsigned, uint64_t>> written;
};
const char* how_name(VmmStep::How h); // "direct", "interpreted", "reflected"

// Whether a VMM can run guests of model `m` in allocation `a` at all: the model
// has a vmm block and the allocation lies inside the code memory. If not,
// `error` says why.
bool usable(const model::Model& m, const Allocation& a, std::string& error);

class Vmm {
public:
  Vmm(std::shared_ptr<const model::Model> m, Strategy s, Allocation a);

  // Starts the VM in the virtual state held by `initial` (a machine of the
  // same model: registers, and guest storage at [0, size) of its code memory).
  // False, with a reason, if the allocation or the state cannot be used.
  bool start(const machine::Machine& initial, std::string& error);
  // The same for an `initial` whose memory differs from that of the previous
  // start only at the units `changed` names (memory, virtual address): only
  // those and the units the VM wrote since are copied. Fuzz runs are many and
  // short, and copying whole memories would cost more than running them.
  using Unit = std::pair<unsigned, uint64_t>;
  bool restart(const machine::Machine& initial, std::span<const Unit> changed, std::string& error);

  // Runs one guest instruction. The record stays valid until the next step.
  const VmmStep& step();

  const machine::Machine& virtual_state() const { return virt_; }
  const machine::Machine& real() const { return real_; }
  const Allocator& allocator() const { return alloc_; }
  const Interpreter& interpreter() const { return interp_; }
  Strategy strategy() const { return strategy_; }

  struct Counts {
    uint64_t direct = 0, interpreted = 0, reflected = 0;
    double direct_share() const; // of all the guest instructions counted (0 for none)
    Counts& operator+=(const Counts& o);
  };
  const Counts& counts() const { return counts_; }

  // What fills the VMM's own region of real memory, so that a guest reading
  // real addresses it should not see gets values it cannot mistake for its own.
  static constexpr uint64_t kVmmFill = 0x5a5a5a5a5a5a5a5aull;

private:
  void from_real(VmmStep& r); // direct execution's effects into V
  void to_real(VmmStep& r);   // the interpreter's effects on V into the real machine
  bool begin(const machine::Machine& initial, const std::span<const Unit>* changed, std::string& error);
  // Notes a unit written in V or in real memory (real address), for restart.
  void wrote(std::vector<Unit>& list, unsigned mem, uint64_t addr) {
    if (!list.empty() && list.back() == Unit{mem, addr}) return; // a trap loop stores one PSW again and again
    if (list.size() < max_written_)
      list.push_back({mem, addr});
    else
      overflow_ = true; // a long run: the next start copies everything
  }

  std::shared_ptr<const model::Model> m_;
  Strategy strategy_;
  machine::Machine real_, virt_;
  Allocator alloc_;
  Interpreter interp_;
  Dispatcher dispatcher_;
  Counts counts_;
  VmmStep last_;
  uint64_t user_mode_ = 0; // the least privileged mode's code
  // Units V and the real machine wrote since the last start (may repeat);
  // overflow_ when there were too many to list, or before any start.
  std::vector<Unit> virt_written_, real_written_;
  size_t max_written_ = 0;
  bool overflow_ = true;
};

} // namespace popek::vmm
