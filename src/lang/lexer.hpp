// Tokens of the model language. Newlines are whitespace: every statement starts
// with a keyword or an assignment target, so no separator is needed.
#pragma once

#include "util/diag.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace popek::lang {

enum class Tok {
  End,
  Ident,
  Int, // text kept verbatim: encodings read `0101` as bits, expressions as a number
  String,
  Punct, // operators and delimiters, text in `text`
};

struct Token {
  Tok kind = Tok::End;
  std::string text;
  uint64_t value = 0; // for Int
  int line = 0, col = 0;
};

// Splits `source` into tokens; throws InputError at the first bad character,
// unterminated string or out-of-range number.
std::vector<Token> lex(const std::string& file, const std::string& source);

} // namespace popek::lang
