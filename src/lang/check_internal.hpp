// The checker's shared state; its member functions are spread over
// check_decls.cpp, check_exprs.cpp, check_stmts.cpp and check_insns.cpp.
#pragma once

#include "lang/ast.hpp"
#include "model/model.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace popek::lang {

using model::ExprId;
using model::StmtId;

constexpr size_t kMaxCallDepth = 64;
bool is_reserved(const std::string& name);
// Where an earlier declaration is, seen from `here`: "line N" in the same
// file, "FILE line N" in another (a model this one extends).
std::string first_at(const Loc& first, const Loc& here);
constexpr size_t kMaxInlinedNodes = 2'000'000;

struct ConstInfo {
  uint64_t value;
  unsigned width; // 0: untyped, adapts to its context like a literal
};

struct FuncInfo {
  const Decl* decl;
  bool traps = false, writes = false, halts = false;
  bool effects_known = false, effects_busy = false;
};

// A value produced while elaborating an expression. Untyped integer literals
// stay symbolic (`literal`) until a context gives them a width.
struct Val {
  ExprId id = model::kNoExpr;
  unsigned width = 0;
  bool literal = false;
  uint64_t lit = 0;
  bool negative = false; // the literal was written with a unary minus
};

class Checker {
public:
  explicit Checker(const File& f);
  std::unique_ptr<model::Model> run();

  // -- check_decls.cpp --
  void declare_all();
  void declare(const Decl& d);
  void finish_registers();
  void require_basics();
  uint64_t cexpr(const Expr& e);
  unsigned width_of(const Expr& e, const char* what);
  uint64_t reset_value(const Expr& e, unsigned width);
  void claim_name(const std::string& name, const Loc& loc);
  [[noreturn]] void fail(const Loc& loc, const std::string& msg) const;

  // -- check_exprs.cpp --
  Val elab(const Expr& e);
  ExprId elab_as(const Expr& e, unsigned width, const char* what);
  ExprId fix(const Val& v, unsigned width, const Loc& loc, const char* what);
  ExprId need_width(const Val& v, const Loc& loc);
  Val elab_name(const Expr& e);
  Val elab_unary(const Expr& e);
  Val elab_binary(const Expr& e);
  Val elab_index(const Expr& e);
  Val elab_slice(const Expr& e);
  Val elab_member(const Expr& e);
  Val elab_call(const Expr& e);
  Val elab_ite(const Expr& e);
  ExprId mk(model::Op op, unsigned width, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, uint64_t value = 0);
  ExprId mk_const(uint64_t v, unsigned width) { return mk(model::Op::Const, width, 0, 0, 0, v); }
  unsigned wid(ExprId e) const { return m_->arena.exprs[e].width; }

  // -- check_stmts.cpp --
  void block(const Block& b);
  void stmt(const Stmt& s);
  void assign(const Stmt& s);
  void trap_stmt(const Stmt& s, const std::string& cause, const Loc& cause_loc);
  void emit(model::Stmt s);
  unsigned new_local(const std::string& name, unsigned width, const Loc& loc);
  unsigned hidden_local(const std::string& name, unsigned width); // not nameable by the model
  void begin_routine(model::Routine& r, const std::string& name);
  void end_routine();
  Val inline_call(const FuncInfo& f, const Expr& call, std::vector<ExprId> args);
  const FuncInfo& function(const Expr& call); // the called function, or an error
  std::vector<ExprId> call_args(const FuncInfo& f, const Expr& call);
  const FuncInfo& effects(const std::string& fname);
  void scan_effects(const Block& b, FuncInfo& info);
  void check_unused_functions();

  // -- check_insns.cpp --
  void check_fetch(const Decl& d);
  void check_trap_entry(const Decl& d);
  void check_vmm(const Decl& d);
  std::vector<uint64_t> vmm_assignments(const Block& body, const char* what_block);
  void vmm_routine(model::Routine& r, const char* name, const Decl& d);
  void check_insn(const Decl& d);
  void encoding(const Decl& d, model::Instruction& insn);
  void syntax(const Decl& d, model::Instruction& insn);
  void check_overlaps();

  const File& file_;
  std::unique_ptr<model::Model> m_;
  model::Arena& A() { return m_->arena; }

  std::map<std::string, Loc> names_; // every global name, to reject duplicates
  std::map<std::string, ConstInfo> consts_;
  std::map<std::string, FuncInfo> funcs_;
  std::map<std::string, unsigned> traps_; // cause name -> index
  std::vector<Loc> insn_syntax_locs_;

  const Decl* machine_ = nullptr;
  const Decl* word_decl_ = nullptr;
  const Decl* modes_decl_ = nullptr;
  const Decl* default_decl_ = nullptr;
  const Decl* undefined_decl_ = nullptr;
  const Decl* fetch_ = nullptr;
  const Decl* trap_entry_ = nullptr;
  const Decl* vmm_ = nullptr;
  std::vector<const Decl*> insn_decls_;

  // Elaboration context: the routine being built, its frames of local scopes.
  struct Frame {
    std::vector<std::map<std::string, unsigned>> scopes;
    const model::Instruction* insn = nullptr; // its fields are visible in this frame
    std::string function;                     // name of the inlined function, if any
  };
  model::Routine* routine_ = nullptr;
  std::vector<Frame> frames_;
  std::vector<std::vector<StmtId>*> out_; // where statements are appended
  std::vector<std::string> call_stack_;
  int cond_arm_ = 0;    // inside an arm of `if .. then .. else` (expression)
  int translating_ = 0; // inside the translate function: traps are memory traps
  bool writes_allowed_ = true;
  bool traps_allowed_ = true;
  bool halts_allowed_ = true;
  const char* context_ = ""; // for messages: "the trap entry", "the vmm map", ...
  std::set<std::string> called_;
  int fetch_mem_ = -1; // the memory read while elaborating fetch
};

} // namespace popek::lang
