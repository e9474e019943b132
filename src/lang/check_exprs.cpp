// Expressions: name resolution and static widths. Integer literals have no
// width of their own; they take the width of what they are combined with and
// must fit in it.
#include "lang/check_internal.hpp"

namespace popek::lang {

using namespace model;

namespace {
std::string bits(unsigned w) { return std::to_string(w) + (w == 1 ? " bit" : " bits"); }
} // namespace

ExprId Checker::mk(Op op, unsigned width, uint32_t a, uint32_t b, uint32_t c, uint64_t value) {
  model::Expr e;
  e.op = op;
  e.width = static_cast<uint8_t>(width);
  e.a = a;
  e.b = b;
  e.c = c;
  e.value = value;
  return A().add(e);
}

ExprId Checker::fix(const Val& v, unsigned width, const Loc& loc, const char* what) {
  if (v.literal) {
    if (v.negative) {
      if (v.lit > (uint64_t{1} << (width - 1)))
        fail(loc, "-" + std::to_string(v.lit) + " does not fit in " + bits(width));
      return mk_const((~v.lit + 1) & width_mask(width), width);
    }
    if (v.lit & ~width_mask(width)) fail(loc, std::to_string(v.lit) + " does not fit in " + bits(width));
    return mk_const(v.lit, width);
  }
  if (v.width != width) fail(loc, std::string(what) + " has " + bits(v.width) + ", expected " + bits(width));
  return v.id;
}

ExprId Checker::need_width(const Val& v, const Loc& loc) {
  if (v.literal)
    fail(loc, "the width of " + std::string(v.negative ? "-" : "") + std::to_string(v.lit) +
                  " is unknown here: combine it with a value of known width, or use a typed "
                  "constant");
  return v.id;
}

ExprId Checker::elab_as(const lang::Expr& e, unsigned width, const char* what) {
  return fix(elab(e), width, e.start, what);
}

Val Checker::elab(const lang::Expr& e) {
  switch (e.kind) {
  case lang::Expr::Int: {
    Val v;
    v.literal = true;
    v.lit = e.value;
    return v;
  }
  case lang::Expr::Name: return elab_name(e);
  case lang::Expr::Unary: return elab_unary(e);
  case lang::Expr::Binary: return elab_binary(e);
  case lang::Expr::Index: return elab_index(e);
  case lang::Expr::Slice: return elab_slice(e);
  case lang::Expr::Member: return elab_member(e);
  case lang::Expr::Call: return elab_call(e);
  case lang::Expr::Ite: return elab_ite(e);
  }
  fail(e.loc, "bad expression");
}

static Val typed(ExprId id, unsigned w) {
  Val v;
  v.id = id;
  v.width = w;
  return v;
}

Val Checker::elab_name(const lang::Expr& e) {
  const std::string& n = e.name;
  if (!frames_.empty()) {
    Frame& f = frames_.back();
    for (auto it = f.scopes.rbegin(); it != f.scopes.rend(); ++it) {
      auto l = it->find(n);
      if (l != it->end())
        return typed(mk(Op::Local, routine_->locals[l->second].width, l->second), routine_->locals[l->second].width);
    }
    if (f.insn) {
      int fi = f.insn->enc.find_field(n);
      if (fi >= 0) {
        unsigned w = f.insn->enc.fields[static_cast<size_t>(fi)].width;
        return typed(mk(Op::Field, w, static_cast<uint32_t>(fi)), w);
      }
    }
  }
  if (n == "word") {
    Val v;
    v.literal = true;
    v.lit = m_->word;
    return v;
  }
  auto c = consts_.find(n);
  if (c != consts_.end()) {
    if (c->second.width) return typed(mk_const(c->second.value, c->second.width), c->second.width);
    Val v;
    v.literal = true;
    v.lit = c->second.value;
    return v;
  }
  int r = m_->find_reg(n);
  if (r >= 0) {
    const Register& reg = m_->regs[static_cast<size_t>(r)];
    if (reg.file) fail(e.loc, "'" + n + "' is a register file; index it: " + n + "[i]");
    return typed(mk(Op::Reg, reg.width, static_cast<uint32_t>(r)), reg.width);
  }
  int md = m_->find_mode(n);
  if (md >= 0) {
    unsigned w = m_->mode_register().width;
    return typed(mk_const(m_->modes[static_cast<size_t>(md)].code, w), w);
  }
  if (m_->find_mem(n) >= 0) fail(e.loc, "'" + n + "' is a memory; index it: " + n + "[address]");
  if (traps_.count(n)) fail(e.loc, "'" + n + "' is a trap cause; raise it with 'trap " + n + "'");
  if (funcs_.count(n)) fail(e.loc, "'" + n + "' is a function; call it: " + n + "(...)");
  fail(e.loc, "unknown name '" + n + "'");
}

Val Checker::elab_unary(const lang::Expr& e) {
  const lang::Expr& x = *e.args[0];
  Val v = elab(x);
  if (e.op == "-" && v.literal) {
    v.negative = !v.negative;
    return v;
  }
  if (e.op == "!") {
    ExprId a = fix(v, 1, x.start, "the operand of '!'");
    return typed(mk(Op::Not, 1, a), 1);
  }
  ExprId a = need_width(v, x.start);
  return typed(mk(e.op == "-" ? Op::Neg : Op::Not, v.width, a), v.width);
}

Val Checker::elab_binary(const lang::Expr& e) {
  const std::string& o = e.op;
  const lang::Expr& L = *e.args[0];
  const lang::Expr& R = *e.args[1];
  Val a = elab(L);
  Val b = elab(R);

  if (o == "&&" || o == "||") {
    ExprId x = fix(a, 1, L.start, "a condition");
    ExprId y = fix(b, 1, R.start, "a condition");
    return typed(mk(o == "&&" ? Op::And : Op::Or, 1, x, y), 1);
  }
  if (o == "++") {
    ExprId x = need_width(a, L.start), y = need_width(b, R.start);
    if (a.width + b.width > kMaxWidth) fail(e.loc, "concatenation is " + bits(a.width + b.width) + ", more than 64");
    return typed(mk(Op::Concat, a.width + b.width, x, y), a.width + b.width);
  }
  if (o == "<<" || o == ">>" || o == ">>_s") {
    if (a.literal && b.literal && !a.negative && !b.negative && o != ">>_s") {
      Val v;
      v.literal = true;
      if (o == ">>")
        v.lit = b.lit >= 64 ? 0 : a.lit >> b.lit;
      else if (b.lit >= 64 || (a.lit << b.lit) >> b.lit != a.lit)
        fail(e.loc, "arithmetic on literals overflows 64 bits");
      else
        v.lit = a.lit << b.lit;
      return v;
    }
    ExprId x = need_width(a, L.start);
    ExprId y;
    if (b.literal && !b.negative) {
      unsigned w = std::max(a.width, 1u);
      while (w < 64 && (b.lit >> w) != 0) ++w;
      y = fix(b, w, R.start, "the shift amount");
    } else {
      y = need_width(b, R.start);
    }
    Op op = o == "<<" ? Op::Shl : o == ">>" ? Op::LShr : Op::AShr;
    return typed(mk(op, a.width, x, y), a.width);
  }

  // Both operands have one width; a literal side takes the other side's.
  if (a.literal && b.literal) {
    if (a.negative || b.negative)
      fail(e.loc, "the width of this arithmetic on literals is unknown: give one side a width");
    uint64_t x = a.lit, y = b.lit, r = 0;
    if (o == "+")
      r = x + y;
    else if (o == "-")
      r = x - y;
    else if (o == "*")
      r = x * y;
    else if (o == "&")
      r = x & y;
    else if (o == "|")
      r = x | y;
    else if (o == "^")
      r = x ^ y;
    else
      fail(e.loc, "the width of this operation on literals is unknown: give one side a width");
    if ((o == "+" && r < x) || (o == "*" && x && r / x != y)) fail(e.loc, "arithmetic on literals overflows 64 bits");
    if (o == "-" && y > x) fail(e.loc, "arithmetic on literals goes below zero");
    Val v;
    v.literal = true;
    v.lit = r;
    return v;
  }
  unsigned w = a.literal ? b.width : a.width;
  ExprId x = a.literal ? fix(a, w, L.start, "") : a.id;
  ExprId y = b.literal ? fix(b, w, R.start, "") : b.id;
  if (!a.literal && !b.literal && a.width != b.width)
    fail(e.loc, "operands of '" + o + "' have different widths: " + bits(a.width) + " and " + bits(b.width));

  struct Entry {
    const char* op;
    Op ir;
    bool cmp, swap;
  };
  static const Entry table[] = {
      {"+", Op::Add, false, false},    {"-", Op::Sub, false, false},  {"*", Op::Mul, false, false},
      {"/", Op::UDiv, false, false},   {"%", Op::URem, false, false}, {"/_s", Op::SDiv, false, false},
      {"%_s", Op::SRem, false, false}, {"&", Op::And, false, false},  {"|", Op::Or, false, false},
      {"^", Op::Xor, false, false},    {"==", Op::Eq, true, false},   {"!=", Op::Ne, true, false},
      {"<", Op::Ult, true, false},     {"<=", Op::Ule, true, false},  {">", Op::Ult, true, true},
      {">=", Op::Ule, true, true},     {"<_s", Op::Slt, true, false}, {"<=_s", Op::Sle, true, false},
      {">_s", Op::Slt, true, true},    {">=_s", Op::Sle, true, true},
  };
  for (const Entry& t : table) {
    if (o != t.op) continue;
    if (t.swap) std::swap(x, y);
    return t.cmp ? typed(mk(t.ir, 1, x, y), 1) : typed(mk(t.ir, w, x, y), w);
  }
  fail(e.loc, "unknown operator '" + o + "'");
}

Val Checker::elab_index(const lang::Expr& e) {
  const lang::Expr& base = *e.args[0];
  if (base.kind == lang::Expr::Name) {
    int r = m_->find_reg(base.name);
    if (r >= 0 && m_->regs[static_cast<size_t>(r)].file) {
      const Register& reg = m_->regs[static_cast<size_t>(r)];
      if (e.args.size() > 2) fail(e.args[2]->start, "a register file takes one index");
      ExprId idx = elab_as(*e.args[1], reg.index_width, "the register index");
      return typed(mk(Op::FileRead, reg.width, static_cast<uint32_t>(r), idx), reg.width);
    }
    int mi = m_->find_mem(base.name);
    if (mi >= 0) {
      const Memory& mem = m_->mems[static_cast<size_t>(mi)];
      ExprId addr = elab_as(*e.args[1], mem.addr_width, "the address");
      uint64_t n = e.args.size() > 2 ? cexpr(*e.args[2]) : 1;
      if (n == 0 || n > kMaxWidth / mem.unit)
        fail(e.loc, "reading " + std::to_string(n) + " units of " + bits(mem.unit) + " is not between 1 and 64 bits");
      unsigned w = static_cast<unsigned>(n) * mem.unit;
      if (routine_ == &m_->fetch && fetch_mem_ < 0) fetch_mem_ = mi;
      return typed(mk(Op::MemRead, w, static_cast<uint32_t>(mi), addr, static_cast<uint32_t>(n)), w);
    }
  }
  if (e.args.size() > 2) fail(e.loc, "only memories take a unit count: E[address, units]");
  Val v = elab(base);
  ExprId x = need_width(v, base.start);
  uint64_t i = cexpr(*e.args[1]);
  if (i >= v.width) fail(e.args[1]->start, "bit " + std::to_string(i) + " is outside a value of " + bits(v.width));
  return typed(mk(Op::Extract, 1, x, static_cast<uint32_t>(i), static_cast<uint32_t>(i)), 1);
}

Val Checker::elab_slice(const lang::Expr& e) {
  Val v = elab(*e.args[0]);
  ExprId x = need_width(v, e.args[0]->start);
  uint64_t hi = cexpr(*e.args[1]), lo = cexpr(*e.args[2]);
  if (lo > hi) fail(e.loc, "slice [" + std::to_string(hi) + ":" + std::to_string(lo) + "] has its bounds reversed");
  if (hi >= v.width)
    fail(e.loc, "slice [" + std::to_string(hi) + ":" + std::to_string(lo) + "] is outside a value of " + bits(v.width));
  unsigned w = static_cast<unsigned>(hi - lo + 1);
  return typed(mk(Op::Extract, w, x, static_cast<uint32_t>(hi), static_cast<uint32_t>(lo)), w);
}

Val Checker::elab_member(const lang::Expr& e) {
  const lang::Expr& base = *e.args[0];
  const Register* reg = nullptr;
  if (base.kind == lang::Expr::Name) {
    int r = m_->find_reg(base.name);
    if (r >= 0) reg = &m_->regs[static_cast<size_t>(r)];
  } else if (base.kind == lang::Expr::Index && base.args[0]->kind == lang::Expr::Name) {
    int r = m_->find_reg(base.args[0]->name);
    if (r >= 0 && m_->regs[static_cast<size_t>(r)].file) reg = &m_->regs[static_cast<size_t>(r)];
  }
  if (!reg) fail(e.loc, "only registers have named fields");
  int fi = reg->find_field(e.name);
  if (fi < 0) fail(e.loc, "register '" + reg->name + "' has no field '" + e.name + "'");
  const RegField& f = reg->fields[static_cast<size_t>(fi)];
  Val v = elab(base);
  unsigned w = f.hi - f.lo + 1;
  return typed(mk(Op::Extract, w, v.id, f.hi, f.lo), w);
}

Val Checker::elab_call(const lang::Expr& e) {
  if (e.name == "zext" || e.name == "sext") {
    if (e.args.size() != 2) fail(e.loc, e.name + " takes a value and a width: " + e.name + "(x, 32)");
    Val v = elab(*e.args[0]);
    ExprId x = need_width(v, e.args[0]->start);
    unsigned w = width_of(*e.args[1], "target width");
    if (w < v.width)
      fail(e.loc, e.name + " to " + bits(w) + " would shrink a value of " + bits(v.width) + "; use a slice x[hi:lo]");
    return typed(mk(e.name == "zext" ? Op::ZExt : Op::SExt, w, x), w);
  }
  const FuncInfo& f = function(e);
  if (!f.decl->result) fail(e.loc, "function '" + e.name + "' returns no value");
  if (f.writes) fail(e.loc, "function '" + e.name + "' changes state, so it can only be called as a statement");
  return inline_call(f, e, call_args(f, e));
}

Val Checker::elab_ite(const lang::Expr& e) {
  ExprId c = elab_as(*e.args[0], 1, "the condition");
  ++cond_arm_;
  Val a = elab(*e.args[1]);
  Val b = elab(*e.args[2]);
  --cond_arm_;
  if (a.literal && b.literal) fail(e.loc, "the width of this conditional is unknown: give one arm a width");
  unsigned w = a.literal ? b.width : a.width;
  ExprId x = fix(a, w, e.args[1]->start, "the 'then' arm");
  ExprId y = fix(b, w, e.args[2]->start, "the 'else' arm");
  return typed(mk(Op::Ite, w, c, x, y), w);
}

} // namespace popek::lang
