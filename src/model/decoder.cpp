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
      if (((raw ^ (e.match >> drop)) & (e.mask >> drop)) == 0) r.kind = Result::NeedMore;
    }
  }
  return r;
}

} // namespace popek::model
