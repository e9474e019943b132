// Symbolic execution of a model routine (an instruction's body, the fetch,
// the trap entry, the vmm block) over a State of terms. It reads the same IR
// the reference machine compiles, statement for statement, so the Z3 queries
// and the concrete machine share one definition of every instruction.
//
// Routines are loop-free with structured `if`, so execution is a single pass:
// each write is guarded by its path condition and by "nothing trapped or
// halted before it". A trap or halt is an outcome (docs/theory.md §5), not a jump.
#pragma once

#include "symbolic/state.hpp"

namespace popek::symbolic {

// How a routine ended. `cause` and `arg` mean something only when `trapped`.
struct Result {
  Term trapped, memory, halted; // booleans; `memory`: a trap raised by address translation
  Term pc_written;              // boolean: the routine wrote the program counter
  Term cause;                   // the trap's code (the trap entry's cause width)
  Term arg;                     // the trap's argument (the trap entry's argument width)
  Term value;                   // the routine's result, for routines that return one
  // Every memory read, in order: (memory, first address). Witnesses use them
  // to say where an instruction was fetched from.
  std::vector<std::pair<unsigned, Term>> reads;
};

class Executor {
public:
  Executor(Context& c, const model::Model& m) : c_(c), m_(m) {}

  // Runs `r` on `s` under `guard`: where the guard is false, the routine
  // changes nothing and neither traps nor halts. `fields` are the operand
  // fields of the instruction being executed (none for other routines).
  Result run(const model::Routine& r, State& s, const std::vector<Term>& params, const std::vector<Term>& fields,
             Term guard);

  Context& context() { return c_; }
  const model::Model& model() const { return m_; }

private:
  Term expr(model::ExprId id);
  Term read_mem(unsigned mem, Term addr, unsigned units);
  void block(const std::vector<model::StmtId>& body, Term path);
  void stmt(const model::Stmt& s, Term path);

  Context& c_;
  const model::Model& m_;
  // The run in progress.
  State* s_ = nullptr;
  const std::vector<Term>* fields_ = nullptr;
  std::vector<Term> locals_;
  Term alive_; // nothing trapped or halted yet
  Term live_;  // the statement being run runs: its path, and alive_
  Result res_;
};

} // namespace popek::symbolic
