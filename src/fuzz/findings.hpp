// What a campaign finds: each divergence has a signature (the instruction,
// the kind of divergence, the components that differ, with register-file
// indices and addresses dropped). The first input with a new signature
// becomes a regression case in the findings folder: written at once as found,
// then replaced by its minimized form, each time atomically, so an
// interrupted campaign keeps every finding. The folder is the shared state of
// a campaign's processes: a signature whose file exists is known.
#pragma once

#include "corpus/case.hpp"
#include "diff/lockstep.hpp"
#include "fuzz/input.hpp"

#include <set>
#include <string>
#include <vector>

namespace popek::fuzz {

struct Signature {
  std::string insn;                    // mnemonic, or "(fetch)", "(undefined)"
  std::string kind;                    // as a case says it: "equivalence", "resource-control", "isolation"
  std::vector<std::string> components; // sorted: "mode", "P", "r[*]", "E[*]"
  std::string text() const;            // "rtu equivalence mode,P"
  std::string file_name() const;       // "rtu.equivalence.mode.P.case"
  bool operator<(const Signature& o) const { return text() < o.text(); }
};
Signature signature(const model::Model& m, const diff::Divergence& d);

// What a campaign's target needs to know to write a case.
struct CaseContext {
  std::string model_ref; // as a case names the model: a bundled name or an absolute path
  std::string models_dir;
  vmm::Strategy strategy = vmm::Strategy::TrapAndEmulate;
  vmm::Allocation allocation;
  uint64_t program_at = 0;
};
// The case that replays `in` (its program disassembled where that reassembles
// to the same units), expecting divergence `d` after `steps` steps.
corpus::Case make_case(const model::Model& m, const CaseContext& cx, const Input& in, const diff::Divergence& d);

class Findings {
public:
  // `dir` empty: nothing is written, signatures are still remembered.
  Findings(std::string dir, CaseContext cx) : dir_(std::move(dir)), cx_(std::move(cx)) {}
  // Whether this signature was found before (by this process, or as a file in the folder).
  bool known(const Signature& s);
  // Records a new finding: the case as found, then minimized; `path` is its
  // file ("" without a folder). False with `error` when it cannot be written;
  // true with `error` set when it was kept as found, unminimized (a warning).
  bool record(const model::Model& m, const Signature& s, const Input& in, const diff::Divergence& d, std::string& path,
              std::string& error);

private:
  std::string dir_;
  CaseContext cx_;
  std::set<std::string> seen_;
};

// Where `popek fuzz` and `popek check` keep findings unless told otherwise:
// the user's state folder, $XDG_STATE_HOME/popek/findings or else
// $HOME/.local/state/popek/findings, so that a campaign never litters the
// working directory and its findings outlive it. "findings" (relative) only
// when neither variable is set.
std::string default_findings_dir();

// A finding read back from a folder, for the campaign's summary.
struct Found {
  std::string path;
  corpus::Case c;
};
// Every *.case file of `dir`, by file name; unreadable ones are reported in `errors`.
std::vector<Found> read_findings(const std::string& dir, std::vector<std::string>& errors);

} // namespace popek::fuzz
