// Compiles the model's routines (typed IR) into the machine's operations:
// folds constants, reads declared register fields from shadow cells, fuses
// a comparison with the branch or trap that uses it. Every routine gets cells
// of its own; constants are shared.
#pragma once

#include "machine/bytecode.hpp"
#include "model/branches.hpp"
#include "model/model.hpp"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace popek::machine {

// Where things live in a machine's cell array.
struct Layout {
  std::vector<uint64_t> mem_base;             // per memory: offset in the flat memory array
  std::vector<std::vector<uint32_t>> shadows; // per register, per declared field: its shadow cell
  uint32_t state_end = 0;                     // cells below this are registers or shadows
};

class Compiler {
public:
  // With `coverage`, every arm of a branch counts itself when it runs (Code::Cov,
  // or the arm bits of a fused trap); without it the code has no trace of counting.
  Compiler(const model::Model& m, std::vector<uint64_t>& cells, const Layout& layout,
           const model::Branches* coverage = nullptr)
      : m_(m), cells_(cells), layout_(layout), cov_(coverage) {}

  // `nfields`: operand fields of an instruction. `fixed`: parameters bound to
  // constants (the rest are cells the caller fills before running).
  Compiled compile(const model::Routine& r, unsigned nfields = 0,
                   const std::vector<std::optional<uint64_t>>& fixed = {});

private:
  uint32_t alloc();
  uint32_t constant(uint64_t v);
  bool const_value(uint32_t cell, uint64_t& v) const;
  uint32_t expr(model::ExprId e);
  uint32_t address(model::ExprId e, unsigned addr_width);
  uint32_t pure(Code c, uint32_t a, uint32_t b, uint64_t k, unsigned w, bool binary);
  void stmt(model::StmtId s);
  void block(const std::vector<model::StmtId>& b);
  void branch(model::StmtId id);
  void trap_if(model::ExprId cond, const model::Stmt& trap, bool negate, uint32_t taken, uint32_t not_taken);
  void count(uint32_t arm);
  void push(Operation op);
  void note_writes(const std::vector<model::StmtId>& b);
  void eliminate_dead_ops(Compiled& c) const;

  const model::Model& m_;
  std::vector<uint64_t>& cells_;
  const Layout& layout_;
  const model::Branches* cov_;
  std::map<uint64_t, uint32_t> consts_;
  std::set<uint32_t> const_cells_;
  Compiled* out_ = nullptr;
  std::vector<uint32_t> locals_;
  std::vector<bool> written_;                                // registers the routine being compiled may write
  std::map<uint32_t, std::pair<uint32_t, uint64_t>> masked_; // cell = source & mask (an AndK)
};

} // namespace popek::machine
