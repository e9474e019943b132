// Reading a witness back: a one-line explanation for people, and — for the
// VMM's obligations — a regression case (docs/corpus.md) that puts the
// witness's virtual state in a VM and runs the instruction once in the
// concrete lockstep runner, expecting the divergence the prover predicts.
#pragma once

#include "prover/prover.hpp"

#include <string>

namespace popek::prover {

// Fills `f.words` (and `f.witness_case` for equivalence, resource control and
// vmm step) from the solver's last witness for `b`.
void explain(const smt::Solver& s, Context& c, const std::shared_ptr<const model::Model>& m, Finding& f,
             const Built& b);

// The instruction word `f` fetched in the solver's last witness, as assembly.
std::string word_text(const smt::Solver& s, const model::Model& m, int insn, const symbolic::Fetch& f);

// Replays a witness case through the concrete runner. True when it diverges
// exactly as the case expects; otherwise `why` says how the two methods
// disagree (an internal error: one of them is wrong).
bool replay_witness(const corpus::Case& wc, const std::string& models_dir, std::string& why);

} // namespace popek::prover
