// The decoder derived from the encodings. Instructions may span several fetch
// units; the checker guarantees no encoding is a prefix of another, so at most
// one instruction matches.
#pragma once

#include "model/model.hpp"

#include <span>

namespace popek::model {

class Decoder {
public:
  explicit Decoder(const Model& m);

  struct Result {
    enum Kind { Match, NeedMore, None } kind = None;
    int insn = -1;
  };
  // `raw` holds the first `units` fetch units (unit 0 most significant).
  Result lookup(Bits raw, unsigned units) const;

  // The instruction at the start of `units` (fetch units, in order): its
  // index, length in units and bits; insn -1, length 1 and the first unit's
  // bits when no instruction's encoding matches there.
  struct Decoded {
    int insn = -1;
    unsigned units = 1;
    Bits raw = 0;
  };
  Decoded decode(std::span<const uint64_t> units) const;
  unsigned max_units() const { return max_units_; }

private:
  const Model& m_;
  unsigned max_units_ = 1;
};

} // namespace popek::model
