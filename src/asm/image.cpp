#include "asm/image.hpp"

#include <cctype>
#include <fmt/format.h>
#include <sstream>

namespace popek::assembler {

using model::Bits;
using model::width_mask;

std::vector<uint64_t> to_units(const model::Model& m, Bits raw, unsigned fetch_units) {
  const model::Memory& mem = m.mems[m.code_mem];
  std::vector<uint64_t> out;
  for (unsigned j = 0; j < fetch_units; ++j) {
    unsigned shift = (fetch_units - 1 - j) * m.fetch_unit;
    uint64_t fu = static_cast<uint64_t>(raw >> shift) & width_mask(m.fetch_unit);
    for (unsigned i = 0; i < m.fetch_step; ++i) {
      // Big endian: the first unit holds the most significant bits.
      unsigned piece = mem.endian == model::Endian::Big ? m.fetch_step - 1 - i : i;
      out.push_back((piece * mem.unit >= 64 ? 0 : fu >> (piece * mem.unit)) & width_mask(mem.unit));
    }
  }
  return out;
}

bool fetch_from(const model::Model& m, const std::map<uint64_t, uint64_t>& units, uint64_t addr, unsigned fetch_units,
                Bits& raw) {
  const model::Memory& mem = m.mems[m.code_mem];
  raw = 0;
  uint64_t a = addr;
  for (unsigned j = 0; j < fetch_units; ++j) {
    uint64_t fu = 0;
    for (unsigned i = 0; i < m.fetch_step; ++i, ++a) {
      auto it = units.find(a & (mem.size - 1));
      if (it == units.end()) return false;
      unsigned piece = mem.endian == model::Endian::Big ? m.fetch_step - 1 - i : i;
      if (piece * mem.unit < 64) fu |= it->second << (piece * mem.unit);
    }
    raw = (raw << m.fetch_unit) | fu;
  }
  return true;
}

std::string write_image(const model::Model& m, const Image& img) {
  const model::Memory& mem = m.mems[m.code_mem];
  const int aw = static_cast<int>((mem.addr_width + 3) / 4);
  const int uw = static_cast<int>((mem.unit + 3) / 4);
  std::string out = fmt::format("; popek image for model {} (memory {}, {}-bit units)\n", m.name, mem.name, mem.unit);
  std::map<uint64_t, const Image::Line*> by_addr;
  for (const Image::Line& l : img.lines) by_addr[l.addr] = &l;
  auto it = img.units.begin();
  while (it != img.units.end()) {
    uint64_t addr = it->first;
    auto line = by_addr.find(addr);
    unsigned n = line != by_addr.end() && line->second->count ? line->second->count : 1;
    out += fmt::format("{:0{}x}:", addr, aw);
    for (unsigned i = 0; i < n && it != img.units.end() && it->first == addr + i; ++i, ++it)
      out += fmt::format(" {:0{}x}", it->second, uw);
    if (line != by_addr.end() && !line->second->text.empty()) out += "  ; " + line->second->text;
    out += "\n";
  }
  return out;
}

bool read_image(const model::Model& m, const std::string& path, const std::string& text, Image& img,
                std::string& error) {
  const model::Memory& mem = m.mems[m.code_mem];
  std::istringstream in(text);
  std::string line;
  int ln = 0;
  auto fail = [&](size_t col, const std::string& msg) {
    error = fmt::format("{}:{}:{}: {}", path, ln, col + 1, msg);
    return false;
  };
  while (std::getline(in, line)) {
    ++ln;
    size_t semi = line.find(';');
    std::string body = line.substr(0, semi);
    size_t i = 0;
    auto skip = [&] {
      while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    };
    auto hex = [&](uint64_t& v) -> bool {
      size_t start = i;
      v = 0;
      while (i < body.size() && std::isxdigit(static_cast<unsigned char>(body[i]))) {
        if (i - start >= 16) return false;
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(body[i])));
        v = v * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
        ++i;
      }
      return i > start;
    };
    skip();
    if (i == body.size()) continue;
    uint64_t addr = 0;
    size_t addr_col = i;
    if (!hex(addr)) return fail(i, "expected a hexadecimal address");
    if (addr >= mem.size)
      return fail(addr_col, fmt::format("address {:x} is outside memory {} ({} units)", addr, mem.name, mem.size));
    if (i >= body.size() || body[i] != ':') return fail(i, "expected ':' after the address");
    ++i;
    for (;;) {
      skip();
      if (i == body.size()) break;
      size_t col = i;
      uint64_t v = 0;
      if (!hex(v)) return fail(col, "expected a hexadecimal unit value");
      if (v & ~width_mask(mem.unit))
        return fail(col, fmt::format("value {:x} does not fit in a {}-bit unit", v, mem.unit));
      if (addr >= mem.size) return fail(col, "the line runs past the end of memory");
      if (img.units.count(addr)) return fail(col, fmt::format("address {:x} is given twice", addr));
      img.units[addr++] = v;
    }
  }
  return true;
}

} // namespace popek::assembler
