// The reference machine's compiled form of a routine: a flat array of
// three-address operations over one array of 64-bit cells. Cells hold the
// registers (first), constants, operand fields, locals and temporaries, so an
// operand is just an index and a register read costs nothing.
#pragma once

#include <cstdint>
#include <vector>

namespace popek::machine {

enum class Code : uint8_t {
  Mov,      // d = a
  AndK,     // d = a & k
  Extract,  // d = (a >> w) & k
  Add, Sub, Mul, And, Or, Xor,  // d = (a op b) & k
  UDiv, URem, SDiv, SRem,       // SMT-LIB semantics (x / 0 = all ones, x % 0 = x); width w
  Not, Neg,                     // d = (op a) & k
  Shl, LShr, AShr,              // width w; amounts >= w give 0 (or the sign)
  Eq, Ne, Ult, Ule, Slt, Sle,   // d = 0 or 1; signed compares at width w
  SExt,     // d = a sign-extended from w bits, & k
  Concat,   // d = (a << w) | b
  Ite,      // d = a ? b : cell k
  FileRead, // d = cell[k + a]
  MemRead,  // d = mem[k + a]
  MemReadN, // d = w units from memory b at address a (wrapping), by the memory's endianness
  SetReg,   // reg cell d = a                  (logged for rollback)
  SetRegBits, // reg cell d = (d & ~k) | ((a << w) & k)
  SetPc,    // as SetReg, and marks the pc as written
  SetPcBits,
  SetFile,  // reg cell (d + a) = bits of b under mask k at shift w (k = all ones: whole)
  SetMem,   // mem[d + a] = b
  SetMemN,  // memory k, address a, w units = b
  Jmp,      // to k
  Jz,       // if !a, to k
  Trap,     // cause k & 0xffffffff, memory trap if k >> 32; argument in cell a
  Halt,
  Ret,
};

struct Operation {
  Code code;
  uint8_t w = 0;
  uint32_t d = 0, a = 0, b = 0;
  uint64_t k = 0;
};

// One routine, compiled against a machine's cell layout.
struct Compiled {
  std::vector<Operation> ops;
  std::vector<uint32_t> params;  // cells of the parameters
  uint32_t result = 0;           // cell holding the returned value, if any
  uint32_t fields = 0;           // first cell of the instruction's operand fields
};

} // namespace popek::machine
