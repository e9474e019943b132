// Constant expressions in assembly operands and directives: numbers, symbols,
// C-like operators (loosest first: | ^ & (<< >>) (+ -) (* / %)), unary - ~ +,
// and parentheses.
#pragma once

#include "asm/lexer.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace popek::assembler {

struct ExprError {
  size_t col;
  std::string msg;
};

struct ExprContext {
  const std::map<std::string, uint64_t>& symbols;
  const std::set<std::string>& regnames; // lower-cased; never symbols
};

// The end of the expression starting at token `p`, or SIZE_MAX if none starts
// there. It ends at a token that cannot continue it, or (outside parentheses)
// at a token equal to `stop`, the template's next literal.
size_t expr_end(const std::vector<Token>& t, size_t p, const std::string& stop, const ExprContext& cx);

// The value of tokens [b, e); throws ExprError for an undefined symbol or a
// division by zero.
int64_t expr_eval(const std::vector<Token>& t, size_t b, size_t e, const ExprContext& cx);

} // namespace popek::assembler
