#include "lang/lexer.hpp"

#include <array>
#include <cctype>
#include <string_view>

namespace popek::lang {
namespace {

// Longest first, so `<=_s` wins over `<=` and `<`.
constexpr std::array<std::string_view, 33> kPuncts = {
    "<=_s", ">=_s", ">>_s", "<_s", ">_s", "/_s", "%_s", "->", "..", "==", "!=", "<=", ">=", "<<", ">>", "&&", "||",
    "++",   "+",    "-",    "*",   "/",   "%",   "&",   "|",  "^",  "~",  "!",  "<",  ">",  "=",  ":",  ","};
constexpr std::string_view kSingles = ".()[]{}";

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

} // namespace

std::vector<Token> lex(const std::string& file, const std::string& src) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1, col = 1;
  auto fail = [&](const std::string& msg) -> void { throw InputError({file, line, col}, msg); };
  auto advance = [&](size_t n) {
    for (size_t k = 0; k < n && i < src.size(); ++k, ++i) {
      if (src[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
  };
  while (i < src.size()) {
    char c = src[i];
    if (c == '#') {
      while (i < src.size() && src[i] != '\n') advance(1);
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      advance(1);
      continue;
    }
    Token t;
    t.line = line;
    t.col = col;
    if (ident_start(c)) {
      size_t j = i;
      while (j < src.size() && ident_char(src[j])) ++j;
      t.kind = Tok::Ident;
      t.text = src.substr(i, j - i);
      advance(j - i);
      out.push_back(std::move(t));
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < src.size() && (ident_char(src[j]))) ++j;
      t.kind = Tok::Int;
      t.text = src.substr(i, j - i);
      std::string digits;
      int base = 10;
      std::string_view body = t.text;
      if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
        base = 16;
        body.remove_prefix(2);
      } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
        base = 2;
        body.remove_prefix(2);
      }
      for (char d : body)
        if (d != '_') digits.push_back(d);
      if (digits.empty()) fail("malformed number '" + t.text + "'");
      uint64_t v = 0;
      for (char d : digits) {
        int dv = std::isdigit(static_cast<unsigned char>(d))    ? d - '0'
                 : std::isxdigit(static_cast<unsigned char>(d)) ? std::tolower(static_cast<unsigned char>(d)) - 'a' + 10
                                                                : 99;
        if (dv >= base) fail("malformed number '" + t.text + "'");
        if (v > (UINT64_MAX - static_cast<uint64_t>(dv)) / static_cast<uint64_t>(base))
          fail("number '" + t.text + "' does not fit in 64 bits");
        v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(dv);
      }
      t.value = v;
      advance(j - i);
      out.push_back(std::move(t));
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;
      std::string s;
      while (j < src.size() && src[j] != '"') {
        if (src[j] == '\n') fail("unterminated string");
        if (src[j] == '\\' && j + 1 < src.size()) ++j;
        s.push_back(src[j]);
        ++j;
      }
      if (j >= src.size()) fail("unterminated string");
      t.kind = Tok::String;
      t.text = s;
      advance(j + 1 - i);
      out.push_back(std::move(t));
      continue;
    }
    bool matched = false;
    for (std::string_view p : kPuncts) {
      if (src.compare(i, p.size(), p) == 0) {
        // `<_s` and friends only when the `s` ends the token (identifiers never start with `_`).
        if (p.back() == 's' && i + p.size() < src.size() && ident_char(src[i + p.size()])) continue;
        t.kind = Tok::Punct;
        t.text = std::string(p);
        advance(p.size());
        matched = true;
        break;
      }
    }
    if (!matched && kSingles.find(c) != std::string_view::npos) {
      t.kind = Tok::Punct;
      t.text = std::string(1, c);
      advance(1);
      matched = true;
    }
    if (!matched) {
      if (std::isprint(static_cast<unsigned char>(c))) fail(std::string("unexpected character '") + c + "'");
      fail("unexpected byte 0x" + std::string(1, "0123456789abcdef"[(c >> 4) & 15]) +
           std::string(1, "0123456789abcdef"[c & 15]) + " (model files are ASCII)");
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = Tok::End;
  end.line = line;
  end.col = col;
  out.push_back(end);
  return out;
}

} // namespace popek::lang
