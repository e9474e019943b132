// A check's results in words, for the atlas (src/cli/atlas_print) and the
// reports (src/report), so that both say the same thing the same way.
#pragma once

#include "check/check.hpp"

#include <string>
#include <vector>

namespace popek::check {

// "holds", "fails", "unknown".
const char* holds_word(prover::Tri t);
// "holds", "fails against 2: a b", "unknown (a query the solver could not answer)".
std::string verdict_text(const prover::ModelVerdict& v);
// What the verdict means for the model. Its statement is what holding means,
// so only a verdict that holds says it; one that fails says what is listed
// breaks it, and an unknown one which answers it lacks.
std::string verdict_meaning(const prover::ModelVerdict& v);

// How many instructions the prover flags for a campaign's strategy, and how many of them it found.
struct FoundOf {
  size_t found = 0, flagged = 0;
};
FoundOf found_of(const ModelCheck& mc, const Campaign& k);

// "trap-emulate", "hybrid", "trap-emulate nested" (the VMM under itself, Theorem 2).
std::string efficiency_label(const Efficiency& e);
// "no example guest (examples/pg_lra/)" or "kernel.s, loop.s": the guests' file names.
std::string guest_names(const ModelCheck& mc);

// The words against Theorems 1 and 3 (each with its witness: sensitive; not
// trapping), and the words that separate the readings of privileged (against
// the paper's letter, yet trapping in the least privileged mode): headings
// indented two spaces, entries six.
std::vector<std::string> word_lines(const prover::Classification& c);

// Theorem 2's evidence, a line each: the nested allocation, hosting, the
// fetch, the instructions flagged nested (and those flagged only nested),
// internal errors. Empty when the check did not ask.
std::vector<std::string> nesting_lines(const ModelCheck& mc);

} // namespace popek::check
