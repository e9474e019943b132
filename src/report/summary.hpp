// Figures and words the Markdown and HTML renderings share, so that both say
// the same thing the same way (internal to src/report).
#pragma once

#include "check/words.hpp"
#include "report/report.hpp"

#include <string>
#include <vector>

namespace popek::report {

// The names of every verdict of every model, in order of first appearance
// (a model may have verdicts another has not).
std::vector<std::string> verdict_names(const Report& r);
// The verdict of that name, or null.
const prover::ModelVerdict* find_verdict(const prover::Classification& c, const std::string& name);

// a / b as a percentage (100 for b = 0), and as text: "42.0%".
double percent(size_t a, size_t b);
std::string percent_text(size_t a, size_t b);
// "1.2M", "35k", "870": a rate for people.
std::string rate_text(double per_s);
double execs_per_second(const fuzz::CampaignResult& r);

using check::efficiency_label;
using check::found_of;
using check::FoundOf;
using check::guest_names;
using check::holds_word;
using check::nesting_lines;
using check::verdict_meaning;
using check::verdict_text;

} // namespace popek::report
