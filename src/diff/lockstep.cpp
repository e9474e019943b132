#include "diff/lockstep.hpp"

#include <algorithm>

namespace popek::diff {

using machine::Outcome;

std::string component_name(const model::Model& m, const Component& c) {
  switch (c.kind) {
  case Component::Halted: return "halt";
  case Component::Memory: return m.mems[c.mem].name + "[" + std::to_string(c.addr) + "]";
  case Component::Register: return m.cell_name(c.cell);
  }
  return "?";
}

const char* kind_name(Divergence::Kind k) {
  switch (k) {
  case Divergence::Equivalence: return "equivalence";
  case Divergence::ResourceControl: return "resource control";
  case Divergence::Isolation: return "isolation";
  case Divergence::Allocation: return "allocation";
  }
  return "?";
}

std::string insn_name(const model::Model& m, const machine::Outcome& o) {
  if (o.insn >= 0) return m.insns[static_cast<size_t>(o.insn)].name;
  return o.stage == machine::Outcome::Fetch ? "(fetch)" : "(undefined)";
}

double Result::efficiency() const { return counts.direct_share(); }

Lockstep::Lockstep(std::shared_ptr<const model::Model> m, const Options& o)
    : m_(m), opts_(o), native_(m), vmm_(m, o.strategy, o.allocation) {
  for (const model::Memory& mem : m->mems) max_written_ += mem.size;
  native_.share_decode_cache(vmm_.real()); // every step decodes the same instruction on each side
}

bool Lockstep::start(const machine::Machine& initial, std::string& error) {
  begin(initial, nullptr);
  return vmm_.start(initial, error);
}

bool Lockstep::restart(const machine::Machine& initial, std::span<const vmm::Vmm::Unit> changed, std::string& error) {
  begin(initial, &changed);
  return vmm_.restart(initial, changed, error);
}

void Lockstep::begin(const machine::Machine& initial, const std::span<const vmm::Vmm::Unit>* changed) {
  native_.reset_registers();
  native_.copy_registers(initial);
  if (!changed || overflow_) {
    for (unsigned mi = 0; mi < m_->mems.size(); ++mi) {
      auto from = initial.mem_units(mi);
      std::copy(from.begin(), from.end(), native_.mem_units(mi).begin());
    }
  } else {
    for (auto [mi, addr] : *changed) {
      auto to = native_.mem_units(mi);
      if (addr < to.size()) to[addr] = initial.mem(mi, addr);
    }
    for (uint64_t flat : native_written_) {
      auto [mi, addr] = native_.locate(flat);
      native_.mem_units(mi)[addr] = initial.mem(mi, addr);
    }
  }
  native_written_.clear();
  overflow_ = false;
  steps_ = 0;
}

Lockstep::Step Lockstep::step() {
  const machine::Machine& v = vmm_.virtual_state();
  auto vregs = v.reg_cells();
  before_.assign(vregs.begin(), vregs.end());
  uint64_t pc = v.pc();
  const machine::Outcome& native = native_.step_in_place();
  for (const machine::Change& c : native_.changes()) {
    if (!c.memory || (!native_written_.empty() && native_written_.back() == c.loc)) continue;
    if (native_written_.size() < max_written_)
      native_written_.push_back(c.loc);
    else
      overflow_ = true; // a long run: the next start copies everything
  }
  Step s{pc, native, vmm_.step(), nullptr};
  ++steps_;
  Divergence::Kind kind = compare(s.native, s.vmm);
  if (!comps_.empty()) {
    s.divergence = std::make_unique<Divergence>();
    Divergence& d = *s.divergence;
    d.kind = kind;
    d.step = steps_;
    d.pc = pc;
    d.native = s.native;
    d.vmm = s.vmm;
    d.components = comps_;
    d.before = before_;
  }
  return s;
}

Divergence::Kind Lockstep::compare(const machine::Outcome& native, const vmm::VmmStep& vs) {
  comps_.clear();
  const machine::Machine& v = vmm_.virtual_state();
  // The VMM's own properties first: they are broken whatever the results.
  for (vmm::Violation::Kind k : {vmm::Violation::Isolation, vmm::Violation::ResourceControl}) {
    if (vs.violations.empty()) break; // the common step: none
    for (const vmm::Violation& x : vs.violations) {
      if (x.kind != k) continue;
      Component c;
      c.kind = x.memory ? Component::Memory : Component::Register;
      c.cell = x.cell;
      c.mem = x.mem;
      c.addr = x.addr;
      c.native = k == vmm::Violation::ResourceControl ? vmm_.allocator().installed(x.cell) : x.before;
      c.vmm = x.after;
      comps_.push_back(c);
    }
    if (!comps_.empty()) return k == vmm::Violation::Isolation ? Divergence::Isolation : Divergence::ResourceControl;
  }
  // Equivalence: every register, the storage either side wrote, and halting.
  auto n = native_.reg_cells();
  auto vregs = v.reg_cells();
  for (uint32_t c = 0; c < n.size(); ++c)
    if (n[c] != vregs[c]) comps_.push_back({Component::Register, c, 0, 0, n[c], vregs[c]});
  auto check_mem = [&](unsigned mi, uint64_t a) {
    uint64_t nv = native_.mem(mi, a), vv = v.mem(mi, a);
    if (nv == vv) return;
    for (const Component& c : comps_)
      if (c.kind == Component::Memory && c.mem == mi && c.addr == a) return; // both sides wrote it
    comps_.push_back({Component::Memory, 0, mi, a, nv, vv});
  };
  for (auto [mi, a] : vs.written) check_mem(mi, a);
  for (const machine::Change& c : native_.changes())
    if (c.memory) {
      auto [mi, a] = native_.locate(c.loc);
      check_mem(mi, a);
    }
  if (comps_.size() > 1) {
    auto by_address = [](const Component& x, const Component& y) {
      return x.kind != y.kind ? x.kind < y.kind : x.mem != y.mem ? x.mem < y.mem : x.addr < y.addr;
    };
    std::stable_sort(comps_.begin(), comps_.end(), by_address);
  }
  bool nh = native.kind == Outcome::Halted;
  if (nh != vs.halted) comps_.push_back({Component::Halted, 0, 0, 0, nh, vs.halted});
  if (!comps_.empty()) return Divergence::Equivalence;
  for (const vmm::Violation& x : vs.violations) {
    if (x.kind != vmm::Violation::Allocation) continue;
    if (x.memory) {
      comps_.push_back({Component::Memory, 0, x.mem, x.addr, native_.mem(x.mem, x.addr), x.after});
    } else {
      // The virtual system state the allocator refused to install.
      for (uint32_t c = 0; c < vregs.size(); ++c)
        if (v.system_mask(c) && c != m_->regs[m_->mode_reg].slot)
          comps_.push_back({Component::Register, c, 0, 0, n[c], vregs[c]});
    }
  }
  return Divergence::Allocation;
}

Result Lockstep::run(const std::function<void(uint64_t, const Step&)>& observe) {
  Result r;
  while (r.steps < opts_.max_steps) {
    Step s = step();
    ++r.steps;
    if (observe) observe(r.steps, s);
    if (s.divergence) {
      r.divergence = std::move(*s.divergence);
      break;
    }
    if (s.native.kind == Outcome::Halted) {
      r.halted = true;
      break;
    }
  }
  r.counts = vmm_.counts();
  return r;
}

} // namespace popek::diff
