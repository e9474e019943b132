// The branches of a model's semantics, numbered: the fuzzer counts each arm
// of each `if` and `require` it runs, so that a new path through the model
// (not merely through the C++ that interprets it) is new coverage. The
// numbering is a pure function of the model, so the native code generated at
// build time and the machine at run time agree on it.
#pragma once

#include "model/model.hpp"
#include "util/diag.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace popek::model {

constexpr int kFetchRoutine = -2, kTrapEntryRoutine = -1;

// One `if` or `require` of the fetch function, the trap entry or an
// instruction. Each has two arms, counted separately.
struct BranchPoint {
  int routine; // kFetchRoutine, kTrapEntryRoutine, or an instruction index
  StmtId stmt;
  Loc loc;
  bool require; // then-arm: the condition holds; else-arm: the trap
};

struct Branches {
  // Fetch first, then the trap entry, then the instructions in order; within
  // a routine in pre-order (an If, its then-arm, its else-arm). Helpers are
  // inlined, so an `if` in a helper appears once per call.
  std::vector<BranchPoint> points;
  std::vector<uint32_t> ordinal; // per arena statement: its index in points, or kNone
  static constexpr uint32_t kNone = UINT32_MAX;
  // The counter of an arm.
  uint32_t arm(StmtId s, bool then_arm) const { return 2 * ordinal[s] + (then_arm ? 0u : 1u); }
  size_t arms() const { return 2 * points.size(); }
};

// The vmm block's routines are the VMM's, not the machine's: not numbered.
Branches number_branches(const Model& m);

} // namespace popek::model
