// Helpers shared by the tests: loading models and programs with assertions.
#pragma once

#include "asm/image.hpp"
#include "machine/machine.hpp"
#include "model/model.hpp"

#include <memory>
#include <string>

namespace popek::test {

// Absolute path of a file in the source tree, e.g. path("models/pg.isa").
std::string path(const std::string& rel);
std::string read(const std::string& rel);

// Loads a model; a failure is a test failure (the returned pointer is then null).
std::shared_ptr<const model::Model> load(const std::string& rel);
std::shared_ptr<const model::Model> load_text(const std::string& text, const std::string& name = "test.isa");
// The diagnostic for a model that must be rejected ("" if it loaded).
std::string load_error(const std::string& text, const std::string& name = "test.isa");

// Assembles; a failure is a test failure.
assembler::Image assemble(const model::Model& m, const std::string& text, const std::string& name = "test.s");
std::string assemble_error(const model::Model& m, const std::string& text, const std::string& name = "test.s");

// A machine with the program loaded.
machine::Machine machine_with(std::shared_ptr<const model::Model> m, const std::string& program);

// Runs the popek binary with `args` (a shell-quoted string), in the source tree.
struct CliResult {
  int rc = -1;
  std::string out, err;
};
CliResult run_popek(const std::string& args, const std::string& stdin_text = "");

} // namespace popek::test
