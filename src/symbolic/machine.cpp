#include "symbolic/machine.hpp"

#include <algorithm>

namespace popek::symbolic {

using smt::BvOp;

namespace {

// Bits [hi:lo] of a `bits`-wide instruction, cut into pieces by fetch unit
// (unit 0 the most significant): (unit, local hi, local lo, instruction lo).
struct Piece {
  unsigned unit, hi, lo, at;
};
std::vector<Piece> split(unsigned bits, unsigned unit_width, unsigned hi, unsigned lo) {
  std::vector<Piece> out;
  unsigned units = bits / unit_width;
  for (unsigned k = 0; k < units; ++k) {
    unsigned ulo = bits - (k + 1) * unit_width, uhi = ulo + unit_width - 1;
    unsigned h = std::min(hi, uhi), l = std::max(lo, ulo);
    if (h >= l && h <= hi && l >= lo) out.push_back({k, h - ulo, l - ulo, l});
  }
  return out;
}

} // namespace

Fetch SymbolicMachine::fetch(const State& s, int insn) {
  const model::Encoding& enc = m_.insns[static_cast<size_t>(insn)].enc;
  Fetch f;
  f.trapped = f.memory = c_.bool_val(false);
  f.cause = c_.bv(0, std::max(1u, m_.cause_width));
  f.arg = c_.bv(0, std::max(1u, m_.arg_width));
  std::vector<Term> fixed;
  for (unsigned k = 0; k < enc.units; ++k) {
    State copy = s; // fetch never writes, but runs like any routine
    Term offset = c_.bv(uint64_t{k} * m_.fetch_step, m_.fetch.locals[0].width);
    Term before = c_.lnot(f.trapped);
    Result r = x_.run(m_.fetch, copy, {offset}, {}, before);
    Term first = c_.land({before, r.trapped});
    f.cause = c_.ite(first, r.cause, f.cause);
    f.arg = c_.ite(first, r.arg, f.arg);
    f.memory = c_.ite(first, r.memory, f.memory);
    f.trapped = c_.lor({f.trapped, r.trapped});
    f.units.push_back(fit(c_, r.value, m_.fetch_unit));
    Term where = c_.bv(0, m_.mems[m_.code_mem].addr_width);
    for (auto& [mem, addr] : r.reads)
      if (mem == m_.code_mem) where = addr;
    f.where.push_back(where);
    unsigned shift = (enc.units - 1 - k) * m_.fetch_unit;
    uint64_t mask = static_cast<uint64_t>(enc.mask >> shift) & model::width_mask(m_.fetch_unit);
    uint64_t match = static_cast<uint64_t>(enc.match >> shift) & model::width_mask(m_.fetch_unit);
    fixed.push_back(c_.eq(c_.op(BvOp::And, f.units.back(), c_.bv(mask, m_.fetch_unit)), c_.bv(match, m_.fetch_unit)));
  }
  fixed.push_back(c_.lnot(f.trapped));
  f.encodes = c_.land(fixed);
  // Each field from its slices; bits no slice covers read as zero (Encoding::extract).
  for (const model::EncField& fd : enc.fields) {
    std::vector<std::pair<unsigned, Term>> parts; // (field bit of the piece's lowest bit, piece)
    for (const model::Slice& sl : fd.slices)
      for (const Piece& p : split(enc.bits, m_.fetch_unit, sl.pos + (sl.hi - sl.lo), sl.pos))
        parts.push_back({sl.lo + (p.at - sl.pos), c_.extract(f.units[p.unit], p.hi, p.lo)});
    std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return a.first > b.first; });
    Term v;
    unsigned next = fd.width; // field bits above `next` are assembled
    auto append = [&](Term t) { v = v.valid() ? c_.op(BvOp::Concat, v, t) : t; };
    for (auto& [lo, t] : parts) {
      unsigned w = c_.width(t);
      if (lo + w < next) append(c_.bv(0, next - (lo + w)));
      append(t);
      next = lo;
    }
    if (next > 0) append(c_.bv(0, next));
    f.fields.push_back(v);
  }
  // A field holding an excluded value makes the bits another instruction's.
  for (const model::Exclusion& x : enc.excluded)
    f.encodes = c_.land({f.encodes, c_.lnot(c_.eq(f.fields[x.field], c_.bv(x.value, enc.fields[x.field].width)))});
  return f;
}

Step SymbolicMachine::execute(const State& s, int insn, const std::vector<Term>& fields, const Fetch& f) {
  const model::Instruction& in = m_.insns[static_cast<size_t>(insn)];
  Step st;
  st.after = s;
  Result r = x_.run(in.sem, st.after, {}, fields, c_.lnot(f.trapped));
  // The pc advances past the instruction unless its body wrote the pc (a halt too).
  const model::Register& pc = m_.pc();
  Term& p = st.after.cells[pc.slot];
  Term next = c_.op(BvOp::Add, p, c_.bv(uint64_t{in.enc.units} * m_.fetch_step, pc.width));
  p = c_.ite(c_.lor({r.pc_written, r.trapped, f.trapped}), p, next);
  st.trapped = c_.lor({f.trapped, r.trapped});
  st.memory = c_.ite(f.trapped, f.memory, r.memory);
  st.cause = c_.ite(f.trapped, f.cause, r.cause);
  st.arg = c_.ite(f.trapped, f.arg, r.arg);
  st.halted = c_.land({c_.lnot(st.trapped), r.halted});
  // A trap leaves no partial effect: registers as before, writes undone.
  for (size_t i = 0; i < s.cells.size(); ++i) st.after.cells[i] = c_.ite(st.trapped, s.cells[i], st.after.cells[i]);
  for (size_t mi = 0; mi < s.mems.size(); ++mi) {
    auto& ws = st.after.mems[mi].writes;
    for (size_t w = s.mems[mi].writes.size(); w < ws.size(); ++w)
      ws[w].guard = c_.land({ws[w].guard, c_.lnot(st.trapped)});
  }
  return st;
}

State SymbolicMachine::enter_trap(const Step& st) {
  State s = st.after;
  x_.run(m_.trap_entry, s, {st.cause, st.arg}, {}, st.trapped);
  return s;
}

State SymbolicMachine::map(const State& v, Term base, Term size) {
  State real = v;
  x_.run(m_.vmm.map, real, {base, size}, {}, c_.bool_val(true));
  return real;
}

Term SymbolicMachine::wellformed(const State& v, Term base, Term size) {
  State copy = v;
  Result r = x_.run(m_.vmm.wellformed, copy, {base, size}, {}, c_.bool_val(true));
  return c_.to_bool(r.value);
}

} // namespace popek::symbolic
