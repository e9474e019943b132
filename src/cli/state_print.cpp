#include "cli/state_print.hpp"

#include <fmt/format.h>
#include <map>

namespace popek::cli {

namespace {

// Net changes of the last step: location -> (before, after), in order of first change.
struct NetChange {
  bool memory;
  uint64_t loc, before, after;
};
std::vector<NetChange> net_changes(const machine::Machine& mc) {
  std::vector<NetChange> out;
  std::map<std::pair<bool, uint64_t>, size_t> seen;
  for (const machine::Change& c : mc.changes()) {
    auto key = std::make_pair(c.memory, c.loc);
    if (seen.count(key)) continue;
    seen[key] = out.size();
    out.push_back({c.memory, c.loc, c.before, 0});
  }
  std::vector<NetChange> kept;
  for (NetChange& n : out) {
    if (n.memory) {
      auto [mi, addr] = mc.locate(n.loc);
      n.after = mc.mem(mi, addr);
    } else {
      auto [r, i] = mc.reg_of_cell(n.loc);
      n.after = mc.reg(r, i);
    }
    if (n.after != n.before) kept.push_back(n);
  }
  return kept;
}
} // namespace

std::string describe_changes(const machine::Machine& mc) {
  const model::Model& m = mc.model();
  std::string out;
  for (const NetChange& n : net_changes(mc)) {
    if (!out.empty()) out += "  ";
    if (n.memory) {
      auto [mi, addr] = mc.locate(n.loc);
      out += fmt::format("{}[{}]={}", m.mems[mi].name, addr, machine::mem_value(m, mi, n.after));
    } else {
      auto [r, i] = mc.reg_of_cell(n.loc);
      out += reg_name(m, r, i) + "=" + reg_value(m, r, n.after);
    }
  }
  return out;
}

std::string describe_registers(const machine::Machine& mc) {
  const model::Model& m = mc.model();
  std::string out;
  for (unsigned r = 0; r < m.regs.size(); ++r) {
    const model::Register& reg = m.regs[r];
    for (unsigned i = 0; i < reg.count; ++i)
      out += fmt::format("  {:<8} {}{}\n", reg_name(m, r, i), reg_value(m, r, mc.reg(r, i)),
                         reg.system_bits() ? "   [system]" : "");
  }
  return out;
}

nlohmann::json registers_json(const machine::Machine& mc) {
  const model::Model& m = mc.model();
  nlohmann::json j = nlohmann::json::object();
  for (unsigned r = 0; r < m.regs.size(); ++r) {
    const model::Register& reg = m.regs[r];
    if (reg.kind == model::RegKind::Mode) continue;
    for (unsigned i = 0; i < reg.count; ++i) j[reg_name(m, r, i)] = mc.reg(r, i);
  }
  j["mode"] = reg_value(m, m.mode_reg, mc.mode());
  return j;
}

nlohmann::json changes_json(const machine::Machine& mc) {
  const model::Model& m = mc.model();
  nlohmann::json arr = nlohmann::json::array();
  for (const NetChange& n : net_changes(mc)) {
    nlohmann::json c;
    if (n.memory) {
      auto [mi, addr] = mc.locate(n.loc);
      c["memory"] = m.mems[mi].name;
      c["addr"] = addr;
    } else {
      auto [r, i] = mc.reg_of_cell(n.loc);
      c["register"] = reg_name(m, r, i);
    }
    c["before"] = n.before;
    c["after"] = n.after;
    arr.push_back(c);
  }
  return arr;
}

} // namespace popek::cli
