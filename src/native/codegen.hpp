// Generates C++ from a model's typed IR: one function per routine, values in
// C++ locals, the operations' semantics taken from machine/semantics.hpp. The
// reference machine runs the result for bundled models (it is far faster than
// interpreting); a test checks both engines agree on every instruction.
#pragma once

#include "model/model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace popek::native {

// The C++ source for model `m`, registered as `ident` (a C identifier).
std::string generate(const model::Model& m, uint64_t source_hash, const std::string& ident);
// The registry that maps source hashes to every generated model.
std::string generate_registry(const std::vector<std::string>& idents);

} // namespace popek::native
