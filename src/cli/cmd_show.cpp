// popek show MODEL: state, modes, traps, and every instruction with its
// encoding and syntax.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/state_print.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace popek::cli {

namespace {
struct ShowOptions {
  std::string model;
};

int run_show(const ShowOptions& o) {
  auto mp = load_model_arg(o.model);
  if (!mp) return kBadInput;
  const model::Model& m = *mp;
  fmt::print("machine {}: {}\n  file {}\n  word {} bits\n", m.name, m.description, m.path, m.word);
  for (const model::Memory& mem : m.mems)
    fmt::print("  memory {}[{}] of {}-bit units{}{}\n", mem.name, mem.size, mem.unit,
               mem.unit == m.word ? " (word-addressed)" : "",
               mem.unit < m.word ? (mem.endian == model::Endian::Little ? " (little-endian)" : " (big-endian)") : "");
  fmt::print("\nmodes, most privileged first:\n");
  for (const model::Mode& md : m.modes) fmt::print("  {} = {}\n", md.name, md.code);
  fmt::print("\nregisters (reset value; system state marked):\n");
  for (unsigned r = 0; r < m.regs.size(); ++r) {
    const model::Register& reg = m.regs[r];
    if (reg.kind == model::RegKind::Mode) continue;
    std::string tags = reg.kind == model::RegKind::Pc ? " pc" : "";
    if (reg.system) tags += " system";
    std::string shape = reg.file ? fmt::format("{}[{}]", reg.name, reg.count) : reg.name;
    fmt::print("  {:<10} {:>2} bits{}  reset {}\n", shape, reg.width, tags, reg_value(m, r, reg.reset));
    for (const model::RegField& f : reg.fields)
      fmt::print("      .{:<8} [{}:{}]{}\n", f.name, f.hi, f.lo, f.system ? " system" : "");
  }
  fmt::print("\ntraps (cause = code):\n");
  for (size_t t = 0; t < m.traps.size(); ++t) {
    std::string note;
    if (static_cast<int>(t) == m.undefined_trap) note += "  [undefined encodings]";
    if (static_cast<int>(t) == m.default_trap) note += "  [failed require]";
    fmt::print("  {} = {}{}\n", m.traps[t].name, m.traps[t].code, note);
  }
  if (m.vmm.present) {
    std::string params;
    for (const auto& p : m.vmm.params) params += fmt::format("{}{} : {}", params.empty() ? "" : ", ", p.name, p.width);
    fmt::print("\nvmm deprivileging map with parameters ({})\n", params);
  }
  fmt::print("\ninstructions ({}):\n", m.insns.size());
  size_t wn = 4, wp = 8;
  for (const model::Instruction& i : m.insns) {
    wn = std::max(wn, i.name.size());
    wp = std::max(wp, i.enc.pattern.size());
  }
  for (const model::Instruction& i : m.insns)
    fmt::print("  {:<{}}  {:<{}}  {}\n", i.name, wn, i.enc.pattern, wp, i.syntax.text);
  return kOk;
}
} // namespace

void setup_show(CLI::App& app, int& rc) {
  auto o = std::make_shared<ShowOptions>();
  auto* sub = app.add_subcommand("show", "Show a model: state, modes, traps, instructions with encodings and syntax");
  sub->add_option("MODEL", o->model, "Bundled model name or path of a .isa file")->required();
  sub->callback([o, &rc] { rc = run_show(*o); });
}

} // namespace popek::cli
