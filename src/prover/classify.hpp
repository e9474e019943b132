// Classifying a whole model (issue 4, §3): every query of every instruction,
// in parallel when asked, then the per-instruction answers and the model's
// verdicts (Theorem 1, Theorem 3, trap-and-emulate and hybrid equivalence),
// with every witness of the VMM's obligations replayed through the concrete
// lockstep runner (docs/theory.md §6, cross-validation).
#pragma once

#include "prover/prover.hpp"
#include "prover/words.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace popek::prover {

struct Classification;

struct Options {
  smt::Limits limits;
  std::optional<vmm::Allocation> allocation; // the VM the queries are about; nullopt: every allocation
  unsigned jobs = 1;
  std::string models_dir; // where cases find bundled models (witness replay)
  bool replay_witnesses = true;
  // Take a query a proved VMM step contains as proved by it (Finding::follows_from)
  // rather than ask it again; false asks every query.
  bool derive = true;
  // Called after each query is answered (or derived), from the worker
  // threads one at a time: the finding, and how many of `total` are done.
  std::function<void(const Finding&, size_t done, size_t total)> progress;
  // A what-if model (model::with_traps) classified from its original's
  // classification `base`: only the instructions `only` are asked; the
  // others, the fetch and the relocation keep `base`'s answers, since their
  // semantics did not change.
  const Classification* base = nullptr;
  std::vector<int> only;
};

// A finding's answer: yes, no, or unknown when no solver answered it.
Tri of(const Finding& f);

struct Row {
  int insn = -1;
  std::vector<Finding> findings; // in the order of queries_for()

  // The answer for a query (Unknown if it was not asked or not answered).
  Tri answer(Property p, Where w = Where::Any, int unit = -1, vmm::Strategy s = vmm::Strategy::TrapAndEmulate) const;
  Tri privileged() const { return answer(Property::Privileged); }
  Tri traps_least() const { return answer(Property::TrapsLeast); }
  Tri control(Where w = Where::Any) const { return answer(Property::Control, w); }
  Tri mode() const { return answer(Property::Mode); }
  Tri location(Where w = Where::Any) const { return answer(Property::Location, w); }
  Tri register_sensitive(Where w = Where::Any) const { return answer(Property::Register, w); }
  Tri sensitive() const;      // control, mode, location or register sensitive
  Tri user_sensitive() const; // control, location or register sensitive in user mode
  Tri flagged(vmm::Strategy s) const { return answer(Property::VmmStep, Where::Any, -1, s); }
  // The first finding of `p` that holds with a witness in words; with
  // `user_only`, not one about supervisor modes (for an instruction only the
  // hybrid VMM flags: it interprets the other modes).
  const Finding* witness(Property p, bool user_only = false) const;
};

struct ModelVerdict {
  std::string name; // "Theorem 1", "Theorem 3", "trap-and-emulate equivalence", "hybrid equivalence"
  Tri holds = Tri::Unknown;
  std::vector<std::string> against; // the instructions that break it
  std::string statement;            // what holding means, in words
  // The instructions ("(fetch)", ...) whose answers it needs and has not:
  // with none against it, they make it unknown.
  std::vector<std::string> unanswered;
  // Not decided, and why (holds is then unknown): the question is about the
  // machine, and the model's VMM presents less than the machine (Theorem 2).
  std::string undecided;
};

// The model's verdicts, by name.
struct Verdicts {
  // Theorems 1 and 3 per instruction word: by what the proof uses (the
  // word traps in the least privileged mode), and by the paper's letter.
  ModelVerdict theorem1, theorem3, trap_emulate, hybrid;
  ModelVerdict theorem1_letter, theorem3_letter;
  std::optional<ModelVerdict> theorem2; // popek check only (the VMM under itself)
  // In the order the outputs print them: the literal readings after the others, theorem2 last (when present).
  std::vector<const ModelVerdict*> in_order() const;
};

struct Classification {
  std::shared_ptr<const model::Model> model;
  std::vector<Unit> units;       // system units
  std::vector<Tri> relocated;    // per unit: the vmm map moves it by the base
  Finding fetch;                 // the fetch obligation
  std::vector<Row> rows;         // one per instruction
  std::vector<WordAnswer> words; // Theorems 1 and 3 per word: per instruction, each theorem under each reading
  Verdicts verdicts;
  std::vector<std::string> explanations;     // where Theorem 1 (3) and equivalence disagree, why
  std::vector<std::string> internal_errors;  // the prover and the concrete runner disagree
  std::optional<vmm::Allocation> allocation; // the VM the queries were about (nullopt: every one)
  double seconds = 0;
  unsigned queries = 0;

  bool any_unknown() const;
};

// The queries asked of every instruction of `m`.
std::vector<Query> queries_for(const model::Model& m, const std::vector<Unit>& units,
                               const std::vector<Tri>& relocated);

// Runs `queries` on every instruction, `o.jobs` at a time; witnesses that do
// not replay as predicted are added to `internal_errors`.
std::vector<Row> run_queries(std::shared_ptr<const model::Model> m, const std::vector<Query>& queries, const Options& o,
                             std::vector<std::string>& internal_errors);

Classification classify(std::shared_ptr<const model::Model> m, const Options& o);

} // namespace popek::prover
