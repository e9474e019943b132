// A loaded, checked machine model: the single source of truth that the
// reference machine executes and that later back ends (VMM, Z3) read.
#pragma once

#include "model/encoding.hpp"
#include "model/ir.hpp"
#include "model/syntax.hpp"
#include "util/diag.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace popek::model {

struct Mode {
  std::string name;
  uint64_t code;
};

struct RegField {
  std::string name;
  unsigned hi, lo;
  bool system = false;
};

enum class RegKind { Plain, Mode, Pc };

struct Register {
  std::string name;
  Loc loc;
  RegKind kind = RegKind::Plain;
  unsigned width = 0;
  bool file = false; // a register file, indexed by an expression of index_width bits
  unsigned count = 1;
  unsigned index_width = 0;
  bool system = false; // the whole register is system state (docs/theory.md §5)
  uint64_t reset = 0;
  std::vector<uint64_t> resets; // files with `reset (V0, V1, ...)`: each entry's value (reset is entry 0's)
  std::vector<RegField> fields;
  std::vector<std::string> asm_names; // files: names the assembler uses for each entry
  unsigned slot = 0;                  // first slot in the flat register array

  int find_field(const std::string& n) const;
  uint64_t reset_of(unsigned entry) const { return resets.empty() ? reset : resets[entry]; }
  // Bits of this register that are system state (whole register, or system fields).
  uint64_t system_bits() const;
  // The bits a VMM owns: the system bits, and every bit of the mode.
  uint64_t vmm_bits() const { return kind == RegKind::Mode ? width_mask(width) : system_bits(); }
};

enum class Endian { Big, Little };

struct Memory {
  std::string name;
  Loc loc;
  uint64_t size = 0; // units; a power of two
  unsigned unit = 0; // bits per unit (the addressing granularity)
  unsigned addr_width = 0;
  Endian endian = Endian::Big; // order of units in multi-unit accesses
  bool endian_given = false;
};

struct TrapCause {
  std::string name;
  uint64_t code;
};

struct Instruction {
  std::string name;
  Loc loc;
  Encoding enc;
  Syntax syntax;
  Routine sem;
};

// The deprivileging map (docs/theory.md §5): how a VMM derives the real system state
// and mode from a virtual state, and which virtual states are well formed.
struct Vmm {
  bool present = false;
  std::vector<LocalInfo> params; // (base, size): where a VM's storage sits in real memory
  Routine map;                   // reads the virtual state, writes the real system state and mode
  Routine reset;                 // sets the virtual system state a new VM starts with
  Routine wellformed;            // returns 1 bit
  // `allocate BASE, SIZE`: the VM storage a VMM uses unless told otherwise (a
  // machine that cannot relocate its guests needs base 0). Absent: q/4, q/2.
  std::optional<std::pair<uint64_t, uint64_t>> allocation;
};

struct Model {
  std::string name, description, path;
  uint64_t source_hash = 0; // FNV-1a of the source text: identifies the model's exact definition
  unsigned word = 0;
  std::vector<Mode> modes; // most privileged first
  std::vector<Register> regs;
  unsigned mode_reg = 0, pc_reg = 0;
  unsigned nslots = 0;
  std::vector<Memory> mems;
  std::vector<TrapCause> traps;
  int default_trap = -1, undefined_trap = -1;
  unsigned cause_width = 0, arg_width = 0;
  unsigned fetch_unit = 0; // bits returned by one fetch
  unsigned code_mem = 0;   // the memory fetch reads instructions from
  unsigned fetch_step = 1; // address units per fetch unit (fetch_unit / that memory's unit)
  Arena arena;
  Routine fetch, trap_entry;
  Vmm vmm;
  std::vector<Instruction> insns;

  int find_reg(const std::string& n) const;
  int find_mem(const std::string& n) const;
  int find_insn(const std::string& n) const;
  int find_mode(const std::string& n) const;
  int find_mode_code(uint64_t code) const;
  const Register& mode_register() const { return regs[mode_reg]; }
  // The register owning a register cell, and its name for people: "R", "r[3]".
  const Register& reg_of_cell(uint32_t cell) const;
  std::string cell_name(uint32_t cell) const;
  const Register& pc() const { return regs[pc_reg]; }
  unsigned max_insn_units() const;
};

} // namespace popek::model
