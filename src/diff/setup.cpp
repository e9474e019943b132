#include "diff/setup.hpp"

#include "util/numbers.hpp"
#include "vmm/vmm.hpp"

#include <cctype>

namespace popek::diff {

namespace {
bool parse_index(const std::string& s, size_t& p, uint64_t& v) {
  size_t start = p;
  while (p < s.size() && std::isalnum(static_cast<unsigned char>(s[p]))) ++p;
  std::string digits = s.substr(start, p - start);
  if (digits.empty()) return false;
  auto n = parse_number(digits);
  if (n) v = *n;
  return n.has_value();
}
} // namespace

bool parse_target(const model::Model& m, const std::string& name, Setting& s, std::string& error) {
  size_t p = 0;
  while (p < name.size() && (std::isalnum(static_cast<unsigned char>(name[p])) || name[p] == '_')) ++p;
  std::string base = name.substr(0, p);
  uint64_t index = 0;
  bool indexed = false;
  if (p < name.size() && name[p] == '[') {
    ++p;
    if (!parse_index(name, p, index) || p >= name.size() || name[p] != ']') {
      error = "expected a number in '" + name + "'";
      return false;
    }
    ++p;
    indexed = true;
  }
  std::string field;
  if (p < name.size() && name[p] == '.')
    field = name.substr(p + 1);
  else if (p != name.size()) {
    error = "cannot read '" + name + "' as a register, a field or a memory unit";
    return false;
  }
  int mi = m.find_mem(base);
  if (mi >= 0) {
    if (!indexed || !field.empty()) {
      error = "'" + base + "' is a memory: write " + base + "[ADDRESS]";
      return false;
    }
    if (index >= m.mems[static_cast<size_t>(mi)].size) {
      error = "address " + std::to_string(index) + " is outside memory " + base;
      return false;
    }
    s.memory = true;
    s.mem = static_cast<unsigned>(mi);
    s.addr = index;
    return true;
  }
  int r = m.find_reg(base);
  if (r < 0) {
    error = "the model has no register or memory '" + base + "'";
    return false;
  }
  const model::Register& reg = m.regs[static_cast<size_t>(r)];
  if (reg.file != indexed || index >= reg.count) {
    error = reg.file ? "'" + base + "' is a register file of " + std::to_string(reg.count) + " entries: write " + base +
                           "[0.." + std::to_string(reg.count - 1) + "]"
                     : "'" + base + "' is not a register file";
    return false;
  }
  s.cell = reg.slot + static_cast<uint32_t>(index);
  s.hi = reg.width - 1;
  s.lo = 0;
  if (!field.empty()) {
    int f = reg.find_field(field);
    if (f < 0) {
      error = "register '" + base + "' has no field '" + field + "'";
      return false;
    }
    s.hi = reg.fields[static_cast<size_t>(f)].hi;
    s.lo = reg.fields[static_cast<size_t>(f)].lo;
  }
  return true;
}

unsigned setting_width(const model::Model& m, const Setting& s) {
  return s.memory ? m.mems[s.mem].unit : s.hi - s.lo + 1;
}

bool parse_setting(const model::Model& m, const std::string& name, const std::string& value, Setting& s,
                   std::string& error) {
  if (!parse_target(m, name, s, error)) return false;
  unsigned w = setting_width(m, s);
  if (!s.memory && s.cell == m.regs[m.mode_reg].slot) {
    int md = m.find_mode(value);
    if (md >= 0) {
      s.value = m.modes[static_cast<size_t>(md)].code;
      return true;
    }
  }
  std::string digits = value;
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  auto n = parse_number(digits);
  uint64_t v = n.value_or(0);
  if (!n) {
    error = "'" + value + "' is not a number" +
            std::string(s.cell == m.regs[m.mode_reg].slot && !s.memory ? " or a mode" : "");
    return false;
  }
  uint64_t mask = model::width_mask(w);
  bool fits = negative ? (w >= 64 || v <= (uint64_t{1} << (w - 1))) : (v & ~mask) == 0;
  if (!fits) {
    error = value + " does not fit in the " + std::to_string(w) + " bits of " + name;
    return false;
  }
  s.value = (negative ? (~v + 1) : v) & mask;
  return true;
}

bool initial_state(machine::Machine& out, const vmm::Allocation& a, const std::vector<Setting>& settings,
                   const assembler::Image& program, std::string& error) {
  const model::Model& m = out.model();
  if (!vmm::usable(m, a, error)) return false;
  out.reset();
  if (m.vmm.present) out.apply_vmm_reset(a.base, a.size);
  for (const auto& [addr, v] : program.units) {
    if (addr >= a.size) {
      error = "the program reaches address " + std::to_string(addr) + ", outside the VM's " + std::to_string(a.size) +
              " units of storage";
      return false;
    }
    out.set_mem(m.code_mem, addr, v);
  }
  for (const Setting& s : settings) {
    if (s.memory) {
      if (s.mem == m.code_mem && s.addr >= a.size) {
        error = "address " + std::to_string(s.addr) + " is outside the VM's " + std::to_string(a.size) +
                " units of storage";
        return false;
      }
      out.set_mem(s.mem, s.addr, s.value);
      continue;
    }
    uint64_t mask = model::width_mask(s.hi - s.lo + 1) << s.lo;
    uint64_t old = out.reg_cells()[s.cell];
    out.set_cell(s.cell, (old & ~mask) | ((s.value << s.lo) & mask));
  }
  return true;
}

} // namespace popek::diff
