#include "symbolic/exec.hpp"

#include <stdexcept>

namespace popek::symbolic {

using model::ExprId;
using model::Op;
using model::SOp;
using smt::BvOp;
using smt::CmpOp;

Result Executor::run(const model::Routine& r, State& s, const std::vector<Term>& params,
                     const std::vector<Term>& fields, Term guard) {
  s_ = &s;
  fields_ = &fields;
  locals_.assign(r.locals.size(), Term{});
  for (size_t i = 0; i < params.size() && i < r.nparams; ++i) locals_[i] = fit(c_, params[i], r.locals[i].width);
  alive_ = c_.bool_val(true);
  res_ = Result{};
  res_.trapped = res_.memory = res_.halted = res_.pc_written = c_.bool_val(false);
  res_.cause = c_.bv(0, std::max(1u, m_.cause_width));
  res_.arg = c_.bv(0, std::max(1u, m_.arg_width));
  block(r.body, guard);
  live_ = c_.land({guard, alive_});
  if (r.result != model::kNoExpr) res_.value = expr(r.result);
  s_ = nullptr;
  return res_;
}

void Executor::block(const std::vector<model::StmtId>& body, Term path) {
  for (model::StmtId id : body) stmt(m_.arena.stmt(id), path);
}

void Executor::stmt(const model::Stmt& s, Term path) {
  Term live = c_.land({path, alive_});
  live_ = live;
  switch (s.op) {
  case SOp::Let: {
    Term v = expr(s.b);
    locals_[s.a] = locals_[s.a].valid() ? c_.ite(path, v, locals_[s.a]) : v;
    return;
  }
  case SOp::SetReg: {
    const model::Register& r = m_.regs[s.a];
    Term& cell = s_->cells[r.slot];
    cell = c_.ite(live, insert_bits(c_, cell, r.width, s.hi, s.lo, expr(s.b)), cell);
    if (s.a == m_.pc_reg) res_.pc_written = c_.lor({res_.pc_written, live});
    return;
  }
  case SOp::SetFile: {
    const model::Register& r = m_.regs[s.a];
    Term idx = expr(s.b), v = expr(s.c);
    for (unsigned i = 0; i < r.count; ++i) {
      Term& cell = s_->cells[r.slot + i];
      Term here = c_.land({live, c_.eq(idx, c_.bv(i, c_.width(idx)))});
      cell = c_.ite(here, insert_bits(c_, cell, r.width, s.hi, s.lo, v), cell);
    }
    return;
  }
  case SOp::SetMem: {
    Memory& mem = s_->mems[s.a];
    const model::Memory& md = m_.mems[s.a];
    Term addr = fit(c_, expr(s.b), mem.addr_width), v = expr(s.d);
    unsigned n = s.c;
    // Unit i of the value (from its least significant end) goes to
    // addr + (big ? n-1-i : i), as the reference machine's mem_write_n.
    for (unsigned i = 0; i < n; ++i) {
      unsigned off = md.endian == model::Endian::Big ? n - 1 - i : i;
      Term at = c_.op(BvOp::Add, addr, c_.bv(off, mem.addr_width));
      mem.writes.push_back({live, at, c_.extract(v, i * mem.unit + mem.unit - 1, i * mem.unit)});
    }
    return;
  }
  case SOp::If: {
    Term cond = c_.to_bool(expr(s.a));
    block(s.then_, c_.land({path, cond}));
    block(s.else_, c_.land({path, c_.lnot(cond)}));
    return;
  }
  case SOp::Trap: {
    Term code = c_.bv(m_.traps[s.a].code, std::max(1u, m_.cause_width));
    Term arg = s.b == model::kNoExpr ? c_.bv(0, std::max(1u, m_.arg_width)) : fit(c_, expr(s.b), m_.arg_width);
    res_.cause = c_.ite(live, code, res_.cause);
    res_.arg = c_.ite(live, arg, res_.arg);
    res_.memory = c_.ite(live, c_.bool_val(s.memory_trap), res_.memory);
    res_.trapped = c_.lor({res_.trapped, live});
    alive_ = c_.land({alive_, c_.lnot(path)});
    return;
  }
  case SOp::Halt:
    res_.halted = c_.lor({res_.halted, live});
    alive_ = c_.land({alive_, c_.lnot(path)});
    return;
  }
  throw std::logic_error("symbolic: unknown statement");
}

Term Executor::read_mem(unsigned mi, Term addr, unsigned units) {
  const Memory& mem = s_->mems[mi];
  bool big = m_.mems[mi].endian == model::Endian::Big;
  addr = fit(c_, addr, mem.addr_width);
  res_.reads.push_back({mi, addr});
  // The unit read first is the most significant, as in mem_read_n.
  Term v;
  for (unsigned i = 0; i < units; ++i) {
    unsigned off = big ? i : units - 1 - i;
    Term u = mem.read(c_, off ? c_.op(BvOp::Add, addr, c_.bv(off, mem.addr_width)) : addr, live_);
    v = v.valid() ? c_.op(BvOp::Concat, v, u) : u;
  }
  return v;
}

Term Executor::expr(ExprId id) {
  const model::Expr& e = m_.arena.expr(id);
  auto bin = [&](BvOp op) { return c_.op(op, expr(e.a), expr(e.b)); };
  auto cmp = [&](CmpOp op) { return c_.to_bit(c_.cmp(op, expr(e.a), expr(e.b))); };
  switch (e.op) {
  case Op::Const: return c_.bv(e.value, e.width);
  case Op::Field: return (*fields_)[e.a];
  case Op::Local: return locals_[e.a];
  case Op::Reg: return s_->cells[m_.regs[e.a].slot];
  case Op::FileRead: {
    const model::Register& r = m_.regs[e.a];
    Term idx = expr(e.b), v = s_->cells[r.slot];
    for (unsigned i = 1; i < r.count; ++i) v = c_.ite(c_.eq(idx, c_.bv(i, c_.width(idx))), s_->cells[r.slot + i], v);
    return v;
  }
  case Op::MemRead: return read_mem(e.a, expr(e.b), e.c);
  case Op::Not: return c_.bv_not(expr(e.a));
  case Op::Neg: return c_.neg(expr(e.a));
  case Op::Add: return bin(BvOp::Add);
  case Op::Sub: return bin(BvOp::Sub);
  case Op::Mul: return bin(BvOp::Mul);
  case Op::UDiv: return bin(BvOp::UDiv);
  case Op::URem: return bin(BvOp::URem);
  case Op::SDiv: return bin(BvOp::SDiv);
  case Op::SRem: return bin(BvOp::SRem);
  case Op::And: return bin(BvOp::And);
  case Op::Or: return bin(BvOp::Or);
  case Op::Xor: return bin(BvOp::Xor);
  case Op::Shl: return bin(BvOp::Shl);
  case Op::LShr: return bin(BvOp::LShr);
  case Op::AShr: return bin(BvOp::AShr);
  case Op::Concat: return bin(BvOp::Concat);
  case Op::Eq: return cmp(CmpOp::Eq);
  case Op::Ne: return cmp(CmpOp::Ne);
  case Op::Ult: return cmp(CmpOp::Ult);
  case Op::Ule: return cmp(CmpOp::Ule);
  case Op::Slt: return cmp(CmpOp::Slt);
  case Op::Sle: return cmp(CmpOp::Sle);
  case Op::Extract: return c_.extract(expr(e.a), e.b, e.c);
  case Op::ZExt: return fit(c_, expr(e.a), e.width);
  case Op::SExt: {
    Term a = expr(e.a);
    return c_.width(a) == e.width ? a : c_.sext(a, e.width);
  }
  case Op::Ite: return c_.ite(c_.to_bool(expr(e.a)), expr(e.b), expr(e.c));
  }
  throw std::logic_error("symbolic: unknown operation");
}

} // namespace popek::symbolic
