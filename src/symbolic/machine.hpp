// The symbolic counterpart of the reference machine (src/machine): fetch,
// execute one instruction with rollback on a trap, the pc advance, the trap
// entry, and the model's vmm block — each the model's own routine run by the
// Executor, with the same order of events as machine::Machine.
#pragma once

#include "symbolic/exec.hpp"

namespace popek::symbolic {

// Fetching one instruction's units at the program counter.
struct Fetch {
  std::vector<Term> units;  // each fetch unit as read (unit 0 holds the most significant bits)
  std::vector<Term> where;  // the code-memory address each unit was read from
  Term trapped, memory;     // a unit could not be fetched; memory: by translation
  Term cause, arg;          // of the first unit that trapped
  Term encodes;             // no trap, and the units carry the instruction's fixed bits
  std::vector<Term> fields; // the instruction's operand fields, from the units
};

// How one instruction ended, and the state after it: as before when it trapped
// (nothing partial survives), the trap entry not yet applied.
struct Step {
  State after;
  Term trapped, memory, halted; // booleans
  Term cause, arg;
};

class SymbolicMachine {
public:
  SymbolicMachine(Context& c, const model::Model& m) : c_(c), m_(m), x_(c, m) {}

  // Reads instruction `insn`'s units at the pc of `s`, as the machine does.
  Fetch fetch(const State& s, int insn);
  // Executes `insn` on `s` with `fields` after fetch `f` on the same state: a
  // fetch trap is the step's outcome; otherwise the instruction's body runs,
  // then the pc advances unless the body wrote it.
  Step execute(const State& s, int insn, const std::vector<Term>& fields, const Fetch& f);
  // The model's trap entry applied to a trapped step (the state unchanged otherwise).
  State enter_trap(const Step& st);

  // The deprivileging map for a VM at (base, size): `v` with the real system
  // state and mode it derives.
  State map(const State& v, Term base, Term size);
  // The model's `wellformed` of a virtual state (a boolean).
  Term wellformed(const State& v, Term base, Term size);

  Context& context() { return c_; }
  const model::Model& model() const { return m_; }
  // The unknown memories of the query being built.
  Unknowns& unknowns() { return unknowns_; }

private:
  Unknowns unknowns_;
  Context& c_;
  const model::Model& m_;
  Executor x_;
};

} // namespace popek::symbolic
