// Shrinking a divergent case to the least that still shows its divergence:
// the same instruction diverging, of the same kind, in the same components.
#pragma once

#include "corpus/replay.hpp"

namespace popek::corpus {

struct MinimizeStats {
  unsigned runs = 0;                          // lockstep runs tried
  size_t lines_before = 0, lines_after = 0;   // program lines (blank and comment lines not counted)
  size_t state_before = 0, state_after = 0;   // state lines
  uint64_t steps_before = 0, steps_after = 0; // max-steps
};

// Minimizes `c` into `out`: delta debugging over the program's lines, then each
// state line dropped or its value shrunk towards zero, then max-steps cut to
// the divergence's step. The expectation is kept as written. False with
// `error` when the case is bad or its run shows no divergence.
bool minimize(const Case& c, ModelCache& models, Case& out, MinimizeStats& stats, std::string& error,
              unsigned max_runs = 20000);

} // namespace popek::corpus
