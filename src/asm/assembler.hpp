// The assembler derived from the model's syntax templates. Source lines are
//   [label:]... [instruction | directive] [; comment]
// with directives .org, .word, .byte, .zero, .equ, .phase/.dephase (see
// docs/assembly.md). Two passes: the first matches templates and places
// labels, the second evaluates operands and encodes.
#pragma once

#include "asm/image.hpp"

#include <string>

namespace popek::assembler {

struct AsmResult {
  Image image;
  std::string error; // "file:line:col: message"; empty on success
};

// `first_line`: the line number of the text's first line in `path` (a program
// embedded in a larger file, such as a corpus case).
AsmResult assemble(const model::Model& m, const std::string& path, const std::string& text, int first_line = 1);

} // namespace popek::assembler
