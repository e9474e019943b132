// A machine state as SMT terms (issue 4, §2): every register cell a
// bit-vector, every memory a function of the address with the writes made
// since. The same model IR the reference machine runs is executed over these
// terms by the Executor (exec.hpp); nothing here knows any instruction.
#pragma once

#include "model/model.hpp"
#include "smt/solver.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace popek::symbolic {

using smt::Context;
using smt::Term;

// A memory during symbolic execution. What it held before is a function of
// the address, so a view (the guest's window inside real memory, with the
// VMM's own contents around it) is as easy as a plain array. Writes are kept
// as a list, each under the condition that it happened: two executions from
// the same memory then compare by the addresses either wrote, with no
// quantifier and no array equality.
//
// A read says when its value matters (`when`: the path to it, and nothing
// trapped before it): a view may then state what it expects of the address
// (see prover/vm.hpp). A read without one (an invalid term) is exact: a
// comparison of two states that share their initial contents, say.
struct Memory {
  unsigned addr_width = 0, unit = 0;
  std::function<Term(Term addr, Term when)> initial;
  struct Write {
    Term guard, addr, value;
  };
  std::vector<Write> writes; // oldest first

  Term read(Context& c, Term addr, Term when) const;
};

// The unknown contents of a memory before a query's step, read through fresh
// variables: Ackermann's reduction of an array that is only ever read. Reads
// at addresses with one normal form share one variable, so two executions
// that compute an address differently (in place, and relocated by a base)
// read the same variable and their results are the same terms. It
// keeps every query pure bit-vector (QF_BV), which Z3 decides far faster than
// the same query over arrays (a memory-to-memory add: 2 ms instead of over
// 5 s); consistency() says that equal addresses read equal values.
class Unknown {
public:
  Unknown(Context& c, std::string name, unsigned addr_width, unsigned unit)
      : c_(c), name_(std::move(name)), addr_width_(addr_width), unit_(unit) {}
  Term read(Term addr);
  Term consistency() const;
  // After solving, a read is the witness's contents: the value read at an
  // address the query read, zero elsewhere — so terms built to explain a
  // witness evaluate to what the witness means.
  void freeze() { frozen_ = true; }
  const std::vector<std::pair<Term, Term>>& reads() const { return reads_; } // (address, value)

private:
  Context& c_;
  std::string name_;
  unsigned addr_width_, unit_;
  bool frozen_ = false;
  std::vector<std::pair<Term, Term>> reads_;
};

// Every unknown memory of the query being built.
class Unknowns {
public:
  std::shared_ptr<Unknown> make(Context& c, const std::string& name, unsigned addr_width, unsigned unit);
  Term consistency(Context& c) const;
  // Every read made so far, as (address id << 32 | value id): a query that
  // made all of another's reads assumes all of its consistency.
  std::vector<uint64_t> fingerprint() const;
  void freeze();
  void clear() { all_.clear(); }

private:
  std::vector<std::shared_ptr<Unknown>> all_;
};

struct State {
  std::vector<Term> cells; // register cells in slot order (a file: one per entry)
  std::vector<Memory> mems;
};

// A state with every register cell free (named `prefix.R`, `prefix.r[3]`) and
// every memory unknown (`prefix.E`).
State fresh_state(Context& c, const model::Model& m, const std::string& prefix, Unknowns& unknowns);

// The mode register holds the code of a mode the model defines.
Term valid_mode(Context& c, const model::Model& m, const State& s);

// `t` made `width` bits wide: zero-extended or cut to its low bits.
Term fit(Context& c, Term t, unsigned width);
// `t & mask`.
Term masked(Context& c, Term t, uint64_t mask);
// `old` (of `width` bits) with bits [hi:lo] replaced by `v`.
Term insert_bits(Context& c, Term old, unsigned width, unsigned hi, unsigned lo, Term v);

} // namespace popek::symbolic
