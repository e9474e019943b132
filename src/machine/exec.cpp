// The interpreter loop of the reference machine. Semantics of every operation
// follow SMT-LIB's bit-vector theory exactly (division by zero, shifts by at
// least the width), so the concrete machine and the Z3 encoding agree.
#include "machine/machine.hpp"

namespace popek::machine {

namespace {

inline int64_t sx(uint64_t v, unsigned w) {
  if (w >= 64) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (w - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

inline uint64_t udiv(uint64_t a, uint64_t b, uint64_t mask) { return b == 0 ? mask : a / b; }
inline uint64_t urem(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }

inline bool neg(uint64_t v, unsigned w) { return (v >> (w - 1)) & 1; }

uint64_t sdiv(uint64_t a, uint64_t b, unsigned w) {
  uint64_t m = model::width_mask(w);
  bool na = neg(a, w), nb = neg(b, w);
  uint64_t ua = na ? (~a + 1) & m : a, ub = nb ? (~b + 1) & m : b;
  uint64_t q = udiv(ua, ub, m);
  return (na != nb) ? (~q + 1) & m : q;
}

uint64_t srem(uint64_t a, uint64_t b, unsigned w) {
  uint64_t m = model::width_mask(w);
  bool na = neg(a, w), nb = neg(b, w);
  uint64_t ua = na ? (~a + 1) & m : a, ub = nb ? (~b + 1) & m : b;
  uint64_t r = urem(ua, ub);
  return na ? (~r + 1) & m : r;
}

} // namespace

Machine::Status Machine::exec(const Compiled& code) {
  uint64_t* c = cells_.data();
  uint64_t* mem = mem_.data();
  const Operation* const base = code.ops.data();
  const Operation* ip = base;
  for (;; ++ip) {
    const Operation& o = *ip;
    switch (o.code) {
    case Code::Mov: c[o.d] = c[o.a]; break;
    case Code::AndK: c[o.d] = c[o.a] & o.k; break;
    case Code::Extract: c[o.d] = (c[o.a] >> o.w) & o.k; break;
    case Code::Add: c[o.d] = (c[o.a] + c[o.b]) & o.k; break;
    case Code::Sub: c[o.d] = (c[o.a] - c[o.b]) & o.k; break;
    case Code::Mul: c[o.d] = (c[o.a] * c[o.b]) & o.k; break;
    case Code::And: c[o.d] = c[o.a] & c[o.b]; break;
    case Code::Or: c[o.d] = c[o.a] | c[o.b]; break;
    case Code::Xor: c[o.d] = c[o.a] ^ c[o.b]; break;
    case Code::UDiv: c[o.d] = udiv(c[o.a], c[o.b], o.k); break;
    case Code::URem: c[o.d] = urem(c[o.a], c[o.b]); break;
    case Code::SDiv: c[o.d] = sdiv(c[o.a], c[o.b], o.w); break;
    case Code::SRem: c[o.d] = srem(c[o.a], c[o.b], o.w); break;
    case Code::Not: c[o.d] = ~c[o.a] & o.k; break;
    case Code::Neg: c[o.d] = (~c[o.a] + 1) & o.k; break;
    case Code::Shl: c[o.d] = c[o.b] >= o.w ? 0 : (c[o.a] << c[o.b]) & o.k; break;
    case Code::LShr: c[o.d] = c[o.b] >= o.w ? 0 : c[o.a] >> c[o.b]; break;
    case Code::AShr: {
      int64_t v = sx(c[o.a], o.w);
      uint64_t s = c[o.b] >= o.w ? o.w - 1 : c[o.b];
      c[o.d] = static_cast<uint64_t>(v >> s) & o.k;
      break;
    }
    case Code::Eq: c[o.d] = c[o.a] == c[o.b]; break;
    case Code::Ne: c[o.d] = c[o.a] != c[o.b]; break;
    case Code::Ult: c[o.d] = c[o.a] < c[o.b]; break;
    case Code::Ule: c[o.d] = c[o.a] <= c[o.b]; break;
    case Code::Slt: c[o.d] = sx(c[o.a], o.w) < sx(c[o.b], o.w); break;
    case Code::Sle: c[o.d] = sx(c[o.a], o.w) <= sx(c[o.b], o.w); break;
    case Code::SExt: c[o.d] = static_cast<uint64_t>(sx(c[o.a], o.w)) & o.k; break;
    case Code::Concat: c[o.d] = (o.w >= 64 ? 0 : c[o.a] << o.w) | c[o.b]; break;
    case Code::Ite: c[o.d] = c[o.a] ? c[o.b] : c[o.k]; break;
    case Code::FileRead: c[o.d] = c[o.k + c[o.a]]; break;
    case Code::MemRead: c[o.d] = mem[o.k + c[o.a]]; break;
    case Code::MemReadN: {
      const model::Memory& m = m_->mems[o.b];
      const uint64_t at = mem_base_[o.b];
      uint64_t v = 0;
      for (unsigned i = 0; i < o.w; ++i) {
        unsigned idx = m.endian == model::Endian::Big ? i : o.w - 1 - i;
        v = (m.unit >= 64 ? 0 : v << m.unit) | mem[at + ((c[o.a] + idx) & (m.size - 1))];
      }
      c[o.d] = v;
      break;
    }
    case Code::SetReg:
      log_.push_back({false, o.d, c[o.d]});
      c[o.d] = c[o.a];
      break;
    case Code::SetRegBits:
      log_.push_back({false, o.d, c[o.d]});
      c[o.d] = (c[o.d] & ~o.k) | ((c[o.a] << o.w) & o.k);
      break;
    case Code::SetPc:
      log_.push_back({false, o.d, c[o.d]});
      c[o.d] = c[o.a];
      pc_written_ = true;
      break;
    case Code::SetPcBits:
      log_.push_back({false, o.d, c[o.d]});
      c[o.d] = (c[o.d] & ~o.k) | ((c[o.a] << o.w) & o.k);
      pc_written_ = true;
      break;
    case Code::SetFile: {
      uint64_t cell = o.d + c[o.a];
      log_.push_back({false, cell, c[cell]});
      c[cell] = (c[cell] & ~o.k) | ((c[o.b] << o.w) & o.k);
      break;
    }
    case Code::SetMem: {
      uint64_t at = o.d + c[o.a];
      log_.push_back({true, at, mem[at]});
      mem[at] = c[o.b];
      break;
    }
    case Code::SetMemN: {
      const model::Memory& m = m_->mems[o.k];
      const uint64_t base_at = mem_base_[o.k];
      const uint64_t um = model::width_mask(m.unit);
      for (unsigned i = 0; i < o.w; ++i) {
        unsigned idx = m.endian == model::Endian::Big ? o.w - 1 - i : i;  // unit holding bits [i*unit..]
        uint64_t at = base_at + ((c[o.a] + idx) & (m.size - 1));
        log_.push_back({true, at, mem[at]});
        mem[at] = (i * m.unit >= 64 ? 0 : c[o.b] >> (i * m.unit)) & um;
      }
      break;
    }
    case Code::Jmp: ip = base + o.k - 1; break;
    case Code::Jz:
      if (!c[o.a]) ip = base + o.k - 1;
      break;
    case Code::Trap:
      trap_cause_ = o.k & 0xffffffffu;
      trap_memory_ = (o.k >> 32) != 0;
      trap_arg_ = c[o.a];
      return Status::Trap;
    case Code::Halt: return Status::Halt;
    case Code::Ret: return Status::Done;
    }
  }
}

} // namespace popek::machine
