// A witness replayed for people: the case runs in the lockstep runner up to
// its divergence, and both sides' states are read there, so that the report
// can show native and VMM side by side with what differs marked, in the
// words `popek diff` uses (machine/words.hpp, diff/words.hpp).
#include "report/report.hpp"

#include "diff/lockstep.hpp"
#include "diff/words.hpp"
#include "machine/words.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace popek::report {

namespace {

// Both sides' registers after the divergent step, beside the virtual ones before it.
void read_registers(const model::Model& m, const diff::Divergence& d, const machine::Machine& native,
                    const machine::Machine& virt, WitnessStates& w) {
  for (unsigned r = 0; r < m.regs.size(); ++r) {
    const model::Register& reg = m.regs[r];
    for (unsigned i = 0; i < reg.count; ++i) {
      uint32_t cell = reg.slot + i;
      uint64_t before = cell < d.before.size() ? d.before[cell] : native.reg(r, i);
      uint64_t n = native.reg(r, i), v = virt.reg(r, i);
      StateCell sc;
      sc.name = m.cell_name(cell);
      sc.before = machine::reg_value(m, r, before);
      sc.native = machine::reg_value(m, r, n);
      sc.vmm = machine::reg_value(m, r, v);
      sc.differs = n != v;
      sc.changed = n != before || v != before;
      sc.key = reg.kind != model::RegKind::Plain;
      // A register file's untouched entries say nothing about the witness.
      if (reg.file && !sc.differs && !sc.changed) {
        ++w.hidden_entries;
        continue;
      }
      w.registers.push_back(std::move(sc));
    }
  }
}

// The memory units the step wrote on either side, and those the runner
// found different. Before the divergent step both sides agreed (the runner
// would have stopped earlier), so a unit's value before is the native one,
// unless the native step changed it: then its change log has it.
void read_memory(const model::Model& m, const diff::Divergence& d, const machine::Machine& native,
                 const machine::Machine& virt, WitnessStates& w) {
  std::map<std::pair<unsigned, uint64_t>, uint64_t> before; // unit -> native value before
  std::vector<std::pair<unsigned, uint64_t>> units;
  for (const machine::Change& c : native.changes()) {
    if (!c.memory) continue;
    auto unit = native.locate(c.loc);
    if (before.emplace(unit, c.before).second) units.push_back(unit);
  }
  for (const auto& u : d.vmm.written) units.push_back(u);
  bool virtual_addresses = d.kind == diff::Divergence::Equivalence || d.kind == diff::Divergence::Allocation;
  for (const diff::Component& c : d.components)
    if (c.kind == diff::Component::Memory && virtual_addresses) units.push_back({c.mem, c.addr});
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  constexpr size_t kMaxUnits = 256; // a witness writes a few units; a runaway guest should not make the page huge
  if (units.size() > kMaxUnits) units.resize(kMaxUnits);
  for (auto [mi, a] : units) {
    if (a >= m.mems[mi].size) continue;
    uint64_t n = native.mem(mi, a), v = virt.mem(mi, a);
    auto it = before.find({mi, a});
    uint64_t b = it != before.end() ? it->second : n;
    w.memory.push_back({fmt::format("{}[{}]", m.mems[mi].name, a), machine::mem_value(m, mi, b),
                        machine::mem_value(m, mi, n), machine::mem_value(m, mi, v), n != v, n != b || v != b});
  }
}

} // namespace

WitnessStates replay_states(const corpus::Case& c, corpus::ModelCache& models) {
  WitnessStates w;
  w.strategy = c.strategy;
  w.case_text = corpus::write_case(c);
  try {
    corpus::Prepared p;
    if (!corpus::prepare(c, models, p, w.error)) return w;
    const model::Model& m = *p.model;
    diff::Lockstep ls(p.model, p.options);
    if (!ls.start(*p.initial, w.error)) return w;
    diff::Result r = ls.run();
    if (!r.divergence) {
      w.outcome = r.halted ? fmt::format("equivalent: both halted after {} steps", r.steps)
                           : fmt::format("no divergence in {} steps", r.steps);
      return w;
    }
    const diff::Divergence& d = *r.divergence;
    w.diverged = true;
    w.step = d.step;
    w.pc = d.pc;
    w.kind = diff::kind_name(d.kind);
    w.outcome = fmt::format("{} broken at step {}", w.kind, d.step);
    w.instruction = diff::insn_text(m, d.native);
    w.natively = d.native.kind == machine::Outcome::Completed ? "completed" : machine::outcome_words(m, d.native);
    w.vmm_how = diff::how_words(m, d.vmm);
    std::tie(w.left, w.right) = diff::compared_sides(d.kind);
    for (const diff::Component& comp : d.components) {
      std::string name = diff::component_name(m, comp);
      if (d.kind == diff::Divergence::Isolation) name = "real " + name;
      w.components.push_back({name, "", diff::component_value(m, comp, comp.native),
                              diff::component_value(m, comp, comp.vmm), true, true});
    }
    read_registers(m, d, ls.native(), ls.vmm().virtual_state(), w);
    read_memory(m, d, ls.native(), ls.vmm().virtual_state(), w);
  } catch (const std::exception& e) { // a malformed case (InputError) or a model that does not load
    w.error = e.what();
  }
  return w;
}

} // namespace popek::report
