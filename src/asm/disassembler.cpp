#include "asm/disassembler.hpp"

#include "model/decoder.hpp"

#include <fmt/format.h>

namespace popek::assembler {

using model::Bits;

std::string format_insn(const model::Model& m, int insn, Bits raw) {
  const model::Instruction& in = m.insns[static_cast<size_t>(insn)];
  std::string out;
  for (const model::SyntaxPiece& p : in.syntax.pieces) {
    if (p.kind == model::SyntaxPiece::Text) {
      out += p.text;
      continue;
    }
    const model::EncField& f = in.enc.fields[p.field];
    uint64_t v = in.enc.extract(p.field, raw);
    switch (p.format) {
    case model::SyntaxPiece::RegName: out += m.regs[p.file].asm_names[v]; break;
    case model::SyntaxPiece::Signed: {
      bool neg = f.width < 64 && ((v >> (f.width - 1)) & 1);
      out += neg ? fmt::format("-{}", (~v + 1) & model::width_mask(f.width)) : fmt::format("{}", v);
      break;
    }
    case model::SyntaxPiece::Unsigned: out += fmt::format("{}", v); break;
    }
  }
  return out;
}

std::string disassemble(const model::Model& m, const Image& img) {
  const model::Memory& mem = m.mems[m.code_mem];
  const int aw = static_cast<int>((mem.addr_width + 3) / 4);
  const int uw = static_cast<int>((mem.unit + 3) / 4);
  const char* data = mem.unit == m.word ? ".word" : ".unit";
  model::Decoder dec(m);
  std::string out;
  uint64_t next = UINT64_MAX;
  auto it = img.units.begin();
  while (it != img.units.end()) {
    uint64_t addr = it->first;
    if (addr != next) out += fmt::format("        .org {}\n", addr);
    unsigned n = 0;
    int insn = -1;
    Bits raw = 0;
    for (unsigned k = 1; k <= dec.max_units(); ++k) {
      if (addr + k * m.fetch_step > mem.size) break; // would wrap past the end of memory: data
      if (!fetch_from(m, img.units, addr, k, raw)) break;
      auto r = dec.lookup(raw, k);
      if (r.kind == model::Decoder::Result::Match) {
        insn = r.insn;
        n = k * m.fetch_step;
        break;
      }
      if (r.kind == model::Decoder::Result::None) break;
    }
    std::string text, hex;
    if (insn >= 0) {
      text = format_insn(m, insn, raw);
      for (unsigned i = 0; i < n; ++i, ++it) hex += fmt::format(" {:0{}x}", it->second, uw);
    } else {
      text = fmt::format("{} 0x{:0{}x}", data, it->second, uw);
      hex = fmt::format(" {:0{}x}", it->second, uw);
      n = 1;
      ++it;
    }
    out += fmt::format("        {:<32} ; {:0{}x}:{}\n", text, addr, aw, hex);
    next = addr + n;
  }
  return out;
}

} // namespace popek::assembler
