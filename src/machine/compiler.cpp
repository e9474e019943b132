#include "machine/compiler.hpp"

#include <algorithm>

namespace popek::machine {

using model::Op;
using model::SOp;
using model::width_mask;

namespace {

uint64_t fold(Code c, uint64_t a, uint64_t b, uint64_t k, unsigned w) {
  switch (c) {
#define POPEK_FOLD(n)                                                                                                  \
  case Code::n: return pure_op<Pure::n>(a, b, k, w);
    POPEK_PURE_OPS(POPEK_FOLD)
#undef POPEK_FOLD
  default: return 0;
  }
}

bool is_cmp(Op op) { return op >= Op::Eq && op <= Op::Sle; }

Code cmp_code(Op op) {
  switch (op) {
  case Op::Eq: return Code::Eq;
  case Op::Ne: return Code::Ne;
  case Op::Ult: return Code::Ult;
  case Op::Ule: return Code::Ule;
  case Op::Slt: return Code::Slt;
  default: return Code::Sle;
  }
}

// !(a op b) as (x op' y): the operands may swap.
void negate_cmp(Code& c, uint32_t& a, uint32_t& b) {
  switch (c) {
  case Code::Eq: c = Code::Ne; return;
  case Code::Ne: c = Code::Eq; return;
  case Code::Ult: c = Code::Ule; break;
  case Code::Ule: c = Code::Ult; break;
  case Code::Slt: c = Code::Sle; break;
  default: c = Code::Slt; break;
  }
  std::swap(a, b);
}

Code offset(Code base, Code cmp) {
  return static_cast<Code>(static_cast<unsigned>(base) + static_cast<unsigned>(cmp) - static_cast<unsigned>(Code::Eq));
}

} // namespace

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
  const_cells_.insert(c);
  return c;
}

bool Compiler::const_value(uint32_t cell, uint64_t& v) const {
  if (!const_cells_.count(cell)) return false;
  v = cells_[cell];
  return true;
}

void Compiler::push(Operation op) {
  switch (op.code) {
  case Code::SetReg:
  case Code::SetRegBits:
  case Code::SetPc:
  case Code::SetPcBits:
  case Code::SetFile:
  case Code::SetMem: out_->max_writes += 1; break;
  case Code::SetMemN: out_->max_writes += op.w; break;
  default: break;
  }
  out_->ops.push_back(op);
}

uint32_t Compiler::pure(Code c, uint32_t a, uint32_t b, uint64_t k, unsigned w, bool binary) {
  uint64_t va = 0, vb = 0;
  bool ca = const_value(a, va), cb = !binary || const_value(b, vb);
  if (ca && cb) return constant(fold(c, va, vb, k, w));
  // x + 0, x - 0, x | 0, x ^ 0 are x: both sides have one width, so x is already masked.
  if (binary && cb && vb == 0 && (c == Code::Add || c == Code::Sub || c == Code::Or || c == Code::Xor)) return a;
  if (binary && ca && va == 0 && (c == Code::Add || c == Code::Or || c == Code::Xor)) return b;
  Operation op;
  op.code = c;
  op.d = alloc();
  op.a = a;
  op.b = b;
  op.k = k;
  op.w = static_cast<uint8_t>(w);
  push(op);
  if (c == Code::AndK) masked_[op.d] = {a, k};
  return op.d;
}

Compiled Compiler::compile(const model::Routine& r, unsigned nfields,
                           const std::vector<std::optional<uint64_t>>& fixed) {
  Compiled c;
  out_ = &c;
  c.fields = static_cast<uint32_t>(cells_.size());
  for (unsigned i = 0; i < nfields; ++i) alloc();
  locals_.assign(r.locals.size(), 0);
  for (unsigned i = 0; i < r.nparams; ++i) {
    if (i < fixed.size() && fixed[i]) {
      locals_[i] = constant(*fixed[i]);
      continue;
    }
    locals_[i] = alloc();
    c.params.push_back(locals_[i]);
  }
  written_.assign(m_.regs.size(), false);
  note_writes(r.body);
  block(r.body);
  if (r.result != model::kNoExpr) c.result = expr(r.result);
  Operation ret;
  ret.code = Code::Ret;
  push(ret);
  eliminate_dead_ops(c);
  out_ = nullptr;
  return c;
}

// An address for a memory of `addr_width` bits. Memory operations mask their
// index, so taking the low bits of a wider value costs nothing here.
uint32_t Compiler::address(model::ExprId id, unsigned addr_width) {
  const model::Expr& e = m_.arena.expr(id);
  if (e.op == Op::Extract && e.c == 0 && e.b + 1 == addr_width) return expr(e.a);
  uint32_t cell = expr(id);
  // The same through a local bound to such an extract (translate's `return abs[9:0]`);
  // the source must be a cell no later statement changes.
  auto it = masked_.find(cell);
  if (it != masked_.end() && it->second.second == width_mask(addr_width) && it->second.first >= layout_.state_end)
    return it->second.first;
  return cell;
}

uint32_t Compiler::expr(model::ExprId id) {
  const model::Expr& e = m_.arena.expr(id);
  const uint64_t k = width_mask(e.width);
  auto operand_width = [&] { return static_cast<unsigned>(m_.arena.expr(e.a).width); };
  auto bin = [&](Code c, unsigned w = 0) {
    uint32_t a = expr(e.a);
    uint32_t b = expr(e.b);
    return pure(c, a, b, k, w, true);
  };
  switch (e.op) {
  case Op::Const: return constant(e.value);
  case Op::Field: return out_->fields + e.a;
  case Op::Local: return locals_[e.a];
  case Op::Reg: return m_.regs[e.a].slot;
  case Op::FileRead: {
    uint32_t idx = expr(e.b);
    uint64_t v;
    if (const_value(idx, v)) return m_.regs[e.a].slot + static_cast<uint32_t>(v);
    Operation op{Code::FileRead, 0, alloc(), idx, 0, m_.regs[e.a].slot};
    push(op);
    return op.d;
  }
  case Op::MemRead: {
    const model::Memory& mem = m_.mems[e.a];
    uint32_t addr = address(e.b, mem.addr_width);
    Operation op{e.c == 1 ? Code::MemRead : Code::MemReadN, 0, alloc(), addr, 0, 0};
    if (e.c == 1) {
      op.b = static_cast<uint32_t>(mem.size - 1);
      op.k = layout_.mem_base[e.a];
    } else {
      op.b = e.a;
      op.w = static_cast<uint8_t>(e.c);
    }
    push(op);
    return op.d;
  }
  case Op::Not: return pure(Code::Not, expr(e.a), 0, k, 0, false);
  case Op::Neg: return pure(Code::Neg, expr(e.a), 0, k, 0, false);
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
  case Op::Eq:
  case Op::Ne:
  case Op::Ult:
  case Op::Ule:
  case Op::Slt:
  case Op::Sle: return bin(cmp_code(e.op), operand_width());
  case Op::Extract: {
    const model::Expr& src = m_.arena.expr(e.a);
    if (src.op == Op::Reg) {
      // A declared field of a register has a shadow cell kept up to date.
      const model::Register& r = m_.regs[src.a];
      for (size_t f = 0; f < r.fields.size(); ++f)
        if (r.fields[f].hi == e.b && r.fields[f].lo == e.c) return layout_.shadows[src.a][f];
    }
    uint32_t a = expr(e.a);
    if (e.c == 0) {
      if (src.width == e.width) return a;
      return pure(Code::AndK, a, 0, k, 0, false);
    }
    return pure(Code::Extract, a, 0, k, e.c, false);
  }
  case Op::Concat: {
    uint32_t a = expr(e.a), b = expr(e.b);
    return pure(Code::Concat, a, b, k, m_.arena.expr(e.b).width, true);
  }
  case Op::ZExt: return expr(e.a); // cells always hold zero-extended values
  case Op::SExt: return pure(Code::SExt, expr(e.a), 0, k, operand_width(), false);
  case Op::Ite: {
    uint32_t c = expr(e.a), a = expr(e.b), b = expr(e.c);
    uint64_t v;
    if (const_value(c, v)) return v ? a : b;
    Operation op{Code::Ite, 0, alloc(), c, a, b};
    push(op);
    return op.d;
  }
  }
  return 0;
}

void Compiler::block(const std::vector<model::StmtId>& b) {
  for (model::StmtId s : b) stmt(s);
}

// Counts arm `arm` when coverage is compiled in.
void Compiler::count(uint32_t arm) {
  if (!cov_) return;
  Operation op;
  op.code = Code::Cov;
  op.k = arm;
  push(op);
}

// A guard fused into one operation. With coverage, the trap path counts arm
// `taken` (op_Trap reads it from k) and the operation after it counts
// `not_taken`; a folded condition counts only the arm that runs.
void Compiler::trap_if(model::ExprId cond, const model::Stmt& trap, bool negate, uint32_t taken, uint32_t not_taken) {
  const model::Expr& ce = m_.arena.expr(cond);
  Operation op;
  op.d = trap.b == model::kNoExpr ? constant(0) : expr(trap.b);
  op.k = trap.a | (uint64_t{trap.memory_trap} << kMemoryTrapBit);
  if (cov_) op.k |= (uint64_t{taken} + 1) << kTrapArmShift;
  if (is_cmp(ce.op)) {
    Code c = cmp_code(ce.op);
    op.a = expr(ce.a);
    op.b = expr(ce.b);
    if (negate) negate_cmp(c, op.a, op.b);
    op.w = m_.arena.expr(ce.a).width;
    uint64_t va, vb;
    if (const_value(op.a, va) && const_value(op.b, vb)) {
      if (!fold(c, va, vb, 0, op.w)) return count(not_taken); // never traps
      op.code = Code::Trap;
    } else {
      op.code = offset(Code::TrapIfEq, c);
    }
  } else {
    op.a = expr(cond);
    uint64_t v;
    if (const_value(op.a, v)) {
      if ((v != 0) == negate) return count(not_taken);
      op.code = Code::Trap;
    } else {
      op.code = negate ? Code::TrapIfZ : Code::TrapIfNz;
    }
  }
  push(op);
  if (op.code != Code::Trap) count(not_taken);
}

void Compiler::branch(model::StmtId id) {
  const model::Stmt& s = m_.arena.stmt(id);
  const model::Expr& ce = m_.arena.expr(s.a);
  const uint32_t then_arm = cov_ ? cov_->arm(id, true) : 0, else_arm = cov_ ? cov_->arm(id, false) : 0;
  auto arm = [&](bool then) {
    count(then ? then_arm : else_arm);
    block(then ? s.then_ : s.else_);
  };
  // The common guard shapes: `if c { trap X }` and `require c` (if c {} else { trap X }).
  auto lone_trap = [&](const std::vector<model::StmtId>& b) {
    return b.size() == 1 && m_.arena.stmt(b[0]).op == SOp::Trap;
  };
  if (s.else_.empty() && lone_trap(s.then_)) {
    trap_if(s.a, m_.arena.stmt(s.then_[0]), false, then_arm, else_arm);
    return;
  }
  if (s.then_.empty() && lone_trap(s.else_)) {
    trap_if(s.a, m_.arena.stmt(s.else_[0]), true, else_arm, then_arm);
    return;
  }
  Operation jump;
  if (is_cmp(ce.op)) {
    jump.a = expr(ce.a);
    jump.b = expr(ce.b);
    jump.w = m_.arena.expr(ce.a).width;
    Code c = cmp_code(ce.op);
    uint64_t va, vb;
    if (const_value(jump.a, va) && const_value(jump.b, vb)) {
      arm(fold(c, va, vb, 0, jump.w) != 0);
      return;
    }
    jump.code = offset(Code::UnlessEq, c);
  } else {
    jump.a = expr(s.a);
    uint64_t v;
    if (const_value(jump.a, v)) {
      arm(v != 0);
      return;
    }
    jump.code = Code::Jz;
  }
  size_t at_jump = out_->ops.size();
  push(jump);
  arm(true);
  if (s.else_.empty() && !cov_) { // with coverage, an empty else-arm still counts
    out_->ops[at_jump].k = out_->ops.size();
    return;
  }
  Operation skip;
  skip.code = Code::Jmp;
  size_t at_skip = out_->ops.size();
  push(skip);
  out_->ops[at_jump].k = out_->ops.size();
  arm(false);
  out_->ops[at_skip].k = out_->ops.size();
}

void Compiler::stmt(model::StmtId id) {
  const model::Stmt& s = m_.arena.stmt(id);
  Operation op;
  switch (s.op) {
  case SOp::Let: {
    uint32_t v = expr(s.b);
    // A local must not alias a register that a later statement may change.
    int r = -1;
    for (size_t i = 0; i < m_.regs.size() && v < layout_.state_end; ++i) {
      const model::Register& reg = m_.regs[i];
      bool in_reg = v >= reg.slot && v < reg.slot + reg.count;
      bool in_shadow = std::find(layout_.shadows[i].begin(), layout_.shadows[i].end(), v) != layout_.shadows[i].end();
      if (in_reg || in_shadow) r = static_cast<int>(i);
    }
    if (v < layout_.state_end && (r < 0 || written_[static_cast<size_t>(r)])) {
      Operation mov{Code::Mov, 0, alloc(), v, 0, 0};
      push(mov);
      v = mov.d;
    }
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
    push(op);
    if (!r.fields.empty()) {
      Operation refresh;
      refresh.code = Code::Refresh;
      refresh.a = s.a;
      push(refresh);
    }
    return;
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
    const model::Memory& mem = m_.mems[s.a];
    uint32_t addr = address(s.b, mem.addr_width);
    uint32_t val = expr(s.d);
    if (s.c == 1) {
      op.code = Code::SetMem;
      op.d = static_cast<uint32_t>(layout_.mem_base[s.a]);
      op.k = mem.size - 1;
    } else {
      op.code = Code::SetMemN;
      op.k = s.a;
      op.w = static_cast<uint8_t>(s.c);
    }
    op.a = addr;
    op.b = val;
    break;
  }
  case SOp::If: branch(id); return;
  case SOp::Trap:
    op.code = Code::Trap;
    op.d = s.b == model::kNoExpr ? constant(0) : expr(s.b);
    op.k = s.a | (uint64_t{s.memory_trap} << 32);
    break;
  case SOp::Halt: op.code = Code::Halt; break;
  }
  push(op);
}

} // namespace popek::machine
