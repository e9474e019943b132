// Tokens of one assembly line: identifiers (directives start with '.'),
// numbers (decimal, 0x, 0b) and single punctuation characters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace popek::assembler {

struct Token {
  enum Kind { Ident, Number, Punct } kind;
  std::string text;
  uint64_t value = 0;
  size_t col = 0; // 0-based column in the line
};

// False with `bad` set to the column of a character that starts no token.
bool tokenize_line(const std::string& line, std::vector<Token>& out, size_t& bad);
std::string lower(std::string s);
std::string trim(const std::string& s);

} // namespace popek::assembler
