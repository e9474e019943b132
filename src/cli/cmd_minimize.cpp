// popek minimize CASE -o OUT: shrinks a divergent case by delta debugging,
// keeping the same divergence, and writes the result atomically.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "corpus/minimize.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>

namespace popek::cli {

namespace {
struct MinimizeOptions {
  std::string input, output;
  unsigned max_runs = 20000;
};

int run_minimize(const MinimizeOptions& o) {
  std::string err;
  std::optional<corpus::Case> c = corpus::load_case(o.input, err);
  if (!c) {
    std::cerr << err << "\n";
    return kBadInput;
  }
  corpus::ModelCache models(models_dir());
  corpus::Case out;
  corpus::MinimizeStats st;
  if (!corpus::minimize(*c, models, out, st, err, o.max_runs)) {
    std::cerr << err << "\n";
    return kBadInput;
  }
  if (!write_output(o.output, corpus::write_case(out))) return kBadInput;
  std::cerr << fmt::format("minimized in {} runs{}: program {} -> {} lines, state {} -> {} lines, max-steps {} -> {}\n",
                           st.runs, st.runs >= o.max_runs ? " (run budget reached)" : "", st.lines_before,
                           st.lines_after, st.state_before, st.state_after, st.steps_before, st.steps_after);
  return kOk;
}
} // namespace

void setup_minimize(CLI::App& app, int& rc) {
  auto o = std::make_shared<MinimizeOptions>();
  auto* sub = app.add_subcommand("minimize", "Shrink a divergent case, keeping the same divergence");
  sub->add_option("CASE", o->input, "The case file")->required();
  sub->add_option("-o,--output", o->output, "Where to write the smaller case (default: standard output)");
  sub->add_option("--max-runs", o->max_runs, "Give up shrinking after this many lockstep runs (default 20000)")
      ->check(CLI::PositiveNumber);
  sub->callback([o, &rc] { rc = run_minimize(*o); });
}

} // namespace popek::cli
