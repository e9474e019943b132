#include "model/model.hpp"

namespace popek::model {

int Register::find_field(const std::string& n) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == n) return static_cast<int>(i);
  return -1;
}

uint64_t Register::system_bits() const {
  if (system) return width_mask(width);
  uint64_t m = 0;
  for (const RegField& f : fields)
    if (f.system) m |= width_mask(f.hi - f.lo + 1) << f.lo;
  return m;
}

namespace {
template <class V>
int find_by_name(const V& v, const std::string& n) {
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i].name == n) return static_cast<int>(i);
  return -1;
}
} // namespace

int Model::find_reg(const std::string& n) const { return find_by_name(regs, n); }
int Model::find_mem(const std::string& n) const { return find_by_name(mems, n); }
int Model::find_insn(const std::string& n) const { return find_by_name(insns, n); }
int Model::find_mode(const std::string& n) const { return find_by_name(modes, n); }

int Model::find_mode_code(uint64_t code) const {
  for (size_t i = 0; i < modes.size(); ++i)
    if (modes[i].code == code) return static_cast<int>(i);
  return -1;
}

const Register& Model::reg_of_cell(uint32_t cell) const {
  for (const Register& r : regs)
    if (cell >= r.slot && cell < r.slot + r.count) return r;
  return regs.front(); // cells beyond the registers do not name one
}

std::string Model::cell_name(uint32_t cell) const {
  const Register& r = reg_of_cell(cell);
  return r.file ? r.name + "[" + std::to_string(cell - r.slot) + "]" : r.name;
}

unsigned Model::max_insn_units() const {
  unsigned m = 1;
  for (const Instruction& i : insns) m = std::max(m, i.enc.units);
  return m;
}

} // namespace popek::model
