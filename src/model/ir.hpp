// The typed internal representation of semantics. Every back end (the
// bare-metal reference's compiler, the Z3 encoder, the VMM) reads this one
// form, so an instruction's meaning is written exactly once, in its model.
//
// Values are fixed-width bit-vectors of 1..64 bits. Helper functions are
// already inlined: a routine is straight-line code with structured `if`, no
// loops and no calls, so it maps directly onto bit-vector logic.
#pragma once

#include "util/diag.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace popek::model {

using ExprId = uint32_t;
using StmtId = uint32_t;
constexpr ExprId kNoExpr = UINT32_MAX;
constexpr unsigned kMaxWidth = 64;

// clang-format off
enum class Op : uint8_t {
  Const,    // value
  Field,    // a = operand field index of the instruction being executed
  Local,    // a = local index in the routine
  Reg,      // a = register index (a single register: also the mode and the pc)
  FileRead, // a = register-file index, b = index expression
  MemRead,  // a = memory index, b = absolute address expression, c = number of units
  Not, Neg, // a
  Add, Sub, Mul, UDiv, URem, SDiv, SRem, And, Or, Xor,
  Shl, LShr, AShr, // a shifted by b (b of any width; shifting by >= width gives 0 or the sign)
  Eq, Ne, Ult, Ule, Slt, Sle, // width-1 results; > and >= are built by swapping
  Extract,  // a[b:c]
  Concat,   // a ++ b (a in the high bits)
  ZExt, SExt, // a extended to `width`
  Ite,      // if a then b else c
};
// clang-format on

const char* op_name(Op op);

struct Expr {
  Op op;
  uint8_t width;
  uint32_t a = 0, b = 0, c = 0;
  uint64_t value = 0;
};

enum class SOp : uint8_t {
  Let,     // local a = expr b
  SetReg,  // register a, bits [hi:lo] = expr b
  SetFile, // register file a, entry expr b, bits [hi:lo] = expr c
  SetMem,  // memory a, address expr b, c units = expr value (stored in d)
  If,      // if expr a { then_ } else { else_ }
  Trap,    // trap cause a with argument expr b (kNoExpr: 0); memory_trap if raised by translation
  Halt,
};

struct Stmt {
  SOp op;
  uint8_t hi = 0, lo = 0;
  bool memory_trap = false;
  // If: true when written `require c [else CAUSE]` (the then-arm holds, the
  // else-arm traps). Coverage (model/branches.hpp) reports both by `loc`.
  bool require = false;
  uint32_t a = 0, b = 0, c = 0, d = 0;
  std::vector<StmtId> then_, else_;
  Loc loc; // If: where the statement is written
};

struct LocalInfo {
  std::string name;
  unsigned width;
};

// A compiled piece of semantics: an instruction's body, the fetch function, the
// trap entry, the deprivileging map. Parameters are locals 0..nparams-1.
struct Routine {
  std::string name;
  std::vector<StmtId> body;
  std::vector<LocalInfo> locals;
  unsigned nparams = 0;
  ExprId result = kNoExpr; // evaluated after the body, when the routine returns a value
  unsigned result_width = 0;
};

struct Arena {
  std::vector<Expr> exprs;
  std::vector<Stmt> stmts;
  const Expr& expr(ExprId e) const { return exprs[e]; }
  const Stmt& stmt(StmtId s) const { return stmts[s]; }
  ExprId add(const Expr& e) {
    exprs.push_back(e);
    return static_cast<ExprId>(exprs.size() - 1);
  }
  StmtId add(Stmt s) {
    stmts.push_back(std::move(s));
    return static_cast<StmtId>(stmts.size() - 1);
  }
};

inline uint64_t width_mask(unsigned w) { return w >= 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1; }

} // namespace popek::model
