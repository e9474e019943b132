// The symbolic virtual machine (docs/theory.md §5): a virtual state V, a VM
// allocation (base, size), and real(V), the state the real machine runs in
// while the guest executes directly. Guest storage is a window
// [base, base+size) of real code memory with the VMM's own fill around it,
// exactly as the concrete VMM lays it out (src/vmm), so a witness found here
// replays there.
#pragma once

#include "symbolic/machine.hpp"
#include "vmm/allocator.hpp"

#include <memory>
#include <optional>

namespace popek::prover {

using smt::Context;
using smt::Term;
using symbolic::State;
using symbolic::Step;
using symbolic::SymbolicMachine;

// What a VM's storage views expect: that an access which matters lands where
// a correct VMM puts it (inside the window for real(V), below `size` for V).
// Each access records its fact, in order. Where the views may assume it, they
// also leave the other case (the fill, the zero) out of the terms. A query is
// then a case split (Prover::finish): assuming the facts, native and direct
// execution become the same terms and simplify away; a second, small query
// asks whether the facts can fail at all. No answer changes, only the work.
struct Expect {
  bool assume = false;
  std::vector<bool> doubted; // by access: do not assume it (its fact failed once)
  std::vector<Term> facts;   // by access

  // Records an access's fact; whether the view may assume it.
  bool expect(Term fact) {
    size_t k = facts.size();
    facts.push_back(fact);
    return assume && !(k < doubted.size() && doubted[k]);
  }
  // The facts of the accesses assumed.
  Term assumed(Context& c) const;
};

struct Vm {
  State v;         // the virtual state; guest storage reads 0 at and above `size`
  Term base, size; // the allocation, of the vmm parameters' widths
  Term window;     // where the storage lies in real memory: `base`, or nested the outer base + `base`
  Term wf;         // the allocation fits in memory and V is well formed for it: `alone` and `hosted`
  Term alone;      // the same for the allocation alone (nested: the inner one, inside the outer one)
  Term hosted;     // nested: the outer VMM accepts as its guest what the inner one installs (else true)
  State real;      // real(V): the map's system state and mode, storage in the window
  State installed; // nested: what the inner VMM installs, the outer VMM's guest (the map of V, once)
  std::optional<vmm::Allocation> allocation; // the allocation, when it is a given one
  std::shared_ptr<Expect> expect;
};

// A free virtual state (named `prefix.R`, ...) in the VM at `allocation`, or
// at every allocation at once (nullopt: base and size free), its views
// assuming what `policy` allows (its facts are not copied). A nested
// allocation (Theorem 2) gives real(V) as the map of the map of V, and `wf`
// also asks the outer VMM to accept what the inner one installs.
Vm make_vm(SymbolicMachine& sm, const std::string& prefix, const Expect& policy,
           const std::optional<vmm::Allocation>& allocation);

// The paper's relocated state r ⊕ x, for location sensitivity: V's own
// state, but for the relocation bits (per cell: the bits the map moves by the
// base), taken from the map, and its storage moved up by the base, the same
// contents at every relative address. Nothing else of the VMM's map enters:
// whether an instruction is location sensitive is a question about the
// machine (docs/theory.md §2), and a machine that cannot relocate (no
// relocation bits, base 0) relocates every state to itself.
State relocated(SymbolicMachine& sm, const Vm& vm, const std::vector<uint64_t>& relocation);
// `s` with its relocation bits replaced by what the map makes of them: the
// in-place result, relocated, to compare with the relocated run's.
State relocate_bits(SymbolicMachine& sm, const Vm& vm, const State& s, const std::vector<uint64_t>& relocation);
// The relocated run's result read relatively: its storage writes at real
// address y are the guest's writes at y - base.
State unrelocated(SymbolicMachine& sm, const Vm& vm, const State& after);

// What direct execution on real(V) does to the VM: the projection back to a
// virtual state (ordinary state and guest storage from the real machine,
// system state and mode as the VMM holds them) and the VMM properties it breaks.
struct Direct {
  State projected;
  Term resource;                    // the real system state or mode changed
  Term isolation;                   // a write landed outside the window
  std::vector<Term> resource_cells; // per cell: its real system bits changed
  std::vector<Term> outside;        // per write of the code memory: it landed outside
};
Direct project(SymbolicMachine& sm, const Vm& vm, const State& real_after);

// Whether a real address lies in the window [base, base+size) (a boolean),
// and the guest's address of a real one inside it.
Term in_window(Context& c, Term base, Term size, Term real_addr);
Term guest_address(Context& c, Term base, Term real_addr);

// Equality of two states that start from the same memories: every register
// cell (bits in `ignore[cell]` excepted), and every memory at every address
// either side wrote.
Term same_state(Context& c, const State& a, const State& b, const std::vector<uint64_t>& ignore = {});

// The system bits of each register cell (every bit of the mode).
std::vector<uint64_t> system_masks(const model::Model& m);

} // namespace popek::prover
