// A regression case: plain text, one directive per line (docs/corpus.md).
//
//   # what the case shows
//   model pg                       a bundled model, or a path relative to the case
//   vmm trap-emulate               or hybrid
//   allocation 256 512             optional: base and size of the guest's storage
//                                  (or 128 256 inside 256 512: a VMM under a VMM)
//   max-steps 1000                 optional
//   state                          optional: where the initial virtual state differs
//     mode = user                  from the VM's reset state
//     E[7] = 5
//   program                        the guest, in assembly (indented lines)
//     start:  li 5, 7
//   expect equivalent              or: expect divergent at rtu in mode [kind equivalence]
#pragma once

#include "util/diag.hpp"
#include "vmm/allocator.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace popek::corpus {

struct Expectation {
  bool divergent = false;
  std::string insn;                    // the instruction's mnemonic in the model
  std::vector<std::string> components; // "mode", "R", "r[3]", "E[12]", "halt"
  std::string kind;                    // "" (any), "equivalence", "resource-control", "isolation", "allocation"
};

struct StateLine {
  std::string name, value;
  Loc loc; // of the name
};

struct Case {
  std::string path;
  std::string comment; // the leading comment lines, without '#'
  std::string model;   // as written
  Loc model_loc;
  std::string strategy = "trap-emulate";
  std::optional<vmm::Allocation> allocation;
  Loc allocation_loc;
  uint64_t max_steps = 10000;
  std::vector<StateLine> state;
  std::string program;
  int program_line = 0; // the file line of the program's first line
  Expectation expect;
  Loc expect_loc;
};

// Parses a case; throws InputError (`file:line:col: message`) on a malformed one.
Case parse_case(const std::string& path, const std::string& text);
// The text of a case, in the same format.
std::string write_case(const Case& c);
// "equivalent" or "divergent at rtu in mode kind equivalence".
std::string describe(const Expectation& e);

} // namespace popek::corpus
