#include "asm/assembler.hpp"

#include "asm/expr.hpp"
#include "asm/lexer.hpp"
#include "asm/matcher.hpp"

#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <optional>
#include <set>
#include <sstream>

namespace popek::assembler {

using model::Bits;
using model::width_mask;

namespace {

struct Statement {
  int line = 0;
  std::string code;        // the line without its comment
  std::vector<Token> toks; // tokens of `code` (directives and labels use them)
  std::string text;        // the statement, for listings
  uint64_t addr = 0;
  int insn = -1;
  std::vector<MatchedOperand> operands;
  size_t col = 0;        // where the statement starts
  std::string directive; // .word, .byte, .unit or .zero
  size_t args_begin = 0; // first token of a directive's operands
};

struct LineError {
  std::string what;
};

class Assembler {
public:
  Assembler(const model::Model& m, std::string path, int line_offset)
      : m_(m), path_(std::move(path)), line_offset_(line_offset), mem_(m.mems[m.code_mem]), cx_{symbols_, regnames_} {
    for (const model::Instruction& i : m.insns) mnemonics_.push_back(template_mnemonic(i.syntax));
    for (const model::Register& r : m.regs)
      for (const std::string& n : r.asm_names) regnames_.insert(lower(n));
  }

  AsmResult run(const std::string& text) {
    AsmResult r;
    try {
      pass1(text);
      pass2(r.image);
      r.image.symbols = symbols_;
      r.image.labels = labels_;
    } catch (const LineError& e) {
      r.error = e.what;
      r.image = Image{};
    }
    return r;
  }

private:
  const model::Model& m_;
  std::string path_;
  int line_offset_;
  const model::Memory& mem_;
  std::map<std::string, uint64_t> symbols_;
  std::set<std::string> regnames_;
  ExprContext cx_;
  std::vector<std::string> mnemonics_;
  std::map<uint64_t, std::string> labels_;
  std::vector<Statement> stmts_;

  [[noreturn]] void fail(int line, size_t col, const std::string& msg) const {
    throw LineError{fmt::format("{}:{}:{}: {}", path_, line + line_offset_, col + 1, msg)};
  }
  static size_t end_col(const Statement& s) { return s.code.find_last_not_of(" \t\r") + 1; }

  int64_t eval(const Statement& s, const std::vector<Token>& toks, size_t b, size_t e) const {
    try {
      return expr_eval(toks, b, e, cx_);
    } catch (const ExprError& x) {
      fail(s.line, x.col, x.msg);
    }
  }

  // -- pass 1: labels, template matching, locations -------------------------

  void pass1(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    int ln = 0;
    uint64_t loc = 0;
    std::optional<int64_t> phase; // label value minus location, inside .phase
    while (std::getline(in, line)) {
      ++ln;
      Statement s;
      s.line = ln;
      s.code = line.substr(0, line.find(';'));
      size_t bad = 0;
      if (!tokenize_line(s.code, s.toks, bad))
        fail(ln, bad,
             std::isdigit(static_cast<unsigned char>(s.code[bad]))
                 ? "malformed number"
                 : "unexpected character '" + std::string(1, s.code[bad]) + "'");
      size_t p = 0;
      while (p + 1 < s.toks.size() && s.toks[p].kind == Token::Ident && s.toks[p + 1].text == ":" &&
             s.toks[p].text[0] != '.') {
        const std::string& name = s.toks[p].text;
        if (regnames_.count(lower(name))) fail(ln, s.toks[p].col, "'" + name + "' is a register name");
        if (symbols_.count(name)) fail(ln, s.toks[p].col, "symbol '" + name + "' is defined twice");
        symbols_[name] = static_cast<uint64_t>(static_cast<int64_t>(loc) + phase.value_or(0));
        if (!phase) labels_.emplace(loc, name);
        p += 2;
      }
      if (p >= s.toks.size()) continue;
      const Token& head = s.toks[p];
      s.text = trim(s.code.substr(head.col));
      s.col = head.col;
      s.addr = loc;
      if (head.kind == Token::Ident && head.text[0] == '.') {
        directive(s, p, loc, phase);
        continue;
      }
      instruction(s, head);
      loc += m_.insns[static_cast<size_t>(s.insn)].enc.units * m_.fetch_step;
      if (loc > mem_.size) fail(ln, head.col, "the program runs past the end of memory");
      stmts_.push_back(std::move(s));
    }
  }

  // Tries every template with this mnemonic; reports the failure that got
  // furthest. Of several matches, the one that reads the fewest characters as
  // values wins: `mov eax, cr0` is x86's MOV from CR0, whose template says
  // `cr0`, not a MOV of an immediate named cr0.
  void instruction(Statement& s, const Token& head) {
    MatchFail best{head.col, "unknown instruction '" + head.text + "'"};
    std::vector<MatchedOperand> ops;
    std::vector<int> hits;
    size_t fewest = SIZE_MAX;
    bool any = false;
    for (unsigned i = 0; i < m_.insns.size(); ++i) {
      if (mnemonics_[i] != lower(head.text)) continue;
      MatchFail f;
      if (match_template(m_, i, s.code, head.col, cx_, ops, f)) {
        size_t value_chars = 0;
        for (const MatchedOperand& o : ops) value_chars += o.reg ? 0 : o.end - o.begin;
        if (value_chars < fewest) hits.clear();
        if (value_chars <= fewest) {
          fewest = value_chars;
          hits.push_back(static_cast<int>(i));
          if (hits.size() == 1) s.operands = ops;
        }
      } else if (!any || f.col >= best.col) {
        best = f;
      }
      any = true;
    }
    if (hits.empty()) no_form(s, head, best);
    if (hits.size() > 1)
      fail(s.line, head.col,
           "ambiguous: matches both '" + m_.insns[static_cast<size_t>(hits[0])].name + "' and '" +
               m_.insns[static_cast<size_t>(hits[1])].name + "'");
    s.insn = hits[0];
  }

  // No template matched. With one form, its own complaint says what is
  // wrong; with several, the first or furthest form's complaint would name an
  // operand class the others do not expect, so the line is judged as a whole.
  [[noreturn]] void no_form(const Statement& s, const Token& head, const MatchFail& best) const {
    std::vector<std::string> forms;
    for (unsigned i = 0; i < m_.insns.size(); ++i)
      if (mnemonics_[i] == lower(head.text)) forms.push_back(fmt::format("'{}'", trim(m_.insns[i].syntax.text)));
    if (forms.size() < 2) fail(s.line, best.col, best.msg);
    size_t at = s.code.find_first_not_of(" \t", head.col + head.text.size());
    std::string written = at == std::string::npos ? "" : trim(s.code.substr(at));
    fail(s.line, written.empty() ? end_col(s) : at,
         fmt::format("no form of '{}' takes {}; its forms: {}", lower(head.text),
                     written.empty() ? std::string("no operands") : fmt::format("the operands '{}'", written),
                     fmt::join(forms, ", ")));
  }

  void directive(Statement& s, size_t p, uint64_t& loc, std::optional<int64_t>& phase) {
    const Token& head = s.toks[p];
    const std::string d = lower(head.text);
    size_t a = p + 1;
    auto one_arg = [&](const char* what) -> int64_t {
      size_t e = expr_end(s.toks, a, "", cx_);
      if (e == SIZE_MAX || e != s.toks.size())
        fail(s.line,
             e != SIZE_MAX && e < s.toks.size() ? s.toks[e].col
             : a < s.toks.size()                ? s.toks[a].col
                                                : end_col(s),
             std::string("expected ") + what);
      return eval(s, s.toks, a, e);
    };
    if (d == ".org") {
      int64_t v = one_arg("an address");
      if (v < 0 || static_cast<uint64_t>(v) >= mem_.size)
        fail(s.line, head.col, fmt::format(".org {} is outside memory {} ({} units)", v, mem_.name, mem_.size));
      loc = static_cast<uint64_t>(v);
    } else if (d == ".phase") {
      phase = one_arg("an address") - static_cast<int64_t>(loc);
    } else if (d == ".dephase") {
      if (a != s.toks.size()) fail(s.line, s.toks[a].col, ".dephase takes no operand");
      phase.reset();
    } else if (d == ".equ") {
      if (a + 1 >= s.toks.size() || s.toks[a].kind != Token::Ident || s.toks[a + 1].text != ",")
        fail(s.line, head.col, ".equ takes a name and a value: .equ NAME, VALUE");
      std::string name = s.toks[a].text;
      if (symbols_.count(name)) fail(s.line, s.toks[a].col, "symbol '" + name + "' is defined twice");
      if (regnames_.count(lower(name))) fail(s.line, s.toks[a].col, "'" + name + "' is a register name");
      a += 2;
      symbols_[name] = static_cast<uint64_t>(one_arg("a value"));
    } else if (d == ".word" || d == ".byte" || d == ".unit" || d == ".zero") {
      unsigned per = 1;
      if (d == ".word") {
        if (m_.word % mem_.unit) fail(s.line, head.col, "a word is not a whole number of memory units");
        per = m_.word / mem_.unit;
      } else if (d == ".byte" && mem_.unit != 8) {
        fail(s.line, head.col, ".byte needs a memory of 8-bit units; use .unit or .word");
      }
      s.directive = d;
      s.args_begin = a;
      uint64_t n = 0;
      if (d == ".zero") {
        int64_t v = one_arg("a count of units");
        if (v < 0) fail(s.line, head.col, ".zero needs a count of at least 0");
        n = static_cast<uint64_t>(v);
      } else {
        for (size_t q = a;;) {
          size_t e = expr_end(s.toks, q, ",", cx_);
          if (e == SIZE_MAX) fail(s.line, q < s.toks.size() ? s.toks[q].col : end_col(s), "expected a value");
          n += per;
          if (e == s.toks.size()) break;
          if (s.toks[e].text != ",") fail(s.line, s.toks[e].col, "expected ',' between values");
          q = e + 1;
        }
      }
      if (n > mem_.size - loc) fail(s.line, head.col, "the program runs past the end of memory");
      loc += n;
      stmts_.push_back(std::move(s));
    } else {
      fail(s.line, head.col, "unknown directive '" + head.text + "'");
    }
  }

  // -- pass 2: operand values and encodings ---------------------------------

  void put(Image& img, const Statement& s, uint64_t addr, uint64_t v) {
    if (img.units.count(addr)) fail(s.line, s.col, fmt::format("address {} is assembled twice", addr));
    img.units[addr] = v;
  }

  uint64_t operand_value(const Statement& s, const model::Instruction& in, const MatchedOperand& op) const {
    if (op.reg) return op.reg_index;
    const model::EncField& f = in.enc.fields[op.field];
    std::vector<Token> toks;
    size_t bad = 0;
    tokenize_line(s.code.substr(op.begin, op.end - op.begin), toks, bad);
    for (Token& t : toks) t.col += op.begin;
    int64_t x = eval(s, toks, 0, toks.size());
    // A signed operand ({f:s}) must fit as two's complement; others also accept
    // values up to 2^width - 1.
    bool is_signed = in.syntax.pieces[op.piece].format == model::SyntaxPiece::Signed;
    int64_t lo = f.width >= 64 ? INT64_MIN : -(int64_t{1} << (f.width - 1));
    int64_t hi = f.width >= 64 ? INT64_MAX
                 : is_signed   ? (int64_t{1} << (f.width - 1)) - 1
                               : (int64_t{1} << f.width) - 1;
    if (x < lo || x > hi)
      fail(s.line, op.begin,
           fmt::format("{} does not fit in the {}-bit {}field '{}' ({}..{})", x, f.width, is_signed ? "signed " : "",
                       f.name, lo, hi));
    uint64_t v = static_cast<uint64_t>(x) & width_mask(f.width);
    // Bits no slice of the encoding holds (e.g. the low bit of a branch offset) must be 0.
    uint64_t kept = 0;
    for (const model::Slice& sl : f.slices) kept |= width_mask(sl.hi - sl.lo + 1) << sl.lo;
    if (v & ~kept)
      fail(s.line, op.begin,
           fmt::format("{} cannot be encoded: field '{}' holds only bits 0x{:x} of its value", x, f.name, kept));
    return v;
  }

  // An operand may fit its field and still hold a value the encoding
  // excludes: those bits are another instruction (or none).
  void check_excluded(const Statement& s, const model::Instruction& in, Bits raw) const {
    for (const model::Exclusion& x : in.enc.excluded) {
      if (in.enc.extract(x.field, raw) != x.value) continue;
      size_t col = s.col;
      for (const MatchedOperand& op : s.operands)
        if (op.field == x.field) col = op.begin;
      std::string other = "no instruction";
      for (const model::Instruction& o : m_.insns)
        if (o.enc.units <= in.enc.units && o.enc.matches(raw >> (in.enc.bits - o.enc.bits))) other = "'" + o.name + "'";
      fail(s.line, col,
           fmt::format("field '{}' of '{}' cannot be {}: its encoding excludes that value, whose bits are {}",
                       in.enc.fields[x.field].name, in.name, x.value, other));
    }
  }

  void pass2(Image& img) {
    for (const Statement& s : stmts_) {
      uint64_t addr = s.addr;
      if (s.insn >= 0) {
        const model::Instruction& in = m_.insns[static_cast<size_t>(s.insn)];
        Bits raw = in.enc.match;
        for (const MatchedOperand& op : s.operands) raw = in.enc.insert(op.field, operand_value(s, in, op), raw);
        check_excluded(s, in, raw);
        std::vector<uint64_t> units = to_units(m_, raw, in.enc.units);
        for (uint64_t u : units) put(img, s, addr++, u);
        img.lines.push_back({s.addr, static_cast<unsigned>(units.size()), s.text});
        continue;
      }
      if (s.directive == ".zero") {
        uint64_t n = static_cast<uint64_t>(eval(s, s.toks, s.args_begin, s.toks.size()));
        for (uint64_t i = 0; i < n; ++i) put(img, s, addr++, 0);
        img.lines.push_back({s.addr, static_cast<unsigned>(n), s.text});
        continue;
      }
      const unsigned width = s.directive == ".word" ? m_.word : mem_.unit;
      const unsigned per = width / mem_.unit;
      for (size_t q = s.args_begin; q < s.toks.size();) {
        size_t e = expr_end(s.toks, q, ",", cx_);
        int64_t x = eval(s, s.toks, q, e);
        bool fits = width >= 64 || (x >= -(int64_t{1} << (width - 1)) && x < (int64_t{1} << width));
        if (!fits) fail(s.line, s.toks[q].col, fmt::format("{} does not fit in {} bits", x, width));
        uint64_t v = static_cast<uint64_t>(x) & width_mask(width);
        for (unsigned i = 0; i < per; ++i) {
          unsigned piece = mem_.endian == model::Endian::Big ? per - 1 - i : i;
          put(img, s, addr++, (piece * mem_.unit >= 64 ? 0 : v >> (piece * mem_.unit)) & width_mask(mem_.unit));
        }
        q = e + 1;
      }
      img.lines.push_back({s.addr, static_cast<unsigned>(addr - s.addr), s.text});
    }
  }
};

} // namespace

AsmResult assemble(const model::Model& m, const std::string& path, const std::string& text, int first_line) {
  return Assembler(m, path, first_line - 1).run(text);
}

} // namespace popek::assembler
