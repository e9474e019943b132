#include "smt/solver.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <stdexcept>
#include <unordered_map>
#include <z3++.h>

namespace popek::smt {

const char* logic_name(Logic l) { return l == Logic::BitVector ? "QF_BV" : "QF_ABV"; }

const char* verdict_name(Verdict v) {
  switch (v) {
  case Verdict::Proved: return "proved";
  case Verdict::Witness: return "witness";
  case Verdict::Unknown: return "unknown";
  case Verdict::Error: return "error";
  }
  return "?";
}

struct Context::Impl {
  z3::context z;
  std::vector<z3::expr> terms;
  // Z3 shares structurally equal terms; so does popek: one Term per Z3 term,
  // so equal ids mean equal terms (the encoder relies on it, see simplify).
  std::unordered_map<unsigned, uint32_t> ids;

  Term add(const z3::expr& e) {
    auto [it, fresh] = ids.try_emplace(Z3_get_ast_id(z, e), static_cast<uint32_t>(terms.size()));
    if (fresh) terms.push_back(e);
    return {it->second};
  }
  // Terms are built by popek's own encoder: a sort error is a bug there, not
  // bad input, so it surfaces as a logic_error naming what Z3 said.
  template <class F>
  Term guard(F&& f) {
    try {
      return add(f());
    } catch (const z3::exception& e) {
      throw std::logic_error(std::string("smt: ill-sorted term: ") + e.msg());
    }
  }
  const z3::expr& at(Term t) const {
    if (t.id >= terms.size()) throw std::logic_error("smt: a term of another context, or none");
    return terms[t.id];
  }
};

Context::Context() : impl_(std::make_unique<Impl>()) {}
Context::~Context() = default;

Term Context::bv(uint64_t value, unsigned width) {
  uint64_t mask = width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  return impl_->guard([&] { return impl_->z.bv_val(value & mask, width); });
}
Term Context::bv_var(const std::string& name, unsigned width) {
  return impl_->guard([&] { return impl_->z.bv_const(name.c_str(), width); });
}
Term Context::bool_val(bool b) { return impl_->add(impl_->z.bool_val(b)); }
Term Context::bool_var(const std::string& name) { return impl_->add(impl_->z.bool_const(name.c_str())); }
Term Context::array_var(const std::string& name, unsigned addr_width, unsigned value_width) {
  return impl_->guard([&] {
    z3::sort s = impl_->z.array_sort(impl_->z.bv_sort(addr_width), impl_->z.bv_sort(value_width));
    return impl_->z.constant(name.c_str(), s);
  });
}

Term Context::op(BvOp op, Term ta, Term tb) {
  return impl_->guard([&]() -> z3::expr {
    const z3::expr& a = impl_->at(ta);
    z3::expr b = impl_->at(tb);
    bool shift = op == BvOp::Shl || op == BvOp::LShr || op == BvOp::AShr;
    if (shift) {
      // The IR allows a shift amount of any width; SMT-LIB wants a's. An
      // amount of width or more shifts everything out, as shifting by width does.
      unsigned wa = a.get_sort().bv_size(), wb = b.get_sort().bv_size();
      if (wb < wa)
        b = z3::zext(b, wa - wb);
      else if (wb > wa)
        b = z3::ite(z3::uge(b, impl_->z.bv_val(wa, wb)), impl_->z.bv_val(wa, wa), b.extract(wa - 1, 0));
    }
    switch (op) {
    case BvOp::Add: return a + b;
    case BvOp::Sub: return a - b;
    case BvOp::Mul: return a * b;
    case BvOp::UDiv: return z3::udiv(a, b);
    case BvOp::URem: return z3::urem(a, b);
    case BvOp::SDiv: return a / b; // bvsdiv in z3++
    case BvOp::SRem: return z3::srem(a, b);
    case BvOp::And: return a & b;
    case BvOp::Or: return a | b;
    case BvOp::Xor: return a ^ b;
    case BvOp::Shl: return z3::shl(a, b);
    case BvOp::LShr: return z3::lshr(a, b);
    case BvOp::AShr: return z3::ashr(a, b);
    case BvOp::Concat: return z3::concat(a, b);
    }
    throw std::logic_error("smt: unknown operation");
  });
}

Term Context::bv_not(Term a) {
  return impl_->guard([&] { return ~impl_->at(a); });
}
Term Context::neg(Term a) {
  return impl_->guard([&] { return -impl_->at(a); });
}
Term Context::cmp(CmpOp op, Term ta, Term tb) {
  return impl_->guard([&]() -> z3::expr {
    const z3::expr &a = impl_->at(ta), &b = impl_->at(tb);
    switch (op) {
    case CmpOp::Eq: return a == b;
    case CmpOp::Ne: return a != b;
    case CmpOp::Ult: return z3::ult(a, b);
    case CmpOp::Ule: return z3::ule(a, b);
    case CmpOp::Slt: return a < b; // signed in z3++
    case CmpOp::Sle: return a <= b;
    }
    throw std::logic_error("smt: unknown comparison");
  });
}
Term Context::extract(Term a, unsigned hi, unsigned lo) {
  return impl_->guard([&] { return impl_->at(a).extract(hi, lo); });
}
Term Context::zext(Term a, unsigned w) {
  return impl_->guard([&] { return z3::zext(impl_->at(a), w - impl_->at(a).get_sort().bv_size()); });
}
Term Context::sext(Term a, unsigned w) {
  return impl_->guard([&] { return z3::sext(impl_->at(a), w - impl_->at(a).get_sort().bv_size()); });
}
Term Context::ite(Term c, Term a, Term b) {
  return impl_->guard([&] { return z3::ite(impl_->at(c), impl_->at(a), impl_->at(b)); });
}
Term Context::select(Term arr, Term addr) {
  return impl_->guard([&] { return z3::select(impl_->at(arr), impl_->at(addr)); });
}
Term Context::store(Term arr, Term addr, Term v) {
  return impl_->guard([&] { return z3::store(impl_->at(arr), impl_->at(addr), impl_->at(v)); });
}
Term Context::lnot(Term a) {
  return impl_->guard([&] { return !impl_->at(a); });
}
Term Context::land(const std::vector<Term>& ts) {
  return impl_->guard([&] {
    z3::expr_vector v(impl_->z);
    for (Term t : ts) v.push_back(impl_->at(t));
    return ts.empty() ? impl_->z.bool_val(true) : z3::mk_and(v);
  });
}
Term Context::lor(const std::vector<Term>& ts) {
  return impl_->guard([&] {
    z3::expr_vector v(impl_->z);
    for (Term t : ts) v.push_back(impl_->at(t));
    return ts.empty() ? impl_->z.bool_val(false) : z3::mk_or(v);
  });
}
Term Context::implies(Term a, Term b) {
  return impl_->guard([&] { return z3::implies(impl_->at(a), impl_->at(b)); });
}
Term Context::eq(Term a, Term b) {
  return impl_->guard([&] { return impl_->at(a) == impl_->at(b); });
}
Term Context::to_bool(Term bit) {
  return impl_->guard([&] { return impl_->at(bit) == impl_->z.bv_val(1, 1); });
}
Term Context::to_bit(Term b) {
  return impl_->guard([&] { return z3::ite(impl_->at(b), impl_->z.bv_val(1, 1), impl_->z.bv_val(0, 1)); });
}

Term Context::simplify(Term t) {
  return impl_->guard([&] { return impl_->at(t).simplify(); });
}

std::optional<uint64_t> Context::constant(Term t) const {
  z3::expr v = impl_->at(t).simplify();
  if (v.is_true()) return 1;
  if (v.is_false()) return 0;
  uint64_t out = 0;
  if (v.is_numeral() && v.is_numeral_u64(out)) return out;
  return std::nullopt;
}

unsigned Context::width(Term t) const {
  z3::sort s = impl_->at(t).get_sort();
  return s.is_bv() ? s.bv_size() : 0;
}
bool Context::is_bool(Term t) const { return impl_->at(t).is_bool(); }
std::string Context::str(Term t) const { return impl_->at(t).to_string(); }

// ---- the solver -----------------------------------------------------------

struct Solver::Impl {
  Impl(z3::context& z, Logic l) : logic(l), s(make(z, l)) {}
  // Pure bit-vector queries are simplified, their equations solved, then
  // bit-blasted to SAT: on the VMM's equivalence obligations this is 5x
  // faster than Z3's default QF_BV solver (measured on pg: 0.8 s vs 4.2 s).
  static z3::solver make(z3::context& z, Logic l) {
    if (l != Logic::BitVector) return z3::solver(z, logic_name(l));
    z3::tactic tc =
        z3::tactic(z, "simplify") & z3::tactic(z, "solve-eqs") & z3::tactic(z, "bit-blast") & z3::tactic(z, "sat");
    return tc.mk_solver();
  }
  Logic logic;
  z3::solver s;
  std::optional<z3::model> model;
};

Solver::Solver(Context& c, Logic logic) : c_(c), impl_(std::make_unique<Impl>(c.impl_->z, logic)) {}
Solver::~Solver() = default;

void Solver::assume(Term b) { impl_->s.add(c_.impl_->at(b)); }

Solver::Scope::Scope(Solver& s) : s_(s) { s_.impl_->s.push(); }
Solver::Scope::~Scope() { s_.impl_->s.pop(); }

namespace {

// The first tactic pipeline (make) is the fastest on most queries but gets
// stuck on some that Z3's own qfbv tactic settles quickly (sums of values read
// from memory and from an indexed register file, as in pdp10's add: 0.9 s with
// qfbv against over the resource limit). A query the first gives up on is
// asked again, from the same assertions, with qfbv and the same limits. Both
// limits are deterministic, so the answer is too.
z3::check_result fallback(z3::context& z, const z3::solver& first, const z3::params& p, z3::solver& second) {
  second = z3::tactic(z, "qfbv").mk_solver();
  second.set(p);
  z3::expr_vector all = first.assertions();
  for (unsigned i = 0; i < all.size(); ++i) second.add(all[i]);
  return second.check();
}

} // namespace

Answer Solver::prove(const std::string& name, Term claim, const Limits& limits) {
  Answer a;
  a.query = name;
  impl_->model.reset();
  try {
    z3::context& z = c_.impl_->z;
    z3::params p(z);
    p.set("rlimit", static_cast<unsigned>(std::min<uint64_t>(limits.rlimit, UINT_MAX)));
    p.set("timeout", limits.timeout_ms ? limits.timeout_ms : UINT_MAX);
    impl_->s.set(p);
    impl_->s.push();
    impl_->s.add(!c_.impl_->at(claim));
    auto start = std::chrono::steady_clock::now();
    z3::check_result r = impl_->s.check();
    z3::solver* answered = &impl_->s;
    z3::solver second(z);
    if (r == z3::unknown && impl_->logic == Logic::BitVector) {
      auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      bool out_of_time = limits.timeout_ms && spent.count() >= static_cast<int64_t>(limits.timeout_ms);
      if (!out_of_time) {
        if (limits.timeout_ms) p.set("timeout", static_cast<unsigned>(limits.timeout_ms - spent.count()));
        r = fallback(z, impl_->s, p, second);
        answered = &second;
      }
    }
    if (r == z3::unsat) {
      a.verdict = Verdict::Proved;
    } else if (r == z3::sat) {
      a.verdict = Verdict::Witness;
      impl_->model = answered->get_model();
    } else {
      a.verdict = Verdict::Unknown;
      a.reason = answered->reason_unknown();
      // Z3 names a spent resource limit "max. resource limit exceeded"; keep its words.
      if (a.reason.empty()) a.reason = "the solver gave no reason";
    }
    impl_->s.pop();
  } catch (const z3::exception& e) {
    a.verdict = Verdict::Error;
    a.reason = e.msg();
  } catch (const std::logic_error& e) {
    a.verdict = Verdict::Error;
    a.reason = e.what();
  }
  return a;
}

uint64_t Solver::value(Term bv) const {
  if (!impl_->model) throw std::logic_error("smt: no witness to read");
  z3::expr v = impl_->model->eval(c_.impl_->at(bv), true);
  uint64_t out = 0;
  if (!v.is_numeral_u64(out)) throw std::logic_error("smt: the witness gives no number for " + v.to_string());
  return out;
}

bool Solver::truth(Term b) const {
  if (!impl_->model) throw std::logic_error("smt: no witness to read");
  return impl_->model->eval(c_.impl_->at(b), true).is_true();
}

std::string Solver::smt2(const std::string& name, Term claim) const {
  impl_->s.push();
  impl_->s.add(!c_.impl_->at(claim));
  std::string body = impl_->s.to_smt2();
  impl_->s.pop();
  return "; popek query: " + name + "\n(set-logic " + logic_name(impl_->logic) + ")\n" + body + "(get-model)\n";
}

} // namespace popek::smt
