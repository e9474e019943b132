// Coverage of the model, not of the interpreter: the reference machine runs
// every model through the same C++, so libFuzzer's edge coverage cannot tell
// one model instruction's paths from another's. These counters can: one per
// arm of every `if` and `require` of the model's semantics (counted by the
// machine, model/branches.hpp), and per instruction one per outcome (how it
// ended natively, how the VMM ran it) and one per divergence kind.
#pragma once

#include "diff/lockstep.hpp"
#include "model/branches.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace popek::fuzz {

class CoverageMap {
public:
  explicit CoverageMap(const model::Model& m);

  size_t size() const { return size_; } // counters
  // Counters [0, arms()) are the branch arms, as the machine counts them.
  size_t arms() const { return branches_.arms(); }
  const model::Branches& branches() const { return branches_; }

  // The counter of a step's outcome, and of a divergence at a step.
  uint32_t outcome(const machine::Outcome& native, vmm::VmmStep::How how) const { // inline: one per step
    size_t cls = native.kind == machine::Outcome::Completed ? 0
                 : native.kind == machine::Outcome::Halted  ? 1
                                                            : 2 + native.cause;
    return static_cast<uint32_t>(outcomes_ + (slot(native) * classes_ + cls) * kHows + static_cast<size_t>(how));
  }
  uint32_t divergence(const machine::Outcome& native, diff::Divergence::Kind kind) const;

  // The instruction a counter belongs to: an index, or ninsns for "(fetch)"
  // (the fetch function, or a fetch that trapped), ninsns + 1 for
  // "(undefined)" (an encoding no instruction has), ninsns + 2 for the trap entry.
  size_t routine_of(uint32_t counter) const;
  std::string routine_name(size_t routine) const;
  // "lpsw: require at pg.isa:117:3 fails", "add: completes, direct", ...
  std::string name(uint32_t counter) const;
  // An arm without its routine: "require at pg.isa:117:3 fails".
  std::string arm_name(uint32_t arm) const;

private:
  size_t slot(const machine::Outcome& o) const { // routine slot of an outcome
    if (o.insn >= 0) return static_cast<size_t>(o.insn);
    return o.stage == machine::Outcome::Fetch ? ninsns_ : ninsns_ + 1;
  }
  static constexpr size_t kHows = 3;  // direct, interpreted, reflected
  static constexpr size_t kKinds = 4; // equivalence, resource control, isolation, allocation
  const model::Model& m_;
  size_t ninsns_ = 0;
  model::Branches branches_;
  size_t classes_ = 0; // outcome classes: completes, halts, then one per trap cause
  size_t outcomes_ = 0, divergences_ = 0, size_ = 0;
};

// What a campaign reached, for people: `seen` holds one flag per counter.
struct CoverageReport {
  size_t insns = 0, insns_reached = 0;     // the model's instructions, and those executed
  size_t arms = 0, arms_reached = 0;       // branch arms of the whole model
  std::vector<std::string> never_executed; // instructions never executed
  // Arms never taken in routines that ran, one line per place and arm, with
  // the routines it was inlined into: "if at pg.isa:47:3 taken: (fetch), li, mov".
  std::vector<std::string> never_arms;
};
CoverageReport coverage_report(const model::Model& m, const CoverageMap& map, const std::vector<uint8_t>& seen);
std::string format_report(const CoverageReport& r);

} // namespace popek::fuzz
