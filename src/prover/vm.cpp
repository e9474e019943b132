#include "prover/vm.hpp"

#include "vmm/vmm.hpp"

#include <algorithm>

namespace popek::prover {

using smt::BvOp;
using smt::CmpOp;
using symbolic::masked;

namespace {

// Wide enough to compare and subtract addresses, bases and sizes without overflow.
unsigned wide(Context& c, std::initializer_list<Term> ts) {
  unsigned w = 0;
  for (Term t : ts) w = std::max(w, c.width(t));
  return w + 1;
}

} // namespace

std::vector<uint64_t> system_masks(const model::Model& m) {
  std::vector<uint64_t> out(m.nslots, 0);
  for (const model::Register& r : m.regs)
    for (unsigned i = 0; i < r.count; ++i) out[r.slot + i] = r.vmm_bits();
  return out;
}

Term in_window(Context& c, Term base, Term size, Term y) {
  unsigned w = wide(c, {base, size, y});
  Term ya = c.zext(y, w), b = c.zext(base, w), s = c.zext(size, w);
  return c.land({c.cmp(CmpOp::Ule, b, ya), c.cmp(CmpOp::Ult, c.op(BvOp::Sub, ya, b), s)});
}

Term guest_address(Context& c, Term base, Term y) {
  unsigned w = wide(c, {base, y});
  return c.extract(c.op(BvOp::Sub, c.zext(y, w), c.zext(base, w)), c.width(y) - 1, 0);
}

Term Expect::assumed(Context& c) const {
  std::vector<Term> out;
  for (size_t k = 0; k < facts.size(); ++k)
    if (!(k < doubted.size() && doubted[k])) out.push_back(facts[k]);
  return c.land(out);
}

Vm make_vm(SymbolicMachine& sm, const std::string& prefix, const Expect& policy,
           const std::optional<vmm::Allocation>& allocation) {
  Context& c = sm.context();
  const model::Model& m = sm.model();
  const model::Memory& code = m.mems[m.code_mem];
  Vm vm;
  vm.expect = std::make_shared<Expect>(Expect{policy.assume, policy.doubted, {}});
  vm.v = symbolic::fresh_state(c, m, prefix, sm.unknowns());
  const unsigned bw = m.vmm.params[0].width, sw = m.vmm.params[1].width;
  vm.base = allocation ? c.bv(allocation->base, bw) : c.bv_var(prefix + ".base", bw);
  vm.size = allocation ? c.bv(allocation->size, sw) : c.bv_var(prefix + ".size", sw);
  vm.allocation = allocation;
  const bool nested = allocation && allocation->nested();
  vm.window = nested ? c.bv(allocation->window_base(), code.addr_width) : vm.base;
  // The guest's storage: what a case or the VMM put below `size`, zero above
  // (a VM has no storage there, and the concrete VMM starts it at zero).
  auto storage = sm.unknowns().make(c, prefix + "." + code.name, code.addr_width, code.unit);
  Term base = vm.base, size = vm.size, window = vm.window;
  const unsigned unit = code.unit;
  std::shared_ptr<Expect> ex = vm.expect;
  auto guest = [&c, storage, size, unit, ex](Term a, Term when) {
    unsigned w = wide(c, {a, size});
    Term below = c.cmp(CmpOp::Ult, c.zext(a, w), c.zext(size, w));
    bool sure = when.valid() && ex->expect(c.implies(when, below));
    return sure ? storage->read(a) : c.ite(below, storage->read(a), c.bv(0, unit));
  };
  vm.v.mems[m.code_mem].initial = guest;

  unsigned w = wide(c, {base, size, c.bv(0, code.addr_width + 1)});
  // Nested, the inner allocation lies within the outer one's size (the concrete VMM checks the outer one's fit).
  Term q = c.bv(nested ? allocation->outer_size : code.size, w), b = c.zext(base, w), s = c.zext(size, w);
  Term fits =
      c.land({c.cmp(CmpOp::Ne, s, c.bv(0, w)), c.cmp(CmpOp::Ult, b, q), c.cmp(CmpOp::Ule, s, c.op(BvOp::Sub, q, b))});
  vm.alone = c.land({fits, symbolic::valid_mode(c, m, vm.v), sm.wellformed(vm.v, base, size)});

  // real(V): the map's system state and mode; storage through the window, the VMM's fill elsewhere.
  vm.real = sm.map(vm.v, base, size);
  vm.hosted = c.bool_val(true);
  if (nested) {
    Term ob = c.bv(allocation->outer_base, bw), os = c.bv(allocation->outer_size, sw);
    vm.installed = vm.real;
    vm.hosted = c.land({symbolic::valid_mode(c, m, vm.real), sm.wellformed(vm.real, ob, os)});
    vm.real = sm.map(vm.real, ob, os);
  }
  vm.wf = c.land({vm.alone, vm.hosted});
  Term fill = c.bv(vmm::Vmm::kVmmFill & model::width_mask(unit), unit);
  vm.real.mems[m.code_mem].initial = [&c, guest, fill, window, size, ex](Term y, Term when) {
    Term inside = in_window(c, window, size, y);
    bool sure = when.valid() && ex->expect(c.implies(when, inside));
    Term g = guest(guest_address(c, window, y), when);
    return sure ? g : c.ite(inside, g, fill);
  };
  return vm;
}

State relocate_bits(SymbolicMachine& sm, const Vm& vm, const State& s, const std::vector<uint64_t>& relocation) {
  Context& c = sm.context();
  State mapped = sm.map(s, vm.base, vm.size), out = s;
  for (size_t i = 0; i < out.cells.size() && i < relocation.size(); ++i) {
    if (relocation[i] == 0) continue;
    uint64_t keep = model::width_mask(c.width(s.cells[i])) & ~relocation[i];
    out.cells[i] = c.op(BvOp::Or, masked(c, s.cells[i], keep), masked(c, mapped.cells[i], relocation[i]));
  }
  return out;
}

State relocated(SymbolicMachine& sm, const Vm& vm, const std::vector<uint64_t>& relocation) {
  Context& c = sm.context();
  const model::Model& m = sm.model();
  State s = relocate_bits(sm, vm, vm.v, relocation);
  auto guest = vm.v.mems[m.code_mem].initial;
  Term window = vm.window;
  s.mems[m.code_mem].initial = [&c, guest, window](Term y, Term when) {
    return guest(guest_address(c, window, y), when);
  };
  return s;
}

State unrelocated(SymbolicMachine& sm, const Vm& vm, const State& after) {
  Context& c = sm.context();
  const model::Model& m = sm.model();
  State s = after;
  symbolic::Memory& code = s.mems[m.code_mem];
  code.initial = vm.v.mems[m.code_mem].initial;
  for (symbolic::Memory::Write& w : code.writes) w.addr = guest_address(c, vm.window, w.addr);
  return s;
}

Direct project(SymbolicMachine& sm, const Vm& vm, const State& after) {
  Context& c = sm.context();
  const model::Model& m = sm.model();
  std::vector<uint64_t> sys = system_masks(m);
  Direct d;
  d.projected = after;
  for (size_t i = 0; i < sys.size(); ++i) {
    uint64_t full = model::width_mask(c.width(after.cells[i]));
    if (sys[i] == 0) {
      d.resource_cells.push_back(c.bool_val(false));
      continue;
    }
    d.projected.cells[i] =
        sys[i] == full ? vm.v.cells[i]
                       : c.op(BvOp::Or, masked(c, vm.v.cells[i], sys[i]), masked(c, after.cells[i], full & ~sys[i]));
    d.resource_cells.push_back(
        c.cmp(CmpOp::Ne, masked(c, after.cells[i], sys[i]), masked(c, vm.real.cells[i], sys[i])));
  }
  d.resource = c.lor(d.resource_cells);
  // Code memory: writes inside the window are the guest's; any other is a broken isolation.
  symbolic::Memory& code = d.projected.mems[m.code_mem];
  code.initial = vm.v.mems[m.code_mem].initial;
  code.writes.clear();
  for (const symbolic::Memory::Write& wr : after.mems[m.code_mem].writes) {
    Term inside = in_window(c, vm.window, vm.size, wr.addr);
    bool sure = vm.expect->expect(c.implies(wr.guard, inside));
    code.writes.push_back(
        {sure ? wr.guard : c.land({wr.guard, inside}), guest_address(c, vm.window, wr.addr), wr.value});
    d.outside.push_back(sure ? c.bool_val(false) : c.land({wr.guard, c.lnot(inside)}));
  }
  d.isolation = c.lor(d.outside);
  return d;
}

Term same_state(Context& c, const State& a, const State& b, const std::vector<uint64_t>& ignore) {
  std::vector<Term> eq;
  for (size_t i = 0; i < a.cells.size(); ++i) {
    uint64_t keep = model::width_mask(c.width(a.cells[i])) & ~(i < ignore.size() ? ignore[i] : 0);
    if (keep == 0) continue;
    eq.push_back(c.eq(masked(c, a.cells[i], keep), masked(c, b.cells[i], keep)));
  }
  for (size_t mi = 0; mi < a.mems.size(); ++mi) {
    for (const State* side : {&a, &b})
      for (const symbolic::Memory::Write& w : side->mems[mi].writes)
        eq.push_back(c.eq(a.mems[mi].read(c, w.addr, Term{}), b.mems[mi].read(c, w.addr, Term{})));
  }
  return c.land(eq);
}

} // namespace popek::prover
