#include "model/whatif.hpp"

#include <stdexcept>

namespace popek::model {

std::shared_ptr<const Model> with_traps(const Model& m, const std::vector<int>& insns) {
  if (m.default_trap < 0)
    throw std::invalid_argument("model " + m.name + " has no default trap to raise below " + m.modes.front().name +
                                " mode");
  auto out = std::make_shared<Model>(m);
  Arena& a = out->arena;
  const Register& mode = m.mode_register();
  std::string names;
  for (int i : insns) {
    Instruction& insn = out->insns.at(static_cast<size_t>(i));
    // `require mode == FIRST else DEFAULT` in front of the body: the then-arm
    // is the instruction as it was, the else-arm the trap.
    ExprId now = a.add(Expr{Op::Reg, static_cast<uint8_t>(mode.width), m.mode_reg});
    ExprId top = a.add(Expr{Op::Const, static_cast<uint8_t>(mode.width), 0, 0, 0, m.modes.front().code});
    Stmt trap;
    trap.op = SOp::Trap;
    trap.a = static_cast<uint32_t>(m.default_trap);
    trap.b = kNoExpr;
    Stmt guard;
    guard.op = SOp::If;
    guard.require = true;
    guard.a = a.add(Expr{Op::Eq, 1, now, top});
    guard.then_ = std::move(insn.sem.body);
    guard.else_ = {a.add(std::move(trap))};
    guard.loc = insn.loc;
    insn.sem.body = {a.add(std::move(guard))};
    names += " " + insn.name;
  }
  // Another definition: the native code compiled for the model's text no longer applies.
  for (char ch : "what-if trap" + names)
    out->source_hash = (out->source_hash ^ static_cast<uint8_t>(ch)) * 1099511628211ull;
  return out;
}

} // namespace popek::model
