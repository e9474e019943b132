#include "asm/assembler.hpp"

#include "asm/lexer.hpp"

#include <cctype>
#include <fmt/format.h>
#include <optional>
#include <set>
#include <sstream>

namespace popek::assembler {

using model::Bits;
using model::width_mask;

namespace {

struct Fail {
  size_t col;
  std::string msg;
};

// A template as tokens: literals (lower-cased) and operand slots.
struct TplTok {
  bool operand = false;
  std::string lit;
  unsigned piece = 0;
};

std::vector<TplTok> template_tokens(const model::Syntax& s) {
  std::vector<TplTok> out;
  for (unsigned p = 0; p < s.pieces.size(); ++p) {
    const model::SyntaxPiece& piece = s.pieces[p];
    if (piece.kind == model::SyntaxPiece::Operand) {
      out.push_back({true, "", p});
      continue;
    }
    std::vector<Token> toks;
    size_t bad = 0;
    tokenize_line(piece.text, toks, bad);
    for (const Token& t : toks) out.push_back({false, lower(t.text), p});
  }
  return out;
}

struct Operand {
  unsigned field;
  unsigned piece = 0;   // the syntax piece it fills
  size_t begin, end;    // token range of an expression
  bool reg = false;
  uint64_t reg_index = 0;
};

struct Statement {
  int line;
  std::string text;
  std::vector<Token> toks;
  uint64_t addr = 0;
  int insn = -1;
  std::vector<Operand> operands;
  std::string directive;  // for .word / .byte / .zero
  size_t args_begin = 0;
};

class Assembler {
public:
  Assembler(const model::Model& m, std::string path) : m_(m), path_(std::move(path)), mem_(m.mems[m.code_mem]) {
    for (const model::Instruction& i : m.insns) tpl_.push_back(template_tokens(i.syntax));
    for (const model::Register& r : m.regs)
      for (const std::string& n : r.asm_names) regnames_.insert(lower(n));
  }

  AsmResult run(const std::string& text) {
    AsmResult r;
    try {
      pass1(text);
      pass2(r.image);
      r.image.symbols = symbols_;
    } catch (const LineError& e) {
      r.error = e.what;
      r.image = Image{};
    }
    return r;
  }

private:
  struct LineError {
    std::string what;
  };
  [[noreturn]] void fail(int line, size_t col, const std::string& msg) const {
    throw LineError{fmt::format("{}:{}:{}: {}", path_, line, col + 1, msg)};
  }

  const model::Model& m_;
  std::string path_;
  const model::Memory& mem_;
  std::vector<std::vector<TplTok>> tpl_;
  std::set<std::string> regnames_;
  std::map<std::string, uint64_t> symbols_;
  std::vector<Statement> stmts_;

  // -- expressions: C-like operators over numbers and symbols ----------------
  // Operators, loosest first: | ^ & (<< >>) (+ -) (* / %), unary - ~ +, parentheses.
  // An operand's expression ends at a token that cannot continue it, or at the
  // template's next literal (outside parentheses).

  struct ExprState {
    const Statement& s;
    size_t p, end;      // tokens [p, end) are available
    std::string stop;
    bool must;          // evaluate: undefined symbols are errors
    bool undefined = false;
    int depth = 0;
  };

  static int binop_prec(const std::vector<Token>& t, size_t p, size_t end, std::string& op) {
    if (p >= end || t[p].kind != Token::Punct) return 0;
    const std::string& x = t[p].text;
    bool pair = p + 1 < end && t[p + 1].kind == Token::Punct && t[p + 1].text == x &&
                t[p + 1].col == t[p].col + 1;
    if ((x == "<" || x == ">") && pair) {
      op = x + x;
      return 4;
    }
    op = x;
    if (x == "|") return 1;
    if (x == "^") return 2;
    if (x == "&") return 3;
    if (x == "+" || x == "-") return 5;
    if (x == "*" || x == "/" || x == "%") return 6;
    return 0;
  }

  int64_t parse_binary(ExprState& st, int min_prec) const {
    const auto& t = st.s.toks;
    int64_t lhs = parse_unary(st);
    for (;;) {
      std::string op;
      int pr = binop_prec(t, st.p, st.end, op);
      if (pr == 0 || pr < min_prec) return lhs;
      if (st.depth == 0 && t[st.p].text == st.stop) return lhs;
      size_t op_col = t[st.p].col;
      st.p += op.size();
      int64_t rhs = parse_binary(st, pr + 1);
      uint64_t a = static_cast<uint64_t>(lhs), b = static_cast<uint64_t>(rhs);
      if (op == "|") lhs = static_cast<int64_t>(a | b);
      else if (op == "^") lhs = static_cast<int64_t>(a ^ b);
      else if (op == "&") lhs = static_cast<int64_t>(a & b);
      else if (op == "<<") lhs = b >= 64 ? 0 : static_cast<int64_t>(a << b);
      else if (op == ">>") lhs = b >= 64 ? 0 : static_cast<int64_t>(a >> b);
      else if (op == "+") lhs = static_cast<int64_t>(a + b);
      else if (op == "-") lhs = static_cast<int64_t>(a - b);
      else if (op == "*") lhs = static_cast<int64_t>(a * b);
      else if (rhs == 0) {
        if (st.must) fail(st.s.line, op_col, "division by zero");
        lhs = 0;
      } else if (op == "/") lhs = lhs / rhs;
      else lhs = lhs % rhs;
    }
  }

  int64_t parse_unary(ExprState& st) const {
    const auto& t = st.s.toks;
    if (st.p >= st.end) throw NotExpr{st.s.text.size()};
    const Token& k = t[st.p];
    if (k.kind == Token::Punct && (k.text == "-" || k.text == "~" || k.text == "+")) {
      ++st.p;
      int64_t v = parse_unary(st);
      return k.text == "-" ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : k.text == "~" ? ~v : v;
    }
    if (k.kind == Token::Punct && k.text == "(") {
      ++st.p;
      ++st.depth;
      int64_t v = parse_binary(st, 1);
      if (st.p >= st.end || t[st.p].text != ")") throw NotExpr{st.p < st.end ? t[st.p].col : st.s.text.size()};
      ++st.p;
      --st.depth;
      return v;
    }
    if (k.kind == Token::Number) {
      ++st.p;
      return static_cast<int64_t>(k.value);
    }
    if (k.kind == Token::Ident && k.text[0] != '.' && !regnames_.count(lower(k.text))) {
      ++st.p;
      auto it = symbols_.find(k.text);
      if (it != symbols_.end()) return static_cast<int64_t>(it->second);
      if (st.must) fail(st.s.line, k.col, "undefined symbol '" + k.text + "'");
      st.undefined = true;
      return 0;
    }
    throw NotExpr{k.col};
  }

  struct NotExpr {
    size_t col;
  };

  // Parses an expression at `p`; returns its end, or SIZE_MAX if none starts there.
  size_t expr_end(const Statement& s, size_t p, const std::string& stop) const {
    ExprState st{s, p, s.toks.size(), stop, false};
    try {
      parse_binary(st, 1);
    } catch (const NotExpr&) {
      return SIZE_MAX;
    }
    return st.p;
  }

  int64_t eval(const Statement& s, size_t b, size_t e) const {
    ExprState st{s, b, e, "", true};
    return parse_binary(st, 1);
  }

  // -- matching a line against one template ---------------------------------

  bool match(unsigned insn, const Statement& s, size_t start, std::vector<Operand>& ops, Fail& f) const {
    const auto& tpl = tpl_[insn];
    const model::Instruction& in = m_.insns[insn];
    size_t p = start;
    ops.clear();
    for (size_t k = 0; k < tpl.size(); ++k) {
      const TplTok& tt = tpl[k];
      size_t col = p < s.toks.size() ? s.toks[p].col : s.text.size();
      if (!tt.operand) {
        if (p >= s.toks.size() || lower(s.toks[p].text) != tt.lit) {
          f = {col, "expected '" + tt.lit + "'" + (p < s.toks.size() ? ", found '" + s.toks[p].text + "'" : " at the end of the line")};
          return false;
        }
        ++p;
        continue;
      }
      const model::SyntaxPiece& piece = in.syntax.pieces[tt.piece];
      Operand op{piece.field, tt.piece, p, p};
      if (piece.format == model::SyntaxPiece::RegName) {
        const model::Register& file = m_.regs[piece.file];
        bool found = false;
        if (p < s.toks.size())
          for (unsigned i = 0; i < file.asm_names.size() && !found; ++i)
            if (lower(file.asm_names[i]) == lower(s.toks[p].text)) {
              op.reg = true;
              op.reg_index = i;
              found = true;
            }
        if (!found) {
          f = {col, "expected a register of '" + file.name + "'"};
          return false;
        }
        op.end = ++p;
      } else {
        std::string stop = k + 1 < tpl.size() && !tpl[k + 1].operand ? tpl[k + 1].lit : "";
        size_t e = expr_end(s, p, stop);
        if (e == SIZE_MAX) {
          f = {col, "expected a number or a symbol for '" + in.enc.fields[piece.field].name + "'"};
          return false;
        }
        op.end = p = e;
      }
      ops.push_back(op);
    }
    if (p < s.toks.size()) {
      f = {s.toks[p].col, "unexpected '" + s.toks[p].text + "'"};
      return false;
    }
    return true;
  }

  void pass1(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    int ln = 0;
    uint64_t loc = 0;
    std::optional<int64_t> phase;  // label value minus location, inside .phase
    while (std::getline(in, line)) {
      ++ln;
      Statement s;
      s.line = ln;
      size_t bad = 0;
      std::string code = line.substr(0, line.find(';'));
      if (!tokenize_line(code, s.toks, bad))
        fail(ln, bad, std::isdigit(static_cast<unsigned char>(code[bad])) ? "malformed number"
                                                                          : "unexpected character '" + std::string(1, code[bad]) + "'");
      size_t p = 0;
      while (p + 1 < s.toks.size() && s.toks[p].kind == Token::Ident && s.toks[p + 1].text == ":" &&
             s.toks[p].text[0] != '.') {
        const std::string& name = s.toks[p].text;
        if (regnames_.count(lower(name))) fail(ln, s.toks[p].col, "'" + name + "' is a register name");
        if (symbols_.count(name)) fail(ln, s.toks[p].col, "symbol '" + name + "' is defined twice");
        symbols_[name] = static_cast<uint64_t>(static_cast<int64_t>(loc) + phase.value_or(0));
        p += 2;
      }
      if (p >= s.toks.size()) continue;
      s.text = trim(code.substr(s.toks[p].col));
      const Token& head = s.toks[p];
      s.addr = loc;
      if (head.kind == Token::Ident && head.text[0] == '.') {
        directive(s, p, loc, phase);
        continue;
      }
      // An instruction: try every template; keep the failure that got furthest.
      Fail best{head.col, "unknown instruction '" + head.text + "'"};
      bool any_head = false;
      std::vector<Operand> ops;
      std::vector<int> hits;
      std::vector<Operand> chosen;
      for (unsigned i = 0; i < tpl_.size(); ++i) {
        if (tpl_[i].empty() || tpl_[i][0].lit != lower(head.text)) continue;
        any_head = true;
        Fail f{0, ""};
        if (match(i, s, p, ops, f)) {
          hits.push_back(static_cast<int>(i));
          chosen = ops;
        } else if (f.col >= best.col || best.msg.rfind("unknown", 0) == 0) {
          best = f;
        }
      }
      if (hits.empty()) fail(ln, best.col, any_head ? best.msg : "unknown instruction '" + head.text + "'");
      if (hits.size() > 1)
        fail(ln, head.col, "ambiguous: matches both '" + m_.insns[static_cast<size_t>(hits[0])].name + "' and '" +
                               m_.insns[static_cast<size_t>(hits[1])].name + "'");
      s.insn = hits[0];
      s.operands = chosen;
      loc += m_.insns[static_cast<size_t>(s.insn)].enc.units * m_.fetch_step;
      if (loc > mem_.size) fail(ln, head.col, "the program runs past the end of memory");
      stmts_.push_back(std::move(s));
    }
  }

  void directive(Statement& s, size_t p, uint64_t& loc, std::optional<int64_t>& phase) {
    const Token& head = s.toks[p];
    const std::string d = lower(head.text);
    size_t a = p + 1;
    auto one_arg = [&](const char* what) -> int64_t {
      size_t e = expr_end(s, a, "");
      if (e == SIZE_MAX || e != s.toks.size())
        fail(s.line, e != SIZE_MAX && e < s.toks.size() ? s.toks[e].col : a < s.toks.size() ? s.toks[a].col : s.text.size(),
             std::string("expected ") + what);
      return eval(s, a, e);
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
        fail(s.line, head.col, ".byte needs a memory of 8-bit units; use .word");
      }
      s.directive = d;
      s.args_begin = a;
      uint64_t n = 0;
      if (d == ".zero") {
        int64_t v = one_arg("a count of units");
        if (v < 0) fail(s.line, head.col, ".zero needs a count of at least 0");
        n = static_cast<uint64_t>(v);
      } else {
        size_t q = a;
        for (;;) {
          size_t e = expr_end(s, q, ",");
          if (e == SIZE_MAX) fail(s.line, q < s.toks.size() ? s.toks[q].col : s.text.size(), "expected a value");
          n += per;
          if (e == s.toks.size()) break;
          if (s.toks[e].text != ",") fail(s.line, s.toks[e].col, "expected ',' between values");
          q = e + 1;
        }
      }
      loc += n;
      if (loc > mem_.size) fail(s.line, head.col, "the program runs past the end of memory");
      stmts_.push_back(std::move(s));
    } else {
      fail(s.line, head.col, "unknown directive '" + head.text + "'");
    }
  }

  void put(Image& img, const Statement& s, uint64_t addr, uint64_t v) {
    if (img.units.count(addr)) fail(s.line, 0, fmt::format("address {} is assembled twice", addr));
    img.units[addr] = v;
  }

  void pass2(Image& img) {
    for (const Statement& s : stmts_) {
      uint64_t addr = s.addr;
      if (s.insn >= 0) {
        const model::Instruction& in = m_.insns[static_cast<size_t>(s.insn)];
        Bits raw = in.enc.match;
        for (const Operand& op : s.operands) {
          const model::EncField& f = in.enc.fields[op.field];
          uint64_t v = op.reg_index;
          if (!op.reg) {
            int64_t x = eval(s, op.begin, op.end);
            // A signed operand ({f:s}) must fit as two's complement; others also accept
            // values up to 2^width - 1.
            bool is_signed = in.syntax.pieces[op.piece].format == model::SyntaxPiece::Signed;
            int64_t lo = f.width >= 64 ? INT64_MIN : -(int64_t{1} << (f.width - 1));
            int64_t hi = f.width >= 64 ? INT64_MAX : is_signed ? (int64_t{1} << (f.width - 1)) - 1 : (int64_t{1} << f.width) - 1;
            if (x < lo || x > hi)
              fail(s.line, s.toks[op.begin].col,
                   fmt::format("{} does not fit in the {}-bit {}field '{}' ({}..{})", x, f.width,
                               is_signed ? "signed " : "", f.name, lo, hi));
            v = static_cast<uint64_t>(x) & width_mask(f.width);
          }
          raw = in.enc.insert(op.field, v, raw);
        }
        std::vector<uint64_t> units = to_units(m_, raw, in.enc.units);
        for (uint64_t u : units) put(img, s, addr++, u);
        img.lines.push_back({s.addr, static_cast<unsigned>(units.size()), s.text});
        continue;
      }
      if (s.directive == ".zero") {
        uint64_t n = static_cast<uint64_t>(eval(s, s.args_begin, s.toks.size()));
        for (uint64_t i = 0; i < n; ++i) put(img, s, addr++, 0);
        img.lines.push_back({s.addr, static_cast<unsigned>(n), s.text});
        continue;
      }
      const unsigned width = s.directive == ".word" ? m_.word : mem_.unit;
      const unsigned per = width / mem_.unit;
      size_t q = s.args_begin;
      while (q < s.toks.size()) {
        size_t e = expr_end(s, q, ",");
        int64_t x = eval(s, q, e);
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

AsmResult assemble(const model::Model& m, const std::string& path, const std::string& text) {
  return Assembler(m, path).run(text);
}

} // namespace popek::assembler
