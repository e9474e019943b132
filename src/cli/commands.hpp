// Each subcommand lives in its own cmd_*.cpp: an options struct, a setup
// function that registers it, and a run function. main() only registers them.
#pragma once

namespace CLI {
class App;
}

namespace popek::cli {

// Each setup_* adds one subcommand; its callback stores the exit code in `rc`.
void setup_models(CLI::App& app, int& rc);
void setup_show(CLI::App& app, int& rc);
void setup_run(CLI::App& app, int& rc);
void setup_asm(CLI::App& app, int& rc);
void setup_disasm(CLI::App& app, int& rc);
void setup_diff(CLI::App& app, int& rc);
void setup_replay(CLI::App& app, int& rc);
void setup_minimize(CLI::App& app, int& rc);
void setup_classify(CLI::App& app, int& rc);
void setup_prove(CLI::App& app, int& rc);
void setup_fuzz(CLI::App& app, int& rc);
void setup_bench(CLI::App& app, int& rc);
void setup_check(CLI::App& app, int& rc);

} // namespace popek::cli
