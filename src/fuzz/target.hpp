// The differential fuzz target: one input is one lockstep run (src/diff) of
// its guest, natively and under the selected VMM, for a few steps. It counts
// the model coverage the run reached (coverage.hpp) and records a divergence
// with a new signature as a finding (findings.hpp). libFuzzer is not needed
// here: fuzz/diff_fuzzer.cpp and `popek fuzz` (campaign.hpp) drive it.
#pragma once

#include "fuzz/coverage.hpp"
#include "fuzz/findings.hpp"
#include "fuzz/input.hpp"

#include <memory>
#include <optional>
#include <string>

namespace popek::fuzz {

struct TargetOptions {
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate;
  std::optional<vmm::Allocation> allocation; // default: vmm::default_allocation
  uint64_t max_steps = 0;                    // per run; 0: one per fetch unit of the program, plus 8
  std::string findings;                      // folder; empty: nothing written
  std::string model_ref;                     // how cases name the model
  std::string models_dir;                    // where cases find bundled models
};

class Target {
public:
  // Throws nothing; a model without a vmm block or an unusable allocation
  // leaves the target !ok() with error() saying why.
  Target(std::shared_ptr<const model::Model> m, const TargetOptions& o);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  enum Result {
    Rejected, // the initial state is not a well-formed virtual state: not a run
    Agreed,   // no divergence within the step budget
    Outgrown, // an allocation divergence: the guest asked for more than its VM holds (not a finding)
    Known,    // a divergence whose signature was found before
    New,      // a divergence with a new signature, now recorded
  };
  Result run(std::span<const uint8_t> bytes);

  // This run's counters (cleared at the start of each run), and every counter
  // any run reached so far.
  const std::vector<uint8_t>& counters() const { return counters_; }
  const std::vector<uint8_t>& seen() const { return seen_; }
  const CoverageMap& coverage() const { return map_; }
  uint64_t runs() const { return runs_; }

  // The last divergence (valid after Known or New), its signature, and for
  // New the path of its case ("" without a folder) and any warning.
  const diff::Divergence& divergence() const { return last_; }
  const Signature& last_signature() const { return sig_; }
  const std::string& finding_path() const { return path_; }
  const std::string& warning() const { return warning_; }

  const model::Model& model() const { return *m_; }
  const vmm::Allocation& allocation() const { return alloc_; }

private:
  std::shared_ptr<const model::Model> m_;
  TargetOptions opts_;
  vmm::Allocation alloc_;
  std::string error_;
  CoverageMap map_;
  std::optional<diff::Lockstep> lockstep_;
  std::optional<machine::Machine> initial_;
  std::optional<Findings> findings_;
  uint64_t program_at_ = 0;
  Input input_; // reused: a run allocates nothing once warm
  std::vector<vmm::Vmm::Unit> changed_;
  std::vector<uint64_t> new_vm_; // register cells of a new VM (apply's reset and vmm reset)
  std::vector<uint8_t> counters_, seen_;
  uint64_t runs_ = 0;
  diff::Divergence last_;
  Signature sig_;
  std::string path_, warning_, start_error_;
};

} // namespace popek::fuzz
