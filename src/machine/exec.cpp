// The interpreter loop of the reference machine: threaded dispatch (one
// indirect jump per operation) over the compiled operations. Pure operations
// take their semantics from pure_op (bytecode.hpp), shared with constant folding.
#include "machine/machine.hpp"

namespace popek::machine {

Status Machine::exec(const Compiled& code) {
  uint64_t* const c = cells_.data();
  uint64_t* const mem = mem_.data();
  Change* const log = log_.data();
  const Operation* const base = code.ops.data();
  const Operation* ip = base;

  // clang-format off
  static const void* const table[] = {
#define POPEK_LABEL(n) &&op_##n,
      POPEK_PURE_OPS(POPEK_LABEL)
#undef POPEK_LABEL
      &&op_Mov, &&op_Ite, &&op_FileRead, &&op_MemRead, &&op_MemReadN, &&op_SetReg, &&op_SetRegBits,
      &&op_SetPc, &&op_SetPcBits, &&op_SetFile, &&op_SetMem, &&op_SetMemN, &&op_Refresh, &&op_Jmp,
      &&op_Jz,
#define POPEK_LABEL(n) &&op_Unless##n,
      POPEK_CMP_OPS(POPEK_LABEL)
#undef POPEK_LABEL
#define POPEK_LABEL(n) &&op_TrapIf##n,
      POPEK_CMP_OPS(POPEK_LABEL)
#undef POPEK_LABEL
      &&op_TrapIfNz, &&op_TrapIfZ, &&op_Trap, &&op_Cov, &&op_Halt, &&op_Ret};
  // clang-format on
  static_assert(sizeof(table) / sizeof(table[0]) == static_cast<size_t>(Code::Count_));

#define DISPATCH() goto* table[static_cast<unsigned>(ip->code)]
#define NEXT()                                                                                                         \
  do {                                                                                                                 \
    ++ip;                                                                                                              \
    DISPATCH();                                                                                                        \
  } while (0)
#define LOG(is_mem, at, old) log[ctx_.log_n++] = Change{is_mem, at, old}

  DISPATCH();

#define POPEK_PURE(n)                                                                                                  \
  op_##n : c[ip->d] = pure_op<Pure::n>(c[ip->a], c[ip->b], ip->k, ip->w);                                              \
  NEXT();
  POPEK_PURE_OPS(POPEK_PURE)
#undef POPEK_PURE

op_Mov:
  c[ip->d] = c[ip->a];
  NEXT();
op_Ite:
  c[ip->d] = c[ip->a] ? c[ip->b] : c[ip->k];
  NEXT();
op_FileRead:
  c[ip->d] = c[ip->k + c[ip->a]];
  NEXT();
op_MemRead:
  c[ip->d] = mem[ip->k + (c[ip->a] & ip->b)];
  NEXT();
op_MemReadN : {
  const model::Memory& m = m_->mems[ip->b];
  c[ip->d] = mem_read_n(mem + layout_.mem_base[ip->b], m.size, m.unit, m.endian == model::Endian::Big, c[ip->a], ip->w);
  NEXT();
}
op_SetReg:
  LOG(false, ip->d, c[ip->d]);
  c[ip->d] = c[ip->a];
  NEXT();
op_SetRegBits:
  LOG(false, ip->d, c[ip->d]);
  c[ip->d] = (c[ip->d] & ~ip->k) | ((c[ip->a] << ip->w) & ip->k);
  NEXT();
op_SetPc:
  LOG(false, ip->d, c[ip->d]);
  c[ip->d] = c[ip->a];
  ctx_.pc_written = true;
  NEXT();
op_SetPcBits:
  LOG(false, ip->d, c[ip->d]);
  c[ip->d] = (c[ip->d] & ~ip->k) | ((c[ip->a] << ip->w) & ip->k);
  ctx_.pc_written = true;
  NEXT();
op_SetFile : {
  uint64_t cell = ip->d + c[ip->a];
  LOG(false, cell, c[cell]);
  c[cell] = (c[cell] & ~ip->k) | ((c[ip->b] << ip->w) & ip->k);
  NEXT();
}
op_SetMem : {
  uint64_t at = ip->d + (c[ip->a] & ip->k);
  LOG(true, at, mem[at]);
  mem[at] = c[ip->b];
  NEXT();
}
op_SetMemN : {
  const model::Memory& m = m_->mems[ip->k];
  uint64_t* const base_at = mem + layout_.mem_base[ip->k];
  mem_write_n(base_at, m.size, m.unit, m.endian == model::Endian::Big, c[ip->a], ip->w, c[ip->b],
              [&](uint64_t at) { LOG(true, static_cast<uint64_t>(base_at - mem) + at, base_at[at]); });
  NEXT();
}
op_Refresh:
  refresh(ip->a);
  NEXT();
op_Jmp:
  ip = base + ip->k;
  DISPATCH();
op_Jz:
  if (!c[ip->a]) {
    ip = base + ip->k;
    DISPATCH();
  }
  NEXT();

#define POPEK_UNLESS(n)                                                                                                \
  op_Unless##n : if (!pure_op<Pure::n>(c[ip->a], c[ip->b], 1, ip->w)) {                                                \
    ip = base + ip->k;                                                                                                 \
    DISPATCH();                                                                                                        \
  }                                                                                                                    \
  NEXT();
  POPEK_CMP_OPS(POPEK_UNLESS)
#undef POPEK_UNLESS

#define POPEK_TRAPIF(n)                                                                                                \
  op_TrapIf##n : if (pure_op<Pure::n>(c[ip->a], c[ip->b], 1, ip->w)) goto op_Trap;                                     \
  NEXT();
  POPEK_CMP_OPS(POPEK_TRAPIF)
#undef POPEK_TRAPIF

op_TrapIfNz:
  if (c[ip->a]) goto op_Trap;
  NEXT();
op_TrapIfZ:
  if (!c[ip->a]) goto op_Trap;
  NEXT();
op_Trap:
  ctx_.trap_cause = ip->k & kCauseMask;
  ctx_.trap_memory = (ip->k >> kMemoryTrapBit) & 1;
  ctx_.trap_arg = c[ip->d];
  // A fused `if c { trap }` or `require c` counts its trapping arm here, so the
  // operation stays one dispatch; only coverage code sets these bits.
  if (const uint64_t arm = ip->k >> kTrapArmShift; arm && ctx_.cov) ++ctx_.cov[arm - 1];
  return kTrap;
op_Cov:
  ++ctx_.cov[ip->k];
  NEXT();
op_Halt:
  return kHalt;
op_Ret:
  return kDone;

#undef DISPATCH
#undef NEXT
#undef LOG
}

} // namespace popek::machine
