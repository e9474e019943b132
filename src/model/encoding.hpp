// Instruction encodings as data: fixed bits (mask/match) and operand fields
// made of slices. An instruction is one or more fetch units; unit 0 supplies the
// most significant bits of the instruction's bit string.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace popek::model {

using Bits = unsigned __int128; // up to 128 instruction bits

struct Slice {
  unsigned hi, lo; // bits of the field
  unsigned pos;    // instruction bit (from the least significant end) holding field bit `lo`
};

struct EncField {
  std::string name;
  unsigned width = 0; // bits not covered by any slice read as zero
  std::vector<Slice> slices;
};

struct Encoding {
  unsigned units = 1; // length in fetch units
  unsigned bits = 0;  // units * unit width
  Bits mask = 0, match = 0;
  std::vector<EncField> fields;
  std::string pattern; // as written in the model, for display

  bool matches(Bits raw) const { return (raw & mask) == match; }
  uint64_t extract(unsigned field, Bits raw) const;
  // Places `value` (already fitting the field) into `raw`.
  Bits insert(unsigned field, uint64_t value, Bits raw) const;
  int find_field(const std::string& name) const;
};

std::string bits_to_hex(Bits v, unsigned nbits);

} // namespace popek::model
