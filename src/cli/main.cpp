// popek: decides whether an instruction set can be virtualized by
// trap-and-emulate (Popek & Goldberg, 1974), and shows the evidence.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "fuzz/driver.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  // A worker of `popek fuzz` (src/fuzz/driver.hpp): its arguments are libFuzzer's.
  if (const char* config = std::getenv(popek::fuzz::kWorkerEnv)) return popek::fuzz::run_worker(config, argc, argv);
  CLI::App app{"popek: trap-and-emulate virtualizability of instruction sets (Popek & Goldberg, 1974)"};
  app.require_subcommand(1);
  app.footer("Exit codes: 0 success, 1 did not halt (run) or divergent (diff), 2 bad input,\n"
             "3 inconclusive (diff: no divergence, but the guest did not halt).\n"
             "MODEL is a bundled model's name (see `popek models`) or the path of a .isa file.");
  int rc = popek::cli::kOk;
  popek::cli::setup_models(app, rc);
  popek::cli::setup_show(app, rc);
  popek::cli::setup_run(app, rc);
  popek::cli::setup_asm(app, rc);
  popek::cli::setup_disasm(app, rc);
  popek::cli::setup_diff(app, rc);
  popek::cli::setup_replay(app, rc);
  popek::cli::setup_minimize(app, rc);
  popek::cli::setup_classify(app, rc);
  popek::cli::setup_prove(app, rc);
  popek::cli::setup_fuzz(app, rc);
  popek::cli::setup_bench(app, rc);
  popek::cli::setup_check(app, rc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return popek::cli::kBadInput;
  }
  return rc;
}
