#include "native/codegen.hpp"

#include "model/branches.hpp"

#include <fmt/format.h>

namespace popek::native {

using model::Op;
using model::SOp;
using model::width_mask;

namespace {

// Memory layout must match the machine's: memories one after another.
std::vector<uint64_t> mem_bases(const model::Model& m) {
  std::vector<uint64_t> b;
  uint64_t total = 0;
  for (const model::Memory& mem : m.mems) {
    b.push_back(total);
    total += mem.size;
  }
  return b;
}

class Gen {
public:
  explicit Gen(const model::Model& m) : m_(m), base_(mem_bases(m)), branches_(model::number_branches(m)) {}

  std::string routine(const std::string& name, const model::Routine& r, bool has_fields) {
    out_.clear();
    out_ += fmt::format("static int {}(Context& x) {{\n", name);
    out_ += "  uint64_t* const R = x.regs;\n  uint64_t* const M = x.mem;\n";
    out_ += "  (void)R;\n  (void)M;\n";
    if (has_fields) out_ += "  const uint64_t* const F = x.fields;\n  (void)F;\n";
    // Coverage counters (Machine::set_coverage). Read once: restrict promises
    // the compiler that counting writes no state, so it keeps state in registers.
    out_ += "  uint8_t* __restrict const C = x.cov;\n  (void)C;\n";
    for (size_t i = 0; i < r.locals.size(); ++i)
      out_ += fmt::format("  [[maybe_unused]] uint64_t L{} = {};  // {}\n", i,
                          i < r.nparams ? fmt::format("x.params[{}]", i) : "0", r.locals[i].name);
    block(r.body, 1);
    if (r.result != model::kNoExpr) out_ += fmt::format("  x.result = {};\n", expr(r.result));
    out_ += "  return kDone;\n}\n\n";
    return out_;
  }

private:
  const model::Model& m_;
  std::vector<uint64_t> base_;
  model::Branches branches_;
  std::string out_;

  static std::string k(uint64_t v) { return fmt::format("UINT64_C(0x{:x})", v); }
  std::string pure(const char* op, const std::string& a, const std::string& b, uint64_t mask, unsigned w) {
    return fmt::format("pure_op<Pure::{}>({}, {}, {}, {})", op, a, b, k(mask), w);
  }

  std::string expr(model::ExprId id) {
    const model::Expr& e = m_.arena.expr(id);
    const uint64_t mask = width_mask(e.width);
    auto sub = [&](uint32_t i) { return expr(i); };
    auto aw = [&] { return static_cast<unsigned>(m_.arena.expr(e.a).width); };
    switch (e.op) {
    case Op::Const: return k(e.value);
    case Op::Field: return fmt::format("F[{}]", e.a);
    case Op::Local: return fmt::format("L{}", e.a);
    case Op::Reg: return fmt::format("R[{}]", m_.regs[e.a].slot);
    case Op::FileRead: return fmt::format("R[{} + {}]", m_.regs[e.a].slot, sub(e.b));
    case Op::MemRead: {
      const model::Memory& mem = m_.mems[e.a];
      if (e.c == 1) return fmt::format("M[{} + ({} & {})]", base_[e.a], sub(e.b), k(mem.size - 1));
      return fmt::format("mem_read_n(M + {}, {}, {}, {}, {}, {})", base_[e.a], k(mem.size), mem.unit,
                         mem.endian == model::Endian::Big, sub(e.b), e.c);
    }
    case Op::Not: return pure("Not", sub(e.a), "0", mask, 0);
    case Op::Neg: return pure("Neg", sub(e.a), "0", mask, 0);
    case Op::Add: return pure("Add", sub(e.a), sub(e.b), mask, 0);
    case Op::Sub: return pure("Sub", sub(e.a), sub(e.b), mask, 0);
    case Op::Mul: return pure("Mul", sub(e.a), sub(e.b), mask, 0);
    case Op::And: return pure("And", sub(e.a), sub(e.b), mask, 0);
    case Op::Or: return pure("Or", sub(e.a), sub(e.b), mask, 0);
    case Op::Xor: return pure("Xor", sub(e.a), sub(e.b), mask, 0);
    case Op::UDiv: return pure("UDiv", sub(e.a), sub(e.b), mask, e.width);
    case Op::URem: return pure("URem", sub(e.a), sub(e.b), mask, e.width);
    case Op::SDiv: return pure("SDiv", sub(e.a), sub(e.b), mask, e.width);
    case Op::SRem: return pure("SRem", sub(e.a), sub(e.b), mask, e.width);
    case Op::Shl: return pure("Shl", sub(e.a), sub(e.b), mask, e.width);
    case Op::LShr: return pure("LShr", sub(e.a), sub(e.b), mask, e.width);
    case Op::AShr: return pure("AShr", sub(e.a), sub(e.b), mask, e.width);
    case Op::Eq: return pure("Eq", sub(e.a), sub(e.b), 1, aw());
    case Op::Ne: return pure("Ne", sub(e.a), sub(e.b), 1, aw());
    case Op::Ult: return pure("Ult", sub(e.a), sub(e.b), 1, aw());
    case Op::Ule: return pure("Ule", sub(e.a), sub(e.b), 1, aw());
    case Op::Slt: return pure("Slt", sub(e.a), sub(e.b), 1, aw());
    case Op::Sle: return pure("Sle", sub(e.a), sub(e.b), 1, aw());
    case Op::Extract:
      if (e.c == 0) return pure("AndK", sub(e.a), "0", mask, 0);
      return pure("Extract", sub(e.a), "0", mask, e.c);
    case Op::Concat: return pure("Concat", sub(e.a), sub(e.b), mask, m_.arena.expr(e.b).width);
    case Op::ZExt: return sub(e.a);
    case Op::SExt: return pure("SExt", sub(e.a), "0", mask, aw());
    case Op::Ite: return fmt::format("({} ? {} : {})", sub(e.a), sub(e.b), sub(e.c));
    }
    return "0";
  }

  void line(int depth, const std::string& s) { out_ += std::string(static_cast<size_t>(depth) * 2, ' ') + s + "\n"; }

  void block(const std::vector<model::StmtId>& b, int depth) {
    for (model::StmtId s : b) stmt(s, depth);
  }

  void stmt(model::StmtId id, int d) {
    const model::Stmt& s = m_.arena.stmt(id);
    switch (s.op) {
    case SOp::Let: line(d, fmt::format("L{} = {};", s.a, expr(s.b))); return;
    case SOp::SetReg: {
      const model::Register& r = m_.regs[s.a];
      uint64_t mask = width_mask(s.hi - s.lo + 1u) << s.lo;
      bool whole = s.lo == 0 && s.hi + 1u == r.width;
      line(d, "{");
      line(d + 1, fmt::format("const uint64_t v = {};", expr(s.b)));
      line(d + 1, fmt::format("x.log[x.log_n++] = Change{{false, {0}, R[{0}]}};", r.slot));
      line(d + 1, whole ? fmt::format("R[{}] = v;", r.slot)
                        : fmt::format("R[{0}] = (R[{0}] & ~{1}) | ((v << {2}) & {1});", r.slot, k(mask), s.lo));
      if (s.a == m_.pc_reg) line(d + 1, "x.pc_written = true;");
      line(d, "}");
      return;
    }
    case SOp::SetFile: {
      const model::Register& r = m_.regs[s.a];
      uint64_t mask = width_mask(s.hi - s.lo + 1u) << s.lo;
      line(d, "{");
      line(d + 1, fmt::format("const uint64_t at = {} + {};", r.slot, expr(s.b)));
      line(d + 1, fmt::format("const uint64_t v = {};", expr(s.c)));
      line(d + 1, "x.log[x.log_n++] = Change{false, at, R[at]};");
      line(d + 1, fmt::format("R[at] = (R[at] & ~{0}) | ((v << {1}) & {0});", k(mask), s.lo));
      line(d, "}");
      return;
    }
    case SOp::SetMem: {
      const model::Memory& mem = m_.mems[s.a];
      line(d, "{");
      if (s.c == 1) {
        line(d + 1, fmt::format("const uint64_t at = {} + ({} & {});", base_[s.a], expr(s.b), k(mem.size - 1)));
        line(d + 1, fmt::format("const uint64_t v = {};", expr(s.d)));
        line(d + 1, "x.log[x.log_n++] = Change{true, at, M[at]};");
        line(d + 1, "M[at] = v;");
      } else {
        line(d + 1, fmt::format("const uint64_t a = {};", expr(s.b)));
        line(d + 1, fmt::format("const uint64_t v = {};", expr(s.d)));
        line(d + 1, fmt::format("mem_write_n(M + {0}, {1}, {2}, {3}, a, {4}, v, [&](uint64_t at) {{ "
                                "x.log[x.log_n++] = Change{{true, {0} + at, M[{0} + at]}}; }});",
                                base_[s.a], k(mem.size), mem.unit, mem.endian == model::Endian::Big, s.c));
      }
      line(d, "}");
      return;
    }
    case SOp::If:
      // Every arm counts, an empty else-arm too: not taking a branch is a path.
      line(d, fmt::format("if ({}) {{", expr(s.a)));
      line(d + 1, fmt::format("if (C) ++C[{}];", branches_.arm(id, true)));
      block(s.then_, d + 1);
      line(d, "} else {");
      line(d + 1, fmt::format("if (C) ++C[{}];", branches_.arm(id, false)));
      block(s.else_, d + 1);
      line(d, "}");
      return;
    case SOp::Trap:
      line(d, fmt::format("x.trap_cause = {};", s.a));
      line(d, fmt::format("x.trap_arg = {};", s.b == model::kNoExpr ? "0" : expr(s.b)));
      line(d, fmt::format("x.trap_memory = {};", s.memory_trap ? "true" : "false"));
      line(d, "return kTrap;");
      return;
    case SOp::Halt: line(d, "return kHalt;"); return;
    }
  }
};

} // namespace

std::string generate(const model::Model& m, uint64_t source_hash, const std::string& ident) {
  Gen g(m);
  std::string out = fmt::format("// Generated by popek_gen from {}: do not edit. The reference machine runs this\n"
                                "// code when a model's source text hashes to 0x{:016x}.\n"
                                "#include \"machine/context.hpp\"\n\n"
                                "namespace popek::machine {{\nnamespace native_{} {{\n\n",
                                m.path, source_hash, ident);
  out += g.routine("fetch", m.fetch, false);
  out += g.routine("trap_entry", m.trap_entry, false);
  for (size_t i = 0; i < m.insns.size(); ++i)
    out += "// " + m.insns[i].name + "\n" + g.routine(fmt::format("insn_{}", i), m.insns[i].sem, true);
  out += "const NativeFn insns[] = {";
  for (size_t i = 0; i < m.insns.size(); ++i) out += fmt::format("{}insn_{}", i ? ", " : "", i);
  out += "};\n\n";
  out += fmt::format("}} // namespace native_{0}\n\nextern const NativeModel native_model_{0};\n"
                     "const NativeModel native_model_{0} = {{\"{1}\", UINT64_C(0x{2:016x}), native_{0}::fetch,\n"
                     "                                     native_{0}::trap_entry, native_{0}::insns, {3}}};\n\n"
                     "}} // namespace popek::machine\n",
                     ident, m.name, source_hash, m.insns.size());
  return out;
}

std::string generate_registry(const std::vector<std::string>& idents) {
  std::string out = "// Generated by popek_gen: every model compiled to native code.\n"
                    "#include \"machine/context.hpp\"\n\nnamespace popek::machine {\n\n";
  for (const std::string& i : idents) out += "extern const NativeModel native_model_" + i + ";\n";
  out += "\nconst NativeModel* find_native(uint64_t source_hash) {\n  static const NativeModel* const all[] = {";
  for (const std::string& i : idents) out += "&native_model_" + i + ", ";
  out += "nullptr};\n  for (const NativeModel* const* m = all; *m; ++m)\n"
         "    if ((*m)->source_hash == source_hash) return *m;\n  return nullptr;\n}\n\n"
         "} // namespace popek::machine\n";
  return out;
}

} // namespace popek::native
