// The prover: poses each named query of query.hpp for one instruction of a
// model as a Z3 obligation built by symbolic execution of the model's own
// IR, and reads a witness back as words and, for the VMM's obligations, as a
// regression case the concrete lockstep runner replays (witness.hpp).
//
// One Prover owns one Z3 context and solver: queries in parallel use one
// Prover per thread (a Z3 context is not thread-safe).
#pragma once

#include "corpus/case.hpp"
#include "prover/query.hpp"
#include "prover/vm.hpp"
#include "smt/solver.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_set>

namespace popek::prover {

// The name of the fetch obligation (docs/theory.md §6 has it implicitly: every
// instruction-level VMM query assumes it).
inline const std::string kFetchQuery = "fetch: real(V) fetches what V does";
// Theorem 2's precondition for a nested allocation: the VMM under a VMM runs every guest the VMM runs alone.
inline const std::string kHostingQuery = "hosting: the outer VMM accepts every real(V) the inner VMM installs";
inline const std::string kHostsNoneQuery = "hosting: the VMM under itself accepts no guest at all";

struct Finding {
  Query query;
  int insn = -1;    // -1: a query about the whole model (the fetch)
  std::string name; // "rtu: control sensitive (supervisor)"
  smt::Answer answer;
  bool yes = false;  // the property holds (privileged, sensitive, flagged); meaningful unless unknown
  std::string words; // the witness in words, when there is one
  std::optional<corpus::Case> witness_case; // equivalence, resource control, vmm step witnesses
  double seconds = 0;
  std::string follows_from; // proved as part of this query's proof, not asked (classify.hpp, Options::derive)
};

// One side of a comparison: a state, and what the instruction did on it.
struct Side {
  std::string label; // "natively", "under the VMM", "in user mode", ...
  State before;
  Step step;
  State after; // the state the comparison reads (after trap entry, or projected)
};

// A query ready for the solver, with what a witness is read from.
struct Built {
  std::vector<Term> assume;
  Term claim;
  symbolic::Fetch fetch; // the instruction on the first side
  std::vector<Side> sides;
  std::optional<Vm> vm;
  std::optional<Direct> direct; // the VMM's obligations
  std::vector<uint64_t> ignore; // per cell: bits the comparison leaves out
  bool split = true;            // with a VM: pose it as a case split on its expected accesses (Prover::finish)
  std::optional<Term> which;    // a group test (Query::any_of): the index of the unit a witness varied
  // A witness answers the query only where this holds (Path::Direct); elsewhere the whole query is asked.
  std::optional<Term> sound_if;
};

// A VMM obligation (equivalence, vmm step) whole, or only its direct path:
// where real(V) runs the instruction without trapping, the native step must
// not trap either and must end alike. Proved, the direct path proves the
// whole obligation: everywhere else the VMM interprets, and its result is the
// native step's own. It leaves out the trap entry's terms (on x86 the IDT, GDT
// and TSS reads and the pushes: most of a query), so it is asked first.
enum class Path { Whole, Direct };

// An operand value a word query rules out: field `field` (an index into the
// instruction's encoding fields) is not `value`.
struct Ban {
  size_t field = 0;
  uint64_t value = 0;
};

// The answer to a word query (Prover::word): with a witness, one instruction
// word that is sensitive (`sensitive`, its words) and not privileged
// (`unprivileged`), as assembly and as its operand field values.
struct WordWitness {
  Finding sensitive, unprivileged; // both carry the query's answer
  std::string text;
  std::vector<uint64_t> fields;
};

class Prover {
public:
  // Queries about a VM are about the one at `allocation` (the VMM's own
  // choice, as the concrete runner makes it), or, with nullopt, about every
  // allocation at once: a stronger proof, and a much slower one (a base and
  // a size free make each bound a question of symbolic arithmetic).
  Prover(std::shared_ptr<const model::Model> m, smt::Limits limits,
         std::optional<vmm::Allocation> allocation = std::nullopt);

  Finding run(int insn, const Query& q);
  // A group test of register sensitivity (q.unit -1, q.any_of the units):
  // proved means insensitive to every one of them; a witness names one unit
  // (`which`, an index into q.any_of) the instruction is sensitive to, and is
  // that unit's finding (its own query, its witness in words).
  Finding any_register(int insn, const Query& q, size_t& which);
  // One word of `insn` that is sensitive by `sens` and not privileged by
  // `priv` (Privileged or TrapsLeast), operand values in `bans` excluded: one
  // existential query over both builds, their fetched units tied to one word
  // (docs/theory.md §8). Proved: no such word.
  WordWitness word(int insn, const Query& sens, const Query& priv, const std::vector<Ban>& bans);
  // The fetch obligation: wherever real(V) fetches without a trap, it reads
  // what V would (else no instruction-level query means anything).
  Finding run_fetch();
  // With a nested allocation: every V the inner VMM accepts gives a real(V)
  // the outer VMM accepts (a witness: a guest the VMM runs alone but not
  // nested). `none` is then asked whether any V is accepted nested at all:
  // proved, the VMM under itself runs no guest, and every nested query holds
  // vacuously.
  Finding run_hosting(Finding* none = nullptr);
  // Whether the VMM accepts some guest in mode `mode` (an index into the
  // model's modes): a witness is one; proved, it presents no such guest.
  Finding run_presents(size_t mode);
  // The same obligations as standalone SMT-LIB2 scripts (insn -1: the fetch).
  std::string smt2(int insn, const Query& q);
  // Whether the vmm map moves unit `u` by the allocation's base (a relocation register).
  smt::Answer relocates(const Unit& u, bool& yes);

  const model::Model& model() const { return *m_; }

private:
  using Builder = std::function<Built(const Expect&)>;
  // The VM's views assume what `policy` allows (vm.hpp, Expect). A non-empty
  // `tag` goes in front of every variable's name ("w2." gives "w2.S.mode1"),
  // and the unknown memories of the builds before are kept (the caller
  // clears them before the first): two builds with distinct tags can be posed
  // in one solver (a name is one Z3 constant, so untagged they would share
  // their states).
  Built build(int insn, const Query& q, const Expect& policy, Path path = Path::Whole, const std::string& tag = "");
  // The mode register, and the codes of its least (user) and most privileged modes.
  struct Modes {
    unsigned slot = 0, width = 0;
    Term user, top;
  };
  // One builder per property group; `build` dispatches to them.
  Built build_privileged(int insn, const Modes& md, const std::string& tag);
  Built build_traps_least(int insn, const Modes& md, const std::string& tag);
  Built build_control(int insn, const Query& q, const Modes& md, const std::string& tag);
  Built build_mode(int insn, const Modes& md, const std::string& tag);
  Built build_register(int insn, const Query& q, const Modes& md, const std::string& tag);       // one unit
  Built build_register_group(int insn, const Query& q, const Modes& md, const std::string& tag); // q.any_of
  Built build_location(int insn, const Query& q, const Expect& policy, const Modes& md, const std::string& tag);
  Built build_vmm(int insn, const Query& q, const Expect& policy, Path path, const Modes& md, const std::string& tag);
  // Per cell, the bits the vmm map moves by the base: the relocation a
  // location-sensitivity query moves, and nothing else of the map.
  const std::vector<uint64_t>& relocation();
  std::optional<std::vector<uint64_t>> relocation_;
  // Whether `s` is in the modes `w` ranges over.
  Term in_where(Where w, const Modes& md, const State& s);
  Built build_fetch(const Expect& policy);
  void pose(const Built& b);
  std::string query_name(int insn, const Query& q) const;
  smt::Answer solve(Finding& f, const Built& b, std::optional<Term> extra);
  // Proved accesses of one instruction's VM executions (key: instruction and
  // the property whose build makes them), shared by its queries.
  using LemmaKey = std::tuple<int, Property, Path>;
  struct Lemma {
    std::vector<uint32_t> assume;        // term ids of the assumptions it was proved under
    std::vector<uint64_t> reads;         // the unknown memories' reads it assumed consistent
    std::unordered_set<uint32_t> proven; // term ids of the facts it proved
  };
  const Lemma& lemma(const LemmaKey& key, const Builder& build);
  Finding finish(Finding f, const Builder& build, const LemmaKey& key, const Builder& build_any);
  // How often a lemma may doubt more facts before it gives up on the rest.
  static constexpr int kLemmaRounds = 3;

  std::shared_ptr<const model::Model> m_;
  smt::Limits limits_;
  std::optional<vmm::Allocation> allocation_;
  smt::Context c_;
  smt::Solver s_;
  SymbolicMachine sm_;
  std::map<LemmaKey, Lemma> lemmas_;
};

} // namespace popek::prover
