// The classification in a few stable lines (`popek classify --summary`): the
// verdicts, then which instructions have each property and which are flagged.
// proofs/<model>.expect holds such lines for each bundled model, written and
// checked by people; `--expect FILE` compares the tool's answer with them.
#pragma once

#include "prover/classify.hpp"

#include <optional>
#include <string>
#include <vector>

namespace popek::cli {

std::string classification_summary(const prover::Classification& c);

// An expectation file's lines (blank lines and `#` comments left out), with
// their line numbers; nullopt, with `error` set, when it cannot be read.
struct Expectation {
  std::string path;
  std::vector<std::string> lines;
  std::vector<int> numbers;
};
std::optional<Expectation> read_expectation(const std::string& path, std::string& error);

// The differences between `summary` and `e`, one `path:line: ...` each.
std::vector<std::string> compare_expectation(const std::string& summary, const Expectation& e);

} // namespace popek::cli
