// Assembly syntax templates such as "add {a}, {b}, {c}": literal text and
// operand placeholders naming encoding fields. The assembler and the
// disassembler are both derived from them.
#pragma once

#include <string>
#include <vector>

namespace popek::model {

struct SyntaxPiece {
  enum Kind { Text, Operand } kind = Text;
  std::string text;   // Text: literal characters (whitespace collapsed to one space)
  unsigned field = 0; // Operand: encoding field index
  enum Format { Unsigned, Signed, RegName } format = Unsigned;
  unsigned file = 0; // RegName: index of the register file whose names are used
};

struct Syntax {
  std::string text; // as written
  std::vector<SyntaxPiece> pieces;
};

} // namespace popek::model
