// The parser's shared state: a recursive-descent parser over the lexer's
// tokens. Declarations are parsed in parse_decls.cpp, statements and
// expressions in parse_code.cpp.
#pragma once

#include "lang/ast.hpp"
#include "lang/lexer.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace popek::lang {

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
  [[noreturn]] void fail(const Token& t, const std::string& msg) const { throw InputError(loc_of(t), msg); }
  [[noreturn]] void fail_here(const std::string& msg) const { fail(peek(), msg); }
  [[noreturn]] void fail(const Loc& loc, const std::string& msg) const { throw InputError(loc, msg); }
  static std::string describe(const Token& t) {
    switch (t.kind) {
    case Tok::End: return "end of file";
    case Tok::String: return "string \"" + t.text + "\"";
    default: return "'" + t.text + "'";
    }
  }
  bool is_punct(const char* s, size_t k = 0) const { return peek(k).kind == Tok::Punct && peek(k).text == s; }
  bool is_kw(const char* s, size_t k = 0) const { return peek(k).kind == Tok::Ident && peek(k).text == s; }
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

  Decl decl();

  void register_decl(Decl& d);

  void reset_values(Decl& d);

  void params(Decl& d);

  void vmm_decl(Decl& d);

  void insn_decl(Decl& d);

  EncToken enc_token();

  void excluded_value(EncToken& e);

  unsigned small_int(const char* what, unsigned most);

  // ---- statements ---------------------------------------------------------

  Block block();

  StmtP stmt();

  void cause(Stmt& s);

  // ---- expressions --------------------------------------------------------

  // Binary precedence, loosest first (bitwise binds tighter than comparison,
  // as in Rust, so `a & m == 0` means `(a & m) == 0`).
  static int prec(const std::string& op);

  ExprP expr();

  ExprP node(Expr::Kind k);

  // Records the tree's height: chains of operators build deep trees without
  // deep recursion here, but every later pass recurses over them.
  ExprP sealed(ExprP e);
  static constexpr int kMaxExprDepth = 256;

  ExprP binary(int min_prec);

  ExprP unary();

  ExprP primary();

  ExprP postfix(ExprP e);
};

} // namespace popek::lang
