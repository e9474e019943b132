// popek asm MODEL PROGRAM.s: assembles to the memory-image text format.
#include "cli/commands.hpp"
#include "cli/common.hpp"

#include <CLI/CLI.hpp>

namespace popek::cli {

namespace {
struct AsmOptions {
  std::string model, program, out;
};

int run_asm(const AsmOptions& o) {
  auto mp = load_model_arg(o.model);
  if (!mp) return kBadInput;
  auto img = load_program(*mp, o.program);
  if (!img) return kBadInput;
  return write_output(o.out, assembler::write_image(*mp, *img)) ? kOk : kBadInput;
}
} // namespace

void setup_asm(CLI::App& app, int& rc) {
  auto o = std::make_shared<AsmOptions>();
  auto* sub = app.add_subcommand("asm", "Assemble a program into a memory image");
  sub->add_option("MODEL", o->model, "Bundled model name or path of a .isa file")->required();
  sub->add_option("PROGRAM", o->program, "Assembly source")->required();
  sub->add_option("-o,--output", o->out, "Write the image here (atomically) instead of standard output");
  sub->callback([o, &rc] { rc = run_asm(*o); });
}

} // namespace popek::cli
