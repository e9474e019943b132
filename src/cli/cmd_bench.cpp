// popek bench fuzz [MODEL...]: the fuzzing figures of docs/fuzzing.md, measured
// on this machine, one core: execs per second of the differential target on
// 16-instruction programs of the first model (default pg), beside libFuzzer's
// rate on an empty target in the same run (the ceiling); then, for each model
// (default: the non-virtualizable pg variants), the time a seeded campaign
// takes to find every instruction the prover's equivalence query flags.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "fuzz/campaign.hpp"
#include "prover/classify.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace popek::cli {

namespace {

struct BenchOptions {
  std::vector<std::string> models;
  double seconds = 5, limit = 60;
  uint64_t seed = 1;
};

bool campaign(fuzz::CampaignOptions& co, const std::string& findings, fuzz::CampaignResult& r) {
  co.session.models_dir = models_dir();
  co.session.findings = findings;
  std::string error;
  if (!fuzz::run_campaign(co, {}, r, error)) {
    std::cerr << "popek: " << error << "\n";
    return false;
  }
  if (r.end == fuzz::CampaignResult::WorkerFailed) {
    std::cerr << "popek: the fuzzing worker failed:\n" << r.log_tail;
    return false;
  }
  return true;
}

int run_bench_fuzz(const BenchOptions& o) {
  namespace fs = std::filesystem;
  std::vector<std::string> models = o.models;
  if (models.empty()) models = {"pg", "pg_jrst", "pg_getmode", "pg_lra"};
  fs::path scratch = fs::temp_directory_path() / fmt::format("popek-bench-{}", ::getpid());
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{scratch};

  // 1. Throughput: 16-instruction programs, and the empty target.
  fuzz::CampaignOptions co;
  co.session.model = models.front();
  co.session.exact_insns = co.session.max_insns = 16;
  co.seconds = o.seconds;
  co.seed = o.seed;
  fuzz::CampaignResult r;
  if (!campaign(co, (scratch / "rate").string(), r)) return kInternal;
  fuzz::CampaignOptions empty = co;
  empty.session.empty = true;
  fuzz::CampaignResult e;
  if (!campaign(empty, (scratch / "empty").string(), e)) return kInternal;
  fmt::print("execs per second, one core, {} s each, seed {}:\n", o.seconds, o.seed);
  fmt::print("  {:<44} {:>12.0f}  ({} runs in {:.1f} s by popek's count)\n",
             fmt::format("{}, 16-instruction programs, trap-emulate", models.front()), r.libfuzzer_rate, r.total.runs,
             r.seconds);
  fmt::print("  {:<44} {:>12.0f}  (the ceiling)\n", "libFuzzer, empty target", e.libfuzzer_rate);

  // 2. Time to find every instruction the prover flags, per model.
  fmt::print("time to find every instruction the prover's equivalence query flags (trap-emulate, seed {}, one core):\n",
             o.seed);
  int rc = kOk;
  for (const std::string& name : models) {
    auto m = load_model_arg(name);
    if (!m) return kBadInput;
    prover::Options po;
    po.models_dir = models_dir();
    po.allocation = vmm::default_allocation(*m);
    po.jobs = 1;
    prover::Classification cl = prover::classify(m, po);
    std::set<std::string> flagged;
    for (const prover::Row& row : cl.rows)
      if (row.answer(prover::Property::Equivalence) == prover::Tri::Yes)
        flagged.insert(m->insns[static_cast<size_t>(row.insn)].name);
    if (flagged.empty()) {
      fmt::print("  {:<12} the prover flags nothing\n", name);
      continue;
    }
    fuzz::CampaignOptions fo;
    fo.session.model = name;
    fo.seconds = o.limit;
    fo.seed = o.seed;
    fo.until_found = flagged;
    fuzz::CampaignResult fr;
    if (!campaign(fo, (scratch / name).string(), fr)) return kInternal;
    for (const std::string& insn : flagged) {
      auto it = fr.first_found.find(insn);
      if (it == fr.first_found.end()) {
        fmt::print("  {:<12} {:<8} not found in {:.0f} s\n", name, insn, o.limit);
        rc = kFailed;
      } else {
        fmt::print("  {:<12} {:<8} {:6.1f} s\n", name, insn, it->second);
      }
    }
  }
  return rc;
}

} // namespace

void setup_bench(CLI::App& app, int& rc) {
  auto* bench = app.add_subcommand("bench", "Measure popek's speed figures on this machine");
  bench->require_subcommand(1);
  auto o = std::make_shared<BenchOptions>();
  auto* sub = bench->add_subcommand("fuzz", "Fuzzing: execs per second, and time to find each flagged instruction");
  sub->add_option("MODEL", o->models, "Models (default: pg pg_jrst pg_getmode pg_lra); the first is used for the rate");
  sub->add_option("--time", o->seconds, "Seconds per rate measurement (default 5)")->check(CLI::PositiveNumber);
  sub->add_option("--limit", o->limit, "Longest search per model, in seconds (default 60)")->check(CLI::PositiveNumber);
  sub->add_option("--seed", o->seed, "Random seed (default 1)")->check(CLI::PositiveNumber);
  sub->callback([o, &rc] { rc = run_bench_fuzz(*o); });
}

} // namespace popek::cli
