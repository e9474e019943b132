#include "machine/compiler.hpp"

namespace popek::machine {

using model::Op;
using model::SOp;
using model::width_mask;

uint32_t Compiler::alloc() {
  cells_.push_back(0);
  return static_cast<uint32_t>(cells_.size() - 1);
}

uint32_t Compiler::constant(uint64_t v) {
  auto it = consts_.find(v);
  if (it != consts_.end()) return it->second;
  uint32_t c = alloc();
  cells_[c] = v;
  consts_[v] = c;
  return c;
}

uint32_t Compiler::emit(Code c, unsigned width, uint32_t a, uint32_t b, uint64_t k, uint8_t w) {
  (void)width;
  machine::Operation op;
  op.code = c;
  op.d = alloc();
  op.a = a;
  op.b = b;
  op.k = k;
  op.w = w;
  out_->ops.push_back(op);
  return op.d;
}

Compiled Compiler::compile(const model::Routine& r, unsigned nfields) {
  Compiled c;
  out_ = &c;
  c.fields = static_cast<uint32_t>(cells_.size());
  for (unsigned i = 0; i < nfields; ++i) alloc();
  locals_.assign(r.locals.size(), 0);
  for (unsigned i = 0; i < r.nparams; ++i) {
    locals_[i] = alloc();
    c.params.push_back(locals_[i]);
  }
  block(r.body);
  if (r.result != model::kNoExpr) c.result = expr(r.result);
  machine::Operation ret;
  ret.code = Code::Ret;
  c.ops.push_back(ret);
  out_ = nullptr;
  return c;
}

uint32_t Compiler::expr(model::ExprId id) {
  const model::Expr& e = m_.arena.expr(id);
  const uint64_t k = width_mask(e.width);
  auto bin = [&](Code code, uint8_t w = 0) { return emit(code, e.width, expr(e.a), expr(e.b), k, w); };
  const uint8_t aw = e.op >= Op::Not && e.op <= Op::Ite && e.op != Op::Extract
                         ? m_.arena.expr(e.a).width
                         : 0;
  switch (e.op) {
  case Op::Const: return constant(e.value);
  case Op::Field: return out_->fields + e.a;
  case Op::Local: return locals_[e.a];
  case Op::Reg: return m_.regs[e.a].slot;
  case Op::FileRead: return emit(Code::FileRead, e.width, expr(e.b), 0, m_.regs[e.a].slot);
  case Op::MemRead:
    if (e.c == 1) return emit(Code::MemRead, e.width, expr(e.b), 0, mem_base_[e.a]);
    return emit(Code::MemReadN, e.width, expr(e.b), e.a, 0, static_cast<uint8_t>(e.c));
  case Op::Not: return emit(Code::Not, e.width, expr(e.a), 0, k);
  case Op::Neg: return emit(Code::Neg, e.width, expr(e.a), 0, k);
  case Op::Add: return bin(Code::Add);
  case Op::Sub: return bin(Code::Sub);
  case Op::Mul: return bin(Code::Mul);
  case Op::And: return bin(Code::And);
  case Op::Or: return bin(Code::Or);
  case Op::Xor: return bin(Code::Xor);
  case Op::UDiv: return bin(Code::UDiv, e.width);
  case Op::URem: return bin(Code::URem, e.width);
  case Op::SDiv: return bin(Code::SDiv, e.width);
  case Op::SRem: return bin(Code::SRem, e.width);
  case Op::Shl: return bin(Code::Shl, e.width);
  case Op::LShr: return bin(Code::LShr, e.width);
  case Op::AShr: return bin(Code::AShr, e.width);
  case Op::Eq: return bin(Code::Eq, aw);
  case Op::Ne: return bin(Code::Ne, aw);
  case Op::Ult: return bin(Code::Ult, aw);
  case Op::Ule: return bin(Code::Ule, aw);
  case Op::Slt: return bin(Code::Slt, aw);
  case Op::Sle: return bin(Code::Sle, aw);
  case Op::Extract: {
    uint32_t a = expr(e.a);
    if (e.c == 0) {
      // Taking the low bits of a value that is already that narrow is free.
      if (m_.arena.expr(e.a).width == e.width) return a;
      return emit(Code::AndK, e.width, a, 0, k);
    }
    return emit(Code::Extract, e.width, a, 0, k, static_cast<uint8_t>(e.c));
  }
  case Op::Concat: {
    uint32_t a = expr(e.a), b = expr(e.b);
    return emit(Code::Concat, e.width, a, b, k, m_.arena.expr(e.b).width);
  }
  case Op::ZExt: return expr(e.a);  // cells always hold zero-extended values
  case Op::SExt: return emit(Code::SExt, e.width, expr(e.a), 0, k, aw);
  case Op::Ite: {
    uint32_t c = expr(e.a), a = expr(e.b), b = expr(e.c);
    return emit(Code::Ite, e.width, c, a, b);
  }
  }
  return 0;
}

void Compiler::block(const std::vector<model::StmtId>& b) {
  for (model::StmtId s : b) stmt(s);
}

void Compiler::stmt(model::StmtId id) {
  const model::Stmt& s = m_.arena.stmt(id);
  machine::Operation op;
  switch (s.op) {
  case SOp::Let: {
    uint32_t v = expr(s.b);
    // Locals must not alias registers, which later statements may change.
    if (v < m_.nslots) v = emit(Code::Mov, 0, v);
    locals_[s.a] = v;
    return;
  }
  case SOp::SetReg: {
    const model::Register& r = m_.regs[s.a];
    bool whole = s.lo == 0 && s.hi + 1u == r.width;
    bool pc = s.a == m_.pc_reg;
    op.code = whole ? (pc ? Code::SetPc : Code::SetReg) : (pc ? Code::SetPcBits : Code::SetRegBits);
    op.d = r.slot;
    op.a = expr(s.b);
    op.k = width_mask(s.hi - s.lo + 1u) << s.lo;
    op.w = s.lo;
    break;
  }
  case SOp::SetFile: {
    const model::Register& r = m_.regs[s.a];
    op.code = Code::SetFile;
    op.d = r.slot;
    op.a = expr(s.b);
    op.b = expr(s.c);
    op.k = width_mask(s.hi - s.lo + 1u) << s.lo;
    op.w = s.lo;
    break;
  }
  case SOp::SetMem: {
    uint32_t addr = expr(s.b);
    uint32_t val = expr(s.d);
    if (s.c == 1) {
      op.code = Code::SetMem;
      op.d = static_cast<uint32_t>(mem_base_[s.a]);
    } else {
      op.code = Code::SetMemN;
      op.k = s.a;
      op.w = static_cast<uint8_t>(s.c);
    }
    op.a = addr;
    op.b = val;
    break;
  }
  case SOp::If: {
    uint32_t c = expr(s.a);
    machine::Operation jz;
    jz.code = Code::Jz;
    jz.a = c;
    size_t at_jz = out_->ops.size();
    out_->ops.push_back(jz);
    block(s.then_);
    if (s.else_.empty()) {
      out_->ops[at_jz].k = out_->ops.size();
      return;
    }
    machine::Operation jmp;
    jmp.code = Code::Jmp;
    size_t at_jmp = out_->ops.size();
    out_->ops.push_back(jmp);
    out_->ops[at_jz].k = out_->ops.size();
    block(s.else_);
    out_->ops[at_jmp].k = out_->ops.size();
    return;
  }
  case SOp::Trap:
    op.code = Code::Trap;
    op.a = s.b == model::kNoExpr ? constant(0) : expr(s.b);
    op.k = s.a | (uint64_t{s.memory_trap} << 32);
    break;
  case SOp::Halt: op.code = Code::Halt; break;
  }
  out_->ops.push_back(op);
}

} // namespace popek::machine
