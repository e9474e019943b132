#include "diff/lockstep.hpp"

#include <algorithm>

namespace popek::diff {

using machine::Outcome;

std::string component_name(const model::Model& m, const Component& c) {
  switch (c.kind) {
  case Component::Halted: return "halt";
  case Component::Memory: return m.mems[c.mem].name + "[" + std::to_string(c.addr) + "]";
  case Component::Register:
    for (const model::Register& r : m.regs)
      if (c.cell >= r.slot && c.cell < r.slot + r.count)
        return r.file ? r.name + "[" + std::to_string(c.cell - r.slot) + "]" : r.name;
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

vmm::Allocation default_allocation(const model::Model& m) {
  uint64_t q = m.mems[m.code_mem].size;
  return {q / 4, q / 2};
}

double Result::efficiency() const {
  uint64_t total = counts.direct + counts.interpreted + counts.reflected;
  return total ? static_cast<double>(counts.direct) / static_cast<double>(total) : 0.0;
}

Lockstep::Lockstep(std::shared_ptr<const model::Model> m, const Options& o)
    : m_(m), opts_(o), native_(m), vmm_(m, o.strategy, o.allocation) {}

bool Lockstep::start(const machine::Machine& initial, std::string& error) {
  native_.reset();
  native_.copy_registers(initial);
  for (unsigned mi = 0; mi < m_->mems.size(); ++mi)
    for (uint64_t a = 0; a < m_->mems[mi].size; ++a) native_.set_mem(mi, a, initial.mem(mi, a));
  steps_ = 0;
  return vmm_.start(initial, error);
}

Lockstep::Step Lockstep::step() {
  Step s;
  const machine::Machine& v = vmm_.virtual_state();
  auto vregs = v.reg_cells();
  before_.assign(vregs.begin(), vregs.end());
  uint64_t pc = v.pc();
  s.pc = pc;
  s.native = native_.step();
  s.vmm = vmm_.step();
  ++steps_;

  Divergence d;
  d.step = steps_;
  d.pc = pc;
  d.native = s.native;
  d.vmm = s.vmm;
  // The VMM's own properties first: they are broken whatever the results.
  for (vmm::Violation::Kind k : {vmm::Violation::Isolation, vmm::Violation::ResourceControl}) {
    for (const vmm::Violation& x : s.vmm.violations) {
      if (x.kind != k) continue;
      d.kind = k == vmm::Violation::Isolation ? Divergence::Isolation : Divergence::ResourceControl;
      Component c;
      c.kind = x.memory ? Component::Memory : Component::Register;
      c.cell = x.cell;
      c.mem = x.mem;
      c.addr = x.addr;
      c.native = k == vmm::Violation::ResourceControl ? vmm_.allocator().installed(x.cell) : x.before;
      c.vmm = x.after;
      d.components.push_back(c);
    }
    if (!d.components.empty()) break;
  }
  if (d.components.empty()) {
    // Equivalence: every register, the storage either side wrote, and halting.
    auto n = native_.reg_cells();
    vregs = v.reg_cells();
    for (uint32_t c = 0; c < n.size(); ++c)
      if (n[c] != vregs[c]) d.components.push_back({Component::Register, c, 0, 0, n[c], vregs[c]});
    std::vector<std::pair<unsigned, uint64_t>> written = s.vmm.written;
    for (const machine::Change& c : native_.changes())
      if (c.memory) written.push_back(native_.locate(c.loc));
    std::sort(written.begin(), written.end());
    written.erase(std::unique(written.begin(), written.end()), written.end());
    for (auto [mi, a] : written) {
      uint64_t nv = native_.mem(mi, a), vv = v.mem(mi, a);
      if (nv != vv) d.components.push_back({Component::Memory, 0, mi, a, nv, vv});
    }
    bool nh = s.native.kind == Outcome::Halted;
    if (nh != s.vmm.halted) d.components.push_back({Component::Halted, 0, 0, 0, nh, s.vmm.halted});
    d.kind = Divergence::Equivalence;
  }
  if (d.components.empty()) {
    for (const vmm::Violation& x : s.vmm.violations) {
      if (x.kind != vmm::Violation::Allocation) continue;
      d.kind = Divergence::Allocation;
      if (x.memory) {
        d.components.push_back({Component::Memory, 0, x.mem, x.addr, native_.mem(x.mem, x.addr), x.after});
      } else {
        // The virtual system state the allocator refused to install.
        auto cells = v.reg_cells();
        for (uint32_t c = 0; c < cells.size(); ++c)
          if (v.system_mask(c) && c != m_->regs[m_->mode_reg].slot)
            d.components.push_back({Component::Register, c, 0, 0, native_.reg_cells()[c], cells[c]});
      }
    }
  }
  if (!d.components.empty()) {
    d.before = before_;
    s.divergence = std::move(d);
  }
  return s;
}

Result Lockstep::run(const std::function<void(uint64_t, const Step&)>& observe) {
  Result r;
  while (r.steps < opts_.max_steps) {
    Step s = step();
    ++r.steps;
    if (observe) observe(r.steps, s);
    if (s.divergence) {
      r.divergence = std::move(s.divergence);
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
