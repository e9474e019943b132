// Parsing statements and expressions. Chains of operators build deep trees
// without deep recursion here, so every node records its height and the
// parser refuses trees that later passes could not recurse over safely.
#include "lang/parser_internal.hpp"

#include <array>

namespace popek::lang {

Block Parser::block() {
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

StmtP Parser::stmt() {
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

void Parser::cause(Stmt& s) {
  s.cause_loc = here();
  s.name = expect_ident("a trap cause").text;
  if (accept_punct("(")) {
    s.arg = expr();
    expect_punct(")");
  }
}

int Parser::prec(const std::string& op) {
  static const std::array<std::pair<const char*, int>, 24> table = {{
      {"||", 1},  {"&&", 2},   {"==", 3},   {"!=", 3},   {"<", 3}, {"<=", 3}, {">", 3},  {">=", 3},
      {"<_s", 3}, {"<=_s", 3}, {">_s", 3},  {">=_s", 3}, {"|", 4}, {"^", 5},  {"&", 6},  {"++", 7},
      {"<<", 8},  {">>", 8},   {">>_s", 8}, {"+", 9},    {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10},
  }};
  for (auto& [o, p] : table)
    if (op == o) return p;
  if (op == "/_s" || op == "%_s") return 10;
  return 0;
}

ExprP Parser::expr() {
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

ExprP Parser::node(Expr::Kind k) {
  auto e = std::make_unique<Expr>();
  e->kind = k;
  e->loc = e->start = here();
  return e;
}

ExprP Parser::sealed(ExprP e) {
  for (const ExprP& a : e->args) e->depth = std::max(e->depth, a->depth + 1);
  if (e->depth > kMaxExprDepth)
    fail(e->start, "expression nested too deeply (more than " + std::to_string(kMaxExprDepth) + " levels)");
  return e;
}

ExprP Parser::binary(int min_prec) {
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

ExprP Parser::unary() {
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

ExprP Parser::primary() {
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

ExprP Parser::postfix(ExprP e) {
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

} // namespace popek::lang
