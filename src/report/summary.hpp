// Figures and words the Markdown and HTML renderings share, so that both say
// the same thing the same way (internal to src/report).
#pragma once

#include "report/report.hpp"

#include <string>
#include <vector>

namespace popek::report {

// "holds", "fails", "unknown".
const char* holds_word(prover::Tri t);
// "holds", "fails against 2: a b", "unknown (a query the solver could not answer)".
std::string verdict_text(const prover::ModelVerdict& v);
// The names of every verdict of every model, in order of first appearance
// (a model may have verdicts another has not).
std::vector<std::string> verdict_names(const Report& r);
// The verdict of that name, or null.
const prover::ModelVerdict* find_verdict(const prover::Classification& c, const std::string& name);

// How many instructions the prover flags for a campaign's strategy, and how many of them it found.
struct FoundOf {
  size_t found = 0, flagged = 0;
};
FoundOf found_of(const check::ModelCheck& mc, const check::Campaign& k);

// a / b as a percentage (100 for b = 0), and as text: "42.0%".
double percent(size_t a, size_t b);
std::string percent_text(size_t a, size_t b);
// "1.2M", "35k", "870": a rate for people.
std::string rate_text(double per_s);
double execs_per_second(const fuzz::CampaignResult& r);
// "trap-emulate", "hybrid", "trap-emulate nested" (the VMM under itself, Theorem 2).
std::string efficiency_label(const check::Efficiency& e);

// "no example guest (examples/pg_lra/)" or "enter_user.s": the guests' file names.
std::string guest_names(const check::ModelCheck& mc);

using check::nesting_lines;

} // namespace popek::report
