// Statements, local scopes and the inlining of helper functions. Calls are
// expanded in place so that every routine is loop- and call-free.
#include "lang/check_internal.hpp"

namespace popek::lang {

using namespace model;

void Checker::emit(model::Stmt s) { out_.back()->push_back(A().add(std::move(s))); }

void Checker::begin_routine(Routine& r, const std::string& name) {
  routine_ = &r;
  r.name = name;
  frames_.push_back(Frame{});
  frames_.back().scopes.emplace_back();
  out_.push_back(&r.body);
}

void Checker::end_routine() {
  frames_.pop_back();
  out_.pop_back();
  routine_ = nullptr;
}

unsigned Checker::new_local(const std::string& name, unsigned width, const Loc& loc) {
  Frame& f = frames_.back();
  for (auto& sc : f.scopes)
    if (sc.count(name)) fail(loc, "'" + name + "' is already bound in this scope");
  if (f.insn && f.insn->enc.find_field(name) >= 0)
    fail(loc, "'" + name + "' is already a field of instruction '" + f.insn->name + "'");
  auto g = names_.find(name);
  if (g != names_.end()) fail(loc, "'" + name + "' is already declared (first at " + first_at(g->second, loc) + ")");
  if (is_reserved(name)) fail(loc, "'" + name + "' is a reserved word");
  routine_->locals.push_back({f.function.empty() ? name : f.function + "." + name, width});
  unsigned idx = static_cast<unsigned>(routine_->locals.size() - 1);
  f.scopes.back()[name] = idx;
  return idx;
}

unsigned Checker::hidden_local(const std::string& name, unsigned width) {
  const std::string& fn = frames_.back().function;
  routine_->locals.push_back({(fn.empty() ? "" : fn + ".") + name, width});
  return static_cast<unsigned>(routine_->locals.size() - 1);
}

void Checker::block(const Block& b) {
  frames_.back().scopes.emplace_back();
  bool ended = false;
  for (const StmtP& s : b) {
    if (ended) fail(s->loc, "unreachable statement after 'trap' or 'halt'");
    if (s->kind == lang::Stmt::Return) fail(s->loc, "'return' may only be the last statement of a function");
    stmt(*s);
    ended = s->kind == lang::Stmt::Trap || s->kind == lang::Stmt::Halt;
  }
  frames_.back().scopes.pop_back();
}

void Checker::stmt(const lang::Stmt& s) {
  switch (s.kind) {
  case lang::Stmt::Let: {
    Val v = elab(*s.expr);
    unsigned w = s.width ? width_of(*s.width, "local width") : v.width;
    ExprId e = s.width ? fix(v, w, s.expr->start, "the value") : need_width(v, s.expr->start);
    unsigned l = new_local(s.name, w, s.loc);
    model::Stmt st;
    st.op = SOp::Let;
    st.a = l;
    st.b = e;
    emit(std::move(st));
    return;
  }
  case lang::Stmt::Assign: assign(s); return;
  case lang::Stmt::If: {
    ExprId c = elab_as(*s.expr, 1, "the condition");
    model::Stmt st;
    st.op = SOp::If;
    st.a = c;
    st.loc = s.loc;
    out_.push_back(&st.then_);
    block(s.body);
    out_.back() = &st.else_;
    block(s.orelse);
    out_.pop_back();
    emit(std::move(st));
    return;
  }
  case lang::Stmt::Require: {
    ExprId c = elab_as(*s.expr, 1, "the condition");
    std::string cause = s.name;
    if (cause.empty()) {
      if (m_->default_trap < 0) fail(s.loc, "'require' without 'else CAUSE' needs a 'default trap CAUSE' declaration");
      cause = m_->traps[static_cast<size_t>(m_->default_trap)].name;
    }
    model::Stmt st;
    st.op = SOp::If;
    st.a = c;
    st.loc = s.loc;
    st.require = true;
    out_.push_back(&st.else_);
    trap_stmt(s, cause, s.name.empty() ? s.loc : s.cause_loc);
    out_.pop_back();
    emit(std::move(st));
    return;
  }
  case lang::Stmt::Trap: trap_stmt(s, s.name, s.cause_loc); return;
  case lang::Stmt::Halt: {
    if (!halts_allowed_) fail(s.loc, std::string(context_) + " cannot halt the machine");
    model::Stmt st;
    st.op = SOp::Halt;
    emit(std::move(st));
    return;
  }
  case lang::Stmt::Return: fail(s.loc, "'return' may only be the last statement of a function");
  case lang::Stmt::Call: {
    const lang::Expr& call = *s.expr;
    if (call.name == "zext" || call.name == "sext")
      fail(call.loc, call.name + " computes a value; use it in an expression");
    const FuncInfo& f = function(call);
    inline_call(f, call, call_args(f, call));
    return;
  }
  }
}

void Checker::trap_stmt(const lang::Stmt& s, const std::string& cause, const Loc& cause_loc) {
  if (!traps_allowed_) fail(s.loc, std::string(context_) + " cannot trap");
  auto it = traps_.find(cause);
  if (it == traps_.end()) fail(cause_loc, "unknown trap cause '" + cause + "'");
  model::Stmt st;
  st.op = SOp::Trap;
  st.a = it->second;
  st.b = kNoExpr;
  st.memory_trap = translating_ > 0;
  if (s.arg) {
    Val v = elab(*s.arg);
    if (v.literal) {
      st.b = fix(v, m_->arg_width, s.arg->start, "the trap argument");
    } else if (v.width > m_->arg_width) {
      fail(s.arg->start, "the trap argument has " + std::to_string(v.width) + " bits, more than the trap entry's " +
                             std::to_string(m_->arg_width));
    } else {
      st.b = v.width == m_->arg_width ? v.id : mk(Op::ZExt, m_->arg_width, v.id);
    }
  }
  emit(std::move(st));
}

void Checker::assign(const lang::Stmt& s) {
  const lang::Expr& t = *s.target;
  if (!writes_allowed_) fail(s.loc, std::string(context_) + " cannot change state");
  model::Stmt st;
  unsigned w = 0;
  auto reg_named = [&](const std::string& n) -> int {
    int r = m_->find_reg(n);
    return r;
  };
  if (t.kind == lang::Expr::Name) {
    const std::string& n = t.name;
    Frame& f = frames_.back();
    for (auto& sc : f.scopes)
      if (sc.count(n)) fail(t.loc, "cannot assign to local '" + n + "': a 'let' binds it once");
    if (f.insn && f.insn->enc.find_field(n) >= 0)
      fail(t.loc, "cannot assign to '" + n + "', an operand field of the instruction");
    int r = reg_named(n);
    if (r < 0) {
      if (names_.count(n)) fail(t.loc, "cannot assign to '" + n + "': it is not state");
      fail(t.loc, "assignment to undeclared state '" + n + "'");
    }
    const Register& reg = m_->regs[static_cast<size_t>(r)];
    if (reg.file) fail(t.loc, "'" + n + "' is a register file; assign to an entry: " + n + "[i]");
    st.op = SOp::SetReg;
    st.a = static_cast<uint32_t>(r);
    st.hi = static_cast<uint8_t>(reg.width - 1);
    st.lo = 0;
    w = reg.width;
  } else if (t.kind == lang::Expr::Member) {
    const lang::Expr& base = *t.args[0];
    bool is_file = base.kind == lang::Expr::Index && base.args[0]->kind == lang::Expr::Name;
    const std::string& rn = is_file ? base.args[0]->name : base.name;
    int r = (base.kind == lang::Expr::Name || is_file) ? reg_named(rn) : -1;
    if (r < 0) fail(t.loc, "only registers have named fields");
    const Register& reg = m_->regs[static_cast<size_t>(r)];
    if (reg.file != is_file)
      fail(t.loc, is_file ? "'" + rn + "' is not a register file" : "'" + rn + "' is a register file; index it");
    int fi = reg.find_field(t.name);
    if (fi < 0) fail(t.loc, "register '" + reg.name + "' has no field '" + t.name + "'");
    const RegField& fld = reg.fields[static_cast<size_t>(fi)];
    st.op = is_file ? SOp::SetFile : SOp::SetReg;
    st.a = static_cast<uint32_t>(r);
    st.hi = static_cast<uint8_t>(fld.hi);
    st.lo = static_cast<uint8_t>(fld.lo);
    if (is_file) {
      if (base.args.size() > 2) fail(base.loc, "a register file takes one index");
      st.b = elab_as(*base.args[1], reg.index_width, "the register index");
    }
    w = fld.hi - fld.lo + 1;
  } else if (t.kind == lang::Expr::Index && t.args[0]->kind == lang::Expr::Name) {
    const std::string& n = t.args[0]->name;
    int r = reg_named(n);
    int mi = m_->find_mem(n);
    if (r >= 0 && m_->regs[static_cast<size_t>(r)].file) {
      const Register& reg = m_->regs[static_cast<size_t>(r)];
      if (t.args.size() > 2) fail(t.args[2]->loc, "a register file takes one index");
      st.op = SOp::SetFile;
      st.a = static_cast<uint32_t>(r);
      st.b = elab_as(*t.args[1], reg.index_width, "the register index");
      st.hi = static_cast<uint8_t>(reg.width - 1);
      st.lo = 0;
      w = reg.width;
    } else if (mi >= 0) {
      const Memory& mem = m_->mems[static_cast<size_t>(mi)];
      uint64_t n_units = t.args.size() > 2 ? cexpr(*t.args[2]) : 1;
      if (n_units == 0 || n_units > kMaxWidth / mem.unit)
        fail(t.loc, "writing " + std::to_string(n_units) + " units of " + std::to_string(mem.unit) +
                        " bits is not between 1 and 64 bits");
      st.op = SOp::SetMem;
      st.a = static_cast<uint32_t>(mi);
      st.b = elab_as(*t.args[1], mem.addr_width, "the address");
      st.c = static_cast<uint32_t>(n_units);
      w = static_cast<unsigned>(n_units) * mem.unit;
    } else if (r >= 0) {
      fail(t.loc, "cannot assign to a single bit; assign to a named field or the whole register");
    } else {
      Frame& f = frames_.back();
      for (auto& sc : f.scopes)
        if (sc.count(n)) fail(t.start, "cannot assign to local '" + n + "': a 'let' binds it once");
      if (f.insn && f.insn->enc.find_field(n) >= 0)
        fail(t.start, "cannot assign to '" + n + "', an operand field of the instruction");
      if (names_.count(n)) fail(t.start, "cannot assign to '" + n + "': it is not state");
      fail(t.start, "assignment to undeclared state '" + n + "'");
    }
  } else {
    fail(t.loc, "cannot assign to this expression");
  }
  ExprId v = elab_as(*s.expr, w, "the assigned value");
  if (st.op == SOp::SetMem)
    st.d = v;
  else if (st.op == SOp::SetFile)
    st.c = v;
  else
    st.b = v;
  emit(std::move(st));
}

const FuncInfo& Checker::function(const lang::Expr& call) {
  if (!funcs_.count(call.name)) {
    if (names_.count(call.name)) fail(call.loc, "'" + call.name + "' is not a function");
    fail(call.loc, "unknown function '" + call.name + "'");
  }
  return effects(call.name);
}

// The arguments of a call, each elaborated at its parameter's width, in order.
std::vector<ExprId> Checker::call_args(const FuncInfo& f, const lang::Expr& call) {
  const auto& ps = f.decl->params;
  if (call.args.size() != ps.size())
    fail(call.loc, "function '" + call.name + "' takes " + std::to_string(ps.size()) + " argument" +
                       (ps.size() == 1 ? "" : "s") + ", given " + std::to_string(call.args.size()));
  std::vector<ExprId> args;
  for (size_t i = 0; i < ps.size(); ++i) {
    unsigned w = width_of(*ps[i].width, "parameter width");
    args.push_back(elab_as(*call.args[i], w, ("argument '" + ps[i].name + "'").c_str()));
  }
  return args;
}

Val Checker::inline_call(const FuncInfo& f, const lang::Expr& call, std::vector<ExprId> args) {
  const Decl& d = *f.decl;
  bool effectful = f.traps || f.halts || f.writes;
  if (cond_arm_ && effectful)
    fail(call.loc, "function '" + d.name +
                       "' can trap or change state, so it cannot be called inside a conditional "
                       "expression; use an if statement");
  if (!traps_allowed_ && f.traps) fail(call.loc, std::string(context_) + " cannot trap, but '" + d.name + "' can");
  if (!writes_allowed_ && f.writes)
    fail(call.loc, std::string(context_) + " cannot change state, but '" + d.name + "' can");
  if (!halts_allowed_ && f.halts)
    fail(call.loc, std::string(context_) + " cannot halt the machine, but '" + d.name + "' can");
  for (const std::string& c : call_stack_)
    if (c == d.name)
      fail(call.loc, "recursive call to '" + d.name + "': recursion cannot be encoded in bit-vector logic");
  // Inlining copies a function at every call: bound the depth and the total,
  // so that a model of doubling calls cannot exhaust memory.
  if (call_stack_.size() >= kMaxCallDepth)
    fail(call.loc, "calls nested more than " + std::to_string(kMaxCallDepth) + " deep");
  if (A().exprs.size() + A().stmts.size() > kMaxInlinedNodes)
    fail(call.loc, "the model grows past " + std::to_string(kMaxInlinedNodes) +
                       " operations once functions are inlined; simplify the calls");
  called_.insert(d.name);
  call_stack_.push_back(d.name);
  frames_.push_back(Frame{});
  frames_.back().scopes.emplace_back();
  frames_.back().function = d.name;
  if (d.name == "translate") ++translating_;
  for (size_t i = 0; i < d.params.size(); ++i) {
    unsigned l = new_local(d.params[i].name, wid(args[i]), d.params[i].loc);
    model::Stmt st;
    st.op = SOp::Let;
    st.a = l;
    st.b = args[i];
    emit(std::move(st));
  }
  Val result;
  bool returned = false, ended = false;
  for (size_t i = 0; i < d.body.size(); ++i) {
    const lang::Stmt& s = *d.body[i];
    if (ended) fail(s.loc, "unreachable statement after 'trap' or 'halt'");
    if (s.kind == lang::Stmt::Return) {
      if (i + 1 != d.body.size()) fail(s.loc, "'return' may only be the last statement of a function");
      if (!d.result) fail(s.loc, "function '" + d.name + "' declares no result; remove 'return' or add '-> WIDTH'");
      unsigned w = width_of(*d.result, "result width");
      ExprId e = elab_as(*s.expr, w, "the returned value");
      unsigned l = hidden_local("result", w);
      model::Stmt st;
      st.op = SOp::Let;
      st.a = l;
      st.b = e;
      emit(std::move(st));
      result.id = mk(Op::Local, w, l);
      result.width = w;
      returned = true;
      continue;
    }
    stmt(s);
    ended = s.kind == lang::Stmt::Trap || s.kind == lang::Stmt::Halt;
  }
  if (d.result && !returned && !ended) fail(d.loc, "function '" + d.name + "' must end with 'return'");
  if (d.result && !returned) {
    // Every path traps or halts: the value is never used, but the caller needs one.
    unsigned w = width_of(*d.result, "result width");
    result.id = mk_const(0, w);
    result.width = w;
  }
  if (d.name == "translate") --translating_;
  frames_.pop_back();
  call_stack_.pop_back();
  return result;
}

const FuncInfo& Checker::effects(const std::string& fname) {
  FuncInfo& f = funcs_.at(fname);
  if (f.effects_known || f.effects_busy) return f;
  f.effects_busy = true;
  scan_effects(f.decl->body, f);
  f.effects_busy = false;
  f.effects_known = true;
  return f;
}

namespace {
void calls_in(const lang::Expr* e, std::vector<std::string>& out) {
  if (!e) return;
  if (e->kind == lang::Expr::Call) out.push_back(e->name);
  for (const ExprP& a : e->args) calls_in(a.get(), out);
}
} // namespace

void Checker::scan_effects(const Block& b, FuncInfo& info) {
  for (const StmtP& s : b) {
    if (s->kind == lang::Stmt::Assign) info.writes = true;
    if (s->kind == lang::Stmt::Trap || s->kind == lang::Stmt::Require) info.traps = true;
    if (s->kind == lang::Stmt::Halt) info.halts = true;
    std::vector<std::string> calls;
    calls_in(s->expr.get(), calls);
    calls_in(s->target.get(), calls);
    calls_in(s->arg.get(), calls);
    for (const std::string& c : calls) {
      auto it = funcs_.find(c);
      if (it == funcs_.end()) continue; // reported when elaborated
      const FuncInfo& g = effects(c);
      info.traps |= g.traps;
      info.writes |= g.writes;
      info.halts |= g.halts;
    }
    scan_effects(s->body, info);
    scan_effects(s->orelse, info);
  }
}

void Checker::check_unused_functions() {
  // Functions no instruction calls are still checked, so their errors are not hidden.
  for (const Decl& d : file_.decls) {
    if (d.kind != Decl::Function || called_.count(d.name)) continue;
    Routine scratch;
    begin_routine(scratch, d.name);
    writes_allowed_ = traps_allowed_ = halts_allowed_ = true;
    context_ = "a function";
    lang::Expr call;
    call.kind = lang::Expr::Call;
    call.loc = d.loc;
    call.name = d.name;
    std::vector<ExprId> args;
    for (const Param& p : d.params) {
      unsigned w = width_of(*p.width, "parameter width");
      args.push_back(mk_const(0, w));
    }
    inline_call(effects(d.name), call, std::move(args));
    end_routine();
  }
}

} // namespace popek::lang
