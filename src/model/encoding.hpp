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

// A value a field must not hold: the bits then belong to another encoding
// (`mod:2 != 3`, `rs1:5 != 0`).
struct Exclusion {
  unsigned field;
  uint64_t value;
};

struct Encoding {
  unsigned units = 1; // length in fetch units
  unsigned bits = 0;  // units * unit width
  Bits mask = 0, match = 0;
  std::vector<EncField> fields;
  std::vector<Exclusion> excluded;
  std::string pattern; // as written in the model, for display

  bool matches(Bits raw) const { return (raw & mask) == match && !excludes(raw); }
  // Whether a field of `raw` holds an excluded value. `known` is how many of
  // the most significant bits are present (a prefix, shifted into place); a
  // field with a bit beyond them cannot be judged yet and excludes nothing.
  bool excludes(Bits raw, unsigned known = ~0u) const;
  uint64_t extract(unsigned field, Bits raw) const;
  // Places `value` (already fitting the field) into `raw`.
  Bits insert(unsigned field, uint64_t value, Bits raw) const;
  int find_field(const std::string& name) const;
};

std::string bits_to_hex(Bits v, unsigned nbits);

} // namespace popek::model
