#include "cli/diff_print.hpp"

#include "cli/state_print.hpp"
#include "diff/words.hpp"

#include <fmt/format.h>

namespace popek::cli {

namespace {

// What the VMM's step changed in the virtual state: registers that differ
// from `before`, and the storage it wrote.
std::string virtual_changes(const model::Model& m, const machine::Machine& v, const std::vector<uint64_t>& before,
                            const vmm::VmmStep& s) {
  std::string out;
  auto cells = v.reg_cells();
  for (uint32_t c = 0; c < cells.size() && c < before.size(); ++c) {
    if (cells[c] == before[c]) continue;
    auto [r, i] = v.reg_of_cell(c);
    out += fmt::format("{}{}={}", out.empty() ? "" : "  ", reg_name(m, r, i), reg_value(m, r, cells[c]));
  }
  for (auto [mi, a] : s.written)
    out += fmt::format("{}{}[{}]={}", out.empty() ? "" : "  ", m.mems[mi].name, a,
                       machine::mem_value(m, mi, v.mem(mi, a)));
  return out;
}

} // namespace

std::string component_value(const model::Model& m, const diff::Component& c, bool vmm_side) {
  return diff::component_value(m, c, vmm_side ? c.vmm : c.native);
}

std::string trace_line(const diff::Lockstep& ls, uint64_t step, const diff::Lockstep::Step& s) {
  const uint64_t pc = s.pc;
  const std::vector<uint64_t>& before = ls.before();
  const model::Model& m = ls.native().model();
  const int pcw = static_cast<int>((m.pc().width + 3) / 4);
  std::string native = describe_outcome(m, s.native);
  std::string nchanges = describe_changes(ls.native());
  std::string left = (native.empty() ? "" : "[" + native + "] ") + nchanges;
  std::string right = (s.vmm.how == vmm::VmmStep::Direct ? std::string("direct") : diff::how_words(m, s.vmm)) + ": " +
                      virtual_changes(m, ls.vmm().virtual_state(), before, s.vmm);
  return fmt::format("{:>6}  {:0{}x}  {:<24} {:<44} | {}", step, pc, pcw, diff::insn_text(m, s.native), left, right);
}

std::string divergence_summary(const model::Model& m, const diff::Divergence& d) {
  std::string comps;
  for (const diff::Component& c : d.components) comps += (comps.empty() ? "" : ", ") + diff::component_name(m, c);
  return fmt::format("{} at {:x} (step {}): {} broken in {}", diff::insn_name(m, d.native), d.pc, d.step,
                     diff::kind_name(d.kind), comps);
}

std::string divergence_report(const model::Model& m, const diff::Divergence& d, vmm::Strategy s) {
  const int pcw = static_cast<int>((m.pc().width + 3) / 4);
  std::string out = fmt::format("divergence at step {}: {} broken\n", d.step, diff::kind_name(d.kind));
  out += fmt::format("  instruction  {} at {:0{}x}, encoding {}\n", diff::insn_text(m, d.native), d.pc, pcw,
                     model::bits_to_hex(d.native.raw, m.fetch_unit * std::max(1u, d.native.units)));
  std::string nat = describe_outcome(m, d.native);
  out += fmt::format("  natively     {}\n", nat.empty() ? "completed" : nat);
  out += fmt::format("  under the {} VMM: {}\n", vmm::strategy_name(s), diff::how_words(m, d.vmm));
  auto [left, right] = diff::compared_sides(d.kind);
  out += fmt::format("  {:<14} {:<28} {}\n", "component", left, right);
  for (const diff::Component& c : d.components) {
    std::string name = diff::component_name(m, c);
    if (d.kind == diff::Divergence::Isolation) name = fmt::format("real {}", name);
    out += fmt::format("  {:<14} {:<28} {}\n", name, component_value(m, c, false), component_value(m, c, true));
  }
  out += "  virtual state before:";
  for (unsigned r = 0; r < m.regs.size(); ++r)
    for (unsigned i = 0; i < m.regs[r].count; ++i)
      out += fmt::format(" {}={}", reg_name(m, r, i), reg_value(m, r, d.before[m.regs[r].slot + i]));
  out += "\n";
  return out;
}

nlohmann::json divergence_json(const model::Model& m, const diff::Divergence& d) {
  nlohmann::json comps = nlohmann::json::array();
  for (const diff::Component& c : d.components)
    comps.push_back({{"name", diff::component_name(m, c)}, {"native", c.native}, {"vmm", c.vmm}});
  nlohmann::json before = nlohmann::json::object();
  for (unsigned r = 0; r < m.regs.size(); ++r)
    for (unsigned i = 0; i < m.regs[r].count; ++i) before[reg_name(m, r, i)] = d.before[m.regs[r].slot + i];
  return {{"step", d.step},
          {"kind", diff::kind_name(d.kind)},
          {"pc", d.pc},
          {"instruction", diff::insn_name(m, d.native)},
          {"text", diff::insn_text(m, d.native)},
          {"encoding", model::bits_to_hex(d.native.raw, m.fetch_unit * std::max(1u, d.native.units))},
          {"vmm", vmm::how_name(d.vmm.how)},
          {"components", comps},
          {"before", before}};
}

} // namespace popek::cli
