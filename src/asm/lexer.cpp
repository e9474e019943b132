#include "asm/lexer.hpp"

#include <cctype>

namespace popek::assembler {

namespace {
// '.' may start a name (directives) but not continue one, so "{a}.{b}" templates work.
bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

bool parse_number(const std::string& s, uint64_t& v) {
  int base = 10;
  size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    base = 16, i = 2;
  else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
    base = 2, i = 2;
  v = 0;
  if (i >= s.size()) return false;
  for (; i < s.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    if (c == '_') continue;
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
    if (d >= base) return false;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return true;
}
} // namespace

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool tokenize_line(const std::string& line, std::vector<Token>& out, size_t& bad) {
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t{Token::Punct, "", 0, i};
    if (ident_start(c)) {
      size_t j = i + 1;
      while (j < line.size() && ident_char(line[j])) ++j;
      t.kind = Token::Ident;
      t.text = line.substr(i, j - i);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) || line[j] == '_')) ++j;
      t.kind = Token::Number;
      t.text = line.substr(i, j - i);
      if (!parse_number(t.text, t.value)) {
        bad = i;
        return false;
      }
      i = j;
    } else if (std::ispunct(static_cast<unsigned char>(c))) {
      t.text = std::string(1, c);
      ++i;
    } else {
      bad = i;
      return false;
    }
    out.push_back(std::move(t));
  }
  return true;
}

} // namespace popek::assembler
