// popek check [MODEL...]: the virtualizability atlas. For each model (every
// bundled one by default) the prover's classification and verdicts, a short
// seeded fuzz campaign per VMM strategy, the cross-check between them, and
// the efficiency of the example guests; then a table of all the models.
#include "check/check.hpp"
#include "cli/atlas_print.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/prover_print.hpp"
#include "fuzz/findings.hpp"
#include "lang/load.hpp"
#include "report/report.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace popek::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> models, trap;
  std::string findings = fuzz::default_findings_dir();
  std::string report; // folder of report.json, report.md, report.html ("" for none)
  uint64_t fuzz_runs = 20000, seed = 1;
  ProverArgs prover; // --jobs and --timeout; the VMM's own allocation
};

// A progress line on stderr: live on a terminal, otherwise when the part
// changes and every ten seconds.
class ProgressLine {
public:
  explicit ProgressLine(std::string model) : model_(std::move(model)), tty_(isatty(2)) {}
  ~ProgressLine() {
    if (tty_ && shown_) fmt::print(stderr, "\r\x1b[K");
  }
  void operator()(const std::string& part, size_t done, size_t total) {
    double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    bool changed = part != part_;
    if (!changed && now - last_ < (tty_ ? 0.2 : 10)) return;
    part_ = part;
    last_ = now;
    shown_ = true;
    std::string count = total ? fmt::format(" {}/{}", done, total) : "";
    fmt::print(stderr, "{}[{:6.1f}s] {}: {}{}{}", tty_ ? "\r" : "", now, model_, part, count, tty_ ? "\x1b[K" : "\n");
  }

private:
  std::string model_, part_;
  bool tty_, shown_ = false;
  double last_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Where a model's example guests are: EXAMPLES/NAME/*.s, NAME the model's
// `machine` name. A bundled model's EXAMPLES is the project's examples/
// folder; a model file's is the examples/ folder beside it.
std::string examples_dir(const std::string& arg) {
  namespace fs = std::filesystem;
  lang::ModelRef ref = lang::find_model(arg, models_dir());
  std::error_code ec;
  fs::path folder = fs::weakly_canonical(fs::path(ref.path), ec).parent_path();
  if (ref.bundled || folder == fs::weakly_canonical(models_dir(), ec))
    return (fs::path(models_dir()).parent_path() / "examples").string();
  return (folder / "examples").string();
}

int run_check(const CheckOptions& o) {
  std::vector<std::string> args = o.models;
  if (args.empty())
    for (const std::string& p : bundled_models()) args.push_back(std::filesystem::path(p).stem().string());
  std::vector<std::shared_ptr<const model::Model>> models;
  for (const std::string& a : args) {
    auto m = load_provable(a);
    if (!m) return kBadInput;
    for (const std::string& t : o.trap)
      if (m->find_insn(t) < 0) {
        std::cerr << "popek: --trap " << t << ": model " << m->name << " has no instruction " << t << "\n";
        return kBadInput;
      }
    if (!o.trap.empty() && m->default_trap < 0) {
      std::cerr << "popek: --trap: model " << m->name << " has no default trap to raise\n";
      return kBadInput;
    }
    models.push_back(m);
  }
  // A report folder that cannot be made or written is bad input: said before the check, not after it.
  if (!o.report.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.report, ec);
    if (ec || ::access(o.report.c_str(), W_OK) != 0) {
      std::cerr << "popek: --report " << o.report << ": " << (ec ? ec.message() : std::strerror(errno)) << "\n";
      return kBadInput;
    }
  }
  std::vector<check::ModelCheck> done;
  int rc = kOk;
  for (size_t i = 0; i < models.size(); ++i) {
    const model::Model& m = *models[i];
    check::Options co;
    if (!prover_options(m, o.prover, co.prover)) return kBadInput;
    co.trap = o.trap;
    co.fuzz_runs = o.fuzz_runs;
    co.seed = o.seed;
    co.findings = o.findings;
    co.models_dir = models_dir();
    co.examples_dir = examples_dir(args[i]);
    {
      ProgressLine line(fmt::format("{} ({} of {})", m.name, i + 1, models.size()));
      co.progress = [&](const std::string& part, size_t n, size_t total) { line(part, n, total); };
      done.push_back(check::check_model(models[i], args[i], co));
    }
    const check::ModelCheck& c = done.back();
    fmt::print("{}\n", atlas_block(c));
    std::fflush(stdout);
    if (!c.disagreements.empty())
      rc = kFailed;
    else if (!c.errors.empty() && rc != kFailed)
      rc = kInternal;
    else if (c.unknown() && rc == kOk)
      rc = kInconclusive;
  }
  fmt::print("{}", atlas_table(done));
  std::fflush(stdout);
  std::cerr << "popek: fuzz findings are kept in " << o.findings << "/MODEL/STRATEGY/\n";
  // Whatever the check concluded (disagreement, a part that failed), its findings are written.
  if (!o.report.empty()) {
    auto start = std::chrono::steady_clock::now();
    std::string err;
    if (!report::write_report(o.report, report::prepare(done, models_dir()), err)) {
      std::cerr << "popek: --report: cannot write the report: " << err << "\n";
      return kBadInput;
    }
    std::cerr << fmt::format("popek: report written to {} in {:.2f} s (report.json, report.md, report.html)\n",
                             o.report, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return rc;
}

} // namespace

void setup_check(CLI::App& app, int& rc) {
  auto o = std::make_shared<CheckOptions>();
  auto* sub = app.add_subcommand("check", "The virtualizability atlas: prover, fuzzing and their cross-check on each "
                                          "model (default: every bundled model)");
  sub->add_option("MODEL", o->models, "Bundled model names or paths of .isa files");
  sub->add_option("--trap", o->trap,
                  "What-if hardware: check as if these instructions trapped below the most privileged mode, and "
                  "find the smallest such set that makes the model virtualizable");
  sub->add_option("--fuzz-runs", o->fuzz_runs, "Runs of each strategy's seeded fuzz campaign (default 20000)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--seed", o->seed, "The fuzz campaigns' seed (default 1): a check repeats exactly")
      ->check(CLI::PositiveNumber);
  sub->add_option("--findings", o->findings,
                  "Folder of the campaigns' findings, MODEL/STRATEGY within (default: "
                  "$XDG_STATE_HOME/popek/findings, else ~/.local/state/popek/findings)");
  sub->add_option("--report", o->report,
                  "Also write the results into DIR: report.json (schema popek-report/1, docs/report.md), "
                  "report.md and report.html");
  sub->add_option("--jobs", o->prover.jobs, "Instructions the prover asks about in parallel (default: one per core)")
      ->check(CLI::Range(1u, 256u));
  sub->add_option("--timeout", o->prover.timeout_ms,
                  "Wall-clock limit per prover query in ms (0: none); over it, unknown");
  sub->callback([o, &rc] { rc = run_check(*o); });
}

} // namespace popek::cli
