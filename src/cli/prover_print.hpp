// Printing the prover's results for people (a table, verdicts, one-line
// witnesses) and for programs (JSON, docs/cli.md), and saving witness cases.
#pragma once

#include "prover/classify.hpp"

#include <CLI/CLI.hpp>
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
// Which VM the queries are about: `--allocation BASE SIZE`, `--any-allocation`,
// or by default the VMM's own (the allocation `popek diff` and cases use).
struct AllocationArgs {
  std::vector<uint64_t> allocation;
  bool any = false;
};
void add_allocation_options(CLI::App* sub, AllocationArgs& a);
// "the VM at base 256, size 512", "every VM allocation"
std::string allocation_text(const std::optional<vmm::Allocation>& a);

// The prover's options from the command line's; false, with the reason on
// stderr, for an allocation the VMM cannot use.
bool prover_options(const model::Model& m, unsigned jobs, unsigned timeout_ms, const AllocationArgs& a,
                    prover::Options& out);

// The model as a case names it: a bundled model by name, another by its path
// relative to `dir`.
std::string model_ref(const model::Model& m, const std::string& dir);

} // namespace popek::cli
