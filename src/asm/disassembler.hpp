// The disassembler derived from the model's syntax templates. Its output is
// assembly source: assembling it gives back the same memory units.
#pragma once

#include "asm/image.hpp"

#include <string>

namespace popek::assembler {

// One instruction's text, from its raw bits.
std::string format_insn(const model::Model& m, int insn, model::Bits raw);

// The whole image as source: instructions where units decode, data elsewhere,
// `.org` at every gap; each line commented with its address and units.
std::string disassemble(const model::Model& m, const Image& img);

} // namespace popek::assembler
