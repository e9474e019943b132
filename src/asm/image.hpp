// A program as memory contents: units of the code memory by address. Also the
// plain-text image format written by `popek asm` and read by `popek disasm`
// and `popek run` (lines of `ADDR: UNIT UNIT ... ; comment`, hexadecimal).
#pragma once

#include "model/model.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace popek::assembler {

struct Image {
  std::map<uint64_t, uint64_t> units; // address (in code-memory units) -> value
  std::map<std::string, uint64_t> symbols;
  std::map<uint64_t, std::string> labels; // address -> first label placed there (outside .phase)
  struct Line {
    uint64_t addr;
    unsigned count;   // units emitted
    std::string text; // source text, for listings
  };
  std::vector<Line> lines;
};

// Memory units of an instruction of `fetch_units` fetch units, in address order:
// fetch unit j occupies `fetch_step` memory units, ordered by the memory's endianness.
std::vector<uint64_t> to_units(const model::Model& m, model::Bits raw, unsigned fetch_units);
// The inverse: the fetch units starting at `addr`; false if some unit is absent.
bool fetch_from(const model::Model& m, const std::map<uint64_t, uint64_t>& units, uint64_t addr, unsigned fetch_units,
                model::Bits& raw);

std::string write_image(const model::Model& m, const Image& img);
// Parses the text format; on error returns false with `error` = "file:line:col: message".
bool read_image(const model::Model& m, const std::string& path, const std::string& text, Image& img,
                std::string& error);

} // namespace popek::assembler
