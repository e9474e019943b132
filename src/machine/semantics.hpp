// The semantics of every value operation, defined once and shared by the
// interpreter, the compiler's constant folding and the generated native code.
// They follow SMT-LIB bit-vectors exactly (x / 0 = all ones, x % 0 = x, shifts
// by at least the width), so the concrete machine and the Z3 encoding agree.
#pragma once

#include "model/ir.hpp"

#include <cstdint>

namespace popek::machine {

// X(name): pure operations d = f(a, b) with mask k and width w (see pure_op).
// clang-format off
#define POPEK_PURE_OPS(X) \
  X(AndK) X(Extract) X(Add) X(Sub) X(Mul) X(And) X(Or) X(Xor) X(UDiv) X(URem) X(SDiv) X(SRem) X(Not) X(Neg) \
  X(Shl) X(LShr) X(AShr) X(Eq) X(Ne) X(Ult) X(Ule) X(Slt) X(Sle) X(SExt) X(Concat)
// clang-format on
// Comparisons that also exist fused with a branch or a trap.
#define POPEK_CMP_OPS(X) X(Eq) X(Ne) X(Ult) X(Ule) X(Slt) X(Sle)

enum class Pure : uint8_t {
#define POPEK_ENUM(n) n,
  POPEK_PURE_OPS(POPEK_ENUM)
#undef POPEK_ENUM
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

// d = op(a, b) for values masked to their width; k is the result's mask, w a
// width (the operands' for signed operations and comparisons, the shift or
// extract position otherwise).
template <Pure C>
inline uint64_t pure_op(uint64_t a, uint64_t b, uint64_t k, unsigned w) {
  using namespace detail;
  if constexpr (C == Pure::AndK)
    return a & k;
  else if constexpr (C == Pure::Extract)
    return (a >> w) & k;
  else if constexpr (C == Pure::Add)
    return (a + b) & k;
  else if constexpr (C == Pure::Sub)
    return (a - b) & k;
  else if constexpr (C == Pure::Mul)
    return (a * b) & k;
  else if constexpr (C == Pure::And)
    return a & b;
  else if constexpr (C == Pure::Or)
    return a | b;
  else if constexpr (C == Pure::Xor)
    return a ^ b;
  else if constexpr (C == Pure::UDiv)
    return b == 0 ? k : a / b;
  else if constexpr (C == Pure::URem)
    return b == 0 ? a : a % b;
  else if constexpr (C == Pure::SDiv) {
    bool na = msb(a, w), nb = msb(b, w);
    uint64_t ua = na ? negw(a, k) : a, ub = nb ? negw(b, k) : b;
    uint64_t q = ub == 0 ? k : ua / ub;
    return na != nb ? negw(q, k) : q;
  } else if constexpr (C == Pure::SRem) {
    bool na = msb(a, w), nb = msb(b, w);
    uint64_t ua = na ? negw(a, k) : a, ub = nb ? negw(b, k) : b;
    uint64_t r = ub == 0 ? ua : ua % ub;
    return na ? negw(r, k) : r;
  } else if constexpr (C == Pure::Not)
    return ~a & k;
  else if constexpr (C == Pure::Neg)
    return negw(a, k);
  else if constexpr (C == Pure::Shl)
    return b >= w ? 0 : (a << b) & k;
  else if constexpr (C == Pure::LShr)
    return b >= w ? 0 : a >> b;
  else if constexpr (C == Pure::AShr)
    return static_cast<uint64_t>(sx(a, w) >> (b >= w ? w - 1 : b)) & k;
  else if constexpr (C == Pure::Eq)
    return a == b;
  else if constexpr (C == Pure::Ne)
    return a != b;
  else if constexpr (C == Pure::Ult)
    return a < b;
  else if constexpr (C == Pure::Ule)
    return a <= b;
  else if constexpr (C == Pure::Slt)
    return sx(a, w) < sx(b, w);
  else if constexpr (C == Pure::Sle)
    return sx(a, w) <= sx(b, w);
  else if constexpr (C == Pure::SExt)
    return static_cast<uint64_t>(sx(a, w)) & k;
  else if constexpr (C == Pure::Concat)
    return (w >= 64 ? 0 : a << w) | b;
  else
    return 0;
}

// Reads `n` units of `unit` bits at `addr` (wrapping at `size`, a power of
// two): big endian puts the first unit in the most significant bits.
inline uint64_t mem_read_n(const uint64_t* mem, uint64_t size, unsigned unit, bool big, uint64_t addr, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) {
    unsigned idx = big ? i : n - 1u - i;
    v = (unit >= 64 ? 0 : v << unit) | mem[(addr + idx) & (size - 1)];
  }
  return v;
}

// Unit i of `v` (from its least significant end) goes to address
// addr + (big ? n-1-i : i); `before(at)` is told each address first.
template <class Before>
inline void mem_write_n(uint64_t* mem, uint64_t size, unsigned unit, bool big, uint64_t addr, unsigned n, uint64_t v,
                        Before&& before) {
  const uint64_t um = model::width_mask(unit);
  for (unsigned i = 0; i < n; ++i) {
    uint64_t at = (addr + (big ? n - 1u - i : i)) & (size - 1);
    before(at);
    mem[at] = (i * unit >= 64 ? 0 : v >> (i * unit)) & um;
  }
}

} // namespace popek::machine
