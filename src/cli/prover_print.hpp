// Printing the prover's results for people (a table, verdicts, one-line
// witnesses) and for programs (JSON, docs/cli.md), and saving witness cases.
#pragma once

#include "prover/classify.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <thread>

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
// The options `classify` and `prove` share: queries in parallel, the time
// limit, which VM the queries are about (`--allocation BASE SIZE`,
// `--any-allocation`, or by default the VMM's own: the allocation `popek diff`
// and cases use), whether to ask what a proved VMM step contains, and where
// witness cases go.
struct ProverArgs {
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency()), timeout_ms = 0;
  std::vector<uint64_t> allocation;
  bool any_allocation = false, every_query = false, progress = false;
  std::string save_witnesses;
};
void add_prover_options(CLI::App* sub, ProverArgs& a);
// The prover's options from the command line's; false, with the reason on
// stderr, for an allocation the VMM cannot use.
bool prover_options(const model::Model& m, const ProverArgs& a, prover::Options& out);

// "the VM at base 256, size 512", "every VM allocation"; in JSON {"base", "size"} or "any".
std::string allocation_text(const std::optional<vmm::Allocation>& a);
nlohmann::json allocation_json(const std::optional<vmm::Allocation>& a);

// "-", "u", "s", "us", "?": the modes in which a per-mode property holds
// (u: the least privileged mode; s: the others; ?: unknown).
std::string held_modes(const prover::Row& r, prover::Property p, int unit = -1);

// The model as a case names it: a bundled model by name, another by its path
// relative to `dir`.
std::string model_ref(const model::Model& m, const std::string& dir);

} // namespace popek::cli
