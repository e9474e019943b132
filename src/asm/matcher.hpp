// Matching an assembly line against an instruction's syntax template, character
// by character, so that templates may glue operands to text ("r{a}", "{a}.{b}",
// "{imm}({rs:x})"). A space in a template matches any amount of white space,
// but is required between two letters or digits ("add 1" is not "addi").
#pragma once

#include "asm/expr.hpp"
#include "model/model.hpp"

#include <string>
#include <vector>

namespace popek::assembler {

struct MatchedOperand {
  unsigned field = 0;
  unsigned piece = 0;        // the syntax piece it fills
  size_t begin = 0, end = 0; // characters of the operand in the line
  bool reg = false;          // a register name: its index is known already
  uint64_t reg_index = 0;
};

struct MatchFail {
  size_t col = 0; // 0-based column in the line
  std::string msg;
};

// Matches `line` from character `start` against instruction `insn`'s template.
bool match_template(const model::Model& m, unsigned insn, const std::string& line, size_t start, const ExprContext& cx,
                    std::vector<MatchedOperand>& ops, MatchFail& fail);

// The mnemonic of a template: its leading word, lower-cased.
std::string template_mnemonic(const model::Syntax& s);

} // namespace popek::assembler
