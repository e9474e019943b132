// Theorem 2 measured, not assumed: the trap-and-emulate VMM run as the guest
// of another copy of itself. The inner VMM's "real machine" is the outer
// VMM's virtual machine, so the guest runs directly on the deprivileging map
// applied twice, its storage at the outer base + the inner base (vmm::
// Allocation's nested form). The nested system is equivalent exactly when
//   - the VMM alone is (the inner VMM's interpreting relies on it, and so
//     does the outer VMM's, which runs the inner VMM's real machine),
//   - the VMM under the VMM accepts every guest the VMM accepts alone
//     (hosting: the outer VMM's `wellformed` holds of every real(V)),
//   - fetching on the map of the map reads the guest's instruction, and
//   - every instruction's trap-and-emulate VMM step on the map of the map
//     matches the native step (a direct run there skips both VMMs).
// docs/prover.md, "Theorem 2", says why these four and no others.
#pragma once

#include "prover/classify.hpp"

namespace popek::prover {

struct Nesting {
  vmm::Allocation allocation; // the nested allocation the queries are about
  Finding hosting, fetch;
  Finding hosts_none;               // proved: the VMM under itself runs no guest, and the nested steps hold vacuously
  std::vector<Finding> presents;    // per mode: some guest the VMM accepts runs in it (a witness shows one)
  std::vector<Row> rows;            // per instruction: the nested trap-and-emulate VMM step
  std::vector<std::string> flagged; // the instructions whose nested step is flagged
  ModelVerdict verdict;             // "Theorem 2"
  std::vector<std::string> internal_errors;
  double seconds = 0;
  unsigned queries = 0;
};

// The nested allocation of the VMM at `single.allocation` (or the model's own
// when that is nullopt), its queries asked `o.jobs` at a time, and the
// verdict, from them and `single`'s trap-and-emulate equivalence.
Nesting theorem2(std::shared_ptr<const model::Model> m, const Classification& single, const Options& o);

} // namespace popek::prover
