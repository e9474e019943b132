#include "model/decoder.hpp"

namespace popek::model {

Decoder::Decoder(const Model& m) : m_(m), max_units_(m.max_insn_units()) {}

Decoder::Result Decoder::lookup(Bits raw, unsigned units) const {
  Result r;
  const unsigned have = units * m_.fetch_unit;
  for (size_t i = 0; i < m_.insns.size(); ++i) {
    const Encoding& e = m_.insns[i].enc;
    if (e.units == units) {
      if (e.matches(raw)) return {Result::Match, static_cast<int>(i)};
    } else if (e.units > units) {
      unsigned drop = e.bits - have;
      // A field already complete in the prefix may hold an excluded value.
      if (((raw ^ (e.match >> drop)) & (e.mask >> drop)) == 0 && !e.excludes(raw << drop, have))
        r.kind = Result::NeedMore;
    }
  }
  return r;
}

Decoder::Decoded Decoder::decode(std::span<const uint64_t> units) const {
  Decoded d;
  if (units.empty()) return d;
  d.raw = units[0];
  Bits raw = 0;
  for (unsigned k = 1; k <= max_units_ && k <= units.size(); ++k) {
    raw = (raw << m_.fetch_unit) | units[k - 1];
    Result r = lookup(raw, k);
    if (r.kind == Result::Match) return {r.insn, k, raw};
    if (r.kind != Result::NeedMore) break;
  }
  return d;
}

} // namespace popek::model
