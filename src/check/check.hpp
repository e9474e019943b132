// The main job (`popek check`): every method popek has, run on one model,
// and the cross-check between them. The prover classifies every instruction
// and decides the VMM obligations of both strategies (its witnesses replayed
// in the concrete lockstep runner); a short seeded fuzz campaign runs each
// strategy; the example guests measure efficiency. The methods agree when
// every witness replays and every instruction the fuzzer found divergent is
// one the prover flagged (fuzzing need not find them all).
#pragma once

#include "fuzz/campaign.hpp"
#include "prover/classify.hpp"
#include "prover/theorem2.hpp"
#include "vmm/vmm.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace popek::check {

struct Options {
  prover::Options prover;
  uint64_t fuzz_runs = 20000; // per strategy; with one job and a seed, a campaign repeats exactly
  uint64_t seed = 1;
  std::string findings; // folder: each campaign's findings go to FOLDER/MODEL/STRATEGY
  std::string exe;      // the popek executable the fuzz workers run ("" for this one)
  std::string models_dir, examples_dir;
  // Called as each part starts and as it goes: `done` of `total` (0: unknown).
  std::function<void(const std::string& part, size_t done, size_t total)> progress;
  // What-if hardware (model/whatif.hpp): these instructions made to trap
  // below the most privileged mode, then the smallest such set found.
  std::vector<std::string> trap;
};

// The model as if `insns` trapped below its most privileged mode, classified.
struct WhatIf {
  std::vector<std::string> insns;
  prover::Classification classification;
  bool virtualizable() const; // Theorem 1 holds and the trap-and-emulate VMM is equivalent
};

// One strategy's campaign: what it ran, and the instructions it found divergent.
struct Campaign {
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate;
  fuzz::CampaignResult result;
  std::string findings;                         // the folder its findings are in
  std::map<std::string, fuzz::Found> divergent; // instruction -> one finding (its case file and case)
  std::string error;                            // it could not run
};

// The share of guest instructions the VMM ran directly, over the model's example guests.
struct Efficiency {
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate;
  vmm::Allocation allocation;      // nested: the VMM under itself (Theorem 2)
  std::vector<std::string> guests; // the example programs, as paths
  uint64_t steps = 0;
  vmm::Vmm::Counts counts;
  std::vector<std::string> notes; // a guest that diverged or did not halt, and where
};

// The efficiency of each VMM over the example guests.
struct Efficiencies {
  Efficiency trap_emulate, hybrid;
  std::optional<Efficiency> nested; // the trap-and-emulate VMM under itself (Theorem 2), when asked
  // In the order the outputs print them (nested last, when present).
  std::vector<const Efficiency*> in_order() const;
};

// The fuzz campaign of each VMM.
struct Campaigns {
  Campaign trap_emulate, hybrid;
  // In the order the outputs print them.
  std::vector<const Campaign*> in_order() const { return {&trap_emulate, &hybrid}; }
};

struct Timing {
  std::string part;
  double seconds = 0;
};

struct ModelCheck {
  std::shared_ptr<const model::Model> model;
  prover::Classification classification;
  Campaigns campaigns;
  std::optional<Efficiencies> efficiency; // nullopt: the model has no example guest
  // Theorem 2: the trap-and-emulate VMM under itself, asked of the prover
  // (its verdict is also classification.verdicts.theorem2) and run on the
  // example guests (efficiency->nested).
  std::optional<prover::Nesting> nesting;
  std::vector<std::string> disagreements; // the cross-check's failures, in words
  std::vector<std::string> errors;        // a part that could not run (a campaign, an example guest)
  std::vector<Timing> timings;
  // With Options::trap: the named set, then the smallest set found that
  // makes the model virtualizable (the union of what breaks Theorem 1 and
  // what the trap-and-emulate VMM flags), when it is another set.
  std::vector<WhatIf> whatif;
  size_t witnesses = 0; // the prover's witnesses that were replayed concretely
  bool unknown() const { return classification.any_unknown(); }
};

// Runs every part on the model (`arg`: its bundled name or path, as the fuzz workers load it).
ModelCheck check_model(std::shared_ptr<const model::Model> m, const std::string& arg, const Options& o);

} // namespace popek::check
