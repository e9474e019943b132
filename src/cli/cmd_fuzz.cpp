// popek fuzz MODEL: a coverage-guided differential fuzz campaign (libFuzzer)
// that hunts for non-trapping sensitive instructions and VMM bugs: each input
// is a guest and its initial virtual state, run natively and under the VMM in
// lockstep. Findings are minimized regression cases; the summary names each
// flagged instruction and the model coverage reached (docs/fuzzing.md).
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "fuzz/campaign.hpp"
#include "fuzz/findings.hpp"
#include "fuzz/mutator.hpp"
#include "vmm/vmm.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>

namespace popek::cli {

namespace {

struct FuzzOptions {
  std::string model, strategy = "trap-emulate", corpus, json;
  std::string findings = fuzz::default_findings_dir();
  std::vector<uint64_t> allocation;
  double seconds = 0;
  uint64_t runs = 0, seed = 0, max_steps = 0;
  unsigned jobs = 1, max_insns = 32;
  bool strict = false, verbose = false, dict = false, quiet = false;
};

std::string rate(double per_s) {
  return per_s >= 1e6   ? fmt::format("{:.2f}M", per_s / 1e6)
         : per_s >= 1e3 ? fmt::format("{:.0f}k", per_s / 1e3)
                        : fmt::format("{:.0f}", per_s);
}

std::string coverage_line(const fuzz::CoverageMap& map, const fuzz::Stats& s) {
  size_t arms = 0;
  for (size_t i = 0; i < map.arms() && i < s.seen.size(); ++i) arms += s.seen[i] != 0;
  return fmt::format("{}/{} arms", arms, map.arms());
}

// The campaign for tools: every finding, and every coverage counter by name, reached or never.
nlohmann::json summary_json(const model::Model& m, const fuzz::CampaignResult& r) {
  fuzz::CoverageMap map(m);
  const fuzz::Stats& t = r.total;
  nlohmann::json j{{"model", m.name},
                   {"seconds", r.seconds},
                   {"runs", t.runs},
                   {"rejected", t.rejected},
                   {"outgrown", t.outgrown},
                   {"divergent", t.divergent},
                   {"interrupted", r.end == fuzz::CampaignResult::Interrupted},
                   {"strict_stop", r.end == fuzz::CampaignResult::StrictStop}};
  j["findings"] = nlohmann::json::array();
  for (const fuzz::Found& f : r.findings)
    j["findings"].push_back({{"insn", f.c.expect.insn},
                             {"kind", f.c.expect.kind},
                             {"components", f.c.expect.components},
                             {"case", f.path},
                             {"new", r.new_findings.count(f.path) > 0}});
  nlohmann::json reached = nlohmann::json::array(), never = nlohmann::json::array();
  for (uint32_t c = 0; c < map.size(); ++c) (c < t.seen.size() && t.seen[c] ? reached : never).push_back(map.name(c));
  fuzz::CoverageReport cr = fuzz::coverage_report(m, map, t.seen);
  j["coverage"] = {{"instructions", cr.insns},
                   {"instructions_executed", cr.insns_reached},
                   {"arms", cr.arms},
                   {"arms_taken", cr.arms_reached},
                   {"never_executed", cr.never_executed},
                   {"reached", reached},
                   {"never", never}};
  return j;
}

// The summary for people, on `out` (stderr when the JSON takes standard output).
int print_summary(std::FILE* out, const model::Model& m, const fuzz::CampaignResult& r, const std::string& dir) {
  fuzz::CoverageMap map(m);
  const fuzz::Stats& t = r.total;
  const char* ended = r.end == fuzz::CampaignResult::Interrupted  ? ", interrupted"
                      : r.end == fuzz::CampaignResult::StrictStop ? ", stopped at a divergence (--strict)"
                                                                  : "";
  fmt::print(out, "campaign: {:.1f} s, {} runs ({}/s){}\n", r.seconds, t.runs, rate(t.runs / std::max(r.seconds, 1e-9)),
             ended);
  fmt::print(out,
             "  {} rejected (ill-formed initial virtual state), {} outgrew the VM's storage (allocation, not a "
             "finding), {} divergent\n",
             t.rejected, t.outgrown, t.divergent);
  // One line per finding, grouped by instruction: the instructions the campaign flags.
  std::map<std::string, std::vector<const fuzz::Found*>> by_insn;
  for (const fuzz::Found& f : r.findings)
    if (f.c.expect.divergent) by_insn[f.c.expect.insn].push_back(&f);
  if (by_insn.empty()) {
    fmt::print(out, "flagged instructions: none\n");
  } else {
    fmt::print(out, "flagged instructions ({}), each with its divergences and minimized case:\n", by_insn.size());
    for (const auto& [insn, fs] : by_insn)
      for (const fuzz::Found* f : fs)
        fmt::print(out, "  {:<10} {:<17} in {:<20} {}{}\n", insn, f->c.expect.kind,
                   fmt::join(f->c.expect.components, ","), f->path, r.new_findings.count(f->path) ? "  (new)" : "");
  }
  // Findings outlive the campaign (docs/fuzzing.md), so say where they are.
  fmt::print(out, "findings folder: {}\n", dir);
  for (const std::string& b : r.bad_findings) fmt::print(stderr, "popek: unreadable finding: {}\n", b);
  fmt::print(out, "{}", fuzz::format_report(fuzz::coverage_report(m, map, t.seen)));
  if (r.end == fuzz::CampaignResult::WorkerFailed) {
    fmt::print(stderr, "popek: the fuzzing worker failed (exit status {}); its last output:\n{}", r.worker_status,
               r.log_tail);
    return kInternal;
  }
  if (r.end == fuzz::CampaignResult::StrictStop) return kFailed;
  return kOk;
}

int run_fuzz(const FuzzOptions& o) {
  auto m = load_model_arg(o.model);
  if (!m) return kBadInput;
  if (o.dict) {
    fmt::print("{}", fuzz::dictionary(*m));
    return kOk;
  }
  fuzz::CampaignOptions co;
  fuzz::SessionConfig& sc = co.session;
  sc.model = o.model;
  sc.models_dir = models_dir();
  sc.strategy = o.strategy == "hybrid" ? vmm::Strategy::Hybrid : vmm::Strategy::TrapAndEmulate;
  if (!o.allocation.empty()) sc.allocation = vmm::Allocation{o.allocation[0], o.allocation[1]};
  std::string error;
  if (!vmm::usable(*m, sc.allocation.value_or(vmm::default_allocation(*m)), error)) {
    std::cerr << "popek: " << error << "\n";
    return kBadInput;
  }
  sc.max_steps = o.max_steps;
  sc.max_insns = o.max_insns;
  sc.findings = o.findings;
  sc.strict = o.strict;
  co.seconds = o.seconds;
  co.runs = o.runs;
  co.jobs = o.jobs;
  co.corpus = o.corpus;
  co.seed = o.seed;
  co.verbose = o.verbose;
  fuzz::CoverageMap map(*m);
  const bool tty = isatty(2);
  fmt::print(stderr, "popek fuzz {}: {} VMM, {} job{}{}, findings in {}/\n", m->name, o.strategy, o.jobs,
             o.jobs == 1 ? "" : "s", o.seed ? fmt::format(", seed {}", o.seed) : "", o.findings);
  double last_line = 0;
  auto progress = [&](const fuzz::Progress& p) {
    if (o.quiet) return;
    // A live line on a terminal; otherwise a line every ten seconds.
    if (!tty && p.elapsed - last_line < 10) return;
    last_line = p.elapsed;
    std::string line =
        fmt::format("[{:6.1f}s] {} runs, {}/s, coverage {}, findings {}", p.elapsed, p.total.runs,
                    rate(p.total.runs / std::max(p.elapsed, 1e-9)), coverage_line(map, p.total), p.findings);
    fmt::print(stderr, "{}{}{}", tty ? "\r" : "", line, tty ? "\x1b[K" : "\n");
  };
  fuzz::CampaignResult r;
  if (!fuzz::run_campaign(co, progress, r, error)) {
    std::cerr << "popek: " << error << "\n";
    return kBadInput;
  }
  if (tty && !o.quiet) fmt::print(stderr, "\n");
  if (!o.json.empty() && !write_output(o.json, summary_json(*m, r).dump(2) + "\n")) return kBadInput;
  return print_summary(o.json == "-" ? stderr : stdout, *m, r, o.findings);
}

} // namespace

void setup_fuzz(CLI::App& app, int& rc) {
  auto o = std::make_shared<FuzzOptions>();
  auto* sub = app.add_subcommand("fuzz", "Differential fuzz campaign (libFuzzer): native against the VMM, in lockstep");
  sub->add_option("MODEL", o->model, "Bundled model name or path of a .isa file")->required();
  sub->add_option("--vmm", o->strategy, "trap-emulate (default) or hybrid")
      ->check(CLI::IsMember({"trap-emulate", "hybrid"}));
  sub->add_option("--allocation", o->allocation, "BASE SIZE: where the guest's storage sits in real memory")
      ->expected(2);
  sub->add_option("--time", o->seconds, "Stop after this many seconds (default: until interrupted)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--runs", o->runs, "Stop after this many runs")->check(CLI::PositiveNumber);
  sub->add_option("--jobs", o->jobs, "Fuzzing processes (libFuzzer's fork mode when more than one)")
      ->check(CLI::Range(1u, 256u));
  sub->add_option("--corpus", o->corpus, "Folder of kept inputs, read at the start and grown (default: temporary)");
  sub->add_option("--findings", o->findings,
                  "Folder of findings, one minimized case each (default: $XDG_STATE_HOME/popek/findings, else "
                  "~/.local/state/popek/findings)");
  sub->add_option("--seed", o->seed, "Random seed: with --runs and one job a campaign repeats exactly")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-steps", o->max_steps, "Guest instructions per run (default: 1 per program unit, plus 8)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-insns", o->max_insns, "Longest guest program the mutator writes (default 32)")
      ->check(CLI::Range(1u, 4096u));
  sub->add_flag("--strict", o->strict, "Stop at the first divergence (for a model expected to be virtualizable)");
  sub->add_flag("--verbose", o->verbose, "Show libFuzzer's own output");
  sub->add_flag("--quiet", o->quiet, "No progress line");
  sub->add_option("--json", o->json,
                  "Also write the summary as JSON to FILE: findings, and every coverage counter, reached or never");
  sub->add_flag("--dict", o->dict, "Print the model's libFuzzer dictionary of encodings and exit");
  sub->callback([o, &rc] { rc = run_fuzz(*o); });
}

} // namespace popek::cli
