#include "symbolic/state.hpp"

namespace popek::symbolic {

Term Memory::read(Context& c, Term addr, Term when) const {
  Term v = initial(addr, when);
  for (const Write& w : writes) v = c.ite(c.land({w.guard, c.eq(w.addr, addr)}), w.value, v);
  return v;
}

Term Unknown::read(Term addr) {
  addr = c_.simplify(fit(c_, addr, addr_width_));
  if (frozen_) {
    Term v = c_.bv(0, unit_);
    for (auto it = reads_.rbegin(); it != reads_.rend(); ++it) v = c_.ite(c_.eq(addr, it->first), it->second, v);
    return v;
  }
  for (const auto& [a, v] : reads_)
    if (a.id == addr.id) return v;
  Term v = c_.bv_var(name_ + "@" + std::to_string(reads_.size()), unit_);
  reads_.push_back({addr, v});
  return v;
}

Term Unknown::consistency() const {
  std::vector<Term> all;
  for (size_t i = 0; i < reads_.size(); ++i)
    for (size_t j = i + 1; j < reads_.size(); ++j)
      all.push_back(c_.implies(c_.eq(reads_[i].first, reads_[j].first), c_.eq(reads_[i].second, reads_[j].second)));
  return c_.land(all);
}

std::shared_ptr<Unknown> Unknowns::make(Context& c, const std::string& name, unsigned addr_width, unsigned unit) {
  all_.push_back(std::make_shared<Unknown>(c, name, addr_width, unit));
  return all_.back();
}

Term Unknowns::consistency(Context& c) const {
  std::vector<Term> all;
  for (const auto& u : all_) all.push_back(u->consistency());
  return c.land(all);
}

std::vector<uint64_t> Unknowns::fingerprint() const {
  std::vector<uint64_t> out;
  for (const auto& u : all_)
    for (const auto& [a, v] : u->reads()) out.push_back(uint64_t{a.id} << 32 | v.id);
  return out;
}

void Unknowns::freeze() {
  for (const auto& u : all_) u->freeze();
}

State fresh_state(Context& c, const model::Model& m, const std::string& prefix, Unknowns& unknowns) {
  State s;
  s.cells.resize(m.nslots);
  for (const model::Register& r : m.regs)
    for (unsigned i = 0; i < r.count; ++i)
      s.cells[r.slot + i] = c.bv_var(prefix + "." + m.cell_name(r.slot + i), r.width);
  for (const model::Memory& mem : m.mems) {
    Memory sm;
    sm.addr_width = mem.addr_width;
    sm.unit = mem.unit;
    std::shared_ptr<Unknown> contents = unknowns.make(c, prefix + "." + mem.name, mem.addr_width, mem.unit);
    sm.initial = [contents](Term addr, Term) { return contents->read(addr); };
    s.mems.push_back(std::move(sm));
  }
  return s;
}

Term valid_mode(Context& c, const model::Model& m, const State& s) {
  Term mode = s.cells[m.mode_register().slot];
  std::vector<Term> any;
  for (const model::Mode& md : m.modes) any.push_back(c.eq(mode, c.bv(md.code, m.mode_register().width)));
  return c.lor(any);
}

Term masked(Context& c, Term t, uint64_t mask) { return c.op(smt::BvOp::And, t, c.bv(mask, c.width(t))); }

Term insert_bits(Context& c, Term old, unsigned width, unsigned hi, unsigned lo, Term v) {
  Term out = fit(c, v, hi - lo + 1);
  if (hi + 1 < width) out = c.op(smt::BvOp::Concat, c.extract(old, width - 1, hi + 1), out);
  if (lo > 0) out = c.op(smt::BvOp::Concat, out, c.extract(old, lo - 1, 0));
  return out;
}

Term fit(Context& c, Term t, unsigned width) {
  unsigned w = c.width(t);
  if (w == width) return t;
  return w < width ? c.zext(t, width) : c.extract(t, width - 1, 0);
}

} // namespace popek::symbolic
