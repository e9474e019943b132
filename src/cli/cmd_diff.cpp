// popek diff MODEL PROGRAM: runs a guest natively and under a VMM side by side,
// one instruction at a time, and explains the first divergence.
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/diff_print.hpp"
#include "cli/prover_print.hpp"
#include "cli/state_print.hpp"
#include "diff/setup.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>

namespace popek::cli {

namespace {
struct DiffOptions {
  std::string model, program, strategy = "trap-emulate";
  std::vector<uint64_t> allocation;
  std::vector<std::string> settings;
  bool trace = false, json = false, nested = false;
  uint64_t max_steps = 100000;
};

int run_diff(const DiffOptions& o) {
  auto mp = load_model_arg(o.model);
  if (!mp) return kBadInput;
  const model::Model& m = *mp;
  auto img = load_program(m, o.program);
  if (!img) return kBadInput;
  diff::Options opts;
  opts.strategy = o.strategy == "hybrid" ? vmm::Strategy::Hybrid : vmm::Strategy::TrapAndEmulate;
  opts.allocation =
      o.allocation.empty() ? vmm::default_allocation(m) : vmm::Allocation{o.allocation[0], o.allocation[1]};
  if (o.nested) opts.allocation = vmm::nested_allocation(opts.allocation, m.mems[m.code_mem].size);
  opts.max_steps = o.max_steps;
  std::vector<diff::Setting> settings;
  for (const std::string& s : o.settings) {
    size_t eq = s.find('=');
    diff::Setting st;
    std::string err;
    if (eq == std::string::npos)
      err = "expected NAME=VALUE";
    else
      diff::parse_setting(m, s.substr(0, eq), s.substr(eq + 1), st, err);
    if (!err.empty()) {
      std::cerr << "popek: --set " << s << ": " << err << "\n";
      return kBadInput;
    }
    settings.push_back(st);
  }
  machine::Machine initial(mp);
  std::string err;
  diff::Lockstep ls(mp, opts);
  if (!diff::initial_state(initial, opts.allocation, settings, *img, err) || !ls.start(initial, err)) {
    std::cerr << "popek: " << err << "\n";
    return kBadInput;
  }
  nlohmann::json trace = nlohmann::json::array();
  if (o.trace && !o.json)
    fmt::print("{:>6}  {:<{}}  {:<24} {:<44} | vmm ({})\n", "step", "pc", (m.pc().width + 3) / 4, "instruction",
               "native", vmm::strategy_name(opts.strategy));
  diff::Result r = ls.run([&](uint64_t step, const diff::Lockstep::Step& s) {
    if (!o.trace) return;
    if (o.json) {
      trace.push_back({{"step", step},
                       {"instruction", diff::insn_name(m, s.native)},
                       {"vmm", vmm::how_name(s.vmm.how)},
                       {"native_changes", changes_json(ls.native())}});
    } else {
      fmt::print("{}\n", trace_line(ls, step, s));
    }
  });
  int rc = r.divergence ? kFailed : r.halted ? kOk : kInconclusive;
  if (o.json) {
    nlohmann::json j{{"model", m.name},
                     {"vmm", vmm::strategy_name(opts.strategy)},
                     {"allocation", allocation_json(opts.allocation)},
                     {"steps", r.steps},
                     {"halted", r.halted},
                     {"equivalent", !r.divergence},
                     {"efficiency", r.efficiency()},
                     {"direct", r.counts.direct},
                     {"interpreted", r.counts.interpreted},
                     {"reflected", r.counts.reflected}};
    if (r.divergence) j["divergence"] = divergence_json(m, *r.divergence);
    if (o.trace) j["trace"] = trace;
    std::cout << j.dump(2) << "\n";
    return rc;
  }
  if (r.divergence)
    fmt::print("{}", divergence_report(m, *r.divergence, opts.strategy));
  else if (r.halted)
    fmt::print("equivalent: both halted after {} guest instructions\n", r.steps);
  else
    fmt::print("no divergence in {} guest instructions, but the guest did not halt (raise --max-steps)\n", r.steps);
  fmt::print("efficiency: {:.1f}% executed directly ({} direct, {} interpreted, {} reflected)\n",
             100.0 * r.efficiency(), r.counts.direct, r.counts.interpreted, r.counts.reflected);
  return rc;
}
} // namespace

void setup_diff(CLI::App& app, int& rc) {
  auto o = std::make_shared<DiffOptions>();
  auto* sub =
      app.add_subcommand("diff", "Run a guest natively and under a VMM in lockstep; explain the first divergence");
  sub->add_option("MODEL", o->model, "Bundled model name or path of a .isa file")->required();
  sub->add_option("PROGRAM", o->program, "Assembly source, or a memory image (.img, or - for stdin)")->required();
  sub->add_option("--vmm", o->strategy, "trap-emulate (default) or hybrid")
      ->check(CLI::IsMember({"trap-emulate", "hybrid"}));
  sub->add_option("--allocation", o->allocation, "BASE SIZE: where the guest's storage sits in real memory")
      ->expected(2);
  sub->add_flag("--nested", o->nested,
                "Theorem 2: run the guest under the trap-and-emulate VMM run under itself, in the allocation "
                "popek picks around the VMM's own (docs/vmm.md, section 10)")
      ->excludes(sub->get_option("--vmm"));
  sub->add_option("--set", o->settings, "NAME=VALUE: initial virtual state (R.b=63, mode=user, E[7]=5)");
  sub->add_option("--max-steps", o->max_steps, "Stop after this many guest instructions (default 100000)")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--trace", o->trace, "Side-by-side trace, one line per guest instruction");
  sub->add_flag("--json", o->json, "Print the result as JSON");
  sub->callback([o, &rc] { rc = run_diff(*o); });
}

} // namespace popek::cli
