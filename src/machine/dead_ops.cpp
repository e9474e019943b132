// Analyses and clean-up over a compiled routine: which registers it may write
// (so locals may alias the others), and the removal of operations whose
// results nobody reads.
#include "machine/compiler.hpp"

#include <set>

namespace popek::machine {

using model::SOp;

void Compiler::note_writes(const std::vector<model::StmtId>& b) {
  for (model::StmtId id : b) {
    const model::Stmt& s = m_.arena.stmt(id);
    if (s.op == SOp::SetReg || s.op == SOp::SetFile) written_[s.a] = true;
    note_writes(s.then_);
    note_writes(s.else_);
  }
}

// Removes operations whose results nobody reads (for instance the mask of an
// address that a memory operation masks anyway), then renumbers jumps.
void Compiler::eliminate_dead_ops(Compiled& c) const {
  auto pure_like = [](Code k) {
    return k <= Code::Concat || k == Code::Mov || k == Code::Ite || k == Code::FileRead || k == Code::MemRead ||
           k == Code::MemReadN;
  };
  std::vector<bool> dead(c.ops.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    std::set<uint32_t> used{c.result};
    for (size_t i = 0; i < c.ops.size(); ++i) {
      if (dead[i]) continue;
      const Operation& o = c.ops[i];
      used.insert(o.a);
      if (o.code != Code::MemRead) used.insert(o.b); // MemRead's b is a mask
      if (o.code == Code::Ite) used.insert(static_cast<uint32_t>(o.k));
      if (!pure_like(o.code)) used.insert(o.d); // Trap* read their argument from d
    }
    for (size_t i = 0; i < c.ops.size(); ++i)
      if (!dead[i] && pure_like(c.ops[i].code) && !used.count(c.ops[i].d)) dead[i] = changed = true;
  }
  std::vector<uint64_t> new_index(c.ops.size() + 1, 0);
  std::vector<Operation> kept;
  for (size_t i = 0; i < c.ops.size(); ++i) {
    new_index[i] = kept.size();
    if (!dead[i]) kept.push_back(c.ops[i]);
  }
  new_index[c.ops.size()] = kept.size();
  for (Operation& o : kept) {
    bool jump = o.code == Code::Jmp || o.code == Code::Jz || (o.code >= Code::UnlessEq && o.code <= Code::UnlessSle);
    if (jump) o.k = new_index[o.k];
  }
  c.ops = std::move(kept);
}

} // namespace popek::machine
