// The execution context both engines of the reference machine run routines
// in: the interpreter (exec.cpp) and the native code generated ahead of time
// from bundled models (src/native/). It is plain data, so generated code needs
// nothing else from the machine.
#pragma once

#include "machine/semantics.hpp"

#include <cstddef>
#include <cstdint>

namespace popek::machine {

// One location changed by the last step, with its value before.
struct Change {
  bool memory;  // false: a register cell
  uint64_t loc; // register cell, or index into all memories (see Machine::locate)
  uint64_t before;
};

struct Context {
  uint64_t* regs = nullptr; // register cells, in slot order
  uint64_t* mem = nullptr;  // every memory, one after another
  Change* log = nullptr;    // writes of the current step, for rollback and traces
  size_t log_n = 0;
  const uint64_t* fields = nullptr; // operand fields of the instruction being executed
  uint64_t params[2] = {0, 0};      // fetch: the offset; trap entry: cause code, argument
  uint64_t result = 0;              // fetch: the fetched unit
  uint64_t trap_cause = 0;          // index into the model's traps
  uint64_t trap_arg = 0;
  bool trap_memory = false;
  bool pc_written = false;
  // Null, or one counter per arm of the model's branches (model/branches.hpp),
  // bumped as arms run: the fuzzer's view of paths through the semantics.
  uint8_t* cov = nullptr;
};

// What a routine returns.
enum Status : int { kDone = 0, kTrap = 1, kHalt = 2 };

using NativeFn = int (*)(Context&);

// A model compiled to C++ at build time, found by the hash of its source text.
struct NativeModel {
  const char* name;
  uint64_t source_hash;
  NativeFn fetch;
  NativeFn trap_entry;
  const NativeFn* insns;
  size_t ninsns;
};

// The native model whose source text hashes to `source_hash`, or null.
const NativeModel* find_native(uint64_t source_hash);

} // namespace popek::machine
