#include "model/branches.hpp"

namespace popek::model {

namespace {

void walk(const Arena& a, const std::vector<StmtId>& body, int routine, Branches& out) {
  for (StmtId id : body) {
    const Stmt& s = a.stmt(id);
    if (s.op != SOp::If) continue;
    out.ordinal[id] = static_cast<uint32_t>(out.points.size());
    out.points.push_back({routine, id, s.loc, s.require});
    walk(a, s.then_, routine, out);
    walk(a, s.else_, routine, out);
  }
}

} // namespace

Branches number_branches(const Model& m) {
  Branches b;
  b.ordinal.assign(m.arena.stmts.size(), Branches::kNone);
  walk(m.arena, m.fetch.body, kFetchRoutine, b);
  walk(m.arena, m.trap_entry.body, kTrapEntryRoutine, b);
  for (size_t i = 0; i < m.insns.size(); ++i) walk(m.arena, m.insns[i].sem.body, static_cast<int>(i), b);
  return b;
}

} // namespace popek::model
