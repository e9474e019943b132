#include "asm/matcher.hpp"

#include <cctype>
#include <fmt/format.h>

namespace popek::assembler {

namespace {
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
size_t skip_space(const std::string& s, size_t p) {
  while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
  return p;
}
std::string describe_at(const std::string& line, size_t p) {
  if (p >= line.size()) return "the end of the line";
  size_t e = p + 1;
  if (word_char(line[p]))
    while (e < line.size() && word_char(line[e])) ++e;
  return fmt::format("'{}'", line.substr(p, e - p));
}
} // namespace

std::string template_mnemonic(const model::Syntax& s) {
  std::string w;
  for (char c : s.pieces.empty() ? std::string() : s.pieces[0].text) {
    if (!word_char(c)) break;
    w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return w;
}

namespace {
bool match_chars(const model::Model& m, unsigned insn, const std::string& line, size_t start, const ExprContext& cx,
                 std::vector<MatchedOperand>& ops, MatchFail& fail) {
  const model::Instruction& in = m.insns[insn];
  const auto& pieces = in.syntax.pieces;
  size_t p = start;
  ops.clear();
  for (size_t k = 0; k < pieces.size(); ++k) {
    const model::SyntaxPiece& piece = pieces[k];
    if (piece.kind == model::SyntaxPiece::Text) {
      const std::string& t = piece.text;
      for (size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (c == ' ') {
          size_t q = skip_space(line, p);
          if (q == p && p > 0 && p < line.size() && word_char(line[p - 1]) && word_char(line[p])) {
            fail = {p, "expected a space, found " + describe_at(line, p)};
            return false;
          }
          p = q;
          continue;
        }
        // Space may precede punctuation, and a word that starts after punctuation.
        bool word_start = word_char(c) && (i == 0 ? k > 0 : !word_char(t[i - 1]));
        if (!word_char(c) || word_start) p = skip_space(line, p);
        if (p >= line.size() ||
            std::tolower(static_cast<unsigned char>(line[p])) != std::tolower(static_cast<unsigned char>(c))) {
          fail = {p, "expected '" + std::string(1, c) + "', found " + describe_at(line, p)};
          return false;
        }
        ++p;
      }
      // A template word must not stop in the middle of a line's word ("add" in "addx").
      if (!t.empty() && word_char(t.back()) && k + 1 == pieces.size() && p < line.size() && word_char(line[p])) {
        fail = {p, "unexpected " + describe_at(line, p)};
        return false;
      }
      continue;
    }
    p = skip_space(line, p);
    MatchedOperand op;
    op.field = piece.field;
    op.piece = static_cast<unsigned>(k);
    op.begin = p;
    if (piece.format == model::SyntaxPiece::RegName) {
      const model::Register& file = m.regs[piece.file];
      size_t e = p;
      while (e < line.size() && word_char(line[e])) ++e;
      std::string name = lower(line.substr(p, e - p));
      for (unsigned i = 0; i < file.asm_names.size() && !op.reg; ++i)
        if (lower(file.asm_names[i]) == name) {
          op.reg = true;
          op.reg_index = i;
        }
      if (!op.reg) {
        fail = {p, "expected a register of '" + file.name + "', found " + describe_at(line, p)};
        return false;
      }
      op.end = p = e;
    } else {
      std::vector<Token> toks;
      size_t bad = 0;
      tokenize_line(line.substr(p), toks, bad); // an untokenizable rest just ends the expression
      std::string stop;
      if (k + 1 < pieces.size() && pieces[k + 1].kind == model::SyntaxPiece::Text) {
        size_t q = pieces[k + 1].text.find_first_not_of(' ');
        if (q != std::string::npos) stop = std::string(1, pieces[k + 1].text[q]);
      }
      size_t e = expr_end(toks, 0, stop, cx);
      if (e == SIZE_MAX || e == 0) {
        fail = {p, "expected a value for '" + in.enc.fields[piece.field].name + "', found " + describe_at(line, p)};
        return false;
      }
      op.end = p + toks[e - 1].col + toks[e - 1].text.size();
      p = op.end;
    }
    ops.push_back(op);
  }
  p = skip_space(line, p);
  if (p < line.size()) {
    fail = {p, "unexpected " + describe_at(line, p)};
    return false;
  }
  return true;
}
} // namespace

bool match_template(const model::Model& m, unsigned insn, const std::string& line, size_t start, const ExprContext& cx,
                    std::vector<MatchedOperand>& ops, MatchFail& fail) {
  if (match_chars(m, insn, line, start, cx, ops, fail)) return true;
  // A failure at the end of the line points just after its last character.
  size_t end = line.find_last_not_of(" \t\r") + 1;
  if (fail.col > end) fail.col = end;
  return false;
}

} // namespace popek::assembler
