// The reference machine's compiled form of a routine: a flat array of
// three-address operations over one array of 64-bit cells. Cells hold the
// registers (first), shadow copies of declared register fields, constants,
// operand fields, locals and temporaries, so an operand is just an index and
// reading a register or a named field costs nothing.
#pragma once

#include "model/ir.hpp"

#include <cstdint>
#include <vector>

namespace popek::machine {

// X(name): pure operations d = f(a, b) with mask k and width w (see pure_op).
#define POPEK_PURE_OPS(X)                                                                          \
  X(AndK) X(Extract) X(Add) X(Sub) X(Mul) X(And) X(Or) X(Xor) X(UDiv) X(URem) X(SDiv) X(SRem)      \
  X(Not) X(Neg) X(Shl) X(LShr) X(AShr) X(Eq) X(Ne) X(Ult) X(Ule) X(Slt) X(Sle) X(SExt) X(Concat)
// Comparisons that also exist fused with a branch or a trap.
#define POPEK_CMP_OPS(X) X(Eq) X(Ne) X(Ult) X(Ule) X(Slt) X(Sle)

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
#define POPEK_ENUM(n) TrapIf##n,  // trap if (a n b): cause k & 0xffffffff, memory trap if k >> 32, argument cell d
  POPEK_CMP_OPS(POPEK_ENUM)
#undef POPEK_ENUM
  TrapIfNz,   // trap if a != 0 (same cause/argument encoding)
  TrapIfZ,    // trap if a == 0
  Trap,       // trap unconditionally
  Halt,
  Ret,
  Count_
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
  unsigned max_writes = 0;       // bound on log entries one run can make
};

namespace detail {
inline int64_t sx(uint64_t v, unsigned w) {
  if (w >= 64) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (w - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}
inline uint64_t negw(uint64_t v, uint64_t m) { return (~v + 1) & m; }
inline bool msb(uint64_t v, unsigned w) { return (v >> (w - 1)) & 1; }
} // namespace detail

// The one definition of each pure operation, shared by the interpreter and the
// compiler's constant folding. Semantics follow SMT-LIB bit-vectors exactly
// (x / 0 = all ones, x % 0 = x, shifts by >= width), so the concrete machine
// and the Z3 encoding agree.
template <Code C> inline uint64_t pure_op(uint64_t a, uint64_t b, uint64_t k, unsigned w) {
  using namespace detail;
  if constexpr (C == Code::AndK) return a & k;
  else if constexpr (C == Code::Extract) return (a >> w) & k;
  else if constexpr (C == Code::Add) return (a + b) & k;
  else if constexpr (C == Code::Sub) return (a - b) & k;
  else if constexpr (C == Code::Mul) return (a * b) & k;
  else if constexpr (C == Code::And) return a & b;
  else if constexpr (C == Code::Or) return a | b;
  else if constexpr (C == Code::Xor) return a ^ b;
  else if constexpr (C == Code::UDiv) return b == 0 ? k : a / b;
  else if constexpr (C == Code::URem) return b == 0 ? a : a % b;
  else if constexpr (C == Code::SDiv) {
    bool na = msb(a, w), nb = msb(b, w);
    uint64_t ua = na ? negw(a, k) : a, ub = nb ? negw(b, k) : b;
    uint64_t q = ub == 0 ? k : ua / ub;
    return na != nb ? negw(q, k) : q;
  } else if constexpr (C == Code::SRem) {
    bool na = msb(a, w), nb = msb(b, w);
    uint64_t ua = na ? negw(a, k) : a, ub = nb ? negw(b, k) : b;
    uint64_t r = ub == 0 ? ua : ua % ub;
    return na ? negw(r, k) : r;
  } else if constexpr (C == Code::Not) return ~a & k;
  else if constexpr (C == Code::Neg) return negw(a, k);
  else if constexpr (C == Code::Shl) return b >= w ? 0 : (a << b) & k;
  else if constexpr (C == Code::LShr) return b >= w ? 0 : a >> b;
  else if constexpr (C == Code::AShr) return static_cast<uint64_t>(sx(a, w) >> (b >= w ? w - 1 : b)) & k;
  else if constexpr (C == Code::Eq) return a == b;
  else if constexpr (C == Code::Ne) return a != b;
  else if constexpr (C == Code::Ult) return a < b;
  else if constexpr (C == Code::Ule) return a <= b;
  else if constexpr (C == Code::Slt) return sx(a, w) < sx(b, w);
  else if constexpr (C == Code::Sle) return sx(a, w) <= sx(b, w);
  else if constexpr (C == Code::SExt) return static_cast<uint64_t>(sx(a, w)) & k;
  else if constexpr (C == Code::Concat) return (w >= 64 ? 0 : a << w) | b;
  else return 0;
}

} // namespace popek::machine
