#include "model/encoding.hpp"

#include "model/ir.hpp"

namespace popek::model {

uint64_t Encoding::extract(unsigned field, Bits raw) const {
  uint64_t v = 0;
  for (const Slice& s : fields[field].slices) {
    unsigned n = s.hi - s.lo + 1;
    v |= (static_cast<uint64_t>(raw >> s.pos) & width_mask(n)) << s.lo;
  }
  return v;
}

Bits Encoding::insert(unsigned field, uint64_t value, Bits raw) const {
  for (const Slice& s : fields[field].slices) {
    unsigned n = s.hi - s.lo + 1;
    Bits part = static_cast<Bits>((value >> s.lo) & width_mask(n));
    Bits m = static_cast<Bits>(width_mask(n)) << s.pos;
    raw = (raw & ~m) | (part << s.pos);
  }
  return raw;
}

bool Encoding::excludes(Bits raw, unsigned known) const {
  for (const Exclusion& x : excluded) {
    bool present = true;
    for (const Slice& s : fields[x.field].slices) present = present && known >= bits - s.pos;
    // Bits below the known prefix are zero in `raw`; only judge complete fields.
    if (present && extract(x.field, raw) == x.value) return true;
  }
  return false;
}

int Encoding::find_field(const std::string& name) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string bits_to_hex(Bits v, unsigned nbits) {
  unsigned digits = (nbits + 3) / 4;
  if (digits == 0) digits = 1;
  std::string s(digits, '0');
  for (unsigned i = 0; i < digits; ++i) {
    s[digits - 1 - i] = "0123456789abcdef"[static_cast<unsigned>(v & 15)];
    v >>= 4;
  }
  return "0x" + s;
}

} // namespace popek::model
