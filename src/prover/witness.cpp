#include "prover/witness.hpp"

#include "asm/assembler.hpp"
#include "asm/disassembler.hpp"
#include "corpus/replay.hpp"
#include "machine/machine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace popek::prover {

namespace {

// Reads a witness: values of terms in the solver's last model.
struct Reader {
  const smt::Solver& s;
  Context& c;
  const model::Model& m;

  uint64_t val(Term t) const { return s.value(t); }
  bool yes(Term t) const { return s.truth(t); }

  std::string cell_value(uint32_t cell, uint64_t v) const {
    if (cell == m.mode_register().slot) {
      int md = m.find_mode_code(v);
      if (md >= 0) return m.modes[static_cast<size_t>(md)].name;
    }
    return v < 10 ? std::to_string(v) : fmt::format("{:#x}", v);
  }
  std::string mode_of(const State& st) const {
    uint32_t cell = m.mode_register().slot;
    return cell_value(cell, val(st.cells[cell]));
  }
  // The memory units each state wrote, by (memory, address), with both values.
  struct Diff {
    std::string name, a, b;
  };
  std::vector<Diff> diffs(const State& x, const State& y, const std::vector<uint64_t>& ignore) const {
    std::vector<Diff> out;
    for (uint32_t i = 0; i < x.cells.size(); ++i) {
      uint64_t keep = ~(i < ignore.size() ? ignore[i] : 0);
      uint64_t a = val(x.cells[i]), b = val(y.cells[i]);
      if ((a & keep) != (b & keep)) out.push_back({m.cell_name(i), cell_value(i, a), cell_value(i, b)});
    }
    for (size_t mi = 0; mi < x.mems.size(); ++mi) {
      std::map<uint64_t, Term> addrs;
      for (const State* st : {&x, &y})
        for (const auto& w : st->mems[mi].writes)
          if (yes(w.guard)) addrs.emplace(val(w.addr), w.addr);
      for (auto& [a, t] : addrs) {
        uint64_t va = val(x.mems[mi].read(c, t, Term{})), vb = val(y.mems[mi].read(c, t, Term{}));
        if (va != vb)
          out.push_back({m.mems[mi].name + "[" + std::to_string(a) + "]", cell_value(UINT32_MAX, va),
                         cell_value(UINT32_MAX, vb)});
      }
    }
    return out;
  }
  std::string outcome(const Step& st) const {
    if (yes(st.trapped)) {
      uint64_t code = val(st.cause);
      for (const model::TrapCause& t : m.traps)
        if (t.code == code) return "traps (" + t.name + ")";
      return "traps";
    }
    return yes(st.halted) ? "halts" : "completes";
  }
};

std::string join(const std::vector<std::string>& xs, const char* sep = ", ") {
  std::string s;
  for (const std::string& x : xs) s += (s.empty() ? "" : sep) + x;
  return s;
}

// "leaves A=0, E[3]=5" (side a of each difference), or how it ended if it trapped.
std::string leaves(const Reader& r, const Step& st, const std::vector<Reader::Diff>& ds, bool first) {
  if (r.yes(st.trapped)) return r.outcome(st);
  std::vector<std::string> parts;
  for (const auto& d : ds) parts.push_back(d.name + "=" + (first ? d.a : d.b));
  std::string s = r.yes(st.halted) ? "halts" : "";
  if (!parts.empty()) s += (s.empty() ? "leaves " : " and leaves ") + join(parts);
  return s.empty() ? "completes" : s;
}

std::string state_words(const Reader& r, const State& st, const std::vector<uint32_t>& cells) {
  std::vector<std::string> parts;
  for (uint32_t i : cells) parts.push_back(r.m.cell_name(i) + "=" + r.cell_value(i, r.val(st.cells[i])));
  return join(parts);
}

corpus::Case make_case(const Reader& r, const std::shared_ptr<const model::Model>& mp, const Finding& f, const Built& b,
                       const std::string& text, const std::string& words) {
  const model::Model& m = *mp;
  const Vm& vm = *b.vm;
  corpus::Case wc;
  wc.comment = " witness of " + f.name + " (found by popek prove)\n " + words;
  wc.model = m.path;
  wc.strategy = f.query.property == Property::VmmStep ? vmm::strategy_name(f.query.strategy) : "trap-emulate";
  uint64_t base = r.val(vm.base), size = r.val(vm.size);
  wc.allocation = vm.allocation ? *vm.allocation : vmm::Allocation{base, size};
  wc.max_steps = 1;
  // The state lines: what differs from a new VM's state.
  machine::Machine reset(mp);
  reset.reset();
  reset.apply_vmm_reset(base, size);
  for (uint32_t i = 0; i < m.nslots; ++i) {
    uint64_t v = r.val(vm.v.cells[i]);
    if (v != reset.reg_cells()[i]) wc.state.push_back({m.cell_name(i), r.cell_value(i, v), {}});
  }
  std::vector<uint64_t> at;
  for (Term w : b.fetch.where) at.push_back(r.val(w));
  const unsigned code = m.code_mem;
  for (uint64_t a = 0; a < size; ++a) {
    if (std::find(at.begin(), at.end(), a) != at.end()) continue;
    uint64_t v = r.val(vm.v.mems[code].initial(r.c.bv(a, m.mems[code].addr_width), Term{}));
    if (v) wc.state.push_back({fmt::format("{}[{}]", m.mems[code].name, a), fmt::format("{:#x}", v), {}});
  }
  wc.program = fmt::format("        .org {}\n        {}\n", at.front(), text);
  for (size_t k = 1; k < at.size(); ++k)
    if (at[k] != at.front() + k * m.fetch_step) { // not contiguous: place each unit
      wc.program = "";
      for (size_t j = 0; j < at.size(); ++j)
        wc.program += fmt::format("        .org {}\n        .unit {:#x}\n", at[j], r.val(b.fetch.units[j]));
      break;
    }
  // What the lockstep runner must report, in its order: isolation, resource control, equivalence.
  corpus::Expectation& e = wc.expect;
  e.divergent = true;
  e.insn = m.insns[static_cast<size_t>(f.insn)].name;
  const Direct& d = *b.direct;
  const Side& vs = b.sides[1];
  bool direct = !r.yes(vs.step.trapped) &&
                (f.query.property != Property::VmmStep || f.query.strategy == vmm::Strategy::TrapAndEmulate ||
                 r.mode_of(vm.v) == m.modes.back().name);
  const auto& writes = vs.step.after.mems[code].writes;
  if (direct && r.yes(d.isolation)) {
    e.kind = "isolation";
    for (size_t w = 0; w < d.outside.size(); ++w)
      if (r.yes(d.outside[w])) e.components.push_back(fmt::format("{}[{}]", m.mems[code].name, r.val(writes[w].addr)));
  } else if (direct && r.yes(d.resource)) {
    e.kind = "resource-control";
    for (uint32_t i = 0; i < d.resource_cells.size(); ++i)
      if (r.yes(d.resource_cells[i])) e.components.push_back(m.cell_name(i));
  } else {
    e.kind = "equivalence";
    for (const auto& df : r.diffs(b.sides[0].after, vs.after, {})) e.components.push_back(df.name);
    if (r.yes(b.sides[0].step.halted) != r.yes(vs.step.halted)) e.components.push_back("halt");
  }
  std::sort(e.components.begin(), e.components.end());
  e.components.erase(std::unique(e.components.begin(), e.components.end()), e.components.end());
  return wc;
}

} // namespace

void explain(const smt::Solver& s, Context& c, const std::shared_ptr<const model::Model>& mp, Finding& f,
             const Built& b) {
  const model::Model& m = *mp;
  Reader r{s, c, m};
  if (f.insn < 0 && f.name == kHostsNoneQuery) {
    const Vm& vm = *b.vm;
    f.words = fmt::format("a guest with {} runs under the VMM under itself",
                          state_words(r, vm.v, {m.mode_register().slot, m.pc().slot}));
    return;
  }
  if (f.insn < 0 && f.name == kHostingQuery) {
    // The guest's registers the map changed, before and after: what the outer
    // VMM's wellformed sees. Those it only moved by the base are left out.
    const Vm& vm = *b.vm;
    const vmm::Allocation& a = *vm.allocation;
    std::vector<uint32_t> changed;
    for (uint32_t i = 0; i < vm.v.cells.size(); ++i) {
      uint64_t before = r.val(vm.v.cells[i]), after = r.val(vm.installed.cells[i]);
      uint64_t mask = model::width_mask(c.width(vm.v.cells[i]));
      if (before != after && ((after - before) & mask) != (a.base & mask)) changed.push_back(i);
    }
    f.words = fmt::format("a guest with {} gets real(V) with {} from the VMM at base {}, size {}, and the same VMM "
                          "refuses that as its guest at base {}, size {} (its vmm 'wellformed' is false)",
                          state_words(r, vm.v, changed), state_words(r, vm.installed, changed), a.base, a.size,
                          a.outer_base, a.outer_size);
    return;
  }
  if (f.insn < 0) {
    const Vm& vm = *b.vm;
    f.words = fmt::format("with {} (base={}, size={}), the VMM fetches other units than the guest's",
                          state_words(r, vm.v, {m.pc().slot}), r.val(vm.base), r.val(vm.size));
    return;
  }
  std::string text = "`" + word_text(s, m, f.insn, b.fetch) + "`";
  const Side &x = b.sides[0], &y = b.sides[1];
  switch (f.query.property) {
  case Property::Privileged:
    f.words = fmt::format("{} {} in {} mode and {} in {} mode", text, r.outcome(x.step), r.mode_of(x.before),
                          r.outcome(y.step), r.mode_of(y.before));
    return;
  case Property::TrapsLeast:
    f.words = fmt::format("{} {} in {} mode", text, r.outcome(x.step), r.mode_of(x.before));
    return;
  case Property::Control: {
    std::vector<std::string> parts;
    State before = x.after, after = y.after; // system state only: storage is ordinary
    for (auto* st : {&before, &after})
      for (auto& mem : st->mems) mem.writes.clear();
    for (const auto& d : r.diffs(before, after, b.ignore)) parts.push_back(d.name + " from " + d.a + " to " + d.b);
    f.words = fmt::format("in {} mode, {} changes {}", r.mode_of(x.before), text, join(parts));
    return;
  }
  case Property::Mode:
  case Property::Register: {
    auto ds = r.diffs(x.after, y.after, b.ignore);
    std::string lx, ly;
    if (f.query.property == Property::Mode) {
      lx = "in " + r.mode_of(x.before) + " mode";
      ly = "in " + r.mode_of(y.before) + " mode";
    } else {
      const Unit u = system_units(m)[static_cast<size_t>(f.query.unit)];
      auto field = [&](const State& st) {
        return (r.val(st.cells[u.cell]) >> u.lo) & model::width_mask(u.hi - u.lo + 1);
      };
      lx = "with " + u.name + "=" + r.cell_value(UINT32_MAX, field(x.before));
      ly = "with " + u.name + "=" + r.cell_value(UINT32_MAX, field(y.before));
      lx = "in " + r.mode_of(x.before) + " mode " + lx;
    }
    f.words =
        fmt::format("{} {} {} but {} {}", text, leaves(r, x.step, ds, true), lx, leaves(r, y.step, ds, false), ly);
    return;
  }
  case Property::Location: {
    auto ds = r.diffs(x.after, y.after, {});
    f.words =
        fmt::format("in {} mode, {} {} in place but {} relocated by base={} (size={})", r.mode_of(x.before), text,
                    leaves(r, x.step, ds, true), leaves(r, y.step, ds, false), r.val(b.vm->base), r.val(b.vm->size));
    return;
  }
  case Property::Equivalence:
  case Property::ResourceControl:
  case Property::VmmStep: {
    std::string where = "in virtual " + r.mode_of(x.before) + " mode";
    const Direct& d = *b.direct;
    if (f.query.property == Property::ResourceControl || (r.yes(d.resource) && !r.yes(y.step.trapped))) {
      std::vector<std::string> parts;
      for (uint32_t i = 0; i < d.resource_cells.size(); ++i)
        if (r.yes(d.resource_cells[i]))
          parts.push_back("the real " + m.cell_name(i) + " from " + r.cell_value(i, r.val(b.vm->real.cells[i])) +
                          " to " + r.cell_value(i, r.val(y.step.after.cells[i])));
      if (r.yes(d.isolation)) parts.push_back("storage outside the VM's allocation");
      f.words = fmt::format("{}, {} changes {} without trapping", where, text, join(parts));
    } else {
      auto ds = r.diffs(x.after, y.after, {});
      f.words = fmt::format("{}, {} {} natively but {} under the VMM", where, text, leaves(r, x.step, ds, true),
                            leaves(r, y.step, ds, false));
    }
    f.witness_case = make_case(r, mp, f, b, text.substr(1, text.size() - 2), f.words);
    return;
  }
  }
}

std::string word_text(const smt::Solver& s, const model::Model& m, int insn, const symbolic::Fetch& f) {
  model::Bits raw = 0;
  for (Term u : f.units) raw = (raw << m.fetch_unit) | s.value(u);
  return assembler::format_insn(m, insn, raw);
}

bool replay_witness(const corpus::Case& wc, const std::string& models_dir, std::string& why) {
  // The case goes through its own text, as a saved witness will.
  corpus::Case parsed;
  try {
    parsed = corpus::parse_case(wc.path.empty() ? "<witness>" : wc.path, corpus::write_case(wc));
  } catch (const InputError& e) {
    why = std::string("the witness case does not parse: ") + e.what();
    return false;
  }
  parsed.path = wc.path;
  corpus::ModelCache models(models_dir);
  corpus::Replay rp = corpus::replay(parsed, models);
  if (rp.status == corpus::Replay::Passed) return true;
  why = rp.message;
  return false;
}

} // namespace popek::prover
