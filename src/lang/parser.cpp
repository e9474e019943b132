#include "lang/parser.hpp"

#include "lang/lexer.hpp"

#include <array>

namespace popek::lang {
namespace {

class Parser {
public:
  Parser(std::string path, std::vector<Token> toks) : path_(std::move(path)), t_(std::move(toks)) {}

  File file() {
    File f;
    f.path = path_;
    while (!at_end()) f.decls.push_back(decl());
    return f;
  }

private:
  std::string path_;
  std::vector<Token> t_;
  size_t p_ = 0;
  int depth_ = 0;

  // Bounds recursion so that hostile input (ten thousand nested parentheses)
  // gets a diagnostic, not a stack overflow.
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > 200) p.fail_here("nesting too deep");
    }
    ~DepthGuard() { --p.depth_; }
  };

  const Token& peek(size_t k = 0) const { return t_[std::min(p_ + k, t_.size() - 1)]; }
  bool at_end() const { return peek().kind == Tok::End; }
  Loc loc_of(const Token& t) const { return {path_, t.line, t.col}; }
  Loc here() const { return loc_of(peek()); }
  [[noreturn]] void fail(const Token& t, const std::string& msg) const {
    throw InputError(loc_of(t), msg);
  }
  [[noreturn]] void fail_here(const std::string& msg) const { fail(peek(), msg); }
  [[noreturn]] void fail(const Loc& loc, const std::string& msg) const { throw InputError(loc, msg); }
  static std::string describe(const Token& t) {
    switch (t.kind) {
    case Tok::End: return "end of file";
    case Tok::String: return "string \"" + t.text + "\"";
    default: return "'" + t.text + "'";
    }
  }
  bool is_punct(const char* s, size_t k = 0) const {
    return peek(k).kind == Tok::Punct && peek(k).text == s;
  }
  bool is_kw(const char* s, size_t k = 0) const {
    return peek(k).kind == Tok::Ident && peek(k).text == s;
  }
  bool accept_punct(const char* s) {
    if (!is_punct(s)) return false;
    ++p_;
    return true;
  }
  bool accept_kw(const char* s) {
    if (!is_kw(s)) return false;
    ++p_;
    return true;
  }
  void expect_punct(const char* s) {
    if (!accept_punct(s)) fail_here(std::string("expected '") + s + "', found " + describe(peek()));
  }
  void expect_kw(const char* s) {
    if (!accept_kw(s)) fail_here(std::string("expected '") + s + "', found " + describe(peek()));
  }
  const Token& expect_ident(const char* what) {
    if (peek().kind != Tok::Ident) fail_here(std::string("expected ") + what + ", found " + describe(peek()));
    return t_[p_++];
  }
  const Token& expect_string(const char* what) {
    if (peek().kind != Tok::String) fail_here(std::string("expected ") + what + ", found " + describe(peek()));
    return t_[p_++];
  }

  // ---- declarations -------------------------------------------------------

  Decl decl() {
    Decl d;
    d.loc = here();
    const Token& k = peek();
    if (k.kind != Tok::Ident) fail_here("expected a declaration, found " + describe(k));
    std::string kw = k.text;
    ++p_;
    if (kw == "machine") {
      d.kind = Decl::Machine;
      d.name = expect_ident("a machine name").text;
      d.text = expect_string("a one-line description in quotes").text;
    } else if (kw == "word") {
      d.kind = Decl::Word;
      d.width = expr();
    } else if (kw == "memory") {
      d.kind = Decl::Memory;
      d.name = expect_ident("a memory name").text;
      expect_punct("[");
      d.size = expr();
      expect_punct("]");
      expect_punct(":");
      d.width = expr();
      if (is_kw("little") || is_kw("big")) d.endian = t_[p_++].text;
    } else if (kw == "modes") {
      d.kind = Decl::Modes;
      do {
        const Token& n = expect_ident("a mode name");
        d.names.push_back(n.text);
        d.name_locs.push_back(loc_of(n));
        expect_punct("=");
        d.codes.push_back(expr());
      } while (accept_punct(","));
    } else if (kw == "const") {
      d.kind = Decl::Const;
      d.name = expect_ident("a constant name").text;
      if (accept_punct(":")) d.width = expr();
      expect_punct("=");
      d.value = expr();
    } else if (kw == "register") {
      register_decl(d);
    } else if (kw == "trap") {
      if (accept_kw("entry")) {
        d.kind = Decl::TrapEntry;
        params(d);
        d.body = block();
      } else {
        d.kind = Decl::Trap;
        d.name = expect_ident("a trap cause name").text;
        expect_punct("=");
        d.value = expr();
      }
    } else if (kw == "default" || kw == "undefined") {
      d.kind = kw == "default" ? Decl::DefaultTrap : Decl::Undefined;
      expect_kw("trap");
      d.name_locs.push_back(here());
      d.name = expect_ident("a trap cause name").text;
    } else if (kw == "function") {
      d.kind = Decl::Function;
      d.name = expect_ident("a function name").text;
      params(d);
      if (accept_punct("->")) d.result = expr();
      d.body = block();
    } else if (kw == "fetch") {
      d.kind = Decl::Fetch;
      params(d);
      expect_punct("->");
      d.result = expr();
      d.body = block();
    } else if (kw == "vmm") {
      vmm_decl(d);
    } else if (kw == "insn") {
      insn_decl(d);
    } else {
      fail(k, "unknown declaration '" + kw + "'");
    }
    return d;
  }

  void register_decl(Decl& d) {
    d.kind = Decl::Register;
    d.name = expect_ident("a register name").text;
    if (accept_punct("[")) {
      d.count = expr();
      expect_punct("]");
    }
    expect_punct(":");
    d.width = expr();
    for (;;) {
      if (accept_kw("system")) {
        d.system = true;
      } else if (accept_kw("pc")) {
        d.pc = true;
      } else if (accept_kw("reset")) {
        d.reset = expr();
      } else if (accept_kw("names")) {
        expect_punct("(");
        while (!accept_punct(")")) {
          const Token& n = expect_ident("a register name");
          d.names.push_back(n.text);
          d.name_locs.push_back(loc_of(n));
          accept_punct(",");
        }
      } else {
        break;
      }
    }
    if (accept_punct("{")) {
      while (!accept_punct("}")) {
        FieldDecl f;
        f.loc = here();
        f.name = expect_ident("a field name").text;
        expect_punct("[");
        f.hi = expr();
        if (accept_punct(":")) f.lo = expr();
        expect_punct("]");
        f.system = accept_kw("system");
        d.fields.push_back(std::move(f));
      }
    }
  }

  void params(Decl& d) {
    expect_punct("(");
    if (accept_punct(")")) return;
    do {
      Param p;
      p.loc = here();
      p.name = expect_ident("a parameter name").text;
      expect_punct(":");
      p.width = expr();
      d.params.push_back(std::move(p));
    } while (accept_punct(","));
    expect_punct(")");
  }

  void vmm_decl(Decl& d) {
    d.kind = Decl::Vmm;
    params(d);
    Loc open = here();
    expect_punct("{");
    while (!accept_punct("}")) {
      if (at_end()) fail(open, "'{' is never closed");
      if (is_kw("let") || is_kw("if") || is_kw("require") || is_kw("trap") || is_kw("halt") || is_kw("return"))
        fail_here("a vmm block holds only assignments to real system state and one 'wellformed'");
      if (is_kw("wellformed")) {
        d.wellformed_loc = here();
        ++p_;
        if (d.wellformed) fail(t_[p_ - 1], "a vmm block has one 'wellformed' condition");
        d.wellformed = expr();
        continue;
      }
      auto s = std::make_unique<Stmt>();
      s->kind = Stmt::Assign;
      s->loc = here();
      s->target = expr();
      expect_punct("=");
      s->expr = expr();
      d.body.push_back(std::move(s));
    }
  }

  void insn_decl(Decl& d) {
    d.kind = Decl::Insn;
    d.name = expect_ident("an instruction mnemonic").text;
    while (peek().kind != Tok::String) {
      if (peek().kind == Tok::End || is_punct("{"))
        fail_here("expected the assembly syntax in quotes after the encoding of '" + d.name + "'");
      d.encoding.push_back(enc_token());
    }
    if (d.encoding.empty()) fail_here("instruction '" + d.name + "' has no encoding");
    d.syntax_loc = here();
    d.text = t_[p_++].text;
    d.body = block();
  }

  EncToken enc_token() {
    EncToken e;
    e.loc = here();
    const Token& t = peek();
    if (t.kind == Tok::Int) {
      ++p_;
      e.kind = EncToken::Bits;
      std::string s = t.text;
      std::string bits;
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (char c : s.substr(2)) {
          if (c == '_') continue;
          int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                                                              : std::tolower(c) - 'a' + 10;
          for (int b = 3; b >= 0; --b) bits.push_back(((v >> b) & 1) ? '1' : '0');
        }
      } else {
        if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) s = s.substr(2);
        for (char c : s) {
          if (c == '_') continue;
          if (c != '0' && c != '1')
            fail(t, "encoding bits must be written in binary (or 0x hex), found '" + t.text + "'");
          bits.push_back(c);
        }
      }
      e.text = bits;
      e.nbits = static_cast<unsigned>(bits.size());
      return e;
    }
    if (t.kind != Tok::Ident) fail_here("expected encoding bits or a field, found " + describe(t));
    e.name = t.text;
    ++p_;
    if (accept_punct(":")) {
      e.kind = EncToken::Field;
      e.nbits = small_int("field width", 64);
      if (e.nbits == 0) fail(t_[p_ - 1], "field '" + e.name + "' has width 0");
      return e;
    }
    if (accept_punct("[")) {
      e.kind = EncToken::Slice;
      e.hi = small_int("bit index", 63);
      e.lo = e.hi;
      if (accept_punct(":")) e.lo = small_int("bit index", 63);
      expect_punct("]");
      if (e.lo > e.hi) fail(e.loc, "slice " + e.name + "[" + std::to_string(e.hi) + ":" +
                                       std::to_string(e.lo) + "] has its bounds reversed");
      e.nbits = e.hi - e.lo + 1;
      return e;
    }
    fail(e.loc, "field '" + e.name + "' in an encoding needs a width ('" + e.name +
                    ":8') or a slice ('" + e.name + "[7:0]')");
  }

  unsigned small_int(const char* what, unsigned most) {
    const Token& t = peek();
    if (t.kind != Tok::Int) fail_here(std::string("expected a ") + what + ", found " + describe(t));
    if (t.value > most)
      fail(t, std::string(what) + " " + t.text + " is too large (at most " + std::to_string(most) + ")");
    ++p_;
    return static_cast<unsigned>(t.value);
  }

  // ---- statements ---------------------------------------------------------

  Block block() {
    DepthGuard g(*this);
    Loc open = here();
    expect_punct("{");
    Block b;
    while (!accept_punct("}")) {
      if (at_end()) fail(open, "'{' is never closed");
      b.push_back(stmt());
    }
    return b;
  }

  StmtP stmt() {
    auto s = std::make_unique<Stmt>();
    s->loc = here();
    if (accept_kw("let")) {
      s->kind = Stmt::Let;
      s->name = expect_ident("a local name").text;
      if (accept_punct(":")) s->width = expr();
      expect_punct("=");
      s->expr = expr();
    } else if (accept_kw("if")) {
      s->kind = Stmt::If;
      s->expr = expr();
      s->body = block();
      if (accept_kw("else")) {
        if (is_kw("if")) {
          s->orelse.push_back(stmt());
        } else {
          s->orelse = block();
        }
      }
    } else if (accept_kw("require")) {
      s->kind = Stmt::Require;
      s->expr = expr();
      if (accept_kw("else")) cause(*s);
    } else if (accept_kw("trap")) {
      s->kind = Stmt::Trap;
      cause(*s);
    } else if (accept_kw("halt")) {
      s->kind = Stmt::Halt;
    } else if (accept_kw("return")) {
      s->kind = Stmt::Return;
      s->expr = expr();
    } else {
      if (peek().kind == Tok::Ident && (peek(1).kind == Tok::Ident || peek(1).kind == Tok::Int))
        fail_here("unknown statement '" + peek().text + "'");
      ExprP e = expr();
      if (accept_punct("=")) {
        s->kind = Stmt::Assign;
        s->target = std::move(e);
        s->expr = expr();
      } else if (e->kind == Expr::Call) {
        s->kind = Stmt::Call;
        s->expr = std::move(e);
      } else {
        fail(t_[p_ > 0 ? p_ - 1 : 0].kind == Tok::End ? peek() : peek(),
             "expected '=' after an assignment target, found " + describe(peek()));
      }
    }
    return s;
  }

  void cause(Stmt& s) {
    s.cause_loc = here();
    s.name = expect_ident("a trap cause").text;
    if (accept_punct("(")) {
      s.arg = expr();
      expect_punct(")");
    }
  }

  // ---- expressions --------------------------------------------------------

  // Binary precedence, loosest first (bitwise binds tighter than comparison,
  // as in Rust, so `a & m == 0` means `(a & m) == 0`).
  static int prec(const std::string& op) {
    static const std::array<std::pair<const char*, int>, 24> table = {{
        {"||", 1},  {"&&", 2},  {"==", 3},  {"!=", 3},  {"<", 3},   {"<=", 3},
        {">", 3},   {">=", 3},  {"<_s", 3}, {"<=_s", 3}, {">_s", 3}, {">=_s", 3},
        {"|", 4},   {"^", 5},   {"&", 6},   {"++", 7},  {"<<", 8},  {">>", 8},
        {">>_s", 8}, {"+", 9},  {"-", 9},   {"*", 10},  {"/", 10},  {"%", 10},
    }};
    for (auto& [o, p] : table)
      if (op == o) return p;
    if (op == "/_s" || op == "%_s") return 10;
    return 0;
  }

  ExprP expr() {
    DepthGuard g(*this);
    if (is_kw("if")) {
      auto e = node(Expr::Ite);
      ++p_;
      e->args.push_back(expr());
      expect_kw("then");
      e->args.push_back(expr());
      expect_kw("else");
      e->args.push_back(expr());
      return sealed(std::move(e));
    }
    return binary(1);
  }

  ExprP node(Expr::Kind k) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->loc = e->start = here();
    return e;
  }

  // Records the tree's height: chains of operators build deep trees without
  // deep recursion here, but every later pass recurses over them.
  ExprP sealed(ExprP e) {
    for (const ExprP& a : e->args) e->depth = std::max(e->depth, a->depth + 1);
    if (e->depth > kMaxExprDepth)
      fail(e->start, "expression nested too deeply (more than " + std::to_string(kMaxExprDepth) + " levels)");
    return e;
  }
  static constexpr int kMaxExprDepth = 256;

  ExprP binary(int min_prec) {
    ExprP lhs = unary();
    for (;;) {
      const Token& t = peek();
      if (t.kind != Tok::Punct) return lhs;
      int pr = prec(t.text);
      if (pr == 0 || pr < min_prec) return lhs;
      auto e = node(Expr::Binary);
      e->op = t.text;
      ++p_;
      e->start = lhs->start;
      e->args.push_back(std::move(lhs));
      e->args.push_back(binary(pr + 1));
      lhs = sealed(std::move(e));
    }
  }

  ExprP unary() {
    DepthGuard g(*this);
    if (is_punct("-") || is_punct("~") || is_punct("!")) {
      auto e = node(Expr::Unary);
      e->op = peek().text;
      ++p_;
      e->args.push_back(unary());
      return sealed(std::move(e));
    }
    return postfix(primary());
  }

  ExprP primary() {
    const Token& t = peek();
    if (t.kind == Tok::Int) {
      auto e = node(Expr::Int);
      e->value = t.value;
      ++p_;
      return e;
    }
    if (t.kind == Tok::Ident) {
      if (t.text == "if" || t.text == "then" || t.text == "else" || t.text == "let")
        fail_here("expected an expression, found '" + t.text + "'");
      if (is_punct("(", 1)) {
        auto e = node(Expr::Call);
        e->name = t.text;
        p_ += 2;
        if (!accept_punct(")")) {
          do e->args.push_back(expr());
          while (accept_punct(","));
          expect_punct(")");
        }
        return sealed(std::move(e));
      }
      auto e = node(Expr::Name);
      e->name = t.text;
      ++p_;
      return e;
    }
    if (accept_punct("(")) {
      ExprP e = expr();
      expect_punct(")");
      return e;
    }
    fail_here("expected an expression, found " + describe(t));
  }

  ExprP postfix(ExprP e) {
    for (;;) {
      if (is_punct("[")) {
        Loc l = here();
        ++p_;
        ExprP first = expr();
        ExprP out;
        if (accept_punct(":")) {
          out = node(Expr::Slice);
          out->args.push_back(std::move(e));
          out->args.push_back(std::move(first));
          out->args.push_back(expr());
        } else {
          out = node(Expr::Index);
          out->args.push_back(std::move(e));
          out->args.push_back(std::move(first));
          if (accept_punct(",")) out->args.push_back(expr());
        }
        out->loc = l;
        out->start = out->args[0]->start;
        expect_punct("]");
        e = sealed(std::move(out));
      } else if (is_punct(".")) {
        auto m = node(Expr::Member);
        ++p_;
        m->name = expect_ident("a field name").text;
        m->start = e->start;
        m->args.push_back(std::move(e));
        e = sealed(std::move(m));
      } else {
        return e;
      }
    }
  }
};

} // namespace

File parse(const std::string& path, const std::string& source) {
  Parser p(path, lex(path, source));
  return p.file();
}

} // namespace popek::lang
