// popek disasm MODEL IMAGE: turns a memory image back into assembly source.
#include "asm/disassembler.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

#include <CLI/CLI.hpp>

namespace popek::cli {

namespace {
struct DisasmOptions {
  std::string model, image, out;
};

int run_disasm(const DisasmOptions& o) {
  auto mp = load_model_arg(o.model);
  if (!mp) return kBadInput;
  auto img = load_program(*mp, o.image);
  if (!img) return kBadInput;
  return write_output(o.out, assembler::disassemble(*mp, *img)) ? kOk : kBadInput;
}
} // namespace

void setup_disasm(CLI::App& app, int& rc) {
  auto o = std::make_shared<DisasmOptions>();
  auto* sub = app.add_subcommand("disasm", "Disassemble a memory image (or assembly) into assembly source");
  sub->add_option("MODEL", o->model, "Bundled model name or path of a .isa file")->required();
  sub->add_option("IMAGE", o->image, "Memory image (.img, or - for stdin); assembly source is accepted too")
      ->required();
  sub->add_option("-o,--output", o->out, "Write the source here (atomically) instead of standard output");
  sub->callback([o, &rc] { rc = run_disasm(*o); });
}

} // namespace popek::cli
