// The project's thin layer over Z3 (issue 4, §1). Z3's headers stay inside
// solver.cpp: the rest of popek builds terms through `Context` and asks named
// queries through `Solver`, and reads answers as a small enum.
//
// Terms are handles into their context; equal terms have equal ids. Bit-vectors are 1..64 bits wide;
// booleans are width 0; arrays map bit-vector addresses to bit-vector values.
// Operations follow SMT-LIB exactly (division by zero, shifts past the width),
// as the reference machine's do (src/machine/semantics.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace popek::smt {

class Context;

struct Term {
  uint32_t id = UINT32_MAX;
  bool valid() const { return id != UINT32_MAX; }
};

enum class Logic {
  BitVector,       // QF_BV: 10-20x faster; Z3 4.8.12 answers wrongly with arrays in it
  BitVectorArrays, // QF_ABV
};
const char* logic_name(Logic l); // "QF_BV", "QF_ABV"

// The bit-vector operations of the model IR, one to one.
enum class BvOp { Add, Sub, Mul, UDiv, URem, SDiv, SRem, And, Or, Xor, Shl, LShr, AShr, Concat };
enum class CmpOp { Eq, Ne, Ult, Ule, Slt, Sle };

class Context {
public:
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  Term bv(uint64_t value, unsigned width);
  Term bv_var(const std::string& name, unsigned width);
  Term bool_val(bool b);
  Term bool_var(const std::string& name);
  // An array from `addr_width`-bit addresses to `value_width`-bit values.
  Term array_var(const std::string& name, unsigned addr_width, unsigned value_width);

  Term op(BvOp op, Term a, Term b);
  Term bv_not(Term a);
  Term neg(Term a);
  Term cmp(CmpOp op, Term a, Term b); // a boolean
  Term extract(Term a, unsigned hi, unsigned lo);
  Term zext(Term a, unsigned width);
  Term sext(Term a, unsigned width);
  Term ite(Term c, Term a, Term b); // c boolean; a, b of one sort
  Term select(Term array, Term addr);
  Term store(Term array, Term addr, Term value);
  Term lnot(Term a);
  Term land(const std::vector<Term>& ts);
  Term lor(const std::vector<Term>& ts);
  Term implies(Term a, Term b);
  Term eq(Term a, Term b); // of any one sort, arrays included
  // A width-1 bit-vector as a boolean (b == 1), and back.
  Term to_bool(Term bit);
  Term to_bit(Term b);

  // `t` in Z3's normal form. Terms are shared, so two terms with one normal
  // form (`a + l` and `(a + (l + b)) - b`) simplify to the same id.
  Term simplify(Term t);

  // The value of a term without free variables (a boolean reads as 0 or 1),
  // by simplification; nullopt when it depends on a variable. The encoder's
  // consistency tests evaluate it on concrete states this way.
  std::optional<uint64_t> constant(Term t) const;

  unsigned width(Term t) const; // 0 for booleans and arrays
  bool is_bool(Term t) const;
  std::string str(Term t) const; // SMT-LIB text, for messages

private:
  friend class Solver;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Per-query limits: the resource limit is deterministic (same answer on every
// machine); the wall-clock timeout, when set, is a second guard.
struct Limits {
  uint64_t rlimit = 20'000'000; // about 5 s of work on this machine (1e7 took about 3 s)
  unsigned timeout_ms = 0;      // 0: none
};

enum class Verdict {
  Proved,  // the obligation holds for every assignment
  Witness, // it fails for the assignment the solver found
  Unknown, // the solver gave up (reason says why: "timeout", "resource limit", ...)
  Error,   // the query could not be posed (reason says why)
};
const char* verdict_name(Verdict v); // "proved", "witness", "unknown", "error"

struct Answer {
  std::string query; // the query's name
  Verdict verdict = Verdict::Error;
  std::string reason; // Unknown, Error
};

// One solver for one context, reused across queries with push/pop (a new
// context per query was measured 50x slower).
class Solver {
public:
  Solver(Context& c, Logic logic);
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  // Assumptions that hold for every later query in this scope.
  void assume(Term b);

  // A scope: assumptions made inside it are dropped when it ends.
  class Scope {
  public:
    explicit Scope(Solver& s);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

  private:
    Solver& s_;
  };

  // Proves `claim` (a boolean) under the assumptions: Proved when its negation
  // is unsatisfiable, Witness (with a model to read) when it is not.
  Answer prove(const std::string& name, Term claim, const Limits& limits = {});
  // The value of a bit-vector term in the last witness (model completion:
  // a term the witness leaves free reads as 0).
  uint64_t value(Term bv) const;
  bool truth(Term b) const;

  // The last query as a standalone SMT-LIB2 script (set-logic, the
  // assumptions, the negated claim, check-sat, get-model).
  std::string smt2(const std::string& name, Term claim) const;

private:
  friend class Scope;
  struct Impl;
  Context& c_;
  std::unique_ptr<Impl> impl_;
};

} // namespace popek::smt
