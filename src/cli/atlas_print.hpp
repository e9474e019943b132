// The atlas for people: one block per model (its theorems and VMM verdicts,
// each flagged instruction by kind with a witness in words, the fuzzing, the
// cross-check, efficiency and time), then a table of all the models.
#pragma once

#include "check/check.hpp"

#include <string>
#include <vector>

namespace popek::cli {

std::string atlas_block(const check::ModelCheck& c);
std::string atlas_table(const std::vector<check::ModelCheck>& cs);

} // namespace popek::cli
