// What every subcommand shares: exit codes, finding a model by name or path,
// reading a program (assembly or image), and reporting bad input.
#pragma once

#include "asm/image.hpp"
#include "machine/machine.hpp"
#include "model/model.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace popek::cli {

// Exit codes (docs/cli.md).
constexpr int kOk = 0;
constexpr int kNotHalted = 1; // `run`: the step budget ran out
constexpr int kFailed = 1;    // `diff`: divergent; `replay`: a case failed
constexpr int kBadInput = 2;
constexpr int kInconclusive = 3; // `diff`: no divergence, but the guest did not halt; prover: an unknown answer
constexpr int kInternal = 4;     // the prover and the concrete runner disagree: a bug in popek

// The folder of bundled models: $POPEK_MODELS, else the source tree's models/.
std::string models_dir();
// Paths of the bundled model files, sorted.
std::vector<std::string> bundled_models();

// Loads MODEL, a bundled model's name (`pg`) or a path to a .isa file. On
// failure prints the diagnostic to stderr and returns null.
std::shared_ptr<const model::Model> load_model_arg(const std::string& arg);

// Reads PROGRAM: an image (`.img`, or `-` for standard input read as an image)
// or assembly source (anything else). Prints the diagnostic and returns nullopt on failure.
std::optional<assembler::Image> load_program(const model::Model& m, const std::string& path);

// Writes the image's units into the machine's code memory.
void load_image(machine::Machine& mc, const assembler::Image& img);

// Writes `text` to `path` atomically, or to standard output for "" or "-".
bool write_output(const std::string& path, const std::string& text);

} // namespace popek::cli
