#include "fuzz/input.hpp"

#include "asm/image.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace popek::fuzz {

namespace {

uint64_t le(std::span<const uint8_t> b, size_t at, size_t n) {
  uint64_t v = 0;
  if (std::endian::native == std::endian::little && n == 8) { // every program slot and value: one load
    std::memcpy(&v, b.data() + at, 8);
    return v;
  }
  for (size_t i = 0; i < n; ++i) v |= uint64_t{b[at + i]} << (8 * i);
  return v;
}

// x % n, without a division when n is a power of two (storage sizes usually are).
uint64_t wrap(uint64_t x, uint64_t n) { return (n & (n - 1)) == 0 ? x & (n - 1) : x % n; }

uint64_t cell_mask(const model::Model& m, uint32_t cell) { return model::width_mask(m.reg_of_cell(cell).width); }

// The addresses a unit setting may name: the VM's storage in the code memory, all of any other memory.
uint64_t unit_range(const model::Model& m, const vmm::Allocation& a, unsigned mem) {
  return mem == m.code_mem ? a.size : m.mems[mem].size;
}

} // namespace

Input parse_input(const model::Model& m, const vmm::Allocation& a, std::span<const uint8_t> b) {
  Input in;
  parse_input(m, a, b, in);
  return in;
}

void parse_input(const model::Model& m, const vmm::Allocation& a, std::span<const uint8_t> b, Input& in) {
  in.mode = 0;
  in.cells.clear();
  in.units.clear();
  in.program.clear();
  if (b.size() < kHeaderBytes) return;
  in.mode = static_cast<unsigned>(wrap(b[0], m.modes.size()));
  size_t ncells = b[1] % (kMaxCells + 1), nunits = b[2] % (kMaxUnits + 1);
  size_t at = kHeaderBytes;
  for (size_t i = 0; i < ncells && at + kCellBytes <= b.size(); ++i, at += kCellBytes) {
    uint32_t cell = static_cast<uint32_t>(wrap(le(b, at, 2), m.nslots));
    in.cells.push_back({cell, le(b, at + 2, 8) & cell_mask(m, cell)});
  }
  for (size_t i = 0; i < nunits && at + kUnitBytes <= b.size(); ++i, at += kUnitBytes) {
    unsigned mem = static_cast<unsigned>(wrap(b[at], m.mems.size()));
    uint64_t addr = wrap(le(b, at + 1, 3), unit_range(m, a, mem));
    in.units.push_back({mem, addr, le(b, at + 4, 8) & model::width_mask(m.mems[mem].unit)});
  }
  in.program.reserve((b.size() - at) / kFetchUnitBytes);
  for (; at + kFetchUnitBytes <= b.size(); at += kFetchUnitBytes)
    in.program.push_back(le(b, at, 8) & model::width_mask(m.fetch_unit));
}

std::vector<uint8_t> write_input(const Input& in) {
  std::vector<uint8_t> out;
  write_input(in, out);
  return out;
}

void write_input(const Input& in, std::vector<uint8_t>& out) {
  out.resize(kHeaderBytes + in.cells.size() * kCellBytes + in.units.size() * kUnitBytes +
             in.program.size() * kFetchUnitBytes);
  uint8_t* p = out.data();
  auto put = [&p](uint64_t v, size_t n) {
    if (std::endian::native == std::endian::little && n == 8) { // every program slot and value: one store
      std::memcpy(p, &v, 8);
      p += 8;
      return;
    }
    for (size_t i = 0; i < n; ++i) *p++ = static_cast<uint8_t>(v >> (8 * i));
  };
  put(in.mode, 1);
  put(in.cells.size(), 1);
  put(in.units.size(), 1);
  for (const Input::Cell& c : in.cells) {
    put(c.cell, 2);
    put(c.value, 8);
  }
  for (const Input::Unit& u : in.units) {
    put(u.mem, 1);
    put(u.addr, 3);
    put(u.value, 8);
  }
  for (uint64_t u : in.program) put(u, 8);
}

uint64_t program_address(const std::shared_ptr<const model::Model>& m, const vmm::Allocation& a) {
  machine::Machine vm(m, machine::Engine::Interpreter);
  if (m->vmm.present) vm.apply_vmm_reset(a.base, a.size);
  return a.size ? vm.pc() % a.size : 0;
}

void erase(const Input& in, const vmm::Allocation& a, uint64_t at, machine::Machine& out) {
  const model::Model& m = out.model();
  const uint64_t end = std::min<uint64_t>(a.size, at + in.program.size() * m.fetch_step);
  for (uint64_t x = at; x < end; ++x) out.set_mem(m.code_mem, x, 0);
  for (const Input::Unit& u : in.units) out.set_mem(u.mem, u.addr, 0);
}

void units_of(const Input& in, const model::Model& m, const vmm::Allocation& a, uint64_t at,
              std::vector<std::pair<unsigned, uint64_t>>& out, size_t skip) {
  const uint64_t end = std::min<uint64_t>(a.size, at + in.program.size() * m.fetch_step);
  for (uint64_t x = at + skip * m.fetch_step; x < end; ++x) out.push_back({m.code_mem, x});
  for (const Input::Unit& u : in.units) out.push_back({u.mem, u.addr});
}

void apply(const Input& in, const vmm::Allocation& a, uint64_t at, machine::Machine& out, bool zeroed) {
  const model::Model& m = out.model();
  if (zeroed)
    out.reset_registers();
  else
    out.reset();
  if (m.vmm.present) out.apply_vmm_reset(a.base, a.size);
  place(in, a, at, out);
}

void place(const Input& in, const vmm::Allocation& a, uint64_t at, machine::Machine& out) {
  const model::Model& m = out.model();
  uint64_t addr = at;
  for (uint64_t fu : in.program) {
    if (m.fetch_step == 1) { // one memory unit per fetch unit: the common case, without allocating
      if (addr >= a.size) break;
      out.set_mem(m.code_mem, addr++, fu);
      continue;
    }
    std::vector<uint64_t> units = assembler::to_units(m, fu, 1);
    if (addr + units.size() > a.size) break;
    for (uint64_t u : units) out.set_mem(m.code_mem, addr++, u);
  }
  // Mode 0 is the mode a new VM starts in (its `reset mode`, riscv's
  // supervisor), then the others in order: an empty input is a new VM.
  const uint32_t slot = m.mode_register().slot;
  size_t first = 0;
  while (first + 1 < m.modes.size() && m.modes[first].code != out.reg_cells()[slot]) ++first;
  out.set_cell(slot, m.modes[(first + in.mode) % m.modes.size()].code);
  for (const Input::Cell& c : in.cells) out.set_cell(c.cell, c.value);
  for (const Input::Unit& u : in.units) out.set_mem(u.mem, u.addr, u.value);
}

} // namespace popek::fuzz
