// Printing the prover's results for people (a table, verdicts, one-line
// witnesses) and for programs (JSON, docs/cli.md), and saving witness cases.
#pragma once

#include "prover/classify.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace popek::cli {

std::string classification_text(const prover::Classification& c, unsigned jobs);
nlohmann::json classification_json(const prover::Classification& c);
nlohmann::json finding_json(const prover::Finding& f);

// Writes each finding's witness case into `dir` (atomically, one file each),
// naming the model so the case replays from there. False, with a message on
// stderr, if a file cannot be written.
bool save_witnesses(const model::Model& m, const std::vector<const prover::Finding*>& findings, const std::string& dir);

// A file name from a query's name: "rtu: equivalence (user)" -> "rtu-equivalence-user".
std::string slug(std::string s);

// Loads MODEL for the prover; null (with the reason on stderr) when it cannot
// be loaded or has no vmm block.
std::shared_ptr<const model::Model> load_provable(const std::string& arg);
// The prover's options from the command line's.
prover::Options prover_options(unsigned jobs, unsigned timeout_ms);

// The model as a case names it: a bundled model by name, another by its path
// relative to `dir`.
std::string model_ref(const model::Model& m, const std::string& dir);

} // namespace popek::cli
