// The vmm block (docs/theory.md §5): the deprivileging map from a virtual state to
// the real system state and mode, the virtual system state a new VM starts
// with, and which virtual states are well formed for an allocation.
#include "lang/check_internal.hpp"

namespace popek::lang {

using namespace model;

namespace {
struct Target {
  unsigned reg, hi, lo;
  std::string what; // "R" or "R.l", for messages
};
} // namespace

// Compiles `body` (assignments to the mode, system registers and system
// fields) into the routine being built: every right-hand side is read first,
// then every target is written, so all of them see the state before.
// Returns, per register, the bits assigned.
std::vector<uint64_t> Checker::vmm_assignments(const Block& body, const char* what_block) {
  std::vector<std::pair<Target, unsigned>> sets;
  std::vector<uint64_t> covered(m_->regs.size(), 0);
  for (const StmtP& sp : body) {
    const lang::Expr& t = *sp->target;
    int r = -1;
    Target tg{0, 0, 0, ""};
    if (t.kind == lang::Expr::Name) {
      r = m_->find_reg(t.name);
      if (r >= 0 && m_->regs[static_cast<size_t>(r)].file) r = -1;
      if (r >= 0) tg = {static_cast<unsigned>(r), m_->regs[static_cast<size_t>(r)].width - 1, 0, t.name};
    } else if (t.kind == lang::Expr::Member && t.args[0]->kind == lang::Expr::Name) {
      r = m_->find_reg(t.args[0]->name);
      if (r >= 0) {
        const Register& reg = m_->regs[static_cast<size_t>(r)];
        int fi = reg.find_field(t.name);
        if (fi < 0) fail(t.loc, "register '" + reg.name + "' has no field '" + t.name + "'");
        const RegField& f = reg.fields[static_cast<size_t>(fi)];
        tg = {static_cast<unsigned>(r), f.hi, f.lo, reg.name + "." + t.name};
      }
    }
    if (r < 0) fail(t.start, std::string(what_block) + " sets the mode, system registers and system fields only");
    const Register& reg = m_->regs[tg.reg];
    uint64_t bits = width_mask(tg.hi - tg.lo + 1) << tg.lo;
    if (reg.kind != RegKind::Mode && (reg.system_bits() & bits) != bits)
      fail(t.start, "'" + tg.what + "' is not system state; " + what_block + " leaves ordinary state as it is");
    if (covered[tg.reg] & bits) fail(t.start, "'" + tg.what + "' is set twice");
    covered[tg.reg] |= bits;
    ExprId e = elab_as(*sp->expr, tg.hi - tg.lo + 1, ("the value for '" + tg.what + "'").c_str());
    unsigned l = hidden_local("new." + tg.what, tg.hi - tg.lo + 1);
    model::Stmt st;
    st.op = SOp::Let;
    st.a = l;
    st.b = e;
    emit(std::move(st));
    sets.push_back({tg, l});
  }
  for (const auto& [tg, l] : sets) {
    model::Stmt st;
    st.op = SOp::SetReg;
    st.a = tg.reg;
    st.hi = static_cast<uint8_t>(tg.hi);
    st.lo = static_cast<uint8_t>(tg.lo);
    st.b = mk(Op::Local, tg.hi - tg.lo + 1, l);
    emit(std::move(st));
  }
  return covered;
}

void Checker::vmm_routine(Routine& r, const char* name, const Decl& d) {
  begin_routine(r, name);
  for (const Param& p : d.params) new_local(p.name, width_of(*p.width, "parameter width"), p.loc);
  r.nparams = static_cast<unsigned>(d.params.size());
}

void Checker::check_vmm(const Decl& d) {
  Vmm& v = m_->vmm;
  v.present = true;
  // The generic VMM places the guest's storage itself, so it must know which
  // parameter is which.
  if (d.params.size() != 2 || d.params[0].name != "base" || d.params[1].name != "size")
    fail(d.loc, "the vmm block takes (base : WIDTH, size : WIDTH): where the guest's storage sits in real "
                "memory and how many units it has");
  for (const Param& p : d.params) v.params.push_back({p.name, width_of(*p.width, "parameter width")});
  if (d.alloc_base) {
    uint64_t base = cexpr(*d.alloc_base), size = cexpr(*d.alloc_size), q = m_->mems[m_->code_mem].size;
    if (size == 0 || base >= q || size > q - base)
      fail(d.alloc_loc, "'allocate " + std::to_string(base) + ", " + std::to_string(size) +
                            "' does not fit in memory " + m_->mems[m_->code_mem].name + " (" + std::to_string(q) +
                            " units)");
    v.allocation = {base, size};
  }
  writes_allowed_ = traps_allowed_ = halts_allowed_ = false;

  vmm_routine(v.map, "vmm map", d);
  context_ = "the vmm map";
  std::vector<uint64_t> covered = vmm_assignments(d.body, "the vmm map");
  end_routine();
  if (!covered[m_->mode_reg]) fail(d.loc, "the vmm map must set 'mode': the mode guests run in");
  for (size_t i = 0; i < m_->regs.size(); ++i) {
    const Register& reg = m_->regs[i];
    uint64_t missing = reg.system_bits() & ~covered[i];
    if (!missing) continue;
    std::string what = reg.name;
    for (const RegField& f : reg.fields)
      if (f.system && (missing >> f.lo) & 1) what = reg.name + "." + f.name;
    fail(d.loc, "the vmm map does not set system state '" + what + "'");
  }

  vmm_routine(v.reset, "vmm reset", d);
  context_ = "the vmm reset";
  vmm_assignments(d.vmm_reset, "the vmm reset");
  end_routine();

  vmm_routine(v.wellformed, "vmm wellformed", d);
  context_ = "the 'wellformed' condition";
  v.wellformed.result = d.wellformed ? elab_as(*d.wellformed, 1, "the 'wellformed' condition") : mk_const(1, 1);
  v.wellformed.result_width = 1;
  end_routine();
}

} // namespace popek::lang
