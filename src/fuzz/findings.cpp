#include "fuzz/findings.hpp"

#include "asm/assembler.hpp"
#include "asm/disassembler.hpp"
#include "corpus/minimize.hpp"
#include "corpus/replay.hpp"
#include "model/decoder.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace popek::fuzz {

namespace fs = std::filesystem;

std::string Signature::text() const {
  std::string s = insn + " " + kind + " ";
  for (size_t i = 0; i < components.size(); ++i) s += (i ? "," : "") + components[i];
  return s;
}

std::string Signature::file_name() const {
  std::string s = insn + "." + kind;
  for (const std::string& c : components) s += "." + c;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') ch = '_';
  return s + ".case";
}

Signature signature(const model::Model& m, const diff::Divergence& d) {
  Signature s;
  s.insn = diff::insn_name(m, d.native);
  s.kind = diff::kind_name(d.kind);
  std::replace(s.kind.begin(), s.kind.end(), ' ', '-');
  for (const diff::Component& c : d.components) {
    std::string n = diff::component_name(m, c);
    if (size_t b = n.find('['); b != std::string::npos) n = n.substr(0, b) + "[*]" + n.substr(n.find(']', b) + 1);
    s.components.push_back(n);
  }
  std::sort(s.components.begin(), s.components.end());
  s.components.erase(std::unique(s.components.begin(), s.components.end()), s.components.end());
  return s;
}

namespace {

std::string number(uint64_t v) { return v < 10 ? std::to_string(v) : fmt::format("{:#x}", v); }

// One line per instruction; units that do not disassemble to text that
// assembles back to the same units are written as `.unit`.
std::string program_text(const model::Model& m, const std::vector<uint64_t>& program, uint64_t at) {
  model::Decoder dec(m);
  std::string out = fmt::format("        .org {}\n", at);
  for (size_t i = 0; i < program.size();) {
    model::Decoder::Decoded d = dec.decode({program.data() + i, program.size() - i});
    if (d.insn >= 0) {
      std::string text = assembler::format_insn(m, d.insn, d.raw);
      assembler::AsmResult back = assembler::assemble(m, "(check)", "        .org 0\n        " + text + "\n");
      std::vector<uint64_t> want = assembler::to_units(m, d.raw, d.units);
      bool same = back.error.empty() && back.image.units.size() == want.size();
      for (size_t u = 0; same && u < want.size(); ++u) {
        auto it = back.image.units.find(u);
        same = it != back.image.units.end() && it->second == want[u];
      }
      if (same) {
        out += "        " + text + "\n";
        i += d.units;
        continue;
      }
    }
    for (uint64_t u : assembler::to_units(m, program[i], 1)) out += fmt::format("        .unit {:#x}\n", u);
    ++i;
  }
  return out;
}

} // namespace

corpus::Case make_case(const model::Model& m, const CaseContext& cx, const Input& in, const diff::Divergence& d) {
  corpus::Case c;
  Signature s = signature(m, d);
  c.comment = fmt::format("found by popek fuzz: {}\n{} diverges ({}) at step {}", s.text(), s.insn, s.kind, d.step);
  c.model = cx.model_ref;
  c.strategy = vmm::strategy_name(cx.strategy);
  c.allocation = cx.allocation;
  c.max_steps = d.step;
  c.state.push_back({"mode", m.modes[in.mode].name, {}});
  for (const Input::Cell& x : in.cells) {
    std::string v = number(x.value);
    if (x.cell == m.mode_register().slot) {
      int md = m.find_mode_code(x.value);
      if (md >= 0) v = m.modes[static_cast<size_t>(md)].name;
    }
    c.state.push_back({m.cell_name(x.cell), v, {}});
  }
  for (const Input::Unit& u : in.units)
    c.state.push_back({fmt::format("{}[{}]", m.mems[u.mem].name, u.addr), number(u.value), {}});
  c.program = program_text(m, in.program, cx.program_at);
  c.expect.divergent = true;
  c.expect.insn = s.insn;
  c.expect.kind = s.kind;
  for (const diff::Component& x : d.components) c.expect.components.push_back(diff::component_name(m, x));
  return c;
}

bool Findings::known(const Signature& s) {
  std::string name = s.file_name();
  if (seen_.count(name)) return true;
  std::error_code ec;
  if (!dir_.empty() && fs::exists(fs::path(dir_) / name, ec)) {
    seen_.insert(name);
    return true;
  }
  return false;
}

bool Findings::record(const model::Model& m, const Signature& s, const Input& in, const diff::Divergence& d,
                      std::string& path, std::string& error) {
  std::string name = s.file_name();
  seen_.insert(name);
  path.clear();
  if (dir_.empty()) return true;
  path = (fs::path(dir_) / name).string();
  corpus::Case c = make_case(m, cx_, in, d);
  c.path = path;
  if (!write_file_atomic(path, corpus::write_case(c), error)) return false;
  // Minimizing replays the case many times; the raw case is already safe on disk.
  corpus::ModelCache models(cx_.models_dir);
  corpus::Case small;
  corpus::MinimizeStats stats;
  std::string why;
  if (!corpus::minimize(c, models, small, stats, why, 4000)) {
    error = path + ": kept as found, not minimized: " + why;
    return true;
  }
  small.comment =
      c.comment + fmt::format("\nminimized: {} of {} program lines, {} of {} state lines ({} runs)", stats.lines_after,
                              stats.lines_before, stats.state_after, stats.state_before, stats.runs);
  return write_file_atomic(path, corpus::write_case(small), error);
}

std::vector<Found> read_findings(const std::string& dir, std::vector<std::string>& errors) {
  std::vector<Found> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".case") paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  for (const std::string& p : paths) {
    std::string err;
    auto c = corpus::load_case(p, err);
    if (!c)
      errors.push_back(err);
    else
      out.push_back({p, *c});
  }
  return out;
}

std::string default_findings_dir() {
  // XDG says a relative XDG_STATE_HOME is invalid and to be ignored.
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && fs::path(state).is_absolute()) return (fs::path(state) / "popek" / "findings").string();
  const char* home = std::getenv("HOME");
  if (home && *home) return (fs::path(home) / ".local" / "state" / "popek" / "findings").string();
  return "findings";
}

} // namespace popek::fuzz
