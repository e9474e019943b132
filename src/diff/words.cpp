#include "diff/words.hpp"

#include "asm/disassembler.hpp"
#include "machine/words.hpp"

#include <fmt/format.h>

namespace popek::diff {

std::string insn_text(const model::Model& m, const machine::Outcome& o) {
  if (o.insn >= 0) return assembler::format_insn(m, o.insn, o.raw);
  if (o.stage == machine::Outcome::Fetch) return "(fetch)";
  return fmt::format("(undefined {})", model::bits_to_hex(o.raw, m.fetch_unit));
}

std::string how_words(const model::Model& m, const vmm::VmmStep& s) {
  if (s.how == vmm::VmmStep::Direct) return "executed directly, without a trap";
  std::string why = s.tried_direct ? fmt::format(" after real trap {}", m.traps[s.real.cause].name) : " (hybrid)";
  if (s.how == vmm::VmmStep::Interpreted) return "interpreted" + why;
  return fmt::format("reflected trap {}{}", m.traps[s.virt.cause].name, why);
}

std::string component_value(const model::Model& m, const Component& c, uint64_t v) {
  switch (c.kind) {
  case Component::Halted: return v ? "halted" : "running";
  case Component::Memory: return machine::mem_value(m, c.mem, v);
  case Component::Register: break;
  }
  for (unsigned r = 0; r < m.regs.size(); ++r)
    if (c.cell >= m.regs[r].slot && c.cell < m.regs[r].slot + m.regs[r].count) return machine::reg_value(m, r, v);
  return fmt::format("0x{:x}", v);
}

std::pair<const char*, const char*> compared_sides(Divergence::Kind k) {
  const char* left = k == Divergence::ResourceControl ? "installed" : k == Divergence::Isolation ? "before" : "native";
  const char* right = k == Divergence::Equivalence || k == Divergence::Allocation ? "vmm" : "after, without a trap";
  return {left, right};
}

} // namespace popek::diff
