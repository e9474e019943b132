// The questions popek asks of each instruction (docs/theory.md §6), by name.
// Operand fields are symbolic, so one query covers every encoding of the
// instruction; what each answer means is in docs/prover.md.
#pragma once

#include "model/model.hpp"
#include "vmm/vmm.hpp"

#include <string>
#include <vector>

namespace popek::prover {

enum class Property {
  Privileged,      // traps in every less privileged mode, never in the most privileged one (the paper's letter)
  TrapsLeast,      // traps in the least privileged mode (what the proof of Theorem 1 uses; docs/theory.md §8)
  Control,         // can change the mode or the system state without trapping
  Mode,            // two states differing only in mode give different results
  Location,        // a state and its relocation (the vmm map's ⊕ x) give different relative results
  Register,        // two states differing only in one system register (field) give different results
  Equivalence,     // direct execution on real(V) without a trap differs from native execution on V
  ResourceControl, // direct execution without a trap changes the real system state or writes outside the VM
  VmmStep,         // the whole VMM step (direct, interpreted or reflected) differs from the native step
};

// The modes a query ranges over: user is the least privileged mode (the one
// the hybrid VMM runs directly); supervisor is every other.
enum class Where { Any, User, Supervisor };

// A system unit a register-sensitivity query varies: a system register, or a
// field of one. The map's relocation registers (those it moves by the
// allocation's base) are location, not register, sensitivity.
struct Unit {
  uint32_t cell = 0;
  unsigned hi = 0, lo = 0;
  std::string name; // "R.b", "cr0"
};
// The units of a model other than the mode, in declaration order.
std::vector<Unit> system_units(const model::Model& m);

struct Query {
  Property property = Property::Privileged;
  Where where = Where::Any;
  int unit = -1;                                          // Register: index into system_units()
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate; // VmmStep
  std::vector<int> any_of = {}; // Register with unit -1: any one of these units (Prover::any_register)

  // "control sensitive (user)", "register sensitive to R.b (supervisor)", "vmm step (hybrid)".
  std::string name(const model::Model& m) const;
  // Whether a witness makes the property true (sensitive, flagged) or false (privileged).
  bool witness_means_yes() const { return property != Property::Privileged && property != Property::TrapsLeast; }
};

// Yes, no, or not known (a query answered unknown or could not be posed).
enum class Tri { No, Yes, Unknown };
const char* tri_name(Tri t); // "no", "yes", "unknown"

const char* property_name(Property p); // "privileged", "control sensitive", ...
const char* where_name(Where w);       // "", "user", "supervisor"

} // namespace popek::prover
