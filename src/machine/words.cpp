#include "machine/words.hpp"

#include <fmt/format.h>

namespace popek::machine {

namespace {
int hex_digits(unsigned width) { return static_cast<int>((width + 3) / 4); }
} // namespace

std::string reg_name(const model::Model& m, unsigned r, unsigned i) {
  const model::Register& reg = m.regs[r];
  return reg.file ? fmt::format("{}[{}]", reg.name, i) : reg.name;
}

std::string reg_value(const model::Model& m, unsigned r, uint64_t v) {
  const model::Register& reg = m.regs[r];
  if (reg.kind == model::RegKind::Mode) {
    int md = m.find_mode_code(v);
    return md >= 0 ? m.modes[static_cast<size_t>(md)].name : fmt::format("{} (no such mode)", v);
  }
  std::string s = fmt::format("0x{:0{}x}", v, hex_digits(reg.width));
  if (!reg.fields.empty()) {
    s += " (";
    for (size_t f = 0; f < reg.fields.size(); ++f) {
      const model::RegField& fd = reg.fields[f];
      s += fmt::format("{}{}={}", f ? ", " : "", fd.name, (v >> fd.lo) & model::width_mask(fd.hi - fd.lo + 1));
    }
    s += ")";
  }
  return s;
}

std::string mem_value(const model::Model& m, unsigned mem, uint64_t v) {
  return fmt::format("0x{:0{}x}", v, hex_digits(m.mems[mem].unit));
}

std::string outcome_words(const model::Model& m, const Outcome& o) {
  switch (o.kind) {
  case Outcome::Completed: return "";
  case Outcome::Halted: return "halt";
  case Outcome::Trapped: return fmt::format("trap {}{}", m.traps[o.cause].name, o.memory ? " (memory trap)" : "");
  }
  return "";
}

} // namespace popek::machine
