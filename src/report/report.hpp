// `popek check --report DIR`: the results of a check written for tools
// (report.json, schema "popek-report/1", docs/report.md), for reading as
// text (report.md), and for looking at (report.html: one self-contained page
// with the instruction x property matrix and each flagged instruction's
// witness replayed, native beside the VMM).
//
// The three renderings read one prepared Report, so that the witnesses are
// replayed once and every rendering shows the same thing.
#pragma once

#include "check/check.hpp"
#include "corpus/replay.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace popek::report {

inline constexpr const char* kSchema = "popek-report/1";

// One line of a side-by-side state: a register cell or a memory unit, with
// its value before the step, natively after it and under the VMM after it.
struct StateCell {
  std::string name; // "R", "r[3]", "E[12]"
  std::string before, native, vmm;
  bool differs = false; // native and VMM differ here
  bool changed = false; // the step changed it on either side
  bool key = false;     // the mode or the program counter: always worth showing
};

// A witness case replayed in the lockstep runner, up to its divergence.
struct WitnessStates {
  std::string query;     // the prover's query whose witness it is ("rtu: vmm step (trap-emulate)")
  std::string strategy;  // the VMM the case runs under
  std::string case_text; // the case, in the corpus format
  std::string error;     // it could not be replayed: why (the fields below are then empty)
  bool diverged = false; // false: the run ended without a divergence (then `outcome` says how)
  std::string outcome;   // "equivalence broken at step 1", "equivalent: both halted after 3 steps"
  uint64_t step = 0, pc = 0;
  std::string kind;        // "equivalence", "resource control", "isolation", "allocation"
  std::string instruction; // "rtu 0"
  std::string natively;    // "completed", "trap svc", "halted"
  std::string vmm_how;     // "executed directly, without a trap", ...
  std::string left, right; // what the components compare: "native"/"vmm", "installed"/"after, without a trap", ...
  std::vector<StateCell> components; // what the runner found different (its own comparison)
  std::vector<StateCell> registers;  // every register cell (file entries: those that changed or differ)
  std::vector<StateCell> memory;     // the units the step wrote on either side, and the differing ones
  size_t hidden_entries = 0;         // register file entries left out (unchanged and equal)
};

// Replays `c` (its model found through `models`) and reads both sides' states
// at the divergence. Never throws; a case that cannot run sets `error`.
WitnessStates replay_states(const corpus::Case& c, corpus::ModelCache& models);

// A flagged instruction: the VMM step query of some strategy has a witness
// (trap-and-emulate, hybrid, or, with Theorem 2's evidence, the
// trap-and-emulate VMM under itself: "trap-emulate nested").
struct Flagged {
  int insn = -1;
  std::string name;
  std::vector<std::string> strategies;  // the VMMs it breaks: "trap-emulate", "hybrid", "trap-emulate nested"
  std::vector<std::string> kinds;       // the kinds it shows: "control sensitive", "register sensitive (R.b)", ...
  std::string words;                    // the witness in words of the first kind (else of the VMM step)
  std::vector<WitnessStates> witnesses; // per distinct witness case of its VMM step queries
};

// One column of the instruction x property matrix: the findings of one
// property, in one mode class, for one VMM, over every unit (register
// sensitivity is asked per system unit; the matrix shows one column for all).
// A nested column reads Theorem 2's rows (check::ModelCheck::nesting).
struct Column {
  prover::Property property = prover::Property::Privileged;
  prover::Where where = prover::Where::Any;
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate; // VmmStep only
  bool nested = false;                                    // the VMM under itself
  std::string group;                                      // "control sensitive"
  std::string sub;                                        // "user", "supervisor", "trap-emulate", ""
  std::string title() const { return sub.empty() ? group : group + " (" + sub + ")"; }
};

struct Cell {
  prover::Tri answer = prover::Tri::Unknown;
  bool flagged = false;           // a yes that breaks a VMM (equivalence, resource control, vmm step)
  std::vector<std::string> units; // register sensitivity: the units it holds for
  std::string words;              // the first witness in words behind a yes
};

// The columns the classification's rows contain, in the order of its
// queries, then the nested VMM step when the check has Theorem 2's rows.
std::vector<Column> columns(const check::ModelCheck& mc);
// The cell of instruction `insn` (an index into the model's instructions).
Cell cell(const check::ModelCheck& mc, int insn, const Column& col);

// Coverage of one campaign, on the model's own counters (fuzz/coverage.hpp).
struct Coverage {
  size_t insns = 0, insns_reached = 0, arms = 0, arms_reached = 0, counters = 0, counters_reached = 0;
  std::vector<std::string> never_executed;
};

struct ModelReport {
  const check::ModelCheck* check = nullptr;
  std::vector<Column> columns;
  std::vector<Flagged> flagged;
  std::vector<Coverage> coverage; // one per campaign, in check->campaigns' order
  // "agree", "disagree", "error", "unknown": the same order of precedence as the exit code.
  std::string status() const;
};

struct Report {
  std::vector<ModelReport> models;
};

// Reads what the renderings show; replays every flagged instruction's witness
// (bundled models are found in `models_dir`).
Report prepare(const std::vector<check::ModelCheck>& checks, const std::string& models_dir);

nlohmann::json to_json(const Report& r);
// Theorems 1 and 3 per word (prover::WordAnswer): one object per instruction,
// theorem and reading with an answer other than "no".
nlohmann::json words_json(const prover::Classification& c);
std::string to_markdown(const Report& r);
std::string to_html(const Report& r);

// Writes DIR/report.json, report.md and report.html, each atomically, making
// DIR if needed. False, with `error` naming the file, when one cannot be written.
bool write_report(const std::string& dir, const Report& r, std::string& error);

} // namespace popek::report
