#include "vmm/vmm.hpp"

#include <algorithm>

namespace popek::vmm {

using machine::Machine;
using machine::Outcome;

const char* strategy_name(Strategy s) { return s == Strategy::Hybrid ? "hybrid" : "trap-emulate"; }

const char* violation_name(Violation::Kind k) {
  switch (k) {
  case Violation::ResourceControl: return "resource control";
  case Violation::Isolation: return "isolation";
  case Violation::Allocation: return "allocation";
  }
  return "?";
}

const char* how_name(VmmStep::How h) {
  switch (h) {
  case VmmStep::Direct: return "direct";
  case VmmStep::Interpreted: return "interpreted";
  case VmmStep::Reflected: return "reflected";
  }
  return "?";
}

Vmm::Vmm(std::shared_ptr<const model::Model> m, Strategy s, Allocation a)
    : m_(m), strategy_(s), real_(m), virt_(m), alloc_(a), interp_(*m), user_mode_(m->modes.back().code) {
  for (const model::Memory& mem : m->mems) max_written_ += mem.size;
  virt_.share_decode_cache(real_); // both run the guest's instructions
}

bool Vmm::start(const Machine& initial, std::string& error) { return begin(initial, nullptr, error); }

bool Vmm::restart(const Machine& initial, std::span<const Unit> changed, std::string& error) {
  return begin(initial, &changed, error);
}

bool Vmm::begin(const Machine& initial, const std::span<const Unit>* changed, std::string& error) {
  const model::Model& m = *m_;
  const Allocation& a = alloc_.allocation();
  if (!usable(m, a, error)) return false;
  // The memories are rewritten below: only the registers need a reset.
  real_.reset_registers();
  virt_.reset_registers();
  virt_.copy_registers(initial);
  // V holds the guest's storage at [0, size) of the code memory and nothing
  // past it; real memory holds it in the window, with the VMM's fill around
  // it. Other memories are the same in V, the real machine and `initial`.
  const uint64_t fill = kVmmFill & model::width_mask(m.mems[m.code_mem].unit);
  if (!changed || overflow_) {
    for (unsigned mi = 0; mi < m.mems.size(); ++mi) {
      auto from = initial.mem_units(mi);
      auto virt = virt_.mem_units(mi), real = real_.mem_units(mi);
      if (mi != m.code_mem) {
        std::copy(from.begin(), from.end(), virt.begin());
        std::copy(from.begin(), from.end(), real.begin());
        continue;
      }
      std::copy(from.begin(), from.begin() + static_cast<long>(a.size), virt.begin());
      std::fill(virt.begin() + static_cast<long>(a.size), virt.end(), 0);
      std::fill(real.begin(), real.end(), fill);
      std::copy(from.begin(), from.begin() + static_cast<long>(a.size),
                real.begin() + static_cast<long>(a.window_base()));
    }
  } else {
    auto virt_unit = [&](unsigned mi, uint64_t addr) {
      auto virt = virt_.mem_units(mi);
      if (addr >= virt.size()) return;
      virt[addr] = mi == m.code_mem && addr >= a.size ? 0 : initial.mem(mi, addr);
    };
    auto real_unit = [&](unsigned mi, uint64_t addr) { // a real address
      auto real = real_.mem_units(mi);
      if (addr >= real.size()) return;
      if (mi != m.code_mem)
        real[addr] = initial.mem(mi, addr);
      else
        real[addr] = alloc_.in_window(addr) ? initial.mem(mi, addr - a.window_base()) : fill;
    };
    for (auto [mi, addr] : *changed) {
      virt_unit(mi, addr);
      if (mi != m.code_mem)
        real_unit(mi, addr);
      else if (addr < a.size)
        real_unit(mi, a.window_base() + addr);
    }
    for (auto [mi, addr] : virt_written_) virt_unit(mi, addr);
    for (auto [mi, addr] : real_written_) real_unit(mi, addr);
  }
  virt_written_.clear();
  real_written_.clear();
  overflow_ = false;
  if (!alloc_.install(virt_, real_)) {
    error = "the initial virtual state is not well formed for allocation " + allocation_text(a) +
            (a.nested() ? " (the model's vmm 'wellformed' is false for it, or for what the inner VMM installs)"
                        : " (the model's vmm 'wellformed' is false)");
    return false;
  }
  counts_ = Counts{};
  return true;
}

double Vmm::Counts::direct_share() const {
  uint64_t total = direct + interpreted + reflected;
  return total ? static_cast<double>(direct) / static_cast<double>(total) : 0.0;
}

Vmm::Counts& Vmm::Counts::operator+=(const Counts& o) {
  direct += o.direct;
  interpreted += o.interpreted;
  reflected += o.reflected;
  return *this;
}

bool usable(const model::Model& m, const Allocation& a, std::string& error) {
  if (!m.vmm.present) {
    error = "model " + m.name + " has no vmm block: it does not say how a VMM would deprivilege a guest";
    return false;
  }
  const model::Memory& code = m.mems[m.code_mem];
  // Nested, the inner window lies in the outer VMM's guest storage, which lies in real memory.
  auto fits = [](uint64_t base, uint64_t size, uint64_t within) {
    return size != 0 && base < within && size <= within - base;
  };
  uint64_t within = a.nested() ? a.outer_size : code.size;
  if (!fits(a.base, a.size, within) || (a.nested() && !fits(a.outer_base, a.outer_size, code.size))) {
    error = "allocation " + allocation_text(a) + " does not fit in memory " + code.name + " (" +
            std::to_string(code.size) + " units)";
    return false;
  }
  return true;
}

const VmmStep& Vmm::step() {
  // One record, reused: its vectors keep their capacity, so a step allocates nothing.
  VmmStep& r = last_;
  r.how = VmmStep::Direct;
  r.tried_direct = r.halted = false;
  r.violations.clear();
  r.written.clear();
  // The outcomes are copied into the record only at the end: copying one the
  // machine has just written would stall the processor.
  bool direct = strategy_ == Strategy::TrapAndEmulate || virt_.mode() == user_mode_;
  if (direct) {
    r.tried_direct = true;
    Outcome::Kind k = real_.execute_in_place().kind;
    if (k != Outcome::Trapped) {
      r.how = VmmStep::Direct;
      r.halted = k == Outcome::Halted;
      from_real(r);
      ++counts_.direct;
      r.real = real_.last();
      r.virt = Outcome{};
      return r;
    }
    // The real machine's trap would enter the VMM's dispatcher; the guest's own
    // trap entry is for the dispatcher to decide.
  }
  Dispatcher::Decision d = dispatcher_.dispatch(virt_, interp_);
  r.how = d.action == Dispatcher::Action::Interpreted ? VmmStep::Interpreted : VmmStep::Reflected;
  r.halted = d.outcome.kind == Outcome::Halted;
  ++(r.how == VmmStep::Interpreted ? counts_.interpreted : counts_.reflected);
  to_real(r);
  if (r.tried_direct)
    r.real = real_.last();
  else
    r.real = Outcome{};
  r.virt = d.outcome;
  return r;
}

// Theory §5: the projected result of direct execution is the real machine's
// ordinary state and guest storage; the virtual system state stays as the VMM
// holds it. Any change to the real system state or mode, and any write outside
// the allocation, is a broken property.
void Vmm::from_real(VmmStep& r) {
  const Allocation& a = alloc_.allocation();
  auto cells = real_.reg_cells();
  for (const machine::Change& c : real_.changes()) {
    if (c.memory) {
      auto [mi, addr] = real_.locate(c.loc);
      uint64_t v = real_.mem(mi, addr);
      wrote(real_written_, mi, addr);
      if (mi != m_->code_mem) {
        virt_.set_mem(mi, addr, v);
        r.written.push_back({mi, addr});
      } else if (alloc_.in_window(addr)) {
        virt_.set_mem(mi, addr - a.window_base(), v);
        r.written.push_back({mi, addr - a.window_base()});
      } else {
        r.violations.push_back({Violation::Isolation, true, 0, mi, addr, c.before, v});
        continue;
      }
      wrote(virt_written_, r.written.back().first, r.written.back().second);
      continue;
    }
    uint32_t cell = static_cast<uint32_t>(c.loc);
    uint64_t sys = real_.system_mask(cell), v = cells[cell];
    if ((v & sys) != alloc_.installed(cell))
      r.violations.push_back({Violation::ResourceControl, false, cell, 0, 0, c.before, v});
    uint64_t old = virt_.reg_cells()[cell];
    virt_.set_cell(cell, (old & sys) | (v & ~sys));
  }
}

// The interpreter changed V: its storage writes go to the real window, and the
// allocator installs real(V) again (the virtual system state may have changed).
void Vmm::to_real(VmmStep& r) {
  const Allocation& a = alloc_.allocation();
  // An interpreted instruction that wrote no system bits leaves real(V)'s
  // system state as installed: copying the registers it wrote is enough.
  // Otherwise (a system write, or a reflected trap) real(V) is installed anew,
  // which copies every register.
  bool system = r.how != VmmStep::Interpreted, registers = false;
  for (const machine::Change& c : virt_.changes()) {
    if (!c.memory) {
      registers = true;
      system |= real_.system_mask(static_cast<uint32_t>(c.loc)) != 0;
      continue;
    }
    auto [mi, addr] = virt_.locate(c.loc);
    uint64_t v = virt_.mem(mi, addr);
    wrote(virt_written_, mi, addr);
    if (mi != m_->code_mem) {
      real_.set_mem(mi, addr, v);
      wrote(real_written_, mi, addr);
    } else if (addr < a.size) {
      real_.set_mem(mi, a.window_base() + addr, v);
      wrote(real_written_, mi, a.window_base() + addr);
    } else {
      r.violations.push_back({Violation::Allocation, true, 0, mi, addr, c.before, v});
      continue;
    }
    r.written.push_back({mi, addr});
  }
  if (system && alloc_.install(virt_, real_)) return;
  if (system) r.violations.push_back({Violation::Allocation, false, 0, 0, 0, 0, 0});
  if (!registers) return;
  auto cells = virt_.reg_cells(); // the ordinary registers written (all of them, when the allocator refused V)
  for (const machine::Change& c : virt_.changes()) {
    uint32_t cell = static_cast<uint32_t>(c.loc);
    if (!c.memory && real_.system_mask(cell) == 0) real_.set_cell(cell, cells[cell]);
  }
}

} // namespace popek::vmm
