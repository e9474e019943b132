// The reference machine's compiled form of a routine: a flat array of
// three-address operations over one array of 64-bit cells. Cells hold the
// registers (first), shadow copies of declared register fields, constants,
// operand fields, locals and temporaries, so an operand is just an index and
// reading a register or a named field costs nothing.
#pragma once

#include "machine/semantics.hpp"
#include "model/ir.hpp"

#include <cstdint>
#include <vector>

namespace popek::machine {

// clang-format off
enum class Code : uint8_t {
#define POPEK_ENUM(n) n,
  POPEK_PURE_OPS(POPEK_ENUM)
#undef POPEK_ENUM
  Mov,        // d = a
  Ite,        // d = a ? b : cell k
  FileRead,   // d = cell[k + a]
  MemRead,    // d = mem[k + (a & b)]
  MemReadN,   // d = w units from memory b at address a (wrapping), by the memory's endianness
  SetReg,     // reg cell d = a                              (every Set is logged for rollback)
  SetRegBits, // reg cell d = (d & ~k) | ((a << w) & k)
  SetPc,      // as SetReg, and marks the pc as written (so it does not advance)
  SetPcBits,  // as SetRegBits, and marks the pc as written
  SetFile,    // reg cell (d + a) = bits of b under mask k at shift w
  SetMem,     // mem[d + (a & k)] = b
  SetMemN,    // memory k, address a, w units = b
  Refresh,    // recompute the field shadows of register a
  Jmp,        // to k
  Jz,         // if !a, to k
#define POPEK_ENUM(n) Unless##n,  // to k unless (a n b) holds
  POPEK_CMP_OPS(POPEK_ENUM)
#undef POPEK_ENUM
#define POPEK_ENUM(n) TrapIf##n,  // trap if (a n b): cause k & 0xffffffff, memory trap if bit 32 of k, argument
  POPEK_CMP_OPS(POPEK_ENUM)      //   cell d; with coverage, k >> 33 is 1 + the counter of the trapping arm
#undef POPEK_ENUM
  TrapIfNz,   // trap if a != 0 (same cause/argument encoding)
  TrapIfZ,    // trap if a == 0
  Trap,       // trap unconditionally
  Cov,        // ++counter k: an arm of a model branch runs (only in code compiled for coverage)
  Halt,
  Ret,
  Count_
};
// clang-format on

// Bits of Operation::k for the Trap* operations.
constexpr uint64_t kCauseMask = 0xffffffffu;
constexpr unsigned kMemoryTrapBit = 32, kTrapArmShift = 33;

struct Operation {
  Code code;
  uint8_t w = 0;
  uint32_t d = 0, a = 0, b = 0;
  uint64_t k = 0;
};

// One routine, compiled against a machine's cell layout.
struct Compiled {
  std::vector<Operation> ops;
  std::vector<uint32_t> params; // cells of the parameters
  uint32_t result = 0;          // cell holding the returned value, if any
  uint32_t fields = 0;          // first cell of the instruction's operand fields
  unsigned max_writes = 0;      // bound on log entries one run can make
};

} // namespace popek::machine
