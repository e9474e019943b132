#include "prover/prover.hpp"

#include "prover/witness.hpp"

#include <algorithm>
#include <chrono>

namespace popek::prover {

using smt::BvOp;
using smt::CmpOp;
using symbolic::Fetch;

Prover::Prover(std::shared_ptr<const model::Model> m, smt::Limits limits, std::optional<vmm::Allocation> allocation)
    : m_(std::move(m)), limits_(limits), allocation_(allocation), s_(c_, smt::Logic::BitVector), sm_(c_, *m_) {}

namespace {

struct Ran {
  Fetch fetch;
  Step step;
};

// A memory trap: the instruction trapped, and address translation raised it.
Term memtrap(Context& c, const Step& s) { return c.land({s.trapped, s.memory}); }

// Two outcomes are the same when both trap alike (same cause and argument) or
// both finish alike (halting or not, and `ends_alike`: the states they leave
// compare as the query says).
Term same_outcome(Context& c, const Step& a, const Step& b, Term ends_alike) {
  Term traps = c.land({c.eq(a.cause, b.cause), c.eq(a.arg, b.arg)});
  Term runs = c.land({c.eq(a.halted, b.halted), ends_alike});
  return c.land({c.eq(a.trapped, b.trapped), c.ite(a.trapped, traps, runs)});
}

// Neither execution memory-trapped (the paper's exclusion).
Term neither_memtraps(Context& c, const Step& a, const Step& b) {
  return c.land({c.lnot(memtrap(c, a)), c.lnot(memtrap(c, b))});
}

// A query with nothing built yet: every cell compared in full.
Built blank(const model::Model& m) {
  Built b;
  b.ignore.assign(m.nslots, 0);
  return b;
}

// Runs instruction `insn` on `s`, requiring its units there to encode it.
Ran at(SymbolicMachine& sm, int insn, const State& s, Built& b) {
  Ran r{sm.fetch(s, insn), {}};
  b.assume.push_back(r.fetch.encodes);
  r.step = sm.execute(s, insn, r.fetch.fields, r.fetch);
  return r;
}

// Runs it on `s` with the fields `first` fetched: `s` must fetch the same units where it fetches at all.
Ran also(SymbolicMachine& sm, int insn, const State& s, const Fetch& first, Built& b) {
  Context& c = sm.context();
  Fetch f = sm.fetch(s, insn);
  std::vector<Term> same;
  for (size_t k = 0; k < f.units.size(); ++k) same.push_back(c.eq(f.units[k], first.units[k]));
  b.assume.push_back(c.implies(c.lnot(f.trapped), c.land(same)));
  return Ran{f, sm.execute(s, insn, first.fields, f)};
}

State with_mode(unsigned slot, State s, Term md) {
  s.cells[slot] = md;
  return s;
}

// Runs the instruction on `s1` and on `s2` (which differ in `what`): they
// must end alike outside `b.ignore`, unless one memory-traps.
void compare_runs(SymbolicMachine& sm, int insn, const std::string& what, const State& s1, const State& s2, Built& b) {
  Context& c = sm.context();
  Ran r1 = at(sm, insn, s1, b);
  Ran r2 = also(sm, insn, s2, r1.fetch, b);
  b.assume.push_back(c.lnot(r2.fetch.trapped));
  b.fetch = r1.fetch;
  b.sides = {{"with one " + what, s1, r1.step, r1.step.after}, {"with another", s2, r2.step, r2.step.after}};
  b.claim = c.implies(neither_memtraps(c, r1.step, r2.step),
                      same_outcome(c, r1.step, r2.step, same_state(c, r1.step.after, r2.step.after, b.ignore)));
}

// A VMM obligation's two executions: natively on V, and directly on real(V).
struct VmmRuns {
  Ran native, real;
  State nat; // the native result (its trap entry included on the whole path)
  Direct d;  // the real result projected back onto V
};

// Only the direct path (Path::Direct): there the native step must not trap,
// so its state is compared without the trap entry's terms.
void claim_direct_path(Context& c, const VmmRuns& r, Term direct, Term violated, Built& b) {
  const Step &native = r.native.step, &real = r.real.step;
  b.claim = c.implies(direct, c.land({c.lnot(native.trapped), c.lnot(violated), c.eq(native.halted, real.halted),
                                      same_state(c, r.nat, r.d.projected)}));
  b.sound_if = c.lnot(native.trapped);
}

// The whole VMM step: direct execution when the strategy runs this mode
// directly and the real machine does not trap; otherwise the dispatcher
// runs the interpreter and reflects its trap. The interpreter is the
// model's own semantics on V, so its result (trap entry included) is the
// native step's terms: `r.nat`.
void claim_vmm_step(Context& c, const Vm& vm, const VmmRuns& r, Term direct, Term violated, Built& b) {
  State vmm_after = r.nat;
  for (size_t i = 0; i < vmm_after.cells.size(); ++i)
    vmm_after.cells[i] = c.ite(direct, r.d.projected.cells[i], r.nat.cells[i]);
  for (size_t mi = 0; mi < vmm_after.mems.size(); ++mi) {
    auto& ws = vmm_after.mems[mi].writes;
    for (auto& w : ws) w.guard = c.land({w.guard, c.lnot(direct)});
    for (auto w : r.d.projected.mems[mi].writes) {
      w.guard = c.land({w.guard, direct});
      ws.push_back(w);
    }
  }
  Term halted = c.ite(direct, r.real.step.halted, r.native.step.halted);
  Step vs = r.real.step;
  vs.halted = halted;
  b.sides = {{"natively", vm.v, r.native.step, r.nat}, {"under the VMM", vm.real, vs, vmm_after}};
  b.claim = c.land({c.lnot(violated), c.eq(r.native.step.halted, halted), same_state(c, r.nat, vmm_after)});
}

} // namespace

Built Prover::build(int insn, const Query& q, const Expect& policy, Path path, const std::string& tag) {
  const model::Register& mreg = m_->mode_register();
  const Modes md{mreg.slot, mreg.width, c_.bv(m_->modes.back().code, mreg.width),
                 c_.bv(m_->modes.front().code, mreg.width)};
  // Asked before anything is built: its own query clears the unknown memories.
  if (q.property == Property::Location) relocation();
  // Tagged, this build joins others in one solver: their unknown memories stay.
  if (tag.empty()) sm_.unknowns().clear();
  switch (q.property) {
  case Property::Privileged: return build_privileged(insn, md, tag);
  case Property::TrapsLeast: return build_traps_least(insn, md, tag);
  case Property::Control: return build_control(insn, q, md, tag);
  case Property::Mode: return build_mode(insn, md, tag);
  case Property::Register:
    return q.unit < 0 ? build_register_group(insn, q, md, tag) : build_register(insn, q, md, tag);
  case Property::Location: return build_location(insn, q, policy, md, tag);
  case Property::Equivalence:
  case Property::ResourceControl:
  case Property::VmmStep: return build_vmm(insn, q, policy, path, md, tag);
  }
  return blank(*m_);
}

Term Prover::in_where(Where w, const Modes& md, const State& s) {
  Term is_user = c_.eq(s.cells[md.slot], md.user);
  return w == Where::User ? is_user : w == Where::Supervisor ? c_.lnot(is_user) : c_.bool_val(true);
}

// Privileged: from the most privileged mode it runs without trapping, and from
// any less privileged one (fetching the same units) it traps.
Built Prover::build_privileged(int insn, const Modes& md, const std::string& tag) {
  Context& c = c_;
  const model::Model& m = *m_;
  Built b = blank(m);
  State s = symbolic::fresh_state(c, m, tag + "S", sm_.unknowns());
  Term low = c.bv_var(tag + "S.lower_mode", md.width);
  State ss = with_mode(md.slot, s, md.top), su = with_mode(md.slot, s, low);
  b.assume.push_back(symbolic::valid_mode(c, m, su));
  b.assume.push_back(c.lnot(c.eq(low, md.top)));
  Ran rs = at(sm_, insn, ss, b);
  Ran ru = also(sm_, insn, su, rs.fetch, b);
  b.assume.push_back(c.lnot(ru.fetch.trapped));
  b.fetch = rs.fetch;
  b.sides = {{"in the most privileged mode", ss, rs.step, rs.step.after},
             {"in a less privileged mode", su, ru.step, ru.step.after}};
  b.claim = c.implies(neither_memtraps(c, rs.step, ru.step), c.land({ru.step.trapped, c.lnot(rs.step.trapped)}));
  return b;
}

// Control sensitivity: without trapping, the system state after differs from before.
Built Prover::build_control(int insn, const Query& q, const Modes& md, const std::string& tag) {
  Context& c = c_;
  const model::Model& m = *m_;
  Built b = blank(m);
  State s = symbolic::fresh_state(c, m, tag + "S", sm_.unknowns());
  b.assume.push_back(symbolic::valid_mode(c, m, s));
  b.assume.push_back(in_where(q.where, md, s));
  Ran r = at(sm_, insn, s, b);
  b.fetch = r.fetch;
  b.sides = {{"before", s, r.step, s}, {"after", s, r.step, r.step.after}};
  std::vector<uint64_t> sys = system_masks(m);
  for (size_t i = 0; i < sys.size(); ++i) b.ignore[i] = model::width_mask(c.width(s.cells[i])) & ~sys[i];
  // Only system state is compared; memory is ordinary state.
  State before = s, after = r.step.after;
  for (auto* st : {&before, &after})
    for (auto& mem : st->mems) mem.writes.clear();
  b.claim = c.implies(c.lnot(r.step.trapped), same_state(c, before, after, b.ignore));
  return b;
}

// Mode sensitivity: the same state in two valid modes, compared outside the mode.
Built Prover::build_mode(int insn, const Modes& md, const std::string& tag) {
  Context& c = c_;
  const model::Model& m = *m_;
  Built b = blank(m);
  State s = symbolic::fresh_state(c, m, tag + "S", sm_.unknowns());
  State s1 = s, s2 = s;
  s1.cells[md.slot] = c.bv_var(tag + "S.mode1", md.width);
  s2.cells[md.slot] = c.bv_var(tag + "S.mode2", md.width);
  b.assume.push_back(symbolic::valid_mode(c, m, s1));
  b.assume.push_back(symbolic::valid_mode(c, m, s2));
  b.assume.push_back(c.lnot(c.eq(s1.cells[md.slot], s2.cells[md.slot])));
  b.ignore[md.slot] = model::width_mask(md.width);
  compare_runs(sm_, insn, "mode", s1, s2, b);
  return b;
}

// Register sensitivity to unit q.unit: two states differing there only,
// compared outside it.
Built Prover::build_register(int insn, const Query& q, const Modes& md, const std::string& tag) {
  Context& c = c_;
  const model::Model& m = *m_;
  Built b = blank(m);
  State s = symbolic::fresh_state(c, m, tag + "S", sm_.unknowns());
  State s2 = s;
  const Unit u = system_units(m)[static_cast<size_t>(q.unit)];
  Term other = c.bv_var(tag + "S." + u.name + "'", u.hi - u.lo + 1);
  Term old = s.cells[u.cell];
  s2.cells[u.cell] = symbolic::insert_bits(c, old, c.width(old), u.hi, u.lo, other);
  b.assume.push_back(symbolic::valid_mode(c, m, s));
  b.assume.push_back(in_where(q.where, md, s));
  b.ignore[u.cell] = model::width_mask(u.hi - u.lo + 1) << u.lo;
  compare_runs(sm_, insn, u.name, s, s2, b);
  return b;
}

// A group test of register sensitivity: any one unit of q.any_of, chosen by
// `which`: s2 differs from s in that unit only, and the results are compared
// outside it.
Built Prover::build_register_group(int insn, const Query& q, const Modes& md, const std::string& tag) {
  Context& c = c_;
  const model::Model& m = *m_;
  Built b = blank(m);
  State s = symbolic::fresh_state(c, m, tag + "S", sm_.unknowns());
  State s2 = s;
  const std::vector<Unit> all = system_units(m);
  unsigned w = 1;
  while ((size_t{1} << w) <= q.any_of.size()) ++w; // wide enough to hold the group's size
  Term which = c.bv_var(tag + "S.which", w);
  b.which = which;
  b.assume.push_back(c.cmp(CmpOp::Ult, which, c.bv(q.any_of.size(), w)));
  b.assume.push_back(symbolic::valid_mode(c, m, s));
  b.assume.push_back(in_where(q.where, md, s));
  Ran r1 = at(sm_, insn, s, b);
  for (size_t j = 0; j < q.any_of.size(); ++j) {
    const Unit& u = all[static_cast<size_t>(q.any_of[j])];
    Term other = c.bv_var(tag + "S." + u.name + "'", u.hi - u.lo + 1);
    Term old = s.cells[u.cell];
    s2.cells[u.cell] = c.ite(c.eq(which, c.bv(j, w)), symbolic::insert_bits(c, old, c.width(old), u.hi, u.lo, other),
                             s2.cells[u.cell]);
  }
  Ran r2 = also(sm_, insn, s2, r1.fetch, b);
  b.assume.push_back(c.lnot(r2.fetch.trapped));
  b.sides = {{"with one", s, r1.step, r1.step.after}, {"with another", s2, r2.step, r2.step.after}};
  std::vector<Term> alike;
  for (size_t j = 0; j < q.any_of.size(); ++j) {
    const Unit& u = all[static_cast<size_t>(q.any_of[j])];
    std::vector<uint64_t> ignore(m.nslots, 0);
    ignore[u.cell] = model::width_mask(u.hi - u.lo + 1) << u.lo;
    alike.push_back(c.implies(c.eq(which, c.bv(j, w)),
                              same_outcome(c, r1.step, r2.step, same_state(c, r1.step.after, r2.step.after, ignore))));
  }
  b.fetch = r1.fetch;
  b.claim = c.implies(neither_memtraps(c, r1.step, r2.step), c.land(alike));
  return b;
}

// Location sensitivity: V in place and relocated (its relocation bits moved
// by the base, its storage with them) end alike relative to where they are.
Built Prover::build_location(int insn, const Query& q, const Expect& policy, const Modes& md, const std::string& tag) {
  Context& c = c_;
  const model::Model& m = *m_;
  const std::vector<uint64_t>& moves = relocation();
  Built b = blank(m);
  Vm vm = make_vm(sm_, tag + "V", policy, allocation_);
  b.assume.push_back(vm.wf);
  b.assume.push_back(in_where(q.where, md, vm.v));
  State moved = relocated(sm_, vm, moves);
  Ran r1 = at(sm_, insn, vm.v, b);
  Ran r2 = also(sm_, insn, moved, r1.fetch, b);
  // Compare relatively: the in-place result with its relocation bits moved,
  // against the relocated result with its storage read from the base.
  State back = unrelocated(sm_, vm, r2.step.after);
  b.fetch = r1.fetch;
  b.vm = vm;
  b.sides = {{"in place", vm.v, r1.step, r1.step.after}, {"relocated", moved, r2.step, back}};
  b.claim =
      c.implies(neither_memtraps(c, r1.step, r2.step),
                same_outcome(c, r1.step, r2.step, same_state(c, relocate_bits(sm_, vm, r1.step.after, moves), back)));
  return b;
}

// Per cell, the bits the vmm map moves by the allocation's base (asked once).
const std::vector<uint64_t>& Prover::relocation() {
  if (relocation_) return *relocation_;
  std::vector<uint64_t> bits(m_->nslots, 0);
  for (const Unit& u : system_units(*m_)) {
    bool yes = false;
    smt::Answer a = relocates(u, yes);
    if (a.verdict != smt::Verdict::Proved && a.verdict != smt::Verdict::Witness)
      throw std::runtime_error("whether the vmm map moves " + u.name + " by the base is unknown: " + a.reason);
    if (yes) bits[u.cell] |= model::width_mask(u.hi - u.lo + 1) << u.lo;
  }
  relocation_ = bits;
  return *relocation_;
}

// Traps in the least privileged mode: from every state of that mode it
// traps, unless it memory-traps (docs/theory.md §8, the proof's reading).
Built Prover::build_traps_least(int insn, const Modes& md, const std::string& tag) {
  Context& c = c_;
  const model::Model& m = *m_;
  Built b = blank(m);
  State s = with_mode(md.slot, symbolic::fresh_state(c, m, tag + "S", sm_.unknowns()), md.user);
  Ran r = at(sm_, insn, s, b);
  b.fetch = r.fetch;
  b.sides = {{"in the least privileged mode", s, r.step, r.step.after}};
  b.claim = c.implies(c.lnot(memtrap(c, r.step)), r.step.trapped);
  return b;
}

// The VMM's obligations: equivalence, resource control and the VMM step, of
// the instruction natively on V and directly on real(V).
Built Prover::build_vmm(int insn, const Query& q, const Expect& policy, Path path, const Modes& md,
                        const std::string& tag) {
  Context& c = c_;
  Built b = blank(*m_);
  Vm vm = make_vm(sm_, tag + "V", policy, allocation_);
  b.assume.push_back(vm.wf);
  b.assume.push_back(in_where(q.where, md, vm.v));
  VmmRuns r;
  r.native = at(sm_, insn, vm.v, b);
  // The native step's result, its trap entry included; the direct path
  // (Path) needs no trap entry.
  const bool entry = path == Path::Whole && q.property != Property::ResourceControl;
  r.nat = entry ? sm_.enter_trap(r.native.step) : r.native.step.after;
  r.real = also(sm_, insn, vm.real, r.native.fetch, b);
  r.d = project(sm_, vm, r.real.step.after);
  Term direct_ok = c.lnot(r.real.step.trapped);
  b.fetch = r.native.fetch;
  b.vm = vm;
  b.direct = r.d;
  b.sides = {{"natively", vm.v, r.native.step, r.nat}, {"under the VMM", vm.real, r.real.step, r.d.projected}};
  if (q.property == Property::ResourceControl) {
    b.split = false; // no data is compared: the split would only add a query
    b.claim = c.implies(direct_ok, c.land({c.lnot(r.d.resource), c.lnot(r.d.isolation)}));
    return b;
  }
  // Where the VMM runs the guest directly (`direct`) and the real machine does not trap.
  const bool hybrid_step = q.property == Property::VmmStep && q.strategy == vmm::Strategy::Hybrid;
  Term tries = hybrid_step ? c.eq(vm.v.cells[md.slot], md.user) : c.bool_val(true);
  Term direct = c.land({tries, direct_ok});
  Term violated =
      q.property == Property::VmmStep ? c.land({direct, c.lor({r.d.resource, r.d.isolation})}) : c.bool_val(false);
  if (path == Path::Direct)
    claim_direct_path(c, r, direct, violated, b);
  else if (q.property == Property::Equivalence)
    b.claim = c.implies(direct_ok,
                        c.land({c.eq(r.native.step.halted, r.real.step.halted), same_state(c, r.nat, r.d.projected)}));
  else
    claim_vmm_step(c, vm, r, direct, violated, b);
  return b;
}

Built Prover::build_fetch(const Expect& policy) {
  Context& c = c_;
  const model::Model& m = *m_;
  sm_.unknowns().clear();
  Built b;
  Vm vm = make_vm(sm_, "V", policy, allocation_);
  b.assume.push_back(vm.wf);
  b.vm = vm;
  // Every instruction length the model has: fetch as many units as the longest.
  int longest = 0;
  for (size_t i = 0; i < m.insns.size(); ++i)
    if (m.insns[i].enc.units > m.insns[static_cast<size_t>(longest)].enc.units) longest = static_cast<int>(i);
  Fetch fv = sm_.fetch(vm.v, longest), fr = sm_.fetch(vm.real, longest);
  std::vector<Term> same{c.lnot(fv.trapped)};
  for (size_t k = 0; k < fv.units.size(); ++k) same.push_back(c.eq(fv.units[k], fr.units[k]));
  b.fetch = fv;
  b.claim = c.implies(c.lnot(fr.trapped), c.land(same));
  return b;
}

// Assumes what the built query assumes, and that the unknown memories read
// alike at equal addresses (their reads were all made while building it).
void Prover::pose(const Built& b) {
  for (Term t : b.assume) s_.assume(t);
  s_.assume(sm_.unknowns().consistency(c_));
}

std::string Prover::query_name(int insn, const Query& q) const {
  return insn < 0 ? kFetchQuery : m_->insns[static_cast<size_t>(insn)].name + ": " + q.name(*m_);
}

// Poses `b` (with `extra` assumed) and reads a witness into `f`.
smt::Answer Prover::solve(Finding& f, const Built& b, std::optional<Term> extra) {
  smt::Solver::Scope scope(s_);
  pose(b);
  if (extra) s_.assume(*extra);
  smt::Answer a = s_.prove(f.name, b.claim, limits_);
  if (a.verdict == smt::Verdict::Witness && b.sound_if && !s_.truth(*b.sound_if))
    return {f.name, smt::Verdict::Unknown, "the witness is outside the direct path"};
  if (a.verdict == smt::Verdict::Witness) {
    f.answer = a;
    f.yes = f.query.witness_means_yes();
    sm_.unknowns().freeze();
    if (b.vm) b.vm->expect->assume = false; // the explanation's own terms say everything
    explain(s_, c_, m_, f, b);
  }
  return a;
}

// The expected accesses of one instruction's VM executions (vm.hpp, Expect),
// proved once for every mode and shared by the queries that make the same
// accesses: their facts are the same terms, assumed under the same or more
// assumptions. A fact that fails in a witness is doubted and the rest posed
// again (the trap entry of a one-word VM reads above its storage, for one).
const Prover::Lemma& Prover::lemma(const LemmaKey& key, const Builder& build) {
  auto it = lemmas_.find(key);
  if (it != lemmas_.end()) return it->second;
  Lemma& l = lemmas_[key];
  Built b = build(Expect{});
  Expect& ex = *b.vm->expect;
  for (Term t : b.assume) l.assume.push_back(t.id);
  l.reads = sm_.unknowns().fingerprint();
  ex.doubted.assign(ex.facts.size(), false);
  for (int round = 0; round < kLemmaRounds; ++round) {
    smt::Solver::Scope scope(s_);
    pose(b);
    smt::Answer a =
        s_.prove(query_name(std::get<0>(key), {std::get<1>(key)}) + " [expected accesses]", ex.assumed(c_), limits_);
    if (a.verdict == smt::Verdict::Proved) {
      for (size_t k = 0; k < ex.facts.size(); ++k)
        if (!ex.doubted[k]) l.proven.insert(ex.facts[k].id);
      break;
    }
    if (a.verdict != smt::Verdict::Witness) break;
    bool more = false;
    for (size_t k = 0; k < ex.facts.size(); ++k)
      if (!ex.doubted[k] && !s_.truth(ex.facts[k])) more = ex.doubted[k] = true;
    if (!more) break;
  }
  return l;
}

// A query with a VM is a case split on the facts its views expect (vm.hpp):
// the facts its instruction's lemma proved are assumed, so the query is built
// with both executions sharing their terms; the other case is empty. Accesses
// the lemma did not prove are built exactly, so no answer depends on it.
Finding Prover::finish(Finding f, const Builder& build, const LemmaKey& key, const Builder& build_any) {
  auto start = std::chrono::steady_clock::now();
  auto done = [&](smt::Answer a) {
    if (f.answer.verdict != smt::Verdict::Witness) f.answer = std::move(a);
    if (f.answer.verdict == smt::Verdict::Proved) f.yes = !f.query.witness_means_yes();
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(f);
  };
  Built exact = build(Expect{});
  if (!exact.vm || !exact.split) return done(solve(f, exact, std::nullopt));
  std::unordered_set<uint32_t> assumed;
  for (Term t : exact.assume) assumed.insert(t.id);
  std::vector<uint64_t> reads = sm_.unknowns().fingerprint();
  std::sort(reads.begin(), reads.end());
  const Lemma& l = lemma(key, build_any);
  // The lemma speaks for this query when it assumed no more and read no more.
  const uint32_t yes = c_.bool_val(true).id;
  bool applies =
      std::all_of(l.assume.begin(), l.assume.end(), [&](uint32_t id) { return id == yes || assumed.count(id); }) &&
      std::all_of(l.reads.begin(), l.reads.end(),
                  [&](uint64_t r) { return std::binary_search(reads.begin(), reads.end(), r); });
  const std::vector<Term>& facts = exact.vm->expect->facts;
  Expect policy{true, std::vector<bool>(facts.size()), {}};
  for (size_t k = 0; k < facts.size(); ++k) policy.doubted[k] = !applies || !l.proven.count(facts[k].id);
  Built fast = build(policy);
  return done(solve(f, fast, fast.vm->expect->assumed(c_)));
}

Finding Prover::run(int insn, const Query& q) {
  Finding f;
  f.query = q;
  f.insn = insn;
  f.name = query_name(insn, q);
  // Location sensitivity runs the instruction in place and relocated; the
  // VMM's obligations run it natively and on real(V).
  Query any{q.property == Property::Location ? Property::Location : Property::Equivalence, Where::Any};
  auto ask = [&](Finding from, Path path) {
    return finish(
        std::move(from), [&](const Expect& policy) { return build(insn, q, policy, path); }, {insn, any.property, path},
        [&](const Expect& policy) { return build(insn, any, policy, path); });
  };
  if (q.property != Property::Equivalence && q.property != Property::VmmStep) return ask(std::move(f), Path::Whole);
  // The direct path first (Path); what it cannot settle, the whole obligation.
  Finding direct = ask(f, Path::Direct);
  if (direct.answer.verdict == smt::Verdict::Proved || direct.answer.verdict == smt::Verdict::Witness) return direct;
  Finding whole = ask(std::move(f), Path::Whole);
  whole.seconds += direct.seconds;
  return whole;
}

Finding Prover::any_register(int insn, const Query& q, size_t& which) {
  auto start = std::chrono::steady_clock::now();
  Finding f;
  f.query = q;
  f.insn = insn;
  f.name = query_name(insn, q);
  Built b = build(insn, q, Expect{});
  smt::Solver::Scope scope(s_);
  pose(b);
  f.answer = s_.prove(f.name, b.claim, limits_);
  if (f.answer.verdict == smt::Verdict::Witness) {
    which = static_cast<size_t>(s_.value(*b.which));
    if (which < q.any_of.size()) {
      // The witness varied one unit only: it is that unit's own witness, read as its query's.
      f.query = Query{Property::Register, q.where, q.any_of[which]};
      f.name = f.answer.query = query_name(insn, f.query);
      f.yes = true;
      const Unit u = system_units(*m_)[static_cast<size_t>(f.query.unit)];
      b.ignore[u.cell] = model::width_mask(u.hi - u.lo + 1) << u.lo;
      sm_.unknowns().freeze();
      explain(s_, c_, m_, f, b);
    }
  }
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return f;
}

Finding Prover::run_fetch() {
  Finding f;
  f.query.property = Property::Equivalence;
  f.name = kFetchQuery;
  auto fetch = [&](const Expect& policy) { return build_fetch(policy); };
  f = finish(std::move(f), fetch, {-1, Property::Equivalence, Path::Whole}, fetch);
  f.yes = f.answer.verdict == smt::Verdict::Witness; // yes: the fetch is flagged
  return f;
}

Finding Prover::run_hosting(Finding* none) {
  // `claim` of a free V in the nested VM, assuming what `assume` picks of it.
  using Pick = std::function<Term(const Vm&)>;
  auto ask = [&](const std::string& name, const Pick& assume, const Pick& claim) {
    auto start = std::chrono::steady_clock::now();
    Finding f;
    f.query.property = Property::Equivalence;
    f.name = name;
    sm_.unknowns().clear();
    Built b;
    b.vm = make_vm(sm_, "V", Expect{}, allocation_);
    b.assume.push_back(assume(*b.vm));
    b.claim = claim(*b.vm);
    f.answer = solve(f, b, std::nullopt);
    f.yes = f.answer.verdict == smt::Verdict::Witness;
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return f;
  };
  Finding f = ask(
      kHostingQuery, [](const Vm& vm) { return vm.alone; }, [](const Vm& vm) { return vm.hosted; });
  // Its witness: a guest that runs nested (V well formed on both levels) shows that one does.
  if (none)
    *none = ask(
        kHostsNoneQuery, [](const Vm& vm) { return vm.wf; }, [&](const Vm&) { return c_.bool_val(false); });
  return f;
}

Finding Prover::run_presents(size_t mode) {
  auto start = std::chrono::steady_clock::now();
  const model::Mode& md = m_->modes[mode];
  Finding f;
  f.query.property = Property::Equivalence;
  f.name = "presents: the VMM accepts some guest in " + md.name + " mode";
  sm_.unknowns().clear();
  Built b;
  b.vm = make_vm(sm_, "V", Expect{}, allocation_);
  const model::Register& mreg = m_->mode_register();
  b.assume.push_back(b.vm->alone);
  b.assume.push_back(c_.eq(b.vm->v.cells[mreg.slot], c_.bv(md.code, mreg.width)));
  b.claim = c_.bool_val(false);
  smt::Solver::Scope scope(s_);
  pose(b);
  f.answer = s_.prove(f.name, b.claim, limits_);
  f.yes = f.answer.verdict == smt::Verdict::Witness;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return f;
}

std::string Prover::smt2(int insn, const Query& q) {
  Built b = insn < 0 ? build_fetch(Expect{}) : build(insn, q, Expect{});
  smt::Solver::Scope scope(s_);
  pose(b);
  return s_.smt2(query_name(insn, q), b.claim);
}

smt::Answer Prover::relocates(const Unit& u, bool& yes) {
  Context& c = c_;
  sm_.unknowns().clear();
  State v = symbolic::fresh_state(c, *m_, "V", sm_.unknowns());
  Term size = c.bv_var("V.size", m_->vmm.params[1].width);
  Term b1 = c.bv_var("V.base1", m_->vmm.params[0].width), b2 = c.bv_var("V.base2", m_->vmm.params[0].width);
  Term x1 = c.extract(sm_.map(v, b1, size).cells[u.cell], u.hi, u.lo);
  Term x2 = c.extract(sm_.map(v, b2, size).cells[u.cell], u.hi, u.lo);
  smt::Solver::Scope scope(s_);
  s_.assume(sm_.unknowns().consistency(c_));
  smt::Answer a = s_.prove("vmm map: " + u.name + " does not depend on the base", c.eq(x1, x2), limits_);
  yes = a.verdict == smt::Verdict::Witness;
  return a;
}

} // namespace popek::prover
