#include "asm/expr.hpp"

namespace popek::assembler {

namespace {

struct NotExpr {};

class Parser {
public:
  Parser(const std::vector<Token>& t, size_t p, size_t end, std::string stop, bool eval, const ExprContext& cx)
      : t_(t), p_(p), end_(end), stop_(std::move(stop)), eval_(eval), cx_(cx) {}

  int64_t binary(int min_prec) {
    int64_t lhs = unary();
    for (;;) {
      std::string op;
      int pr = prec(op);
      if (pr == 0 || pr < min_prec) return lhs;
      if (depth_ == 0 && t_[p_].text == stop_) return lhs;
      size_t op_col = t_[p_].col;
      p_ += op.size();
      int64_t rhs = binary(pr + 1);
      uint64_t a = static_cast<uint64_t>(lhs), b = static_cast<uint64_t>(rhs);
      if (op == "|")
        lhs = static_cast<int64_t>(a | b);
      else if (op == "^")
        lhs = static_cast<int64_t>(a ^ b);
      else if (op == "&")
        lhs = static_cast<int64_t>(a & b);
      else if (op == "<<")
        lhs = b >= 64 ? 0 : static_cast<int64_t>(a << b);
      else if (op == ">>")
        lhs = b >= 64 ? 0 : static_cast<int64_t>(a >> b);
      else if (op == "+")
        lhs = static_cast<int64_t>(a + b);
      else if (op == "-")
        lhs = static_cast<int64_t>(a - b);
      else if (op == "*")
        lhs = static_cast<int64_t>(a * b);
      else if (rhs == 0 || (op == "/" && lhs == INT64_MIN && rhs == -1)) {
        if (eval_) throw ExprError{op_col, rhs == 0 ? "division by zero" : "division overflows"};
        lhs = 0;
      } else if (rhs == -1)
        lhs = op == "/" ? -lhs : 0; // avoids INT64_MIN % -1, which traps
      else if (op == "/")
        lhs = lhs / rhs;
      else
        lhs = lhs % rhs;
    }
  }

  size_t pos() const { return p_; }

private:
  const std::vector<Token>& t_;
  size_t p_, end_;
  std::string stop_;
  bool eval_;
  const ExprContext& cx_;
  int depth_ = 0;

  int prec(std::string& op) const {
    if (p_ >= end_ || t_[p_].kind != Token::Punct) return 0;
    const std::string& x = t_[p_].text;
    bool pair =
        p_ + 1 < end_ && t_[p_ + 1].kind == Token::Punct && t_[p_ + 1].text == x && t_[p_ + 1].col == t_[p_].col + 1;
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

  int64_t unary() {
    if (p_ >= end_) throw NotExpr{};
    const Token& k = t_[p_];
    if (k.kind == Token::Punct && (k.text == "-" || k.text == "~" || k.text == "+")) {
      ++p_;
      if (++depth_ > 100) throw NotExpr{};
      int64_t v = unary();
      --depth_;
      return k.text == "-" ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : k.text == "~" ? ~v : v;
    }
    if (k.kind == Token::Punct && k.text == "(") {
      ++p_;
      if (++depth_ > 100) throw NotExpr{};
      int64_t v = binary(1);
      if (p_ >= end_ || t_[p_].text != ")") throw NotExpr{};
      ++p_;
      --depth_;
      return v;
    }
    if (k.kind == Token::Number) {
      ++p_;
      return static_cast<int64_t>(k.value);
    }
    if (k.kind == Token::Ident && k.text[0] != '.' && !cx_.regnames.count(lower(k.text))) {
      ++p_;
      auto it = cx_.symbols.find(k.text);
      if (it != cx_.symbols.end()) return static_cast<int64_t>(it->second);
      if (eval_) throw ExprError{k.col, "undefined symbol '" + k.text + "'"};
      return 0;
    }
    throw NotExpr{};
  }
};

} // namespace

size_t expr_end(const std::vector<Token>& t, size_t p, const std::string& stop, const ExprContext& cx) {
  Parser ps(t, p, t.size(), stop, false, cx);
  try {
    ps.binary(1);
  } catch (const NotExpr&) {
    return SIZE_MAX;
  }
  return ps.pos();
}

int64_t expr_eval(const std::vector<Token>& t, size_t b, size_t e, const ExprContext& cx) {
  Parser ps(t, b, e, "", true, cx);
  try {
    int64_t v = ps.binary(1);
    if (ps.pos() != e) throw ExprError{t[ps.pos()].col, "unexpected '" + t[ps.pos()].text + "'"};
    return v;
  } catch (const NotExpr&) {
    throw ExprError{b < t.size() ? t[b].col : 0, "malformed expression"};
  }
}

} // namespace popek::assembler
