// The lockstep differential runner: the same guest runs natively on the
// bare-metal reference and under a VMM, one instruction at a time; after each,
// every guest-visible component is compared (ordinary registers, the guest's
// storage, the native system state against the VMM's virtual one), and the
// VMM's own properties are checked (resource control, isolation). The first
// difference stops the run and is explained.
#pragma once

#include "vmm/vmm.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace popek::diff {

struct Component {
  enum Kind { Register, Memory, Halted } kind = Register;
  uint32_t cell = 0;   // Register: the register cell
  unsigned mem = 0;    // Memory
  uint64_t addr = 0;   // Memory: virtual address (real address for isolation)
  uint64_t native = 0; // the native value (for resource control: as installed; isolation: before)
  uint64_t vmm = 0;    // the VMM's value (resource control, isolation: after direct execution)
};

// "mode", "R", "r[3]", "E[12]", "halt".
std::string component_name(const model::Model& m, const Component& c);

struct Divergence {
  enum Kind { Equivalence, ResourceControl, Isolation, Allocation } kind = Equivalence;
  uint64_t step = 0;       // 1-based
  uint64_t pc = 0;         // where the instruction is (virtual)
  machine::Outcome native; // what the instruction did natively
  vmm::VmmStep vmm;        // how the VMM ran it
  std::vector<Component> components;
  std::vector<uint64_t> before; // the virtual register cells before the instruction
};
const char* kind_name(Divergence::Kind k);
// The mnemonic of the instruction a step ran ("(fetch)" or "(undefined)" otherwise).
std::string insn_name(const model::Model& m,
                      const machine::Outcome& o); // "equivalence", "resource control", "isolation", "allocation"

struct Options {
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate;
  vmm::Allocation allocation;
  uint64_t max_steps = 100000;
};

struct Result {
  uint64_t steps = 0;
  bool halted = false; // both sides halted, together
  std::optional<Divergence> divergence;
  vmm::Vmm::Counts counts;
  double efficiency() const; // share of guest instructions executed directly
};

class Lockstep {
public:
  Lockstep(std::shared_ptr<const model::Model> m, const Options& o);

  // Starts both sides in the virtual state `initial` holds (see initial_state).
  bool start(const machine::Machine& initial, std::string& error);
  // The same for an `initial` whose memory differs from that of the previous
  // start only at the units `changed` names (memory, virtual address): only
  // those and the units either side wrote since are copied (vmm::Vmm::restart).
  bool restart(const machine::Machine& initial, std::span<const vmm::Vmm::Unit> changed, std::string& error);

  struct Step {
    uint64_t pc = 0;                // where the instruction was
    const machine::Outcome& native; // valid until the next step
    const vmm::VmmStep& vmm;        // valid until the next step
    // Null unless this step diverged (a pointer, so the common step carries no
    // large empty record).
    std::unique_ptr<Divergence> divergence;
  };
  Step step();

  // Steps until both halt, a divergence, or the step budget. `observe` sees
  // every step (for traces) before the next one runs.
  Result run(const std::function<void(uint64_t, const Step&)>& observe = {});

  const machine::Machine& native() const { return native_; }
  // Counts the model's branch arms the native side takes (machine::Machine::set_coverage).
  void set_coverage(uint8_t* counters) { native_.set_coverage(counters); }
  // The virtual register cells before the last step.
  const std::vector<uint64_t>& before() const { return before_; }
  const vmm::Vmm& vmm() const { return vmm_; }
  const Options& options() const { return opts_; }

private:
  // Sets the native side's registers and memory to `initial`'s (see restart).
  void begin(const machine::Machine& initial, const std::span<const vmm::Vmm::Unit>* changed);
  // Fills comps_ with what differs after a step; returns the property broken.
  Divergence::Kind compare(const machine::Outcome& native, const vmm::VmmStep& vs);

  std::shared_ptr<const model::Model> m_;
  Options opts_;
  machine::Machine native_;
  vmm::Vmm vmm_;
  uint64_t steps_ = 0;
  std::vector<uint64_t> before_;
  std::vector<Component> comps_; // reused every step: comparing allocates nothing
  // Memory units the native side wrote since the last start (flat, may
  // repeat); overflow_ when there were too many to list, or before any start.
  std::vector<uint64_t> native_written_;
  size_t max_written_ = 0;
  bool overflow_ = true;
};

} // namespace popek::diff
